import { z } from '@hono/zod-openapi';

/**
 * Roles, from least to most trusted. Designators are scoped to their own department.
 * `public` is what a request without a key gets.
 */
export const Role = z.enum(['public', 'implementer', 'designator', 'admin']);
export type Role = z.infer<typeof Role>;

export interface Principal {
  role: Role;
  /** Department a designator key is scoped to; an implementer key's only labels its checks in the statistics. */
  department: string | null;
  /** Id of the API key, null for anonymous requests. */
  keyId: string | null;
  label: string | null;
}

export const ANONYMOUS: Principal = { role: 'public', department: null, keyId: null, label: null };

export type Permission =
  | 'lookup'
  | 'decide'
  | 'feedback'
  | 'object'
  | 'designate'
  | 'resolve'
  | 'manage-keys'
  | 'audit'
  | 'see-staff-mask'
  /** Webhook subscriptions (banks' and portals' systems); each key manages only its own. */
  | 'subscribe'
  /** Page through entries (a designator through its own department's only). */
  | 'list-entries'
  /** Enter a credit commitment (信用承诺) a subject made to the key's department (the approving one for 容缺受理). */
  | 'record-commitment';

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  public: new Set(['lookup']),
  implementer: new Set([
    'lookup',
    'decide',
    'feedback',
    'object',
    'see-staff-mask',
    'subscribe',
    'record-commitment',
  ]),
  designator: new Set([
    'lookup',
    'decide',
    'feedback',
    'object',
    'designate',
    'resolve',
    'see-staff-mask',
    'list-entries',
    'record-commitment',
  ]),
  admin: new Set([
    'lookup',
    'decide',
    'feedback',
    'object',
    'designate',
    'resolve',
    'manage-keys',
    'audit',
    'see-staff-mask',
    'subscribe',
    'list-entries',
    'record-commitment',
  ]),
};

export function can(principal: Principal, permission: Permission): boolean {
  return GRANTS[principal.role].has(permission);
}

/**
 * A designator acts only on its own department's entries; an admin on any. An implementer never
 * does, whatever department its key names.
 */
export function canActForDepartment(principal: Principal, department: string): boolean {
  if (principal.role === 'admin') return true;
  return principal.role === 'designator' && principal.department === department;
}
