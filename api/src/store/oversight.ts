import type { AuditEventRow } from './audit-chain.js';
import { instant, subjectKey } from './keys-decisions.ts';
import type {
  ClearanceRecord,
  ClearanceRevocation,
  DecisionQuery,
  DecisionStatsQuery,
  FeedbackRecord,
  NewClearance,
} from './oversight-types.ts';

/**
 * Clearances and feedback: the checks both stores apply before writing, the row shapes both
 * return and the audit records both append, so that the two stores cannot drift apart.
 */

const CLEARANCE_ID = /^clr_[\w-]{1,64}$/;
const FEEDBACK_ID = /^fbk_[\w-]{1,64}$/;
const DECISION_ID = /^dec_[\w-]{1,64}$/;
const MAX_TEXT = 2000;

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
  if (value.length > MAX_TEXT) throw new RangeError(`${name} is longer than ${MAX_TEXT} characters`);
  return value;
}

function textOrNull(value: unknown, name: string): string | null {
  return value === null ? null : text(value, name);
}

/** Never a clear ID number, under any name. */
function noClearId(value: string | null, name: string): string | null {
  try {
    return subjectKey(value);
  } catch {
    throw new TypeError(`${name} must be a USCC, a person key (p:<hmac>) or a mask, never a clear ID number`);
  }
}

export function validNewClearance(r: NewClearance): NewClearance {
  if (typeof r?.id !== 'string' || !CLEARANCE_ID.test(r.id)) {
    throw new TypeError(`clearance id must start with clr_, got ${JSON.stringify(r?.id)}`);
  }
  return {
    id: r.id,
    candidateSubjectId: text(r.candidateSubjectId, 'candidateSubjectId'),
    candidateCode: noClearId(textOrNull(r.candidateCode, 'candidateCode'), 'candidateCode'),
    candidateName: text(r.candidateName, 'candidateName'),
    presentedName: text(r.presentedName, 'presentedName'),
    presentedNormName: text(r.presentedNormName, 'presentedNormName'),
    presentedKey: noClearId(textOrNull(r.presentedKey, 'presentedKey'), 'presentedKey'),
    presentedCode: noClearId(textOrNull(r.presentedCode, 'presentedCode'), 'presentedCode'),
    reason: text(r.reason, 'reason'),
    keyId: text(r.keyId, 'keyId'),
    at: instant(r.at, 'at'),
  };
}

export function validRevocation(id: string, r: ClearanceRevocation): ClearanceRevocation {
  text(id, 'id');
  return { at: instant(r?.at, 'at'), by: text(r.by, 'by'), reason: text(r.reason, 'reason') };
}

export function validFeedback(r: FeedbackRecord): FeedbackRecord {
  if (typeof r?.id !== 'string' || !FEEDBACK_ID.test(r.id)) {
    throw new TypeError(`feedback id must start with fbk_, got ${JSON.stringify(r?.id)}`);
  }
  if (typeof r.decisionId !== 'string' || !DECISION_ID.test(r.decisionId)) {
    throw new TypeError(`decisionId must start with dec_, got ${JSON.stringify(r.decisionId)}`);
  }
  if (!Array.isArray(r.measures)) throw new TypeError('measures must be an array');
  const seen = new Set<string>();
  const measures = r.measures.map((m, i) => {
    const code = text(m?.code, `measures[${i}].code`);
    if (seen.has(code)) throw new TypeError(`measure ${code} is reported twice`);
    seen.add(code);
    if (typeof m.applied !== 'boolean') throw new TypeError(`measures[${i}].applied must be a boolean`);
    const reason = textOrNull(m.reason ?? null, `measures[${i}].reason`);
    if (!m.applied && reason === null) throw new TypeError(`measure ${code} not applied needs a reason`);
    return { code, applied: m.applied, reason };
  });
  return {
    id: r.id,
    decisionId: r.decisionId,
    at: instant(r.at, 'at'),
    keyId: text(r.keyId, 'keyId'),
    measures,
    note: textOrNull(r.note ?? null, 'note'),
  };
}

