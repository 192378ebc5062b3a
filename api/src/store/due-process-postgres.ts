import type pg from 'pg';
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
  numbered,
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

/** What the PostgreSQL store lends: its pooled query, transaction, clock, change-log lock and audit appender. */
export interface PostgresDueProcessDeps {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  transaction<T>(fn: (c: pg.PoolClient) => Promise<{ result: T; rollback?: boolean }>): Promise<T>;
  now: () => Date;
  /** Takes the schema's change-log lock (held to commit) and returns the last seq. */
  lockChangeLog: (c: pg.PoolClient) => Promise<number>;
  /** Keeps the identity default ahead of the seqs assigned. */
  syncIdentity: (c: pg.PoolClient, seq: number) => Promise<void>;
  /** Appends in the caller's transaction; call it last (it holds the chain head to commit). */
  appendAudit: (c: pg.PoolClient, events: AuditEventRow[]) => Promise<void>;
}

const ENTRY_COLUMNS_E = ENTRY_COLUMNS.split(', ')
  .map((c) => `e.${c}`)
  .join(', ');

/**
 * The due process on PostgreSQL. Every write takes the change-log lock first (as imports do), then
 * checks the entry's seq: writers of one schema are serialized, so the check cannot race, and seqs
 * commit in order. The audit head is taken last, as every writer does.
 */
