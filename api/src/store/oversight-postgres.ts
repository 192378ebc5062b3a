import type pg from 'pg';
import { nonNegativeInt, positiveInt } from './arguments.ts';
import type { AuditEventRow } from './audit-chain.js';
import { DECISION_COLUMNS, type DecisionRow, toDecision } from './keys-decisions.ts';
import {
  CLEARANCE_COLUMNS,
  type ClearanceRow,
  clearanceCreatedAudit,
  clearanceRevokedAudit,
  clearanceValues,
  type FeedbackMeasureRow,
  type FeedbackRow,
  feedbackAudit,
  toClearance,
  toFeedback,
  validDecisionQuery,
  validFeedback,
  validNewClearance,
  validRevocation,
  validStatsQuery,
} from './oversight.ts';
import { ClearanceConflictError, type ClearanceRecord, type OversightStore } from './oversight-types.ts';

/** What the PostgreSQL store lends: its pooled query, transaction, clock and audit appender. */
export interface PostgresOversightDeps {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  transaction<T>(fn: (c: pg.PoolClient) => Promise<{ result: T; rollback?: boolean }>): Promise<T>;
  now: () => Date;
  /** Appends in the caller's transaction; call it last (it holds the chain head to commit). */
  appendAudit: (c: pg.PoolClient, events: AuditEventRow[]) => Promise<void>;
}

/**
 * Takes the schema's clearance lock (held to commit) and returns the last revision. Revisions are
 * then assigned and committed in the same order, so a reader of clearancesSince never skips one
 * that commits late; and the check for an active clearance of the same pair cannot race.
 */
async function lockClearances(c: pg.PoolClient): Promise<number> {
  await c.query(`SELECT pg_advisory_xact_lock(hashtext('credcheck:clearances:' || current_schema()))`);
  const { rows } = await c.query<{ rev: string }>('SELECT COALESCE(MAX(rev), 0) AS rev FROM clearances');
  return Number(rows[0]!.rev);
}

