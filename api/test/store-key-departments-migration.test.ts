import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../src/audit/verify.ts';
import { hashApiKey, issueApiKey } from '../src/auth/api-key.ts';
import { postgresMigrations } from '../src/store/migrations/postgres.ts';
import { sqliteMigrations } from '../src/store/migrations/sqlite.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { ApiKeyRecord, DecisionRecord, Store } from '../src/store/types.ts';
import { usccFor } from './helpers/records.ts';
import { clientUrl, PG_TEST_URL, probePostgres } from './helpers/store-factory.ts';

/**
 * Migration 9 (implementer keys may name a department) on a store left at migration 8 with keys,
 * decisions and audit records in it: every key survives as it was and still works, the rest of
 * the schema (triggers, indexes, constraints) is untouched, and the new rule applies after.
 * A store is held at version 8 by marking 9 (and any later version) as applied before its first
 * migrate(), then unmarking 9: migrate() runs only what schema_migrations does not list.
 */

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;
if (skipPostgres) {
  console.warn(`\n!!! PostgreSQL unreachable at ${PG_TEST_URL}: migration 9 tests SKIPPED there !!!\n`);
}

interface HeldStore {
  store: Store;
  /** Rows of a query on a separate connection. */
  rows(sql: string): Promise<Array<Record<string, unknown>>>;
  /** Everything in the schema but api_keys' own definition, to compare before and after. */
  schemaBesidesKeys(): Promise<string[]>;
  /** The department rule of api_keys as the database holds it. */
  keyRule(): Promise<string>;
  dispose(): Promise<void>;
}

/** Migration 9 and any after it: marked applied at first so that the store stops at version 8. */
const LATER = sqliteMigrations.map((m) => m.version).filter((v) => v >= 9);
const HOLD_BACK = (table: string, at: string) =>
  `INSERT INTO ${table} (version, name, applied_at) VALUES ${LATER.map((v) => `(${v}, 'held back', ${at})`).join(', ')}`;