export function validDecisionQuery(q: DecisionQuery): DecisionQuery {
  if (!Number.isSafeInteger(q?.limit) || q.limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${q?.limit}`);
  }
  if (q.feedback !== undefined && q.feedback !== 'missing') {
    throw new TypeError(`feedback must be "missing" or absent, got ${JSON.stringify(q.feedback)}`);
  }
  return {
    keyId: q.keyId === null ? null : text(q.keyId, 'keyId'),
    before: instant(q.before, 'before'),
    ...(q.feedback ? { feedback: q.feedback } : {}),
    after: q.after ? { at: instant(q.after.at, 'after.at'), id: text(q.after.id, 'after.id') } : null,
    limit: q.limit,
  };
}

export function validStatsQuery(q: DecisionStatsQuery): DecisionStatsQuery {
  return {
    from: instant(q?.from, 'from'),
    to: instant(q.to, 'to'),
    overdueBefore: instant(q.overdueBefore, 'overdueBefore'),
  };
}

/** Column order of every insert and select of clearances; the same in both dialects. */
export const CLEARANCE_COLUMNS =
  'id, rev, candidate_subject_id, candidate_code, candidate_name, presented_name, presented_norm_name, ' +
  'presented_key, presented_code, reason, key_id, at, revoked_at, revoked_by, revoke_reason';

export function clearanceValues(r: NewClearance, rev: number): unknown[] {
  return [
    r.id,
    rev,
    r.candidateSubjectId,
    r.candidateCode,
    r.candidateName,
    r.presentedName,
    r.presentedNormName,
    r.presentedKey,
    r.presentedCode,
    r.reason,
    r.keyId,
    r.at,
    null,
    null,
    null,
  ];
}

/** Rows as both dialects return them: PostgreSQL gives bigint as a string and timestamptz as a Date. */
export interface ClearanceRow {
  id: string;
  rev: number | string;
  candidate_subject_id: string;
  candidate_code: string | null;
  candidate_name: string;
  presented_name: string;
  presented_norm_name: string;
  presented_key: string | null;
  presented_code: string | null;
  reason: string;
  key_id: string;
  at: string | Date;
  revoked_at: string | Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

const iso = (v: string | Date) => (typeof v === 'string' ? v : v.toISOString());

export function toClearance(row: ClearanceRow): ClearanceRecord {
  return {
    id: row.id,
    rev: Number(row.rev),
    candidateSubjectId: row.candidate_subject_id,
    candidateCode: row.candidate_code,
    candidateName: row.candidate_name,
    presentedName: row.presented_name,
    presentedNormName: row.presented_norm_name,
    presentedKey: row.presented_key,
    presentedCode: row.presented_code,
    reason: row.reason,
    keyId: row.key_id,
    at: iso(row.at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
  };
}

export interface FeedbackRow {
  id: string;
  decision_id: string;
  at: string | Date;
  key_id: string;
  note: string | null;
}

export interface FeedbackMeasureRow {
  feedback_id: string;
  measure: string;
  applied: number | boolean;
  reason: string | null;
}

/** Reports with their measures (rows in `ord` order). */
export function toFeedback(rows: FeedbackRow[], measures: FeedbackMeasureRow[]): FeedbackRecord[] {
  const byId = new Map<string, FeedbackRecord>();
  const out = rows.map((r) => {
    const f: FeedbackRecord = {
      id: r.id,
      decisionId: r.decision_id,
      at: iso(r.at),
      keyId: r.key_id,
      measures: [],
      note: r.note,
    };
    byId.set(r.id, f);
    return f;
  });
  for (const m of measures) {
    byId.get(m.feedback_id)?.measures.push({
      code: m.measure,
      applied: m.applied === true || m.applied === 1,
      reason: m.reason,
    });
  }
  return out;
}

/**
 * Audit records, `at` being when the write committed (the store's clock), like every write but a
 * decision. Who cleared whom and why; the candidate and the presented code as keys, never a clear ID number. */
export function clearanceCreatedAudit(at: string, r: NewClearance): AuditEventRow {
  return [
    at,
    r.keyId,
    'clearance.created',
    r.id,
    JSON.stringify({
      candidate: r.candidateSubjectId,
      presentedName: r.presentedNormName,
      presentedKey: r.presentedKey,
      reason: r.reason,
    }),
  ];
}

export function clearanceRevokedAudit(at: string, id: string, r: ClearanceRevocation): AuditEventRow {
  return [at, r.by, 'clearance.revoked', id, JSON.stringify({ reason: r.reason })];
}

export function feedbackAudit(at: string, r: FeedbackRecord): AuditEventRow {
  return [
    at,
    r.keyId,
    'feedback.recorded',
    r.decisionId,
    JSON.stringify({
      feedback: r.id,
      applied: r.measures.filter((m) => m.applied).map((m) => m.code),
      notApplied: r.measures.filter((m) => !m.applied).map((m) => m.code),
    }),
  ];
}
