import type Database from 'better-sqlite3';
import type { StoredStatus } from '../domain/model.ts';
import { stagedEntryFingerprint } from './stage.ts';

/**
 * What an import may not do to an entry under the due process (ARCHITECTURE invariants 2 and 3):
 * - while an objection is pending, the entry stays `suspended` (its resolution decides), whatever
 *   status the file gives; the rest of the row still applies;
 * - an entry whose last due-process status change repaired or revoked it keeps that status: only
 *   the due process (a designation) lists it again. An import that repairs or revokes an entry
 *   the due process left active still applies, and the file keeps governing such an entry.
 * The import reads these rules once, under its write lock, from the objections table and the
 * small index of due-process status changes (migration 8), and the stager puts the kept status in
 * the staged row: the merge itself is unchanged and no row costs more than a map look-up.
 */

export type KeptReason = 'objection-pending' | 'repaired' | 'revoked';

/** One record whose status the import did not take (reported to the operator as a warning). */
export interface KeptStatus {
  /** The record's line (ImportRecord.line). */
  line: number;
  entryId: string;
  /** What the record said. */
  fileStatus: StoredStatus;
  /** What the entry keeps. */
  status: StoredStatus;
  reason: KeptReason;
  /** The pending objection, for `objection-pending`; null otherwise. */
  objectionId: string | null;
}

interface Rule {
  status: StoredStatus;
  reason: KeptReason;
  objectionId: string | null;
}

type Rules = ReadonlyMap<string, Rule>;

interface RuleRow {
  entry_id: string;
  status: string;
  objection_id: string | null;
}

/**
 * Entries repaired or revoked by the due process and not listed again by it since (a later
 * due-process change with another status; expiry events only restate the status), then the
 * entries with a pending objection. Both dialects return the same columns.
 */
export const SQLITE_GUARD_SQL = `
SELECT c.entity_id AS entry_id, json_extract(c.data, '$.status') AS status, NULL AS objection_id
  FROM change_log c
 WHERE c.why IS NOT NULL AND c.type = 'entry.status'
   AND json_extract(c.data, '$.status') IN ('repaired', 'revoked')
   AND NOT EXISTS (
     SELECT 1 FROM change_log l
      WHERE l.entity_id = c.entity_id AND l.seq > c.seq AND l.why IS NOT NULL AND l.type <> 'entry.expired'
        AND json_extract(l.data, '$.status') IS NOT json_extract(c.data, '$.status'))
UNION ALL
SELECT entry_id, 'suspended', id FROM objections WHERE status = 'pending'`;

export const POSTGRES_GUARD_SQL = `
SELECT c.entity_id AS entry_id, c.data->>'status' AS status, NULL::text AS objection_id
  FROM change_log c
 WHERE c.why IS NOT NULL AND c.type = 'entry.status'
   AND c.data->>'status' IN ('repaired', 'revoked')
   AND NOT EXISTS (
     SELECT 1 FROM change_log l
      WHERE l.entity_id = c.entity_id AND l.seq > c.seq AND l.why IS NOT NULL AND l.type <> 'entry.expired'
        AND l.data->>'status' IS DISTINCT FROM c.data->>'status')
UNION ALL
SELECT entry_id, 'suspended', id FROM objections WHERE status = 'pending'`;

export function guardRules(rows: readonly RuleRow[]): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  for (const r of rows) {
    const objection = r.objection_id !== null;
    // A repair or revocation outranks an objection (the due process allows no such pair today).
    if (objection && rules.has(r.entry_id)) continue;
    rules.set(r.entry_id, {
      status: r.status as StoredStatus,
      reason: objection ? 'objection-pending' : (r.status as 'repaired' | 'revoked'),
      objectionId: r.objection_id,
    });
  }
  return rules;
}

export class ImportGuard {
  /** Kept statuses by the record's position in the import. */
  private readonly kept = new Map<number, KeptStatus>();
  /** Each position's line, when the rules may change before the merge (SQLite: see reguardSqlite). */
  private lines: Int32Array | null;

