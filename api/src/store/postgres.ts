import { userInfo } from 'node:os';
import pg from 'pg';
import type { Catalog } from '../domain/catalog.ts';
import type { ImportRecord, ImportSummary } from '../domain/model.ts';
import { nonEmptyString, nonNegativeInt, positiveInt } from './arguments.ts';
import { catalogChangeData, validCatalog } from './catalog-change.ts';
import { postgresMigrations } from './migrations/postgres.ts';
import { CopyPayload, copyIn } from './pg-copy.ts';
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
import { groupEntries } from './scan.ts';
import { ENTRY_STAGE_COLUMNS, Stager, SUBJECT_STAGE_COLUMNS } from './stage.ts';
import type { ImportOptions, Store, StoreOptions } from './types.ts';

export interface PostgresStoreOptions extends StoreOptions {
  /** Schema holding the tables (created by migrate); tests use a throwaway one. Default: the server's search_path. */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * PostgreSQL store over a pg Pool. Every writer of the change log takes one advisory lock per
 * schema before numbering its changes, so seqs are assigned and committed in the same order and a
 * reader of changesSince never skips a change that commits late.
 */
export function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Store {
  const schema = opts.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use letters, digits and _`);
  }
  const now = () => (opts.clock ? opts.clock.now() : new Date());
  const pool = new pg.Pool({
    connectionString: withDefaultUser(url),
    max: opts.maxConnections ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection is dropped by the pool; without a listener it would crash the process.
  pool.on('error', () => {});
  const where = describe(url);

  async function connect(): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (err) {
      throw new Error(`cannot connect to PostgreSQL at ${where}: ${(err as Error).message}`, { cause: err });
    }
  }

  async function query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    const client = await connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      client.release();
    }
  }

  /** Runs fn in a transaction; `rollback` lets a dry run undo its work and still return a result. */
  async function transaction<T>(
    fn: (c: pg.PoolClient) => Promise<{ result: T; rollback?: boolean }>,
  ): Promise<T> {
    const client = await connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { result, rollback } = await fn(client);
      await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  const store: Store = {
    dialect: 'postgres',

    async migrate() {
      const client = await connect();
      try {
        if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query('BEGIN');
        await client.query(
          `SELECT pg_advisory_xact_lock(hashtext('credcheck:migrate:' || current_schema()))`,
        );
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)',
        );
        const applied = new Set(
          (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
            (r) => r.version,
          ),
        );
        for (const m of postgresMigrations) {
          if (applied.has(m.version)) continue;
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())',
            [m.version, m.name],
          );
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    async close() {
      await pool.end();
    },

    async getSetting(key) {
      const rows = await query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return rows[0]?.value ?? null;
    },

    async initSetting(key, value) {
      const inserted = await query<{ value: string }>(
        'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value',
        [key, value],
      );
      if (inserted[0]) return inserted[0].value;
      // A new statement sees the row of the writer that won, even one that committed after ours began.
      const rows = await query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return rows[0]!.value;
    },

    async replaceCatalog(catalog, actor) {
      nonEmptyString(actor, 'actor');
      const valid = validCatalog(catalog);
      const at = now().toISOString();
      await transaction(async (c) => {
        const seq = (await nextSeqBase(c)) + 1;
        await c.query(
          `INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data)
           VALUES ($1, $2, 'catalog.replaced', 'catalog', NULL, $3, $4)`,
          [seq, at, actor, JSON.stringify(catalogChangeData(valid))],
        );
        await c.query(
          'INSERT INTO catalog (seq, version, data, replaced_at, actor) VALUES ($1, $2, $3, $4, $5)',
          [seq, valid.version, JSON.stringify(valid), at, actor],
        );
        await syncIdentity(c, seq);
        return { result: undefined };
      });
    },

    async getCatalog() {
      const rows = await query<{ data: Catalog }>('SELECT data FROM catalog ORDER BY seq DESC LIMIT 1');
      return rows[0]?.data ?? null;
    },

    async findSubjectByKey(key) {
      const rows = await query<SubjectRow>(`SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE key = $1`, [key]);
      return rows[0] ? toSubject(rows[0]) : null;
    },

    async findSubjectById(id) {
      const rows = await query<SubjectRow>(`SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE id = $1`, [id]);
      return rows[0] ? toSubject(rows[0]) : null;
    },

    async listEntries(subjectId) {
      const rows = await query<EntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM entries WHERE subject_id = $1 ORDER BY id`,
        [subjectId],
      );
      return rows.map(toEntry);
    },

    async historyOf(entityId) {
      const rows = await query<ChangeRow>(
        `SELECT ${CHANGE_COLUMNS} FROM change_log WHERE entity_id = $1 ORDER BY seq`,
        [entityId],
      );
      return rows.map(toChange);
    },

    async currentSeq() {
      const rows = await query<{ seq: string }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log');
      return Number(rows[0]!.seq);
    },

    async changesSince(seq, limit) {
      const rows = await query<ChangeRow>(
        `SELECT ${CHANGE_COLUMNS} FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [nonNegativeInt(seq, 'seq'), positiveInt(limit, 'limit')],
      );
      return rows.map(toChange);
    },

    async counts() {
      const rows = await query<{ subjects: string; entries: string }>(
        'SELECT (SELECT COUNT(*) FROM subjects) AS subjects, (SELECT COUNT(*) FROM entries) AS entries',
      );
      return { subjects: Number(rows[0]!.subjects), entries: Number(rows[0]!.entries) };
    },

    async *scan(batchSize) {
      const size = positiveInt(batchSize, 'batchSize');
      let after = '';
      for (;;) {
        const subjects = await query<SubjectRow>(
          `SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE id > $1 ORDER BY id LIMIT $2`,
          [after, size],
        );
        if (subjects.length === 0) return;
        const last = subjects[subjects.length - 1]!.id;
        const entries = await query<EntryRow>(
          `SELECT ${ENTRY_COLUMNS} FROM entries WHERE subject_id > $1 AND subject_id <= $2 ORDER BY subject_id, id`,
          [after, last],
        );
        yield groupEntries(subjects.map(toSubject), entries.map(toEntry));
        if (subjects.length < size) return;
        after = last;
      }
    },

    async importRecords(chunks, options) {
      nonEmptyString(options?.actor, 'actor');
      return transaction(async (c) => {
        const rows = await stageRecords(c, chunks, options);
        const summary = await mergeStaged(c, rows, options, now().toISOString());
        return { result: summary, rollback: options.dryRun === true };
      });
    },
  };
  return store;
}

/**
 * Like psql, connect as the operating-system user when the URL names none: pg only looks at
 * PGUSER and USER, which service environments often lack.
 */
function withDefaultUser(url: string): string {
  if (process.env.PGUSER || process.env.USER) return url;
  try {
    const u = new URL(url);
    if (u.username || !u.hostname) return url;
    u.username = encodeURIComponent(userInfo().username);
    return u.toString();
  } catch {
    return url;
  }
}

/** host:port/database of a connection URL, never its password. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/** Takes the schema's change-log lock (held to commit) and returns the last seq. */
async function nextSeqBase(c: pg.PoolClient): Promise<number> {
  await c.query(`SELECT pg_advisory_xact_lock(hashtext('credcheck:change_log:' || current_schema()))`);
  const { rows } = await c.query<{ seq: string }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log');
  return Number(rows[0]!.seq);
}

/** Keeps the identity default ahead of the seqs the store assigned itself. */
async function syncIdentity(c: pg.PoolClient, seq: number): Promise<void> {
  await c.query(`SELECT setval(pg_get_serial_sequence('change_log', 'seq'), $1)`, [seq]);
}

const SUBJECT_STAGE_DDL = `(
  ord bigint NOT NULL, sub_id text COLLATE "C" NOT NULL, sub_type text NOT NULL, sub_key text NOT NULL, code text,
  id_masked text, name text NOT NULL, norm_name text NOT NULL, legal_rep text, legal_rep_key text, division text,
  sub_fp text NOT NULL
)`;
const ENTRY_STAGE_DDL = `(
  ord bigint NOT NULL, ent_id text COLLATE "C" NOT NULL, sub_id text COLLATE "C" NOT NULL, sub_key text NOT NULL,
  list_type text NOT NULL, kind text NOT NULL, designator text NOT NULL, department text NOT NULL, basis text NOT NULL,
  reason text NOT NULL, decided_on text NOT NULL, published_on text, valid_until text, status text NOT NULL,
  ent_fp text NOT NULL
)`;

/** Phase 1: COPY each chunk into temp tables that live only as long as the transaction. */
async function stageRecords(
  c: pg.PoolClient,
  chunks: AsyncIterable<ImportRecord[]> | Iterable<ImportRecord[]>,
  options: ImportOptions,
): Promise<number> {
  // Sorts and hashes over a million staged rows stay in memory instead of spilling to disk.
  await c.query(`SET LOCAL work_mem = '256MB'`);
  await c.query(`CREATE TEMP TABLE import_stage_s ${SUBJECT_STAGE_DDL} ON COMMIT DROP`);
  await c.query(`CREATE TEMP TABLE import_stage_e ${ENTRY_STAGE_DDL} ON COMMIT DROP`);
  const copySubjects = `COPY import_stage_s (${SUBJECT_STAGE_COLUMNS.join(', ')}) FROM STDIN`;
  const copyEntries = `COPY import_stage_e (${ENTRY_STAGE_COLUMNS.join(', ')}) FROM STDIN`;
  const stager = new Stager();
  // The server ingests one chunk while the next is hashed and encoded here, each into its own pair of buffers.
  const buffers = [0, 1].map(() => ({ subjects: new CopyPayload(), entries: new CopyPayload() }));
  let inflight: Promise<void> | undefined;
  let turn = 0;
  try {
    for await (const chunk of chunks) {
      if (!Array.isArray(chunk)) throw new TypeError('import chunks must be arrays of records');
      if (chunk.length === 0) continue;
      const { subjects, entries } = buffers[turn++ % 2]!;
      subjects.reset();
      entries.reset();
      for (const r of chunk) {
        const { subject, entry } = stager.stage(r);
        if (subject) subjects.add(subject);
        entries.add(entry);
      }
      const done = stager.rowsStaged;
      await inflight;
      inflight = (async () => {
        if (subjects.rows > 0) await copyIn(c, copySubjects, subjects.bytes());
        await copyIn(c, copyEntries, entries.bytes());
        options.onProgress?.(done);
      })();
    }
    await inflight;
  } catch (err) {
    // The connection must finish the COPY under way before it can roll back.
    await inflight?.catch(() => {});
    throw err;
  }
  // Temp tables are never analyzed automatically; the merge plans better knowing their size.
  await c.query('ANALYZE import_stage_s (ord, sub_id); ANALYZE import_stage_e (ord, ent_id)');
  return stager.rowsStaged;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * Phase 2, still in the import's transaction: the same plan as the SQLite store (the last record
 * per subject and per entry wins, equal fingerprints change nothing, subject changes are numbered
 * before entry changes, each in record order), then set-wise appends and INSERT … ON CONFLICT merges.
 */
async function mergeStaged(
  c: pg.PoolClient,
  rows: number,
  options: ImportOptions,
  at: string,
): Promise<ImportSummary> {
  const base = await nextSeqBase(c);
  await c.query(
    `CREATE TEMP TABLE import_plan ON COMMIT DROP AS
     SELECT ($1::bigint + row_number() OVER (ORDER BY u.k, u.ord))::bigint AS seq, u.*
       FROM (
         SELECT 0 AS k, s.id IS NULL AS created, g.ord, NULL::timestamptz AS old_created_at
           FROM (SELECT DISTINCT ON (sub_id) sub_id, ord, sub_fp FROM import_stage_s ORDER BY sub_id, ord DESC) g
           LEFT JOIN subjects s ON s.id = g.sub_id
          WHERE s.id IS NULL OR s.fingerprint <> g.sub_fp
         UNION ALL
         SELECT 1, e.id IS NULL, g.ord, e.created_at
           FROM (SELECT DISTINCT ON (ent_id) ent_id, ord, ent_fp FROM import_stage_e ORDER BY ent_id, ord DESC) g
           LEFT JOIN entries e ON e.id = g.ent_id
          WHERE e.id IS NULL OR e.fingerprint <> g.ent_fp
       ) u`,
    [base],
  );
  const tally = (
    await c.query<{ k: number; created: boolean; n: string }>(
      'SELECT k, created, count(*) AS n FROM import_plan GROUP BY k, created',
    )
  ).rows;
  const count = (k: number, created: boolean) =>
    Number(tally.find((t) => t.k === k && t.created === created)?.n ?? 0);
  const changes = tally.reduce((sum, t) => sum + Number(t.n), 0);

  if (changes > 0) {
    await c.query(
      `INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data)
       SELECT p.seq, $1::text::timestamptz, 'subject.upserted', w.sub_id, w.sub_key, $2, json_build_object(
                'id', w.sub_id, 'type', w.sub_type, 'key', w.sub_key, 'code', w.code, 'idMasked', w.id_masked,
                'name', w.name, 'normName', w.norm_name, 'legalRep', w.legal_rep, 'legalRepKey', w.legal_rep_key,
                'division', w.division, 'seq', p.seq)
         FROM import_plan p JOIN import_stage_s w ON w.ord = p.ord
        WHERE p.k = 0`,
      [at, options.actor],
    );
    await c.query(
      `INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data)
       SELECT p.seq, $1::text::timestamptz, CASE WHEN p.created THEN 'entry.created' ELSE 'entry.updated' END,
              w.ent_id, w.sub_key, $2, json_build_object(
                'id', w.ent_id, 'subjectId', w.sub_id, 'listType', w.list_type, 'kind', w.kind,
                'designator', w.designator, 'department', w.department, 'basis', w.basis, 'reason', w.reason,
                'decidedOn', w.decided_on, 'publishedOn', w.published_on, 'validUntil', w.valid_until,
                'status', w.status, 'seq', p.seq,
                'createdAt', COALESCE(to_char(p.old_created_at AT TIME ZONE 'UTC', ${ISO}), $1::text),
                'updatedAt', $1::text)
         FROM import_plan p JOIN import_stage_e w ON w.ord = p.ord
        WHERE p.k = 1`,
      [at, options.actor],
    );
    await c.query(
      `INSERT INTO subjects (id, type, key, code, id_masked, name, norm_name, legal_rep, legal_rep_key, division,
                             fingerprint, seq)
       SELECT w.sub_id, w.sub_type, w.sub_key, w.code, w.id_masked, w.name, w.norm_name, w.legal_rep, w.legal_rep_key,
              w.division, w.sub_fp, p.seq
         FROM import_plan p JOIN import_stage_s w ON w.ord = p.ord
        WHERE p.k = 0
        ORDER BY w.sub_id
       ON CONFLICT (id) DO UPDATE SET
         type = excluded.type, code = excluded.code, id_masked = excluded.id_masked, name = excluded.name,
         norm_name = excluded.norm_name, legal_rep = excluded.legal_rep, legal_rep_key = excluded.legal_rep_key,
         division = excluded.division, fingerprint = excluded.fingerprint, seq = excluded.seq`,
    );
    await c.query(
      `INSERT INTO entries (id, subject_id, list_type, kind, designator, department, basis, reason, decided_on,
                            published_on, valid_until, status, fingerprint, seq, created_at, updated_at)
       SELECT w.ent_id, w.sub_id, w.list_type, w.kind, w.designator, w.department, w.basis, w.reason, w.decided_on,
              w.published_on, w.valid_until, w.status, w.ent_fp, p.seq, COALESCE(p.old_created_at, $1::timestamptz),
              $1::timestamptz
         FROM import_plan p JOIN import_stage_e w ON w.ord = p.ord
        WHERE p.k = 1
        ORDER BY w.ent_id
       ON CONFLICT (id) DO UPDATE SET
         kind = excluded.kind, department = excluded.department, reason = excluded.reason,
         decided_on = excluded.decided_on, published_on = excluded.published_on, valid_until = excluded.valid_until,
         status = excluded.status, fingerprint = excluded.fingerprint, seq = excluded.seq,
         updated_at = excluded.updated_at`,
      [at],
    );
    if (!options.dryRun) await syncIdentity(c, base + changes);
  }

  const entriesCreated = count(1, true);
  const entriesUpdated = count(1, false);
  return {
    rows,
    subjectsCreated: count(0, true),
    subjectsUpdated: count(0, false),
    entriesCreated,
    entriesUpdated,
    unchanged: rows - entriesCreated - entriesUpdated,
    seq: base + changes,
    dryRun: options.dryRun === true,
  };
}
