import type { Principal } from '../auth/roles.ts';
import { newDecisionId } from '../decisions/decision-id.ts';
import type { Clock } from '../domain/clock.ts';
import { parseDuration } from '../domain/duration.ts';
import type { FeedbackRecord } from '../store/oversight-types.ts';
import type { DecisionRecord, Store } from '../store/types.ts';
import { OversightError } from './errors.ts';
import type { FeedbackRequest, FeedbackView } from './schemas.ts';

/**
 * Feedback (执行反馈): what an implementer did with each measure of a decision. The measures are
 * read from the decision's own receipt, the signed record of what was decided, so no second copy
 * of them is kept.
 */

export interface FeedbackDeps {
  store: Pick<Store, 'getDecision' | 'recordFeedback' | 'listFeedback' | 'listDecisions'>;
  clock: Clock;
}

/** Codes of the measures a decision applied: its own, then its related persons' (落实到人), each once. */
export function decisionMeasures(receipt: string): string[] {
  const payload = receipt.split('.')[1];
  let claims: { measures?: unknown; related?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
  } catch {
    throw new Error('the decision’s receipt cannot be read');
  }
  const codes = new Set<string>();
  for (const m of Array.isArray(claims.measures) ? claims.measures : [])
    if (typeof m === 'string') codes.add(m);
  for (const r of Array.isArray(claims.related) ? claims.related : []) {
    const measures = (r as { measures?: unknown })?.measures;
    for (const m of Array.isArray(measures) ? measures : []) if (typeof m === 'string') codes.add(m);
  }
  return [...codes];
}

/** A report must cover exactly the decision's measures: what is unknown, missing or repeated. */
export function compareMeasures(expected: readonly string[], reported: readonly string[]) {
  const want = new Set(expected);
  const seen = new Set<string>();
  const unknown: string[] = [];
  const repeated: string[] = [];
  for (const code of reported) {
    if (seen.has(code)) repeated.push(code);
    else if (!want.has(code)) unknown.push(code);
    seen.add(code);
  }
  const missing = expected.filter((code) => !seen.has(code));
  return { unknown, missing, repeated, ok: unknown.length + missing.length + repeated.length === 0 };
}

/** The decision, when the caller may report on it or read its reports: the key that made it, or an admin. */
async function ownDecision(deps: FeedbackDeps, id: string, caller: Principal): Promise<DecisionRecord> {
  const decision = await deps.store.getDecision(id);
  if (decision === null) {
    throw new OversightError('not-found', 'id', `No decision ${id}.`, `决定 ${id} 不存在。`);
  }
  if (caller.role !== 'admin' && (caller.keyId === null || decision.keyId !== caller.keyId)) {
    throw new OversightError(
      'forbidden',
      'id',
      'Only the key that made a decision, or an admin, may report or read feedback on it.',
      '只有作出该决定的密钥或管理员可以反馈或查看其执行情况。',
    );
  }
  return decision;
}

export async function recordFeedback(
  deps: FeedbackDeps,
  decisionId: string,
  req: FeedbackRequest,
  caller: Principal,
): Promise<FeedbackView> {
  const decision = await ownDecision(deps, decisionId, caller);
  const expected = decisionMeasures(decision.receipt);
  const check = compareMeasures(
    expected,
    req.measures.map((m) => m.code),
  );
  if (!check.ok) {
    const parts = [
      check.unknown.length ? `not measures of this decision: ${check.unknown.join(', ')}` : '',
      check.missing.length ? `not reported: ${check.missing.join(', ')}` : '',
      check.repeated.length ? `reported twice: ${check.repeated.join(', ')}` : '',
    ].filter(Boolean);
    throw new OversightError(
      'feedback-mismatch',
      'measures',
      `Report on each measure of the decision exactly once (${parts.join('; ')}). Its measures: ${expected.join(', ') || 'none'}.`,
      `须对该决定的每项措施各反馈一次。该决定的措施：${expected.join('、') || '无'}。`,
      { unknown: check.unknown, missing: check.missing, repeated: check.repeated, expected },
    );
  }
  const at = deps.clock.now();
  const record: FeedbackRecord = {
    id: `fbk_${newDecisionId(at.getTime()).slice(4)}`,
    decisionId,
    at: at.toISOString(),
    keyId: caller.keyId ?? 'anonymous',
    measures: req.measures.map((m) => ({ code: m.code, applied: m.applied, reason: m.reason ?? null })),
    note: req.note ?? null,
  };
  await deps.store.recordFeedback(record);
  return feedbackView(record);
}

export async function listFeedback(deps: FeedbackDeps, decisionId: string, caller: Principal) {
  const decision = await ownDecision(deps, decisionId, caller);
  const items = await deps.store.listFeedback(decisionId);
  return { decisionId, measures: decisionMeasures(decision.receipt), items: items.map(feedbackView) };
}

export function feedbackView(r: FeedbackRecord): FeedbackView {
  return { id: r.id, decisionId: r.decisionId, at: r.at, by: r.keyId, measures: r.measures, note: r.note };
}

/**
 * A caller's decisions made before now − olderThan (default: none younger than the feedback due
 * time when listing missing feedback, else all), oldest first. An admin sees every key's (or one
 * key's with `keyId`); anyone else only their own.
 */
export async function listDecisions(
  deps: FeedbackDeps & { feedbackDueMs: number },
  caller: Principal,
  q: { feedback?: 'missing'; olderThan?: string; keyId?: string; cursor?: string; limit: number },
) {
  let olderMs = q.feedback === 'missing' ? deps.feedbackDueMs : 0;
  if (q.olderThan !== undefined) {
    const ms = parseDuration(q.olderThan);
    if (ms === null) {
      throw new OversightError(
        'validation-failed',
        'olderThan',
        'olderThan must be an ISO 8601 duration in weeks, days, hours, minutes or seconds, e.g. P7D or PT36H.',
        'olderThan 须为 ISO 8601 时长（周、日、时、分、秒），例如 P7D 或 PT36H。',
      );
    }
    olderMs = ms;
  }
  let keyId: string | null;
  if (caller.role === 'admin') keyId = q.keyId ?? null;
  else if (q.keyId !== undefined && q.keyId !== caller.keyId) {
    throw new OversightError(
      'forbidden',
      'keyId',
      'Only an admin may list another key’s decisions.',
      '只有管理员可以查看其他密钥的决定。',
    );
  } else keyId = caller.keyId;
  if (keyId === null && caller.role !== 'admin') throw new Error('listing decisions needs an API key');
  const before = new Date(deps.clock.now().getTime() - olderMs).toISOString();
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor);
  const rows = await deps.store.listDecisions({
    keyId,
    before,
    ...(q.feedback ? { feedback: q.feedback } : {}),
    after,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((d) => ({
      id: d.id,
      at: d.at,
      keyId: d.keyId,
      scenario: d.scenario,
      subjectId: d.subjectId,
      outcome: d.outcome,
      reference: d.reference,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.at, last.id) : null,
    before,
  };
}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(at))) return { at, id };
  } catch {
    // falls through to the problem below
  }
  throw new OversightError(
    'validation-failed',
    'cursor',
    'The cursor is not one this API returned.',
    'cursor 无效：请使用接口返回的 nextCursor。',
  );
}
