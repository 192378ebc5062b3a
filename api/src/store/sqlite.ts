import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Catalog } from '../domain/catalog.ts';
import type { Change, ImportRecord, ImportSummary } from '../domain/model.ts';
import { nonEmptyString, nonNegativeInt, positiveInt } from './arguments.ts';
import {
  AUDIT_COLUMNS,
  type AuditDbRow,
  catalogAudit,
  decisionAudit,
  importAudit,
  keyCreatedAudit,
  keyRevokedAudit,
  SYSTEM_ACTOR,
  settingAudit,
  toAuditRecord,
} from './audit.ts';
import { type AuditEventRow, chainAudit } from './audit-chain.js';
import { catalogChangeData, validCatalog } from './catalog-change.ts';
import { unwritableReason } from './data-dir.ts';
import { sqliteDueProcess } from './due-process-sqlite.ts';
import { sqliteEntryList } from './entry-list-sqlite.ts';
import { ImportGuard, reguardSqlite, sqliteGuardRules } from './import-guard.ts';
import {
  API_KEY_COLUMNS,
  type ApiKeyRow,
  apiKeyValues,
  DECISION_COLUMNS,
  type DecisionRow,
  decisionValues,
  toApiKey,
  toDecision,
  validApiKey,
  validDecision,
  validRevocation,
} from './keys-decisions.ts';
import { sqliteMigrations } from './migrations/sqlite.ts';
import { sqliteOversight } from './oversight-sqlite.ts';
import {
  CHANGE_COLUMNS,
  type ChangeRow,
  ENTRY_COLUMNS,
  type EntryRow,
  SUBJECT_COLUMNS,
  type SubjectRow,
  toChange,
  toEntry,
  toSubject,
} from './rows.ts';
import { scanSqlite } from './scan-sqlite.ts';
import { type BackgroundWriter, startBackgroundWriter } from './sqlite-writer.ts';
import { ENTRY_STAGE_COLUMNS, Stager, SUBJECT_STAGE_COLUMNS } from './stage.ts';
import type { ImportOptions, Store, StoreOptions } from './types.ts';
import { sqliteWebhooks } from './webhooks-sqlite.ts';

type Db = Database.Database;

/**
 * The default store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so every write
 * transaction below runs without yielding and cannot interleave with another call on this
 * connection; only an import's staging (into its own temp tables) spans awaits.
 */
