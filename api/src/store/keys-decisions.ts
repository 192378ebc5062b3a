import { validateResidentId, validateUSCC } from '@credcheck/sdk/identifiers';
import type { Role } from '../auth/roles.ts';
import type { DecisionOutcome } from '../domain/decision-schema.ts';
import type { ApiKeyRecord, DecisionRecord } from './types.ts';

/**
 * API keys and decision records: the checks both stores apply before writing (so that a bad call
 * fails the same clear way in each) and the row shapes both return.
 */

const KEY_ID = /^key_[0-9a-f]{20}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const DECISION_ID = /^dec_[\w-]{1,64}$/;
// Plain lists rather than the zod enums: the store must load without the HTTP schema layer.
const ROLES: ReadonlySet<string> = new Set<Role>(['public', 'implementer', 'designator', 'admin']);
const OUTCOMES: ReadonlySet<string> = new Set<DecisionOutcome>(['block', 'review', 'favour', 'clear']);

/** RFC 3339 in, `…Z` with milliseconds out: PostgreSQL normalizes instants, so SQLite must too. */
export function instant(value: string, name: string): string {
  const ms = typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new TypeError(`${name} must be an RFC 3339 instant, got ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

function text(value: unknown, name: string, nullable: boolean): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${name} must be a non-empty string${nullable ? ' or null' : ''}`);
  }
  return value;
}

export function validApiKey(r: ApiKeyRecord): ApiKeyRecord {
  if (!KEY_ID.test(r?.id)) throw new TypeError(`api key id must be key_ + 20 hex characters, got ${r?.id}`);
  if (!SHA256_HEX.test(r.hash)) throw new TypeError('api key hash must be 64 lower-case hex characters');
  if (!ROLES.has(r.role)) throw new TypeError(`unknown role ${JSON.stringify(r.role)}`);
  const department = text(r.department, 'department', true);
  // An implementer's department only groups its checks in the statistics (migration 9).
  if (r.role === 'designator' && department === null) {
    throw new TypeError('a designator key must name its department');
  }
  if ((r.role === 'public' || r.role === 'admin') && department !== null) {
    throw new TypeError(`a ${r.role} key has no department`);
  }
  if (r.rateLimit !== null && (!Number.isSafeInteger(r.rateLimit) || r.rateLimit < 0)) {
    throw new RangeError(`rateLimit must be a non-negative integer or null, got ${r.rateLimit}`);
  }
  return {
    id: r.id,
    hash: r.hash,
    hint: text(r.hint, 'hint', false)!,
    role: r.role,
    department,
    label: text(r.label, 'label', false)!,
    rateLimit: r.rateLimit,
    createdAt: instant(r.createdAt, 'createdAt'),
    revokedAt: r.revokedAt === null ? null : instant(r.revokedAt, 'revokedAt'),
  };
}

/**
 * A person's subject key is `p:<hmac>`; a string that is a valid resident ID number but no valid
 * USCC is a clear ID number that must never be stored.
 */
export function subjectKey(value: string | null): string | null {
  if (value === null) return null;
  text(value, 'subjectKey', true);
  if (!value.startsWith('p:') && validateResidentId(value).valid && !validateUSCC(value).valid) {
    throw new TypeError('subjectKey must be a USCC or a person key (p:<hmac>), never a clear ID number');
  }
  return value;
}

export function validDecision(r: DecisionRecord): DecisionRecord {
  if (typeof r?.id !== 'string' || !DECISION_ID.test(r.id)) {
    throw new TypeError(`decision id must start with dec_, got ${JSON.stringify(r?.id)}`);
  }
  if (!OUTCOMES.has(r.outcome)) {
    throw new TypeError(`unknown outcome ${JSON.stringify(r.outcome)}`);
  }
  if (!Number.isSafeInteger(r.dataVersion) || r.dataVersion < 0) {
    throw new RangeError(`dataVersion must be a non-negative integer, got ${r.dataVersion}`);
  }
  return {
    id: r.id,
    at: instant(r.at, 'at'),
    keyId: text(r.keyId, 'keyId', true),
    scenario: text(r.scenario, 'scenario', false)!,
    subjectId: text(r.subjectId, 'subjectId', true),
    subjectKey: subjectKey(r.subjectKey),
    outcome: r.outcome,
    dataVersion: r.dataVersion,
    catalogVersion: text(r.catalogVersion, 'catalogVersion', false)!,
    reference: text(r.reference, 'reference', true),
    receipt: text(r.receipt, 'receipt', false)!,
  };
}

/** Column order of every insert and select below; the same in both dialects. */
export const API_KEY_COLUMNS = 'id, hash, hint, role, department, label, rate_limit, created_at, revoked_at';
export const DECISION_COLUMNS =
  'id, at, key_id, scenario, subject_id, subject_key, outcome, data_version, catalog_version, reference, receipt';

export function apiKeyValues(r: ApiKeyRecord): unknown[] {
  return [r.id, r.hash, r.hint, r.role, r.department, r.label, r.rateLimit, r.createdAt, r.revokedAt];
}

export function decisionValues(r: DecisionRecord): unknown[] {
  return [
    r.id,
    r.at,
    r.keyId,
    r.scenario,
    r.subjectId,
    r.subjectKey,
    r.outcome,
    r.dataVersion,
    r.catalogVersion,
    r.reference,
    r.receipt,
  ];
}

/** Rows as both dialects return them: PostgreSQL gives bigint as a string and timestamptz as a Date. */
export interface ApiKeyRow {
  id: string;
  hash: string;
  hint: string;
  role: string;
  department: string | null;
  label: string;
  rate_limit: number | string | null;
  created_at: string | Date;
  revoked_at: string | Date | null;
}

export interface DecisionRow {
  id: string;
  at: string | Date;
  key_id: string | null;
  scenario: string;
  subject_id: string | null;
  subject_key: string | null;
  outcome: string;
  data_version: number | string;
  catalog_version: string;
  reference: string | null;
  receipt: string;
}

const iso = (v: string | Date) => (typeof v === 'string' ? v : v.toISOString());

export function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    hash: row.hash,
    hint: row.hint,
    role: row.role as Role,
    department: row.department,
    label: row.label,
    rateLimit: row.rate_limit === null ? null : Number(row.rate_limit),
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

export function toDecision(row: DecisionRow): DecisionRecord {
  return {
    id: row.id,
    at: iso(row.at),
    keyId: row.key_id,
    scenario: row.scenario,
    subjectId: row.subject_id,
    subjectKey: row.subject_key,
    outcome: row.outcome as DecisionOutcome,
    dataVersion: Number(row.data_version),
    catalogVersion: row.catalog_version,
    reference: row.reference,
    receipt: row.receipt,
  };
}

/** Arguments of revokeApiKey; returns the instant to store. */
export function validRevocation(id: string, at: string): string {
  text(id, 'id', false);
  return instant(at, 'at');
}
