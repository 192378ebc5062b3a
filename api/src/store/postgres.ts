import { userInfo } from 'node:os';
import pg from 'pg';
import type { Catalog } from '../domain/catalog.ts';
import type { ImportRecord, ImportSummary } from '../domain/model.ts';
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
import { postgresDueProcess } from './due-process-postgres.ts';
import { postgresEntryList } from './entry-list-postgres.ts';
import { guardRules, ImportGuard, POSTGRES_GUARD_SQL } from './import-guard.ts';
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
import { postgresMigrations } from './migrations/postgres.ts';
import { postgresOversight } from './oversight-postgres.ts';
import { CopyPayload, copyIn } from './pg-copy.ts';
import { CONNECTION_FAILURE, withConnectionCode } from './pg-errors.ts';
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
import { scanPostgres } from './scan-postgres.ts';
import { CHANGE_JSON_COLUMN, ENTRY_STAGE_COLUMNS, Stager, SUBJECT_STAGE_COLUMNS } from './stage.ts';
import type { ImportOptions, Store, StoreOptions } from './types.ts';
import { postgresWebhooks } from './webhooks-postgres.ts';

export interface PostgresStoreOptions extends StoreOptions {
  /** Schema holding the tables (created by migrate); tests use a throwaway one. Default: the server's search_path. */
  schema?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /**
   * How long a query waits for a connection of the pool (all busy) or for a new one to open, in ms
   * (default 5000). Past it the query fails as the store being unavailable (503 with Retry-After),
   * instead of queueing past the caller's own timeout.
   */
  acquireTimeoutMs?: number;
  /** Staged rows merged at a time during an import (default 50,000); tests set it low to cross merge boundaries. */
  mergeEvery?: number;
  /**
   * application_name of the connections unless the URL or PGAPPNAME names one (default
   * `credcheck-<pid>`): pg_stat_activity then tells which process holds which connection.
   */
  applicationName?: string;
}