async function sqliteAtVersion8(): Promise<HeldStore> {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-m9-'));
  const file = join(dir, 'credcheck.db');
  const setup = new Database(file);
  setup.exec(
    `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
     ${HOLD_BACK('schema_migrations', "'2026-01-01T00:00:00Z'")}`,
  );
  setup.close();
  const store = openSqliteStore(file);
  await store.migrate();
  const rows = async (sql: string) => {
    const db = new Database(file);
    try {
      const statement = db.prepare(sql);
      if (!statement.reader) {
        statement.run();
        return [];
      }
      return statement.all() as Array<Record<string, unknown>>;
    } finally {
      db.close();
    }
  };
  return {
    store,
    rows,
    async schemaBesidesKeys() {
      return (
        await rows(
          `SELECT type || ' ' || name || ' ' || tbl_name || ' ' || COALESCE(sql, '') AS d FROM sqlite_master
           WHERE tbl_name <> 'api_keys' ORDER BY type, name`,
        )
      ).map((r) => String(r.d));
    },
    async keyRule() {
      const [t] = await rows(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'api_keys'`);
      return String(t!.sql);
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresAtVersion8(): Promise<HeldStore> {
  const schema = `cc_test_${randomBytes(6).toString('hex')}`;
  const rows = async (sql: string) => {
    const client = new pg.Client({ connectionString: clientUrl(), options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };
  await rows(
    `CREATE SCHEMA ${schema};
     CREATE TABLE ${schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);
     ${HOLD_BACK(`${schema}.schema_migrations`, 'now()')}`,
  );
  const store = openPostgresStore(PG_TEST_URL, { schema, maxConnections: 2 });
  await store.migrate();
  return {
    store,
    rows,
    async schemaBesidesKeys() {
      const found = await rows(
        `SELECT 'constraint ' || c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS d
           FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
          WHERE n.nspname = '${schema}' AND c.conrelid <> '${schema}.api_keys'::regclass
         UNION ALL
         SELECT 'trigger ' || t.tgrelid::regclass || ' ' || t.tgname || ' ' || pg_get_triggerdef(t.oid)
           FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace
          WHERE n.nspname = '${schema}' AND NOT t.tgisinternal
         UNION ALL
         SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = '${schema}'
         ORDER BY 1`,
      );
      return found.map((r) => String(r.d));
    },
    async keyRule() {
      const found = await rows(
        `SELECT conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint
          WHERE conrelid = '${schema}.api_keys'::regclass AND contype = 'c' ORDER BY conname`,
      );
      return found.map((r) => String(r.d)).join('\n');
    },
    async dispose() {
      await store.close();
      await rows(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

const dialects = [
  { name: 'sqlite', open: sqliteAtVersion8, skip: false },
  { name: 'postgres', open: postgresAtVersion8, skip: skipPostgres },
];

function key(spec: Partial<ApiKeyRecord>, createdAt: string) {
  return issueApiKey(
    { role: 'implementer', department: null, label: '某银行信贷系统', rateLimit: null, ...spec },
    createdAt,
  );
}

function decision(n: number, keyId: string): DecisionRecord {
  return {
    id: `dec_m9_${n}`,
    at: `2026-11-0${n}T04:00:00.000Z`,
    keyId,
    scenario: 'gov-procurement',
    subjectId: null,
    subjectKey: usccFor(n),
    outcome: 'clear',
    dataVersion: 0,
    catalogVersion: '2026.1',
    reference: null,
    receipt: `receipt-${n}`,
  };
}

describe.each(dialects)('$name store: migration 9, implementer keys may name a department', (dialect) => {
  const test = dialect.skip ? it.skip : it;
  let held: HeldStore | undefined;
  afterEach(async () => {
    await held?.dispose();
    held = undefined;
  });

  test('keys made at migration 8 survive it unchanged, nothing else in the schema moves, the new rule applies', async () => {
    held = await dialect.open();
    const { store } = held;
    expect(postgresMigrations.map((m) => m.version)).toEqual(sqliteMigrations.map((m) => m.version));
    await held.rows('DELETE FROM schema_migrations WHERE version = 9');

    // At migration 8 the schema refuses an implementer's department, whatever the store allows now.
    const centre = key({ department: '某市公共资源交易中心' }, '2026-10-01T00:00:00.000Z');
    await expect(store.createApiKey(centre.record)).rejects.toThrow(/CHECK|check/);

    const made = [
      key({}, '2026-10-01T01:00:00.000Z'),
      key(
        { role: 'designator', department: '重庆市云阳县人民法院', rateLimit: 5 },
        '2026-10-01T02:00:00.000Z',
      ),
      key({ role: 'admin', label: '运维', rateLimit: 0 }, '2026-10-01T03:00:00.000Z'),
      key({ role: 'public', label: '门户' }, '2026-10-01T04:00:00.000Z'),
      key({ label: '已停用' }, '2026-10-01T05:00:00.000Z'),
    ];
    for (const k of made) await store.createApiKey(k.record, 'test');
    await store.revokeApiKey(made[4]!.record.id, '2026-10-02T00:00:00.000Z', 'test');
    await store.recordDecisions([decision(1, made[0]!.record.id), decision(2, made[1]!.record.id)]);
    const keysBefore = await store.listApiKeys();
    const schemaBefore = await held.schemaBesidesKeys();
    const headBefore = await store.auditHead();
    expect(keysBefore).toHaveLength(5);

    await store.migrate();

    expect(
      (await held.rows('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version),
    ).toEqual(sqliteMigrations.map((m) => m.version));
    expect(await store.listApiKeys()).toEqual(keysBefore);
    for (const k of made)
      expect(await store.findApiKeyByHash(hashApiKey(k.key))).toEqual(
        keysBefore.find((b) => b.id === k.record.id),
      );
    expect(await held.schemaBesidesKeys()).toEqual(schemaBefore);
    const rule = await held.keyRule();
    expect(rule).toMatch(/api_keys_department/);
    expect(rule).not.toContain('= (department IS NOT NULL)');
    expect(await store.auditHead()).toEqual(headBefore);
    expect((await verifyAuditLog(store)).broken).toBeNull();
    expect(await store.getDecision('dec_m9_2')).toMatchObject({ keyId: made[1]!.record.id });

    // The uniqueness of hashes and ids came back with the table.
    await expect(
      store.createApiKey({ ...key({}, '2026-11-01T00:00:00.000Z').record, hash: made[0]!.record.hash }),
    ).rejects.toThrow();
    await expect(
      store.createApiKey({ ...key({}, '2026-11-01T00:00:00.000Z').record, id: made[0]!.record.id }),
    ).rejects.toThrow();
    // The new rule: an implementer may name a department; a designator must; public and admin may not.
    await store.createApiKey(centre.record, 'test');
    expect(await store.findApiKeyByHash(hashApiKey(centre.key))).toEqual(centre.record);
    await expect(
      held.rows(
        `INSERT INTO api_keys (id, hash, hint, role, department, label, created_at)
         VALUES ('key_${'a'.repeat(20)}', '${'a'.repeat(64)}', 'cck_…', 'admin', '某局', 'x', '2026-11-23T00:00:00Z')`,
      ),
    ).rejects.toThrow(/api_keys_department/);
    await expect(
      held.rows(
        `INSERT INTO api_keys (id, hash, hint, role, department, label, created_at)
         VALUES ('key_${'b'.repeat(20)}', '${'b'.repeat(64)}', 'cck_…', 'designator', NULL, 'x', '2026-11-23T00:00:00Z')`,
      ),
    ).rejects.toThrow(/api_keys_department/);
    // Revoking still works on the rebuilt table, and what was revoked stays revoked.
    expect(await store.revokeApiKey(made[0]!.record.id, '2026-11-24T00:00:00.000Z', 'test')).toBe(true);
    expect(await store.revokeApiKey(made[4]!.record.id, '2026-11-24T00:00:00.000Z', 'test')).toBe(false);
    expect((await verifyAuditLog(store)).broken).toBeNull();
    // The migrations after 9, if any, and migrating again leave the keys alone.
    const keysAfter = await store.listApiKeys();
    await held.rows('DELETE FROM schema_migrations WHERE version > 9');
    await store.migrate();
    await store.migrate();
    expect(await store.listApiKeys()).toEqual(keysAfter);
    expect(keysAfter).toHaveLength(6);
  });
});

describe('sqlite store: migration 9 rebuilds api_keys', () => {
  it('the rebuild leaves no table behind and a sound file', async () => {
    const held = await sqliteAtVersion8();
    try {
      await held.rows('DELETE FROM schema_migrations WHERE version = 9');
      await held.store.createApiKey(key({}, '2026-10-01T00:00:00.000Z').record);
      // What lets the rebuild keep foreign keys on: at version 8 nothing else names api_keys.
      expect(
        await held.rows(
          `SELECT name FROM sqlite_master WHERE tbl_name <> 'api_keys' AND sql LIKE '%api_keys%'`,
        ),
      ).toEqual([]);
      await held.store.migrate();
      const objects = await held.rows(
        `SELECT type, name FROM sqlite_master WHERE tbl_name LIKE 'api_keys%' ORDER BY type, name`,
      );
      expect(objects).toEqual([
        { type: 'index', name: 'sqlite_autoindex_api_keys_1' },
        { type: 'index', name: 'sqlite_autoindex_api_keys_2' },
        { type: 'table', name: 'api_keys' },
      ]);
      expect(await held.rows('PRAGMA foreign_key_check')).toEqual([]);
      expect(await held.rows('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await held.dispose();
    }
  });
});
