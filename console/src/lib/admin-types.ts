import type { Role } from '../api/types.ts';

/**
 * Wire shapes of the administration routes (api/src/routes/keys.ts and audit.ts), written out
 * here because the generated SDK types may not list those routes yet; they mirror the API's zod
 * schemas field for field.
 */

export interface ApiKey {
  id: string;
  hint: string;
  role: Role;
  department: string | null;
  label: string;
  rateLimit: number | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
  notice: string;
}

export interface ApiKeyList {
  items: ApiKey[];
  nextCursor: null;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  prevHash: string;
  hash: string;
}

export interface AuditPage {
  head: { seq: number; hash: string };
  items: AuditRecord[];
  nextBefore: number | null;
}

export type AuditBreakKind = 'gap' | 'prev-hash' | 'hash' | 'truncated' | 'head' | 'anchor';

export interface AuditVerification {
  ok: boolean;
  checked: number;
  head: { seq: number; hash: string };
  broken: {
    kind: AuditBreakKind;
    seq: number;
    expectedSeq?: number;
    headSeq?: number;
    expected?: string;
    found?: string | null;
  } | null;
  ms: number;
}

/** Which roles may carry a department, and which must. */
export function departmentRule(role: Role): 'required' | 'optional' | 'none' {
  if (role === 'designator') return 'required';
  if (role === 'implementer') return 'optional';
  return 'none';
}

/** The key's state for the table: revoked keys stay listed. */
export function keyState(k: Pick<ApiKey, 'revokedAt'>): 'active' | 'revoked' {
  return k.revokedAt ? 'revoked' : 'active';
}

/** The audit detail is JSON text as hashed; shown compactly, the raw text if it is not JSON. */
export function compactDetail(detail: string, max = 160): string {
  let text = detail;
  try {
    text = JSON.stringify(JSON.parse(detail));
  } catch {
    // Not JSON: shown as stored.
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