export function openSqliteStore(file: string, opts: StoreOptions = {}): Store {
  const db = openDatabase(file);
  const now = () => (opts.clock ? opts.clock.now() : new Date());
  let stageCounter = 0;
  let decisionWriter: BackgroundWriter | undefined;

  // Statements on tables created by migrate() can only be prepared after it ran.
  const prepared = new Map<string, Database.Statement>();
  const sql = <P extends unknown[] = unknown[], R = unknown>(text: string) => {
    let s = prepared.get(text);
    if (!s) {
      s = db.prepare(text);
      prepared.set(text, s);
    }
    return s as Database.Statement<P, R>;
  };

  const stmt = {
    getSetting: () => sql<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    initSetting: () => sql('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING'),
    maxSeq: () => sql<[], { seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log'),
    auditHead: () => sql<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head'),
  };

  /** Inside a write transaction (which holds SQLite's one write lock, so the head cannot move under it). */
  const appendAudit = (events: AuditEventRow[]) => {
    const { rows, head } = chainAudit(stmt.auditHead().get()!, events);
    const insert = sql(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (${placeholders(8)})`);
    for (const row of rows) insert.run(row);
    sql('UPDATE audit_head SET seq = ?, hash = ?').run(head.seq, head.hash);
  };

  const appendChange = (seq: number, at: string, c: Omit<Change, 'seq' | 'at'>) =>
    sql(
      'INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(seq, at, c.type, c.entityId, c.subjectKey, c.actor, JSON.stringify(c.data));

  const store: Store = {
    dialect: 'sqlite',
    ...sqliteOversight({ db, sql, now, appendAudit }),
    ...sqliteEntryList({ sql }),
    ...sqliteDueProcess({ db, sql, now, appendAudit }),
    ...sqliteWebhooks({ file, db, sql, now, appendAudit }),

    async migrate() {
      migrate(db);
    },

    async close() {
      await decisionWriter?.close();
      db.close();
    },

    async getSetting(key) {
      return stmt.getSetting().get(key)?.value ?? null;
    },

    async initSetting(key, value, audit) {
      const at = now().toISOString();
      db.transaction(() => {
        if (stmt.initSetting().run(key, value).changes === 1) appendAudit([settingAudit(at, key, audit)]);
      }).immediate();
      return stmt.getSetting().get(key)!.value;
    },

    async replaceCatalog(catalog, actor) {
      nonEmptyString(actor, 'actor');
      const valid = validCatalog(catalog);
      const at = now().toISOString();
      db.transaction(() => {
        const seq = stmt.maxSeq().get()!.seq + 1;
        appendChange(seq, at, {
          type: 'catalog.replaced',
          entityId: 'catalog',
          subjectKey: null,
          actor,
          data: catalogChangeData(valid),
        });
        sql('INSERT INTO catalog (seq, version, data, replaced_at, actor) VALUES (?, ?, ?, ?, ?)').run(
          seq,
          valid.version,
          JSON.stringify(valid),
          at,
          actor,
        );
        appendAudit([catalogAudit(at, actor, valid, seq)]);
      }).immediate();
    },

    async getCatalog() {
      const row = sql<[], { data: string }>('SELECT data FROM catalog ORDER BY seq DESC LIMIT 1').get();
      return row ? (JSON.parse(row.data) as Catalog) : null;
    },

    async findSubjectByKey(key) {
      const row = sql<[string], SubjectRow>(`SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE key = ?`).get(key);
      return row ? toSubject(row) : null;
    },

    async findSubjectById(id) {
      const row = sql<[string], SubjectRow>(`SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE id = ?`).get(id);
      return row ? toSubject(row) : null;
    },

    async listEntries(subjectId) {
      return sql<[string], EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE subject_id = ? ORDER BY id`)
        .all(subjectId)
        .map(toEntry);
    },

    async historyOf(entityId) {
      return sql<[string], ChangeRow>(
        `SELECT ${CHANGE_COLUMNS} FROM change_log WHERE entity_id = ? ORDER BY seq`,
      )
        .all(entityId)
        .map(toChange);
    },

    async currentSeq() {
      return stmt.maxSeq().get()!.seq;
    },

    async changesSince(seq, limit) {
      return sql<[number, number], ChangeRow>(
        `SELECT ${CHANGE_COLUMNS} FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?`,
      )
        .all(nonNegativeInt(seq, 'seq'), positiveInt(limit, 'limit'))
        .map(toChange);
    },

    async counts() {
      return sql<[], { subjects: number; entries: number }>(
        'SELECT (SELECT COUNT(*) FROM subjects) AS subjects, (SELECT COUNT(*) FROM entries) AS entries',
      ).get()!;
    },

    async *scan(batchSize) {
      yield* scanSqlite(db, positiveInt(batchSize, 'batchSize'));
    },

    async importRecords(chunks, options) {
      nonEmptyString(options?.actor, 'actor');
      const stage = `import_stage_${++stageCounter}`;
      db.pragma(`cache_size = ${IMPORT_CACHE}`);
      try {
        // Read again, and staged rows fixed, inside the merge's transaction (reguardSqlite).
        const guard = new ImportGuard(sqliteGuardRules(db), { trackLines: true });
        const rows = await stageRecords(db, stage, chunks, options, guard);
        const at = now().toISOString();
        return mergeStaged(db, stage, rows, options, at, guard, (summary) =>
          appendAudit([importAudit(at, options.actor, summary)]),
        );
      } finally {
        db.exec(
          `DROP TABLE IF EXISTS temp.${stage}_s; DROP TABLE IF EXISTS temp.${stage}_e; DROP TABLE IF EXISTS temp.${stage}_plan`,
        );
        db.pragma(`cache_size = ${SERVING_CACHE}`);
        db.pragma('shrink_memory');
      }
    },

    async createApiKey(record, actor = SYSTEM_ACTOR) {
      const r = validApiKey(record);
      nonEmptyString(actor, 'actor');
      const at = now().toISOString();
      db.transaction(() => {
        sql(`INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES (${placeholders(9)})`).run(apiKeyValues(r));
        appendAudit([keyCreatedAudit(at, actor, r)]);
      }).immediate();
    },

    async listApiKeys() {
      return sql<[], ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`)
        .all()
        .map(toApiKey);
    },

    async findApiKeyByHash(hash) {
      const row = sql<[string], ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE hash = ?`).get(
        hash,
      );
      return row ? toApiKey(row) : null;
    },

    async revokeApiKey(id, at, actor = SYSTEM_ACTOR) {
      const when = validRevocation(id, at);
      nonEmptyString(actor, 'actor');
      const auditAt = now().toISOString();
      return db
        .transaction(() => {
          const revoked =
            sql('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(when, id)
              .changes === 1;
          if (revoked) appendAudit([keyRevokedAudit(auditAt, actor, id, when)]);
          return revoked;
        })
        .immediate();
    },

    async recordDecisions(records) {
      const valid = records.map(validDecision);
      if (valid.length === 0) return;
      const rows = valid.map(decisionValues);
      const audit = valid.map(decisionAudit);
      if (file === ':memory:') {
        const insert = sql(`INSERT INTO decisions (${DECISION_COLUMNS}) VALUES (${placeholders(11)})`);
        db.transaction(() => {
          for (const row of rows) insert.run(row);
          appendAudit(audit);
        }).immediate();
        return;
      }
      decisionWriter ??= startBackgroundWriter(
        file,
        `INSERT INTO decisions (${DECISION_COLUMNS}) VALUES (${placeholders(11)})`,
      );
      await decisionWriter.write(rows, audit);
    },

    async putIdempotentResponse(r) {
      const at = new Date(r.at).toISOString();
      return (
        sql(
          'INSERT INTO idempotent_responses (key_id, idem_key, request_hash, response, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        ).run(r.keyId, r.idemKey, r.requestHash, r.response, at).changes === 1
      );
    },

    async getIdempotentResponse(keyId, idemKey) {
      const row = sql<[string, string], { request_hash: string; response: string; at: string }>(
        'SELECT request_hash, response, at FROM idempotent_responses WHERE key_id = ? AND idem_key = ?',
      ).get(keyId, idemKey);
      return row
        ? { keyId, idemKey, requestHash: row.request_hash, response: row.response, at: row.at }
        : null;
    },

    async getDecision(id) {
      const row = sql<[string], DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions WHERE id = ?`).get(
        id,
      );
      return row ? toDecision(row) : null;
    },

    async readAudit(afterSeq, limit) {
      return sql<[number, number], AuditDbRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
      )
        .all(nonNegativeInt(afterSeq, 'afterSeq'), positiveInt(limit, 'limit'))
        .map(toAuditRecord);
    },

    async auditHead() {
      return stmt.auditHead().get()!;
    },
  };
  return store;
}

/**
 * Page cache in KiB (negative): an import touches every index page of a large table and gets
 * 64 MiB while it runs; a serving API answers from its in-memory index and keeps 8 MiB, which
 * held its resident memory about 60 MB lower at a million entries.
 */
const IMPORT_CACHE = -65536;
const SERVING_CACHE = -8192;

function openDatabase(file: string): Db {
  const where = file === ':memory:' ? file : resolve(file);
  try {
    if (file !== ':memory:') mkdirSync(dirname(where), { recursive: true });
    const db = new Database(where);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma(`cache_size = ${SERVING_CACHE}`);
      // Fails here rather than on the first write when the file or its directory is read-only.
      db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      );
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  } catch (err) {
    const cause =
      (file !== ':memory:' && unwritableReason(dirname(where))) ||
      (err instanceof Error ? err.message : String(err));
    throw new Error(`cannot open SQLite store at ${where}: ${cause}`, { cause: err });
  }
}

function migrate(db: Db): void {
  db.transaction(() => {
    const applied = new Set(
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
        .all()
        .map((r) => r.version),
    );
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of sqliteMigrations) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }
  }).immediate();
}

const SUBJECT_STAGE_DDL = `(
  ord INTEGER PRIMARY KEY, sub_id TEXT NOT NULL, sub_type TEXT NOT NULL, sub_key TEXT NOT NULL, code TEXT,
  id_masked TEXT, name TEXT NOT NULL, norm_name TEXT NOT NULL, legal_rep TEXT, legal_rep_key TEXT, division TEXT,
  sub_fp TEXT NOT NULL
)`;
const ENTRY_STAGE_DDL = `(
  ord INTEGER PRIMARY KEY, ent_id TEXT NOT NULL, sub_id TEXT NOT NULL, sub_key TEXT NOT NULL, list_type TEXT NOT NULL,
  kind TEXT NOT NULL, designator TEXT NOT NULL, department TEXT NOT NULL, basis TEXT NOT NULL, reason TEXT NOT NULL,
  decided_on TEXT NOT NULL, published_on TEXT, valid_until TEXT, status TEXT NOT NULL, ent_fp TEXT NOT NULL
)`;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Phase 1: records into temp tables, one short transaction per chunk; the store's tables are untouched. */
async function stageRecords(
  db: Db,
  stage: string,
  chunks: AsyncIterable<ImportRecord[]> | Iterable<ImportRecord[]>,
  options: ImportOptions,
  guard: ImportGuard,
): Promise<number> {
  db.exec(
    `CREATE TEMP TABLE ${stage}_s ${SUBJECT_STAGE_DDL}; CREATE TEMP TABLE ${stage}_e ${ENTRY_STAGE_DDL}`,
  );
  const insertSubject = db.prepare(
    `INSERT INTO temp.${stage}_s VALUES (${placeholders(SUBJECT_STAGE_COLUMNS.length)})`,
  );
  const insertEntry = db.prepare(
    `INSERT INTO temp.${stage}_e VALUES (${placeholders(ENTRY_STAGE_COLUMNS.length)})`,
  );
  const stager = new Stager(false, guard);
  const insertChunk = db.transaction((records: ImportRecord[]) => {
    for (const r of records) {
      const { subject, entry } = stager.stage(r);
      if (subject) insertSubject.run(subject);
      insertEntry.run(entry);
    }
  });
  for await (const chunk of chunks) {
    if (!Array.isArray(chunk)) throw new TypeError('import chunks must be arrays of records');
    insertChunk(chunk);
    options.onProgress?.(stager.rowsStaged);
  }
  return stager.rowsStaged;
}

class DryRunRollback extends Error {}

/**
 * Phase 2, one write transaction. Records apply in order, as if one at a time: a version of a
 * subject or entry is a change when it differs from the version before it in this import, or, for
 * the first, from the stored row (equal fingerprints change nothing). Changes are numbered in
 * record order, a record's subject before its entry, and appended with the entity as it stands
 * after them; the entity rows are then upserted set-wise, later versions overwriting earlier ones.
 */
function mergeStaged(
  db: Db,
  stage: string,
  rows: number,
  options: ImportOptions,
  at: string,
  guard: ImportGuard,
  audit: (summary: ImportSummary) => void,
): ImportSummary {
  const plan = `${stage}_plan`;
  const [ss, se] = [`temp.${stage}_s`, `temp.${stage}_e`];
  let summary: ImportSummary | undefined;
  const merge = db.transaction(() => {
    reguardSqlite(db, se, guard);
    const base = db
      .prepare<[], { seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log')
      .get()!.seq;
    db.exec(`CREATE TEMP TABLE ${plan} (
      seq INTEGER PRIMARY KEY, k INTEGER NOT NULL, created INTEGER NOT NULL, ord INTEGER NOT NULL, old_created_at TEXT
    )`);
    db.prepare(`
      INSERT INTO temp.${plan} (seq, k, created, ord, old_created_at)
      SELECT @base + row_number() OVER (ORDER BY ord, k), k, created, ord, old_created_at FROM (
        SELECT 0 AS k, v.ord, v.prev_fp IS NULL AND s.id IS NULL AS created, NULL AS old_created_at
          FROM (SELECT ord, sub_id, sub_fp, lag(sub_fp) OVER (PARTITION BY sub_id ORDER BY ord) AS prev_fp FROM ${ss}) v
          LEFT JOIN subjects s ON s.id = v.sub_id
         WHERE CASE WHEN v.prev_fp IS NULL THEN s.id IS NULL OR s.fingerprint <> v.sub_fp ELSE v.prev_fp <> v.sub_fp END
        UNION ALL
        SELECT 1, v.ord, v.prev_fp IS NULL AND e.id IS NULL, e.created_at
          FROM (SELECT ord, ent_id, ent_fp, lag(ent_fp) OVER (PARTITION BY ent_id ORDER BY ord) AS prev_fp FROM ${se}) v
          LEFT JOIN entries e ON e.id = v.ent_id
         WHERE CASE WHEN v.prev_fp IS NULL THEN e.id IS NULL OR e.fingerprint <> v.ent_fp ELSE v.prev_fp <> v.ent_fp END
      )`).run({ base });

    const tally = db
      .prepare<[], { k: number; created: number; n: number }>(
        `SELECT k, created, COUNT(*) AS n FROM temp.${plan} GROUP BY k, created`,
      )
      .all();
    const count = (k: number, created: number) =>
      tally.find((t) => t.k === k && t.created === created)?.n ?? 0;
    const changes = tally.reduce((sum, t) => sum + t.n, 0);

    db.prepare(`
      INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data)
      SELECT p.seq, @at, 'subject.upserted', w.sub_id, w.sub_key, @actor, json_object(
               'id', w.sub_id, 'type', w.sub_type, 'key', w.sub_key, 'code', w.code, 'idMasked', w.id_masked,
               'name', w.name, 'normName', w.norm_name, 'legalRep', w.legal_rep, 'legalRepKey', w.legal_rep_key,
               'division', w.division, 'seq', p.seq)
        FROM temp.${plan} p JOIN ${ss} w ON w.ord = p.ord
       WHERE p.k = 0
       ORDER BY p.seq`).run({ at, actor: options.actor });
    db.prepare(`
      INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data)
      SELECT p.seq, @at, CASE WHEN p.created THEN 'entry.created' ELSE 'entry.updated' END, w.ent_id, w.sub_key,
             @actor, json_object(
               'id', w.ent_id, 'subjectId', w.sub_id, 'listType', w.list_type, 'kind', w.kind,
               'designator', w.designator, 'department', w.department, 'basis', w.basis, 'reason', w.reason,
               'decidedOn', w.decided_on, 'publishedOn', w.published_on, 'validUntil', w.valid_until,
               'status', w.status, 'seq', p.seq, 'createdAt', COALESCE(p.old_created_at, @at), 'updatedAt', @at)
        FROM temp.${plan} p JOIN ${se} w ON w.ord = p.ord
       WHERE p.k = 1
       ORDER BY p.seq`).run({ at, actor: options.actor });

    db.prepare(`
      INSERT INTO subjects (id, type, key, code, id_masked, name, norm_name, legal_rep, legal_rep_key, division,
                            fingerprint, seq)
      SELECT w.sub_id, w.sub_type, w.sub_key, w.code, w.id_masked, w.name, w.norm_name, w.legal_rep,
             w.legal_rep_key, w.division, w.sub_fp, p.seq
        FROM temp.${plan} p JOIN ${ss} w ON w.ord = p.ord
       WHERE p.k = 0
       ORDER BY w.sub_id, p.seq
      ON CONFLICT (id) DO UPDATE SET
        type = excluded.type, code = excluded.code, id_masked = excluded.id_masked, name = excluded.name,
        norm_name = excluded.norm_name, legal_rep = excluded.legal_rep, legal_rep_key = excluded.legal_rep_key,
        division = excluded.division, fingerprint = excluded.fingerprint, seq = excluded.seq`).run();

    db.prepare(`
      INSERT INTO entries (id, subject_id, list_type, kind, designator, department, basis, reason, decided_on,
                           published_on, valid_until, status, fingerprint, seq, created_at, updated_at)
      SELECT w.ent_id, w.sub_id, w.list_type, w.kind, w.designator, w.department, w.basis, w.reason, w.decided_on,
             w.published_on, w.valid_until, w.status, w.ent_fp, p.seq, COALESCE(p.old_created_at, @at), @at
        FROM temp.${plan} p JOIN ${se} w ON w.ord = p.ord
       WHERE p.k = 1
       ORDER BY w.ent_id, p.seq
      ON CONFLICT (id) DO UPDATE SET
        kind = excluded.kind, department = excluded.department, reason = excluded.reason,
        decided_on = excluded.decided_on, published_on = excluded.published_on, valid_until = excluded.valid_until,
        status = excluded.status, fingerprint = excluded.fingerprint, seq = excluded.seq,
        updated_at = excluded.updated_at`).run({ at });

    const entriesCreated = count(1, 1);
    const entriesUpdated = count(1, 0);
    summary = {
      rows,
      subjectsCreated: count(0, 1),
      subjectsUpdated: count(0, 0),
      entriesCreated,
      entriesUpdated,
      unchanged: rows - entriesCreated - entriesUpdated,
      statusKept: guard.count,
      seq: base + changes,
      dryRun: options.dryRun === true,
    };
    for (const kept of guard.list()) options.onStatusKept?.(kept);
    if (options.dryRun) throw new DryRunRollback();
    audit(summary);
  });
  try {
    merge.immediate();
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  return summary!;
}
