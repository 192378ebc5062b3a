import type { ComponentType } from 'react';
import type { Role } from './api/types.ts';
import type { MessageKey } from './i18n/translate.ts';
import { matchPath } from './lib/route-match.ts';
import { Audit } from './pages/admin/Audit.tsx';
import { Keys } from './pages/admin/Keys.tsx';
import { Measures } from './pages/admin/Measures.tsx';
import { WebhookDeliveries, Webhooks } from './pages/admin/Webhooks.tsx';
import { Commitments } from './pages/commitments/Commitments.tsx';
import { Report } from './pages/commitments/Report.tsx';
import { Entries } from './pages/Entries.tsx';
import { EntryNew } from './pages/EntryNew.tsx';
import { EntryView } from './pages/EntryView.tsx';
import { Import } from './pages/Import.tsx';
import { Objections } from './pages/Objections.tsx';
import { PublicQuery } from './pages/PublicQuery.tsx';
import { Repairs } from './pages/Repairs.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Stats } from './pages/stats/Stats.tsx';

export interface RouteDef {
  /** Relative to /console/, ":name" for a parameter; "" is the public query page. */
  path: string;
  component: ComponentType<{ params: Record<string, string> }>;
  /** Who may open it; null = anyone, signed in or not. */
  roles: Role[] | null;
  /** Shown in the navigation with this label (only to the roles above). */
  nav?: MessageKey;
}

const DEPARTMENT: Role[] = ['designator', 'admin'];
/** Keys that decide (and so may record commitments and make reports). */
const DECIDING: Role[] = ['implementer', 'designator', 'admin'];

/** Every view of the console; a new page is one line here plus its component. */
export const ROUTES: RouteDef[] = [
  { path: '', component: PublicQuery, roles: null, nav: 'nav.public' },
  { path: 'sign-in', component: SignIn, roles: null },
  { path: 'entries', component: Entries, roles: DEPARTMENT, nav: 'nav.entries' },
  { path: 'entries/new', component: EntryNew, roles: DEPARTMENT },
  { path: 'entries/:id', component: EntryView, roles: DEPARTMENT },
  { path: 'import', component: Import, roles: DEPARTMENT, nav: 'nav.import' },
  { path: 'objections', component: Objections, roles: DEPARTMENT, nav: 'nav.objections' },
  { path: 'repairs', component: Repairs, roles: DEPARTMENT, nav: 'nav.repairs' },
  // console-admin
  { path: 'commitments', component: Commitments, roles: DECIDING, nav: 'nav.commitments' },
  { path: 'report', component: Report, roles: DECIDING, nav: 'nav.report' },
  { path: 'stats', component: Stats, roles: ['admin'], nav: 'nav.stats' },
  { path: 'admin', component: Keys, roles: ['admin'], nav: 'nav.admin' },
  { path: 'admin/measures', component: Measures, roles: ['admin'] },
  { path: 'admin/webhooks', component: Webhooks, roles: ['admin'] },
  { path: 'admin/webhooks/:id', component: WebhookDeliveries, roles: ['admin'] },
  { path: 'admin/audit', component: Audit, roles: ['admin'] },
];

export function findRoute(path: string, routes: RouteDef[] = ROUTES) {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

export function allowed(route: RouteDef, role: Role | null): boolean {
  return route.roles === null || (role !== null && route.roles.includes(role));
}

/** Where a role lands after signing in. */
export function homeFor(role: Role): string {
  return DEPARTMENT.includes(role) ? 'entries' : '';
}
