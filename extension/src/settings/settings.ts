/**
 * The extension's settings (CONVENTIONS.md: `browser.storage.local` key `settings`; managed storage
 * holds the same fields and wins). Pure: reading storage is the caller's job.
 */

export type BadgeStyle = 'full' | 'compact';
export type UiLocale = 'zh_CN' | 'en';

export interface PortalRule {
  /** A match pattern (`https://ggzy.example.gov.cn/*`, `*://*.ccgp.gov.cn/*`). */
  pattern: string;
  /** Catalog scenario code the portal's checks are for (e.g. `government-procurement`). */
  scenario: string;
}

export interface Settings {
  apiUrl: string;
  apiKey: string;
  portals: PortalRule[];
  badgeStyle: BadgeStyle;
  locale: UiLocale;
  /** Minutes between scheduled snapshot syncs. */
  syncMinutes: number;
}

export const SETTING_FIELDS = ['apiUrl', 'apiKey', 'portals', 'badgeStyle', 'locale', 'syncMinutes'] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

export const DEFAULT_SETTINGS: Settings = {
  apiUrl: '',
  apiKey: '',
  portals: [],
  badgeStyle: 'full',
  locale: 'zh_CN',
  syncMinutes: 15,
};

export interface EffectiveSettings {
  settings: Settings;
  /** Fields set by the administrator's policy: shown read-only, never overridden by the user. */
  locked: SettingField[];
}

export interface SettingsProblem {
  field: string;
  message: string;
}

/**
 * Keeps the well-formed fields of an untrusted object (storage can hold anything an older version
 * or an administrator wrote) and reports the rest, so one bad field never discards the others.
 */
export function readSettings(raw: unknown): { values: Partial<Settings>; problems: SettingsProblem[] } {
  const values: Partial<Settings> = {};
  const problems: SettingsProblem[] = [];
  if (raw === undefined || raw === null) return { values, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { values, problems: [{ field: 'settings', message: 'settings must be an object' }] };
  }
  const r = raw as Record<string, unknown>;
  if (r.apiUrl !== undefined) {
    const url = typeof r.apiUrl === 'string' ? normalizeApiUrl(r.apiUrl) : null;
    if (url === null) problems.push({ field: 'apiUrl', message: 'apiUrl must be an http(s) URL' });
    else values.apiUrl = url;
  }
  if (r.apiKey !== undefined) {
    if (typeof r.apiKey === 'string' && r.apiKey.length <= 512) values.apiKey = r.apiKey.trim();
    else problems.push({ field: 'apiKey', message: 'apiKey must be a string' });
  }
  if (r.portals !== undefined) {
    if (!Array.isArray(r.portals)) problems.push({ field: 'portals', message: 'portals must be a list' });
    else {
      const portals: PortalRule[] = [];
      r.portals.forEach((p, i) => {
        const rule = readPortal(p);
        if (typeof rule === 'string') problems.push({ field: `portals[${i}]`, message: rule });
        else portals.push(rule);
      });
      values.portals = portals;
    }
  }
  if (r.badgeStyle !== undefined) {
    if (r.badgeStyle === 'full' || r.badgeStyle === 'compact') values.badgeStyle = r.badgeStyle;
    else problems.push({ field: 'badgeStyle', message: 'badgeStyle must be full or compact' });
  }
  if (r.locale !== undefined) {
    if (r.locale === 'zh_CN' || r.locale === 'en') values.locale = r.locale;
    else problems.push({ field: 'locale', message: 'locale must be zh_CN or en' });
  }
  if (r.syncMinutes !== undefined) {
    const m = r.syncMinutes;
    if (typeof m === 'number' && Number.isInteger(m) && m >= 1 && m <= 1440) values.syncMinutes = m;
    else problems.push({ field: 'syncMinutes', message: 'syncMinutes must be 1–1440' });
  }
  return { values, problems };
}

function readPortal(p: unknown): PortalRule | string {
  if (!p || typeof p !== 'object') return 'a portal is { pattern, scenario }';
  const { pattern, scenario } = p as Record<string, unknown>;
  if (typeof pattern !== 'string' || !parseMatchPattern(pattern))
    return `not a match pattern: ${String(pattern)}`;
  if (typeof scenario !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(scenario)) {
    return `not a scenario code: ${String(scenario)}`;
  }
  return { pattern: pattern.trim(), scenario };
}

/** Managed (policy) fields win over local ones; the rest fall back to the defaults. */
export function mergeSettings(local: unknown, managed: unknown): EffectiveSettings {
  const mine = readSettings(local).values;
  const policy = readSettings(managed).values;
  const locked = SETTING_FIELDS.filter((f) => policy[f] !== undefined);
  return { settings: { ...DEFAULT_SETTINGS, ...mine, ...policy }, locked };
}

/** `https://api.example/` → `https://api.example`; null when not an http(s) URL. */
export function normalizeApiUrl(raw: string): string | null {
  const text = raw.trim();
  if (text === '') return '';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.href.replace(/\/+$/, '');
}

interface MatchPattern {
  scheme: '*' | 'http' | 'https';
  /** '*' for any host, '*.x.y' for x.y and its subdomains. */
  host: string;
  path: string;
}

/** Chrome/Firefox match patterns restricted to http(s): `<scheme>://<host>/<path>`. */
export function parseMatchPattern(pattern: string): MatchPattern | null {
  const m = /^(\*|https?):\/\/(\*|(?:\*\.)?[a-z0-9.-]+(?::\d{1,5})?)(\/.*)$/i.exec(pattern.trim());
  if (!m) return null;
  return { scheme: m[1]!.toLowerCase() as MatchPattern['scheme'], host: m[2]!.toLowerCase(), path: m[3]! };
}

export function matchesPattern(url: string, pattern: string): boolean {
  const p = parseMatchPattern(pattern);
  if (!p) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return false;
  if (p.scheme !== '*' && p.scheme !== scheme) return false;
  if (!hostMatches(u.host.toLowerCase(), u.hostname.toLowerCase(), p.host)) return false;
  const pathRe = new RegExp(`^${p.path.split('*').map(escapeRegExp).join('.*')}$`);
  return pathRe.test(u.pathname + u.search);
}

function hostMatches(hostWithPort: string, hostname: string, pattern: string): boolean {
  if (pattern === '*') return true;
  const target = pattern.includes(':') ? hostWithPort : hostname;
  if (pattern.startsWith('*.')) {
    const base = pattern.slice(2);
    return target === base || target.endsWith(`.${base}`);
  }
  return target === pattern;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** The first portal rule whose pattern matches the page. */
export function portalFor(url: string, portals: readonly PortalRule[]): PortalRule | undefined {
  return portals.find((p) => matchesPattern(url, p.pattern));
}

/**
 * The host permission a pattern needs (`https://x.gov.cn/bid/*` → `https://x.gov.cn/*`): access is
 * asked per origin, and a port is not part of a permission pattern.
 */
export function permissionOrigin(pattern: string): string | null {
  const p = parseMatchPattern(pattern);
  if (!p) return null;
  return `${p.scheme}://${p.host.replace(/:\d+$/, '')}/*`;
}