export const DEFAULT_ACQUIRE_TIMEOUT_MS = 5000;

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
  const mergeEvery = positiveInt(opts.mergeEvery ?? MERGE_EVERY, 'mergeEvery');
  const clientConfig: pg.ClientConfig = {
    connectionString: withDefaultUser(url),
    fallback_application_name: opts.applicationName ?? `credcheck-${process.pid}`,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const pool = new pg.Pool({
    ...clientConfig,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: opts.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
  });
  // An idle client losing its connection is dropped by the pool; without a listener it would crash the process.
  pool.on('error', () => {});
  // A checked-out client whose connection is lost between statements (a terminated backend, a
  // failover) emits 'error' with no listener of the pool's: unheard, that also crashes the
  // process. The statement under way fails anyway, and the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  const where = describe(url);

  async function connect(): Promise<pg.PoolClient> {
    try {
      return await pool.connect();
    } catch (err) {
      const code = (withConnectionCode(err) as { code?: string }).code ?? CONNECTION_FAILURE;
      throw Object.assign(
        new Error(`cannot connect to PostgreSQL at ${where}: ${(err as Error).message}`, { cause: err }),
        { code },
      );
    }
  }

  async function query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    const client = await connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } catch (err) {
      throw withConnectionCode(err);
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
      throw withConnectionCode(err);
    } finally {
      client.release(broken);
    }
  }

  const store: Store = {
    dialect: 'postgres',
    ...postgresOversight({ query, transaction, now, appendAudit }),
    ...postgresEntryList({ query }),
    ...postgresDueProcess({ query, transaction, now, lockChangeLog, syncIdentity, appendAudit }),
    ...postgresWebhooks({ query, transaction, now, appendAudit, clientConfig }),

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

    async initSetting(key, value, audit) {
      const at = now().toISOString();
      const inserted = await transaction(async (c) => {
        const { rows } = await c.query<{ value: string }>(
          'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value',
          [key, value],
        );
        if (rows[0]) await appendAudit(c, [settingAudit(at, key, audit)]);
        return { result: rows[0] };
      });
      if (inserted) return inserted.value;
      // A new statement sees the row of the writer that won, even one that committed after ours began.
      const rows = await query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
      return rows[0]!.value;
    },

    async replaceCatalog(catalog, actor) {
      nonEmptyString(actor, 'actor');
      const valid = validCatalog(catalog);
      const at = now().toISOString();
      await transaction(async (c) => {
        const seq = (await lockChangeLog(c)) + 1;
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
        await appendAudit(c, [catalogAudit(at, actor, valid, seq)]);
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
      yield* scanPostgres(connect, positiveInt(batchSize, 'batchSize'));
    },

    async importRecords(chunks, options) {
      nonEmptyString(options?.actor, 'actor');
      const at = now().toISOString();
      return transaction(async (c) => {
        const summary = await importChunks(c, chunks, options, at, mergeEvery);
        if (!options.dryRun) await appendAudit(c, [importAudit(at, options.actor, summary)]);
        return { result: summary, rollback: options.dryRun === true };
      });
    },

    async createApiKey(record, actor = SYSTEM_ACTOR) {
      const r = validApiKey(record);
      nonEmptyString(actor, 'actor');
      const at = now().toISOString();
      await transaction(async (c) => {
        await c.query(
          `INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          apiKeyValues(r),
        );
        await appendAudit(c, [keyCreatedAudit(at, actor, r)]);
        return { result: undefined };
      });
    },

    async listApiKeys() {
      const rows = await query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY created_at, id`);
      return rows.map(toApiKey);
    },

    async findApiKeyByHash(hash) {
      const rows = await query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE hash = $1`, [hash]);
      return rows[0] ? toApiKey(rows[0]) : null;
    },

    async revokeApiKey(id, at, actor = SYSTEM_ACTOR) {
      const when = validRevocation(id, at);
      nonEmptyString(actor, 'actor');
      const auditAt = now().toISOString();
      return transaction(async (c) => {
        const { rowCount } = await c.query(
          'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
          [when, id],
        );
        const revoked = rowCount === 1;
        if (revoked) await appendAudit(c, [keyRevokedAudit(auditAt, actor, id, when)]);
        return { result: revoked };
      });
    },

    async recordDecisions(records) {
      const valid = records.map(validDecision);
      if (valid.length === 0) return;
      // The rows in one statement (a column array per field, unnested), then their audit records.
      const columns = Array.from({ length: 11 }, () => [] as unknown[]);
      for (const r of valid) {
        const values = decisionValues(r);
        for (let i = 0; i < values.length; i++) columns[i]!.push(values[i]);
      }
      const audit = valid.map(decisionAudit);
      await transaction(async (c) => {
        await c.query(
          `INSERT INTO decisions (${DECISION_COLUMNS})
           SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                                $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[])`,
          columns,
        );
        await appendAudit(c, audit);
        return { result: undefined };
      });
    },

    async putIdempotentResponse(r) {
      const rows = await query<{ key_id: string }>(
        `INSERT INTO idempotent_responses (key_id, idem_key, request_hash, response, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING key_id`,
        [r.keyId, r.idemKey, r.requestHash, r.response, r.at],
      );
      return rows.length === 1;
    },

    async getIdempotentResponse(keyId, idemKey) {
      const rows = await query<{ request_hash: string; response: string; at: Date }>(
        'SELECT request_hash, response, at FROM idempotent_responses WHERE key_id = $1 AND idem_key = $2',
        [keyId, idemKey],
      );
      const row = rows[0];
      return row
        ? {
            keyId,
            idemKey,
            requestHash: row.request_hash,
            response: row.response,
            at: new Date(row.at).toISOString(),
          }
        : null;
    },

    async getDecision(id) {
      const rows = await query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions WHERE id = $1`, [id]);
      return rows[0] ? toDecision(rows[0]) : null;
    },

    async readAudit(afterSeq, limit) {
      const rows = await query<AuditDbRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [nonNegativeInt(afterSeq, 'afterSeq'), positiveInt(limit, 'limit')],
      );
      return rows.map(toAuditRecord);
    },

    async auditHead() {
      const rows = await query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_head');
      return { seq: Number(rows[0]!.seq), hash: rows[0]!.hash };
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
async function lockChangeLog(c: pg.PoolClient): Promise<number> {
  await c.query(`SELECT pg_advisory_xact_lock(hashtext('credcheck:change_log:' || current_schema()))`);
  const { rows } = await c.query<{ seq: string }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log');
  return Number(rows[0]!.seq);
}

/**
 * Appends audit records in the caller's transaction. FOR UPDATE on the head row makes every other
 * appender wait until this transaction ends, and then read the head it left (READ COMMITTED
 * re-reads a row locked after a wait), so the chain stays one line. Take it last, after the
 * write's own statements and any change-log lock (always in that order: no deadlock), so that it
 * is held only to the commit.
 */
async function appendAudit(c: pg.PoolClient, events: AuditEventRow[]): Promise<void> {
  const { rows: head } = await c.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_head FOR UPDATE',
  );
  const chained = chainAudit(head[0]!, events);
  const columns = Array.from({ length: 8 }, () => [] as unknown[]);
  for (const row of chained.rows) for (let i = 0; i < 8; i++) columns[i]!.push(row[i]);
  await c.query(
    `WITH appended AS (
       INSERT INTO audit_log (${AUDIT_COLUMNS})
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
     )
     UPDATE audit_head SET seq = $9, hash = $10`,
    [...columns, chained.head.seq, chained.head.hash],
  );
}

/** Keeps the identity default ahead of the seqs the store assigned itself. */
async function syncIdentity(c: pg.PoolClient, seq: number): Promise<void> {
  await c.query(`SELECT setval(pg_get_serial_sequence('change_log', 'seq'), $1)`, [seq]);
}

const SUBJECT_STAGE_DDL = `(
  ord bigint NOT NULL, sub_id text COLLATE "C" NOT NULL, sub_type text NOT NULL, sub_key text NOT NULL, code text,
  id_masked text, name text NOT NULL, norm_name text NOT NULL, legal_rep text, legal_rep_key text, division text,
  sub_fp text NOT NULL, sub_json text NOT NULL
)`;
const ENTRY_STAGE_DDL = `(
  ord bigint NOT NULL, ent_id text COLLATE "C" NOT NULL, sub_id text COLLATE "C" NOT NULL, sub_key text NOT NULL,
  list_type text NOT NULL, kind text NOT NULL, designator text NOT NULL, department text NOT NULL, basis text NOT NULL,
  reason text NOT NULL, decided_on text NOT NULL, published_on text, valid_until text, status text NOT NULL,
  ent_fp text NOT NULL, ent_json text NOT NULL
)`;
const PLAN_DDL =
  '(seq bigint NOT NULL, k int NOT NULL, created boolean NOT NULL, ord bigint NOT NULL, old_created_at timestamptz)';

const YIELD_EVERY = 1000;
const CHUNKS_AHEAD = 4;
/** Staged rows merged at a time: larger merges cost less per row, smaller ones overlap more with staging. */
const MERGE_EVERY = 50_000;

interface Tally {
  subjectsCreated: number;
  subjectsUpdated: number;
  entriesCreated: number;
  entriesUpdated: number;
}

/**
 * The import, in the caller's transaction. Chunks are COPied into temp staging tables and merged
 * set-wise every `mergeEvery` rows, while the next chunk is hashed and encoded here: the server
 * and this process work at the same time. The change-log lock is taken first and held to the end,
 * so one import's seqs are contiguous (other writers of the log wait for the import).
 */
async function importChunks(
  c: pg.PoolClient,
  chunks: AsyncIterable<ImportRecord[]> | Iterable<ImportRecord[]>,
  options: ImportOptions,
  at: string,
  mergeEvery: number,
): Promise<ImportSummary> {
  // Sorts and hashes of a chunk stay in memory; compiling each chunk's small plans would cost more than it saves.
  await c.query(`SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`);
  await c.query(`CREATE TEMP TABLE import_stage_s ${SUBJECT_STAGE_DDL} ON COMMIT DROP`);
  await c.query(`CREATE TEMP TABLE import_stage_e ${ENTRY_STAGE_DDL} ON COMMIT DROP`);
  await c.query(`CREATE TEMP TABLE import_plan ${PLAN_DDL} ON COMMIT DROP`);
  const base = await lockChangeLog(c);
  // Due-process writes of entries take the same lock: these rules hold until the import commits.
  const guard = new ImportGuard(guardRules((await c.query(POSTGRES_GUARD_SQL)).rows));
  const copySubjects = `COPY import_stage_s (${[...SUBJECT_STAGE_COLUMNS, CHANGE_JSON_COLUMN.subject].join(', ')}) FROM STDIN`;
  const copyEntries = `COPY import_stage_e (${[...ENTRY_STAGE_COLUMNS, CHANGE_JSON_COLUMN.entry].join(', ')}) FROM STDIN`;
  const merge = mergeSql(at, c.escapeLiteral(options.actor));
  // json_build_object costs the server microseconds a row, most of the log insert; V8 writes the
  // same JSON here, on the other core, and the server only appends the seq and timestamps.
  const stager = new Stager(true, guard);
  const tally: Tally = { subjectsCreated: 0, subjectsUpdated: 0, entriesCreated: 0, entriesUpdated: 0 };
  // A few chunks may be prepared ahead, so that the server COPies them back to back after a merge.
  const slots = Array.from({ length: CHUNKS_AHEAD }, () => ({
    subjects: new CopyPayload(),
    entries: new CopyPayload(),
    sent: Promise.resolve(),
  }));
  // The connection's work, in order: COPY each chunk, merge now and then.
  let work: Promise<void> = Promise.resolve();
  let turn = 0;
  let merged = 0;
  try {
    for await (const chunk of chunks) {
      if (!Array.isArray(chunk)) throw new TypeError('import chunks must be arrays of records');
      if (chunk.length === 0) continue;
      const slot = slots[turn++ % CHUNKS_AHEAD]!;
      await slot.sent; // the slot's previous chunk has reached the server
      const { subjects, entries } = slot;
      subjects.reset();
      entries.reset();
      for (let i = 0; i < chunk.length; i++) {
        const { subject, entry } = stager.stage(chunk[i]!);
        if (subject) subjects.add(subject);
        entries.add(entry);
        // Let the connection move on to its next statement as soon as it may.
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise(setImmediate);
      }
      const done = stager.rowsStaged;
      const mergeNow = done - merged >= mergeEvery;
      if (mergeNow) merged = done;
      work = work.then(async () => {
        if (subjects.rows > 0) await copyIn(c, copySubjects, subjects.bytes());
        await copyIn(c, copyEntries, entries.bytes());
        if (mergeNow) addTally(tally, await c.query(merge));
        options.onProgress?.(done);
      });
      // Handled at once so that a failure does not count as unhandled while more chunks are staged.
      work.catch(() => {});
      slot.sent = work;
    }
    await work;
    if (stager.rowsStaged > merged) addTally(tally, await c.query(merge));
  } catch (err) {
    // The connection must finish the statement under way before it can roll back.
    await work.catch(() => {});
    throw err;
  }
  const changes = tally.subjectsCreated + tally.subjectsUpdated + tally.entriesCreated + tally.entriesUpdated;
  if (changes > 0 && !options.dryRun) await syncIdentity(c, base + changes);
  for (const kept of guard.list()) options.onStatusKept?.(kept);
  return {
    rows: stager.rowsStaged,
    ...tally,
    unchanged: stager.rowsStaged - tally.entriesCreated - tally.entriesUpdated,
    statusKept: guard.count,
    seq: base + changes,
    dryRun: options.dryRun === true,
  };
}

function addTally(tally: Tally, results: pg.QueryResult | pg.QueryResult[]): void {
  const all = Array.isArray(results) ? results : [results];
  for (const row of all[all.length - 1]!.rows as Array<{ k: number; created: boolean; n: string }>) {
    const n = Number(row.n);
    if (row.k === 0) tally[row.created ? 'subjectsCreated' : 'subjectsUpdated'] += n;
    else tally[row.created ? 'entriesCreated' : 'entriesUpdated'] += n;
  }
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * One merge of the staged rows, sent as a single multi-statement query so that it costs one round trip.
 * Records apply in order, as if one at a time (the same rule as the SQLite store): a version of a
 * subject or entry is a change when it differs from the version before it, among the staged rows
 * or else in the table (which holds the earlier merges). Changes are numbered on from the log's last seq
 * in record order, a record's subject before its entry; the entity rows get their last version.
 * `at` is an ISO instant and `actor` an escaped literal: the simple query protocol takes no parameters.
 * The lookups of stored rows are LATERAL … OFFSET 0 so that they stay index probes: the tables grow
 * during the import faster than their statistics, and a hash join would read them whole per chunk.
 */
function mergeSql(at: string, actor: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(at)) throw new Error(`unexpected instant ${at}`);
  const ts = `'${at}'::timestamptz`;
  return `
TRUNCATE import_plan;
INSERT INTO import_plan (seq, k, created, ord, old_created_at)
SELECT (SELECT COALESCE(max(seq), 0) FROM change_log) + row_number() OVER (ORDER BY u.ord, u.k), u.k, u.created, u.ord,
       u.old_created_at
  FROM (
    SELECT 0 AS k, v.ord, v.prev_fp IS NULL AND s.id IS NULL AS created, NULL::timestamptz AS old_created_at
      FROM (SELECT ord, sub_id, sub_fp, lag(sub_fp) OVER (PARTITION BY sub_id ORDER BY ord) AS prev_fp
              FROM import_stage_s) v
      LEFT JOIN LATERAL (SELECT id, fingerprint FROM subjects WHERE id = v.sub_id OFFSET 0) s ON true
     WHERE CASE WHEN v.prev_fp IS NULL THEN s.id IS NULL OR s.fingerprint <> v.sub_fp ELSE v.prev_fp <> v.sub_fp END
    UNION ALL
    SELECT 1, v.ord, v.prev_fp IS NULL AND e.id IS NULL, e.created_at
      FROM (SELECT ord, ent_id, ent_fp, lag(ent_fp) OVER (PARTITION BY ent_id ORDER BY ord) AS prev_fp
              FROM import_stage_e) v
      LEFT JOIN LATERAL (SELECT id, fingerprint, created_at FROM entries WHERE id = v.ent_id OFFSET 0) e ON true
     WHERE CASE WHEN v.prev_fp IS NULL THEN e.id IS NULL OR e.fingerprint <> v.ent_fp ELSE v.prev_fp <> v.ent_fp END
  ) u;
INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data)
SELECT p.seq, ${ts}, 'subject.upserted', w.sub_id, w.sub_key, ${actor}, (w.sub_json || p.seq || '}')::json
  FROM import_plan p JOIN import_stage_s w ON w.ord = p.ord
 WHERE p.k = 0;
INSERT INTO change_log (seq, at, type, entity_id, subject_key, actor, data)
SELECT p.seq, ${ts}, CASE WHEN p.created THEN 'entry.created' ELSE 'entry.updated' END, w.ent_id, w.sub_key, ${actor},
       (w.ent_json || p.seq || ',"createdAt":"' || COALESCE(to_char(p.old_created_at AT TIME ZONE 'UTC', ${ISO}), '${at}')
         || '","updatedAt":"${at}"}')::json
  FROM import_plan p JOIN import_stage_e w ON w.ord = p.ord
 WHERE p.k = 1;
INSERT INTO subjects (id, type, key, code, id_masked, name, norm_name, legal_rep, legal_rep_key, division, fingerprint, seq)
SELECT DISTINCT ON (w.sub_id) w.sub_id, w.sub_type, w.sub_key, w.code, w.id_masked, w.name, w.norm_name, w.legal_rep,
       w.legal_rep_key, w.division, w.sub_fp, p.seq
  FROM import_plan p JOIN import_stage_s w ON w.ord = p.ord
 WHERE p.k = 0
 ORDER BY w.sub_id, p.seq DESC
ON CONFLICT (id) DO UPDATE SET
  type = excluded.type, code = excluded.code, id_masked = excluded.id_masked, name = excluded.name,
  norm_name = excluded.norm_name, legal_rep = excluded.legal_rep, legal_rep_key = excluded.legal_rep_key,
  division = excluded.division, fingerprint = excluded.fingerprint, seq = excluded.seq;
INSERT INTO entries (id, subject_id, list_type, kind, designator, department, basis, reason, decided_on, published_on,
                     valid_until, status, fingerprint, seq, created_at, updated_at)
SELECT DISTINCT ON (w.ent_id) w.ent_id, w.sub_id, w.list_type, w.kind, w.designator, w.department, w.basis, w.reason,
       w.decided_on, w.published_on, w.valid_until, w.status, w.ent_fp, p.seq, COALESCE(p.old_created_at, ${ts}), ${ts}
  FROM import_plan p JOIN import_stage_e w ON w.ord = p.ord
 WHERE p.k = 1
 ORDER BY w.ent_id, p.seq DESC
ON CONFLICT (id) DO UPDATE SET
  kind = excluded.kind, department = excluded.department, reason = excluded.reason, decided_on = excluded.decided_on,
  published_on = excluded.published_on, valid_until = excluded.valid_until, status = excluded.status,
  fingerprint = excluded.fingerprint, seq = excluded.seq, updated_at = excluded.updated_at;
TRUNCATE import_stage_s, import_stage_e;
SELECT k, created, count(*) AS n FROM import_plan GROUP BY k, created;
`;
}