export function postgresOversight(d: PostgresOversightDeps): OversightStore {
  return {
    async createClearance(record) {
      const r = validNewClearance(record);
      const auditAt = d.now().toISOString();
      return d.transaction(async (c) => {
        const rev = (await lockClearances(c)) + 1;
        const { rows: held } = await c.query<ClearanceRow>(
          `SELECT ${CLEARANCE_COLUMNS} FROM clearances
            WHERE candidate_subject_id = $1 AND presented_norm_name = $2 AND COALESCE(presented_key, '') = $3
              AND revoked_at IS NULL`,
          [r.candidateSubjectId, r.presentedNormName, r.presentedKey ?? ''],
        );
        if (held[0]) throw new ClearanceConflictError(toClearance(held[0]));
        await c.query(
          `INSERT INTO clearances (${CLEARANCE_COLUMNS}) VALUES (${placeholders(15)})`,
          clearanceValues(r, rev),
        );
        await d.appendAudit(c, [clearanceCreatedAudit(auditAt, r)]);
        return { result: { ...r, rev, revokedAt: null, revokedBy: null, revokeReason: null } };
      });
    },

    async revokeClearance(id, revocation) {
      const v = validRevocation(id, revocation);
      const auditAt = d.now().toISOString();
      return d.transaction<{ record: ClearanceRecord; changed: boolean } | null>(async (c) => {
        const rev = (await lockClearances(c)) + 1;
        const { rows } = await c.query<ClearanceRow>(
          `SELECT ${CLEARANCE_COLUMNS} FROM clearances WHERE id = $1`,
          [id],
        );
        const row = rows[0];
        if (!row) return { result: null };
        if (row.revoked_at !== null) return { result: { record: toClearance(row), changed: false } };
        await c.query(
          'UPDATE clearances SET rev = $1, revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE id = $5',
          [rev, v.at, v.by, v.reason, id],
        );
        await d.appendAudit(c, [clearanceRevokedAudit(auditAt, id, v)]);
        const record = { ...toClearance(row), rev, revokedAt: v.at, revokedBy: v.by, revokeReason: v.reason };
        return { result: { record, changed: true } };
      });
    },

    async getClearance(id) {
      const rows = await d.query<ClearanceRow>(`SELECT ${CLEARANCE_COLUMNS} FROM clearances WHERE id = $1`, [
        id,
      ]);
      return rows[0] ? toClearance(rows[0]) : null;
    },

    async clearancesSince(rev, limit) {
      const rows = await d.query<ClearanceRow>(
        `SELECT ${CLEARANCE_COLUMNS} FROM clearances WHERE rev > $1 ORDER BY rev LIMIT $2`,
        [nonNegativeInt(rev, 'rev'), positiveInt(limit, 'limit')],
      );
      return rows.map(toClearance);
    },

    async recordFeedback(record) {
      const f = validFeedback(record);
      const auditAt = d.now().toISOString();
      await d.transaction(async (c) => {
        await c.query(
          'INSERT INTO decision_feedback (id, decision_id, at, key_id, note) VALUES ($1, $2, $3, $4, $5)',
          [f.id, f.decisionId, f.at, f.keyId, f.note],
        );
        if (f.measures.length > 0) {
          await c.query(
            `INSERT INTO decision_feedback_measures (feedback_id, ord, measure, applied, reason)
             SELECT $1, o - 1, m, a, r FROM unnest($2::text[], $3::boolean[], $4::text[]) WITH ORDINALITY AS u (m, a, r, o)`,
            [
              f.id,
              f.measures.map((m) => m.code),
              f.measures.map((m) => m.applied),
              f.measures.map((m) => m.reason),
            ],
          );
        }
        await d.appendAudit(c, [feedbackAudit(auditAt, f)]);
        return { result: undefined };
      });
    },

    async listFeedback(decisionId) {
      const rows = await d.query<FeedbackRow>(
        'SELECT id, decision_id, at, key_id, note FROM decision_feedback WHERE decision_id = $1 ORDER BY at, id',
        [decisionId],
      );
      if (rows.length === 0) return [];
      const measures = await d.query<FeedbackMeasureRow>(
        `SELECT m.feedback_id, m.measure, m.applied, m.reason
           FROM decision_feedback_measures m JOIN decision_feedback f ON f.id = m.feedback_id
          WHERE f.decision_id = $1 ORDER BY m.feedback_id, m.ord`,
        [decisionId],
      );
      return toFeedback(rows, measures);
    },

    async listDecisions(query) {
      const q = validDecisionQuery(query);
      const values: unknown[] = [q.before];
      const where = ['at < $1'];
      if (q.keyId !== null) {
        values.push(q.keyId);
        where.push(`key_id = $${values.length}`);
      }
      if (q.after) {
        values.push(q.after.at, q.after.id);
        where.push(`(at, id) > ($${values.length - 1}::timestamptz, $${values.length})`);
      }
      if (q.feedback === 'missing') {
        where.push(
          "outcome <> 'clear'",
          'NOT EXISTS (SELECT 1 FROM decision_feedback f WHERE f.decision_id = decisions.id)',
        );
      }
      values.push(q.limit);
      const rows = await d.query<DecisionRow>(
        `SELECT ${DECISION_COLUMNS} FROM decisions WHERE ${where.join(' AND ')} ORDER BY at, id LIMIT $${values.length}`,
        values,
      );
      return rows.map(toDecision);
    },

    async decisionStats(query) {
      const q = validStatsQuery(query);
      // One snapshot: the four counts describe the same moment.
      return d.transaction(async (c) => {
        await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const range = [q.from, q.to];
        const checks = await c.query<{
          department: string | null;
          scenario: string;
          outcome: 'block' | 'review' | 'favour' | 'clear';
          checks: string;
          listed: string;
        }>(
          `SELECT k.department AS department, d.scenario AS scenario, d.outcome AS outcome,
                  COUNT(*) AS checks, COUNT(d.subject_id) AS listed
             FROM decisions d LEFT JOIN api_keys k ON k.id = d.key_id
            WHERE d.at >= $1 AND d.at < $2
            GROUP BY k.department, d.scenario, d.outcome`,
          range,
        );
        const feedback = await c.query<{
          department: string | null;
          expected: string;
          reported: string;
          overdue: string;
        }>(
          `SELECT department, COUNT(*) AS expected, COUNT(*) FILTER (WHERE reported) AS reported,
                  COUNT(*) FILTER (WHERE NOT reported AND at < $3) AS overdue
             FROM (SELECT k.department AS department, d.at AS at,
                          EXISTS (SELECT 1 FROM decision_feedback f WHERE f.decision_id = d.id) AS reported
                     FROM decisions d LEFT JOIN api_keys k ON k.id = d.key_id
                    WHERE d.at >= $1 AND d.at < $2 AND d.outcome <> 'clear') x
            GROUP BY department`,
          [...range, q.overdueBefore],
        );
        const measures = await c.query<{ measure: string; applied: string; not_applied: string }>(
          `SELECT m.measure AS measure, COUNT(*) FILTER (WHERE m.applied) AS applied,
                  COUNT(*) FILTER (WHERE NOT m.applied) AS not_applied
             FROM decisions d
             JOIN decision_feedback f ON f.decision_id = d.id
             JOIN decision_feedback_measures m ON m.feedback_id = f.id
            WHERE d.at >= $1 AND d.at < $2
              AND NOT EXISTS (SELECT 1 FROM decision_feedback g
                               WHERE g.decision_id = f.decision_id AND (g.at, g.id) > (f.at, f.id))
            GROUP BY m.measure`,
          range,
        );
        const clearances = await c.query<{ created: string; revoked: string }>(
          `SELECT (SELECT COUNT(*) FROM clearances WHERE at >= $1 AND at < $2) AS created,
                  (SELECT COUNT(*) FROM clearances WHERE revoked_at >= $1 AND revoked_at < $2) AS revoked`,
          range,
        );
        return {
          result: {
            checks: checks.rows.map((r) => ({ ...r, checks: Number(r.checks), listed: Number(r.listed) })),
            feedback: feedback.rows.map((r) => ({
              department: r.department,
              expected: Number(r.expected),
              reported: Number(r.reported),
              overdue: Number(r.overdue),
            })),
            measures: measures.rows.map((r) => ({
              measure: r.measure,
              applied: Number(r.applied),
              notApplied: Number(r.not_applied),
            })),
            clearances: {
              created: Number(clearances.rows[0]!.created),
              revoked: Number(clearances.rows[0]!.revoked),
            },
          },
        };
      });
    },
  };
}

const placeholders = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