export function postgresDueProcess(d: PostgresDueProcessDeps): DueProcessStore {
  const insertChange = (
    c: pg.PoolClient,
    seq: number,
    at: string,
    type: Change['type'],
    entityId: string,
    subjectKey: string | null,
    actor: string,
    data: unknown,
    why: string | null,
  ) =>
    c.query(
      'INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data, why) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [seq, at, type, entityId, subjectKey, actor, JSON.stringify(data), why],
    );

  async function writeRequest(
    c: pg.PoolClient,
    table: 'objections' | 'repairs' | 'commitments',
    columns: string,
    values: unknown[],
    id: string,
    expectStatus: string | null,
  ): Promise<void> {
    const names = columns.split(', ');
    if (expectStatus === null) {
      await c.query(
        `INSERT INTO ${table} (${columns}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
        values,
      );
      return;
    }
    const set = names
      .slice(1)
      .map((col, i) => `${col} = $${i + 1}`)
      .join(', ');
    const n = names.length;
    const { rowCount } = await c.query(`UPDATE ${table} SET ${set} WHERE id = $${n} AND status = $${n + 1}`, [
      ...values.slice(1),
      id,
      expectStatus,
    ]);
    if (rowCount !== 1) throw new WriteConflictError(`${id} is no longer ${expectStatus}`);
  }

  return {
    async getEntry(id) {
      const rows = await d.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE id = $1`, [id]);
      return rows[0] ? toEntry(rows[0]) : null;
    },

    async writeDueProcess(write) {
      const w = validDueProcessWrite(write);
      const at = d.now().toISOString();
      const why = w.why === undefined ? null : JSON.stringify(w.why);
      try {
        return await d.transaction(async (c) => {
          const base = await d.lockChangeLog(c);
          let seq = base;
          let subjectKey: string | null = null;
          if (w.subject) {
            const s = w.subject;
            subjectKey = s.key;
            const fp = subjectFingerprint(s);
            const { rows } = await c.query<{ fingerprint: string }>(
              'SELECT fingerprint FROM subjects WHERE id = $1',
              [s.id],
            );
            if (rows[0]?.fingerprint !== fp) {
              seq++;
              await insertChange(
                c,
                seq,
                at,
                'subject.upserted',
                s.id,
                s.key,
                w.actor,
                subjectChangeData(s, seq),
                why,
              );
              await c.query(
                `INSERT INTO subjects (id, type, key, code, id_masked, name, norm_name, legal_rep, legal_rep_key,
                                       division, fingerprint, seq)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (id) DO UPDATE SET
                   type = excluded.type, code = excluded.code, id_masked = excluded.id_masked, name = excluded.name,
                   norm_name = excluded.norm_name, legal_rep = excluded.legal_rep,
                   legal_rep_key = excluded.legal_rep_key, division = excluded.division,
                   fingerprint = excluded.fingerprint, seq = excluded.seq`,
                subjectValues(s, fp, seq),
              );
            }
          }
          let entry: Entry | null = null;
          if (w.entry) {
            const e = w.entry.after;
            const { rows } = await c.query<{ seq: string; created_at: Date }>(
              'SELECT seq, created_at FROM entries WHERE id = $1',
              [e.id],
            );
            const current = rows[0];
            const currentSeq = current ? Number(current.seq) : undefined;
            if (w.entry.expectSeq === null ? current : currentSeq !== w.entry.expectSeq) {
              throw new WriteConflictError(
                current
                  ? `entry ${e.id} is at seq ${currentSeq}, not ${w.entry.expectSeq ?? '(new)'}`
                  : `entry ${e.id} does not exist`,
              );
            }
            if (subjectKey === null) {
              const { rows: s } = await c.query<{ key: string }>('SELECT key FROM subjects WHERE id = $1', [
                e.subjectId,
              ]);
              subjectKey = s[0]?.key ?? null;
            }
            seq++;
            entry = entryChangeData(e, seq, current ? current.created_at.toISOString() : at, at);
            await insertChange(c, seq, at, w.entry.type, e.id, subjectKey, w.actor, entry, why);
            await c.query(
              `INSERT INTO entries (id, subject_id, list_type, kind, designator, department, basis, reason, decided_on,
                                    published_on, valid_until, status, fingerprint, seq, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
               ON CONFLICT (id) DO UPDATE SET
                 kind = excluded.kind, department = excluded.department, reason = excluded.reason,
                 decided_on = excluded.decided_on, published_on = excluded.published_on,
                 valid_until = excluded.valid_until, status = excluded.status, fingerprint = excluded.fingerprint,
                 seq = excluded.seq, updated_at = excluded.updated_at`,
              entryValues(e, seq, entry.createdAt, at),
            );
          }
          if (w.objection) {
            const { record, expectStatus } = w.objection;
            await writeRequest(
              c,
              'objections',
              OBJECTION_COLUMNS,
              objectionValues(record),
              record.id,
              expectStatus,
            );
          }
          if (w.repair) {
            const { record, expectStatus } = w.repair;
            await writeRequest(c, 'repairs', REPAIR_COLUMNS, repairValues(record), record.id, expectStatus);
          }
          if (w.commitment) {
            const { record, expectStatus, change } = w.commitment;
            await writeRequest(
              c,
              'commitments',
              COMMITMENT_COLUMNS,
              commitmentValues(record),
              record.id,
              expectStatus,
            );
            seq++;
            await insertChange(
              c,
              seq,
              at,
              change,
              record.id,
              record.code,
              w.actor,
              commitmentChangeData(record),
              why,
            );
          }
          if (seq > base) await d.syncIdentity(c, seq);
          await d.appendAudit(c, [dueProcessAudit(at, w, seq)]);
          return { result: { seq, entry } };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new WriteConflictError((err as Error).message);
        throw err;
      }
    },

    async getObjection(id) {
      const rows = await d.query<{ data: string }>('SELECT data FROM objections WHERE id = $1', [id]);
      return rows[0] ? fromDataRow<ObjectionRecord>(rows[0]) : null;
    },

    async listObjections(q) {
      const { where, values } = objectionFilter(q);
      const rows = await d.query<{ data: string }>(
        numbered(`SELECT data FROM objections ${where} ORDER BY id LIMIT ?`),
        [...values, positiveInt(q.limit, 'limit')],
      );
      return rows.map((r) => fromDataRow<ObjectionRecord>(r));
    },

    async getRepair(id) {
      const rows = await d.query<{ data: string }>('SELECT data FROM repairs WHERE id = $1', [id]);
      return rows[0] ? fromDataRow<RepairRecord>(rows[0]) : null;
    },

    async listRepairs(q) {
      const { where, values } = repairFilter(q);
      const rows = await d.query<{ data: string }>(
        numbered(`SELECT data FROM repairs ${where} ORDER BY id LIMIT ?`),
        [...values, positiveInt(q.limit, 'limit')],
      );
      return rows.map((r) => fromDataRow<RepairRecord>(r));
    },

    async getCommitment(id) {
      const rows = await d.query<{ data: string }>('SELECT data FROM commitments WHERE id = $1', [id]);
      return rows[0] ? fromDataRow<CommitmentRecord>(rows[0]) : null;
    },

    async listCommitments(q) {
      const { where, values } = commitmentFilter(q);
      const rows = await d.query<{ data: string }>(
        numbered(`SELECT data FROM commitments ${where} ORDER BY id LIMIT ?`),
        [...values, positiveInt(q.limit, 'limit')],
      );
      return rows.map((r) => fromDataRow<CommitmentRecord>(r));
    },

    async decisionKeysFor(subjectId, since, limit) {
      const rows = await d.query<{ key_id: string; n: string }>(
        `SELECT key_id, count(*) AS n FROM decisions
          WHERE subject_id = $1 AND at >= $2::timestamptz AND key_id IS NOT NULL
          GROUP BY key_id ORDER BY key_id`,
        [subjectId, nonEmptyString(since, 'since')],
      );
      return {
        keyIds: rows.slice(0, positiveInt(limit, 'limit')).map((r) => r.key_id),
        decisions: rows.reduce((n, r) => n + Number(r.n), 0),
      };
    },

    async recordExpiries(today, limit, from = null) {
      nonEmptyString(today, 'today');
      const max = Math.min(positiveInt(limit, 'limit'), EXPIRY_BATCH);
      const at = d.now().toISOString();
      return d.transaction(async (c) => {
        // The lock first: another process doing the same waits, then finds these written.
        let seq = await d.lockChangeLog(c);
        const { rows } = await c.query<EntryRow & { subject_key: string }>(
          `SELECT ${ENTRY_COLUMNS_E}, s.key AS subject_key
             FROM entries e JOIN subjects s ON s.id = e.subject_id
            WHERE e.valid_until < $1 AND e.valid_until >= $3 AND e.status IN ('active', 'suspended')
              AND e.valid_until >= to_char((e.created_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD')
              AND NOT EXISTS (SELECT 1 FROM entry_expiries x WHERE x.entry_id = e.id AND x.valid_until = e.valid_until)
            ORDER BY e.valid_until, e.id
            LIMIT $2`,
          [today, max, from ?? ''],
        );
        if (rows.length === 0) return { result: [] as Change[] };
        const changes: Change[] = [];
        for (const row of rows) {
          seq++;
          const entry = toEntry(row);
          const why = expiryWhy(entry.validUntil!);
          await insertChange(
            c,
            seq,
            at,
            'entry.expired',
            entry.id,
            row.subject_key,
            'system',
            entry,
            JSON.stringify(why),
          );
          await c.query('INSERT INTO entry_expiries (entry_id, valid_until, seq) VALUES ($1, $2, $3)', [
            entry.id,
            entry.validUntil,
            seq,
          ]);
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
        await d.syncIdentity(c, seq);
        await d.appendAudit(c, [expiryAudit(at, today, changes)]);
        return { result: changes };
      });
    },
  };
}