  constructor(
    private rules: Rules,
    opts: { trackLines?: boolean } = {},
  ) {
    this.lines = opts.trackLines ? new Int32Array(1024) : null;
  }

  get count(): number {
    return this.kept.size;
  }

  /** The status to stage for the record at `ord` (1, 2, …); notes the record when it is not the file's. */
  statusFor(ord: number, line: number, entryId: string, fileStatus: StoredStatus): StoredStatus {
    if (this.lines) this.noteLine(ord, line);
    return this.decide(ord, line, entryId, fileStatus);
  }

  private decide(ord: number, line: number, entryId: string, fileStatus: StoredStatus): StoredStatus {
    if (this.rules.size === 0) return fileStatus;
    const rule = this.rules.get(entryId);
    if (rule === undefined || rule.status === fileStatus) return fileStatus;
    this.kept.set(ord, {
      line,
      entryId,
      fileStatus,
      status: rule.status,
      reason: rule.reason,
      objectionId: rule.objectionId,
    });
    return rule.status;
  }

  private noteLine(ord: number, line: number): void {
    let lines = this.lines!;
    if (ord >= lines.length) {
      lines = new Int32Array(Math.max(ord + 1, lines.length * 2));
      lines.set(this.lines!);
      this.lines = lines;
    }
    lines[ord] = line;
  }

  /** Takes the rules as read again (inside the merge's transaction); returns the entries whose rule changed. */
  adopt(rules: Rules): string[] {
    const changed: string[] = [];
    for (const [id, rule] of rules) {
      const before = this.rules.get(id);
      if (before?.status !== rule.status || before.objectionId !== rule.objectionId) changed.push(id);
    }
    for (const id of this.rules.keys()) if (!rules.has(id)) changed.push(id);
    this.rules = rules;
    return changed;
  }

  /** Stages a row again under the current rules, from its status as the file gave it. */
  restage(ord: number, entryId: string, stagedStatus: StoredStatus): StoredStatus {
    if (this.lines === null) throw new Error('restaging needs the lines tracked (trackLines)');
    const fileStatus = this.kept.get(ord)?.fileStatus ?? stagedStatus;
    this.kept.delete(ord);
    return this.decide(ord, this.lines[ord]!, entryId, fileStatus);
  }

  /** Every kept status, in record order. */
  list(): KeptStatus[] {
    return [...this.kept.entries()].sort((a, b) => a[0] - b[0]).map(([, k]) => k);
  }
}

/** The rules as the SQLite store holds them now. */
export function sqliteGuardRules(db: Database.Database): Map<string, Rule> {
  return guardRules(db.prepare<[], RuleRow>(SQLITE_GUARD_SQL).all());
}

/**
 * SQLite stages outside the write lock, so an objection may have been filed (or resolved, or a
 * repair approved) meanwhile. Inside the merge's transaction: reads the rules again and restages
 * the rows of the entries whose rule changed. Rare, so a scan of the staging table is fine.
 */
export function reguardSqlite(db: Database.Database, entryTable: string, guard: ImportGuard): void {
  const changed = guard.adopt(sqliteGuardRules(db));
  if (changed.length === 0) return;
  const rows = db
    .prepare<
      [string],
      {
        ord: number;
        ent_id: string;
        kind: string;
        department: string;
        reason: string;
        decided_on: string;
        published_on: string | null;
        valid_until: string | null;
        status: StoredStatus;
      }
    >(
      `SELECT ord, ent_id, kind, department, reason, decided_on, published_on, valid_until, status
         FROM ${entryTable} WHERE ent_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(changed));
  const update = db.prepare(`UPDATE ${entryTable} SET status = ?, ent_fp = ? WHERE ord = ?`);
  for (const r of rows) {
    const status = guard.restage(r.ord, r.ent_id, r.status);
    if (status === r.status) continue;
    const fp = stagedEntryFingerprint(
      {
        kind: r.kind,
        department: r.department,
        reason: r.reason,
        decidedOn: r.decided_on,
        publishedOn: r.published_on,
        validUntil: r.valid_until,
      },
      status,
    );
    update.run(status, fp, r.ord);
  }
}
