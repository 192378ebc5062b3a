import type Database from 'better-sqlite3';
import type { Change, Entry } from '../domain/model.ts';
import { nonEmptyString, positiveInt } from './arguments.ts';
import type { AuditEventRow } from './audit-chain.js';
import {
  COMMITMENT_COLUMNS,
  type CommitmentRecord,
  commitmentChangeData,
  commitmentFilter,
  commitmentValues,
} from './commitments.ts';
import {
  type DueProcessStore,
  dueProcessAudit,
  EXPIRY_BATCH,
  entryChangeData,
  entryValues,
  expiryAudit,
  expiryWhy,
  fromDataRow,
  isUniqueViolation,
  OBJECTION_COLUMNS,
  type ObjectionRecord,
  objectionFilter,
  objectionValues,
  REPAIR_COLUMNS,
  type RepairRecord,
  repairFilter,
  repairValues,
  subjectChangeData,
  subjectFingerprint,
  subjectValues,
  validDueProcessWrite,
  WriteConflictError,
} from './due-process.ts';
import { ENTRY_COLUMNS, type EntryRow, toEntry } from './rows.ts';

/** What the SQLite store lends: its connection, statement cache, clock and audit appender. */
export interface SqliteDueProcessDeps {
  db: Database.Database;
  sql: <P extends unknown[] = unknown[], R = unknown>(text: string) => Database.Statement<P, R>;
  now: () => Date;
  /** Appends inside the caller's write transaction. */
  appendAudit: (events: AuditEventRow[]) => void;
}

const ENTRY_COLUMNS_E = ENTRY_COLUMNS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ');

/**
 * The due process on SQLite. Every write is one immediate transaction, which holds the file's only
 * write lock: the entry's seq checked and the change-log seq read as max + 1 cannot move under it,
 * in this process or another.
 */
