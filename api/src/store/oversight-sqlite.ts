import type Database from 'better-sqlite3';
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
import { ClearanceConflictError, type DecisionStatsRows, type OversightStore } from './oversight-types.ts';

/** What the SQLite store lends: its connection, statement cache, clock and audit appender. */
export interface SqliteOversightDeps {
  db: Database.Database;
  sql: <P extends unknown[] = unknown[], R = unknown>(text: string) => Database.Statement<P, R>;
  now: () => Date;
  /** Appends inside the caller's write transaction. */
  appendAudit: (events: AuditEventRow[]) => void;
}

/**
 * Clearances, feedback and statistics on SQLite. Every write is one immediate transaction, which
 * holds the file's only write lock: the revision read as max + 1 cannot be taken by anyone else.
 */
export function sqliteOversight(d: SqliteOversightDeps): OversightStore {
  const { db, sql } = d;
  const maxRev = () =>
    sql<[], { rev: number }>('SELECT COALESCE(MAX(rev), 0) AS rev FROM clearances').get()!.rev;
  const clearanceById = (id: string) =>
    sql<[string], ClearanceRow>(`SELECT ${CLEARANCE_COLUMNS} FROM clearances WHERE id = ?`).get(id);

  return {
    async createClearance(record) {
      const r = validNewClearance(record);
      const auditAt = d.now().toISOString();
      return db
        .transaction(() => {
          const held = sql<[string, string, string], ClearanceRow>(
            `SELECT ${CLEARANCE_COLUMNS} FROM clearances
              WHERE candidate_subject_id = ? AND presented_norm_name = ? AND COALESCE(presented_key, '') = ?
                AND revoked_at IS NULL`,
          ).get(r.candidateSubjectId, r.presentedNormName, r.presentedKey ?? '');
          if (held) throw new ClearanceConflictError(toClearance(held));
          const rev = maxRev() + 1;
          sql(`INSERT INTO clearances (${CLEARANCE_COLUMNS}) VALUES (${placeholders(15)})`).run(
            clearanceValues(r, rev),
          );
          d.appendAudit([clearanceCreatedAudit(auditAt, r)]);
          return { ...r, rev, revokedAt: null, revokedBy: null, revokeReason: null };
        })
        .immediate();
    },

    async revokeClearance(id, revocation) {
      const v = validRevocation(id, revocation);
      const auditAt = d.now().toISOString();
      return db
        .transaction(() => {
          const row = clearanceById(id);
          if (!row) return null;
          if (row.revoked_at !== null) return { record: toClearance(row), changed: false };
          const rev = maxRev() + 1;
          sql(
            'UPDATE clearances SET rev = ?, revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?',
          ).run(rev, v.at, v.by, v.reason, id);
          d.appendAudit([clearanceRevokedAudit(auditAt, id, v)]);
          const record = {
            ...toClearance(row),
            rev,
            revokedAt: v.at,
            revokedBy: v.by,
            revokeReason: v.reason,
          };
          return { record, changed: true };
        })
        .immediate();
    },

    async getClearance(id) {
      const row = clearanceById(id);
      return row ? toClearance(row) : null;
    },

    async clearancesSince(rev, limit) {
      return sql<[number, number], ClearanceRow>(
        `SELECT ${CLEARANCE_COLUMNS} FROM clearances WHERE rev > ? ORDER BY rev LIMIT ?`,
      )
        .all(nonNegativeInt(rev, 'rev'), positiveInt(limit, 'limit'))
        .map(toClearance);
    },

    async recordFeedback(record) {
      const f = validFeedback(record);
      const auditAt = d.now().toISOString();
      db.transaction(() => {
        sql('INSERT INTO decision_feedback (id, decision_id, at, key_id, note) VALUES (?, ?, ?, ?, ?)').run(
          f.id,
          f.decisionId,
          f.at,
          f.keyId,
          f.note,
        );
        const insert = sql(
          'INSERT INTO decision_feedback_measures (feedback_id, ord, measure, applied, reason) VALUES (?, ?, ?, ?, ?)',
        );
        f.measures.forEach((m, i) => {
          insert.run(f.id, i, m.code, m.applied ? 1 : 0, m.reason);
        });
        d.appendAudit([feedbackAudit(auditAt, f)]);
      }).immediate();
    },

    async listFeedback(decisionId) {
      const rows = sql<[string], FeedbackRow>(
        'SELECT id, decision_id, at, key_id, note FROM decision_feedback WHERE decision_id = ? ORDER BY at, id',
      ).all(decisionId);
      if (rows.length === 0) return [];
      const measures = sql<[string], FeedbackMeasureRow>(
        `SELECT m.feedback_id, m.measure, m.applied, m.reason
           FROM decision_feedback_measures m JOIN decision_feedback f ON f.id = m.feedback_id
          WHERE f.decision_id = ? ORDER BY m.feedback_id, m.ord`,
      ).all(decisionId);
      return toFeedback(rows, measures);
    },

    async listDecisions(query) {
      const q = validDecisionQuery(query);
      const where = ['at < @before'];
      if (q.keyId !== null) where.push('key_id = @keyId');
      if (q.after) where.push('(at, id) > (@afterAt, @afterId)');
      if (q.feedback === 'missing') {
        where.push(
          "outcome <> 'clear'",
          'NOT EXISTS (SELECT 1 FROM decision_feedback f WHERE f.decision_id = decisions.id)',
        );
      }
      // At most eight texts, so the statement cache holds them all.
      return sql<[Record<string, unknown>], DecisionRow>(
        `SELECT ${DECISION_COLUMNS} FROM decisions WHERE ${where.join(' AND ')} ORDER BY at, id LIMIT @limit`,
      )
        .all({
          before: q.before,
          keyId: q.keyId,
          afterAt: q.after?.at ?? null,
          afterId: q.after?.id ?? null,
          limit: q.limit,
        })
        .map(toDecision);
    },

    async decisionStats(query) {
      const q = validStatsQuery(query);
      const range = { from: q.from, to: q.to };
      // One read transaction: the four counts describe the same moment.
      return db.transaction((): DecisionStatsRows => {
        const checks = sql<[typeof range], DecisionStatsRows['checks'][number]>(
          `SELECT k.department AS department, d.scenario AS scenario, d.outcome AS outcome,
                  COUNT(*) AS checks, COUNT(d.subject_id) AS listed
             FROM decisions d LEFT JOIN api_keys k ON k.id = d.key_id
            WHERE d.at >= @from AND d.at < @to
            GROUP BY k.department, d.scenario, d.outcome`,
        ).all(range);
        const feedback = sql<[typeof q], DecisionStatsRows['feedback'][number]>(
          `SELECT department, COUNT(*) AS expected, SUM(reported) AS reported,
                  SUM(CASE WHEN reported = 0 AND at < @overdueBefore THEN 1 ELSE 0 END) AS overdue
             FROM (SELECT k.department AS department, d.at AS at,
                          EXISTS (SELECT 1 FROM decision_feedback f WHERE f.decision_id = d.id) AS reported
                     FROM decisions d LEFT JOIN api_keys k ON k.id = d.key_id
                    WHERE d.at >= @from AND d.at < @to AND d.outcome <> 'clear')
            GROUP BY department`,
        ).all(q);
        const measures = sql<[typeof range], { measure: string; applied: number; not_applied: number }>(
          `SELECT m.measure AS measure, SUM(m.applied) AS applied, SUM(1 - m.applied) AS not_applied
             FROM decisions d
             JOIN decision_feedback f ON f.decision_id = d.id
             JOIN decision_feedback_measures m ON m.feedback_id = f.id
            WHERE d.at >= @from AND d.at < @to
              AND NOT EXISTS (SELECT 1 FROM decision_feedback g
                               WHERE g.decision_id = f.decision_id AND (g.at, g.id) > (f.at, f.id))
            GROUP BY m.measure`,
        ).all(range);
        const clearances = sql<[typeof range], { created: number; revoked: number }>(
          `SELECT (SELECT COUNT(*) FROM clearances WHERE at >= @from AND at < @to) AS created,
                  (SELECT COUNT(*) FROM clearances WHERE revoked_at >= @from AND revoked_at < @to) AS revoked`,
        ).get(range)!;
        return {
          checks,
          feedback,
          measures: measures.map((m) => ({
            measure: m.measure,
            applied: m.applied,
            notApplied: m.not_applied,
          })),
          clearances,
        };
      })();
    },
  };
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