export function sqliteDueProcess(d: SqliteDueProcessDeps): DueProcessStore {
  const { db, sql } = d;
  const maxSeq = () =>
    sql<[], { seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log').get()!.seq;
  const insertChange = (
    seq: number,
    at: string,
    type: Change['type'],
    entityId: string,
    subjectKey: string | null,
    actor: string,
    data: unknown,
    why: string | null,
  ) =>
    sql(
      'INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data, why) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(seq, at, type, entityId, subjectKey, actor, JSON.stringify(data), why);

  return {
    async getEntry(id) {
      const row = sql<[string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE id = ?`).get(id);
      return row ? toEntry(row) : null;
    },

    async writeDueProcess(write) {
      const w = validDueProcessWrite(write);
      const at = d.now().toISOString();
      const why = w.why === undefined ? null : JSON.stringify(w.why);
      const run = db.transaction(() => {
        let seq = maxSeq();
        let subjectKey: string | null = null;
        if (w.subject) {
          const s = w.subject;
          subjectKey = s.key;
          const fp = subjectFingerprint(s);
          const stored = sql<[string], { fingerprint: string }>(
            'SELECT fingerprint FROM subjects WHERE id = ?',
          ).get(s.id);
          if (stored?.fingerprint !== fp) {
            seq++;
            insertChange(seq, at, 'subject.upserted', s.id, s.key, w.actor, subjectChangeData(s, seq), why);
            sql(
              `INSERT INTO subjects (id, type, key, code, id_masked, name, norm_name, legal_rep, legal_rep_key, division,
                                     fingerprint, seq)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET
                 type = excluded.type, code = excluded.code, id_masked = excluded.id_masked, name = excluded.name,
                 norm_name = excluded.norm_name, legal_rep = excluded.legal_rep, legal_rep_key = excluded.legal_rep_key,
                 division = excluded.division, fingerprint = excluded.fingerprint, seq = excluded.seq`,
            ).run(...subjectValues(s, fp, seq));
          }
        }
        let entry: Entry | null = null;
        if (w.entry) {
          const e = w.entry.after;
          const current = sql<[string], { seq: number; created_at: string }>(
            'SELECT seq, created_at FROM entries WHERE id = ?',
          ).get(e.id);
          if (w.entry.expectSeq === null ? current : current?.seq !== w.entry.expectSeq) {
            throw new WriteConflictError(
              current
                ? `entry ${e.id} is at seq ${current.seq}, not ${w.entry.expectSeq ?? '(new)'}`
                : `entry ${e.id} does not exist`,
            );
          }
          subjectKey ??=
            sql<[string], { key: string }>('SELECT key FROM subjects WHERE id = ?').get(e.subjectId)?.key ??
            null;
          seq++;
          entry = entryChangeData(e, seq, current?.created_at ?? at, at);
          insertChange(seq, at, w.entry.type, e.id, subjectKey, w.actor, entry, why);
          sql(
            `INSERT INTO entries (id, subject_id, list_type, kind, designator, department, basis, reason, decided_on,
                                  published_on, valid_until, status, fingerprint, seq, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET
               kind = excluded.kind, department = excluded.department, reason = excluded.reason,
               decided_on = excluded.decided_on, published_on = excluded.published_on,
               valid_until = excluded.valid_until, status = excluded.status, fingerprint = excluded.fingerprint,
               seq = excluded.seq, updated_at = excluded.updated_at`,
          ).run(...entryValues(e, seq, entry.createdAt, at));
        }
        if (w.objection) {
          const { record, expectStatus } = w.objection;
          writeRequest('objections', OBJECTION_COLUMNS, objectionValues(record), record.id, expectStatus);
        }
        if (w.repair) {
          const { record, expectStatus } = w.repair;
          writeRequest('repairs', REPAIR_COLUMNS, repairValues(record), record.id, expectStatus);
        }
        if (w.commitment) {
          const { record, expectStatus, change } = w.commitment;
          writeRequest('commitments', COMMITMENT_COLUMNS, commitmentValues(record), record.id, expectStatus);
          seq++;
          insertChange(seq, at, change, record.id, record.code, w.actor, commitmentChangeData(record), why);
        }
        d.appendAudit([dueProcessAudit(at, w, seq)]);
        return { seq, entry };
      });
      try {
        return run.immediate();
      } catch (err) {
        if (isUniqueViolation(err)) throw new WriteConflictError((err as Error).message);
        throw err;
      }
    },

    async getObjection(id) {
      const row = sql<[string], { data: string }>('SELECT data FROM objections WHERE id = ?').get(id);
      return row ? fromDataRow<ObjectionRecord>(row) : null;
    },

    async listObjections(q) {
      const { where, values } = objectionFilter(q);
      return sql<unknown[], { data: string }>(`SELECT data FROM objections ${where} ORDER BY id LIMIT ?`)
        .all(...values, positiveInt(q.limit, 'limit'))
        .map((r) => fromDataRow<ObjectionRecord>(r));
    },

    async getRepair(id) {
      const row = sql<[string], { data: string }>('SELECT data FROM repairs WHERE id = ?').get(id);
      return row ? fromDataRow<RepairRecord>(row) : null;
    },

    async listRepairs(q) {
      const { where, values } = repairFilter(q);
      return sql<unknown[], { data: string }>(`SELECT data FROM repairs ${where} ORDER BY id LIMIT ?`)
        .all(...values, positiveInt(q.limit, 'limit'))
        .map((r) => fromDataRow<RepairRecord>(r));
    },

    async getCommitment(id) {
      const row = sql<[string], { data: string }>('SELECT data FROM commitments WHERE id = ?').get(id);
      return row ? fromDataRow<CommitmentRecord>(row) : null;
    },

    async listCommitments(q) {
      const { where, values } = commitmentFilter(q);
      return sql<unknown[], { data: string }>(`SELECT data FROM commitments ${where} ORDER BY id LIMIT ?`)
        .all(...values, positiveInt(q.limit, 'limit'))
        .map((r) => fromDataRow<CommitmentRecord>(r));
    },

    async decisionKeysFor(subjectId, since, limit) {
      const rows = sql<[string, string], { key_id: string; n: number }>(
        `SELECT key_id, COUNT(*) AS n FROM decisions
          WHERE subject_id = ? AND at >= ? AND key_id IS NOT NULL
          GROUP BY key_id ORDER BY key_id`,
      ).all(subjectId, new Date(nonEmptyString(since, 'since')).toISOString());
      return {
        keyIds: rows.slice(0, positiveInt(limit, 'limit')).map((r) => r.key_id),
        decisions: rows.reduce((n, r) => n + r.n, 0),
      };
    },

    async recordExpiries(today, limit, from = null) {
      nonEmptyString(today, 'today');
      const at = d.now().toISOString();
      const run = db.transaction(() => {
        // Recorded as applying, ended before today, and in force on the day it was recorded (China time).
        const rows = sql<[string, string, number], EntryRow & { subject_key: string }>(
          `SELECT ${ENTRY_COLUMNS_E}, s.key AS subject_key
             FROM entries e JOIN subjects s ON s.id = e.subject_id
            WHERE e.valid_until < ? AND e.valid_until >= ? AND e.status IN ('active', 'suspended')
              AND e.valid_until >= date(e.created_at, '+8 hours')
              AND NOT EXISTS (SELECT 1 FROM entry_expiries x WHERE x.entry_id = e.id AND x.valid_until = e.valid_until)
            ORDER BY e.valid_until, e.id
            LIMIT ?`,
        ).all(today, from ?? '', Math.min(positiveInt(limit, 'limit'), EXPIRY_BATCH));
        if (rows.length === 0) return [];
        let seq = maxSeq();
        const changes: Change[] = [];
        for (const row of rows) {
          seq++;
          const entry = toEntry(row);
          const why = expiryWhy(entry.validUntil!);
          insertChange(
            seq,
            at,
            'entry.expired',
            entry.id,
            row.subject_key,
            'system',
            entry,
            JSON.stringify(why),
          );
          sql('INSERT INTO entry_expiries (entry_id, valid_until, seq) VALUES (?, ?, ?)').run(
            entry.id,
            entry.validUntil,
            seq,
          );
          changes.push({
            seq,
            at,
            type: 'entry.expired',
            entityId: entry.id,
            subjectKey: row.subject_key,
            actor: 'system',
            data: entry,
            why,
          });
        }
        d.appendAudit([expiryAudit(at, today, changes)]);
        return changes;
      });
      return run.immediate();
    },
  };

  /** Inserts a request row, or updates it only while it still has the expected status. */
  function writeRequest(
    table: 'objections' | 'repairs' | 'commitments',
    columns: string,
    values: unknown[],
    id: string,
    expectStatus: string | null,
  ): void {
    const names = columns.split(', ');
    if (expectStatus === null) {
      sql(`INSERT INTO ${table} (${columns}) VALUES (${names.map(() => '?').join(', ')})`).run(values);
      return;
    }
    const set = names
      .slice(1)
      .map((c) => `${c} = ?`)
      .join(', ');
    const changed = sql(`UPDATE ${table} SET ${set} WHERE id = ? AND status = ?`).run(
      ...values.slice(1),
      id,
      expectStatus,
    ).changes;
    if (changed !== 1) throw new WriteConflictError(`${id} is no longer ${expectStatus}`);
  }
}
