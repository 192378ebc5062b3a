import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStore, type PostgresStoreOptions } from '../../src/store/postgres.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store, StoreOptions } from '../../src/store/types.ts';

/** A fresh, migrated store plus a side door to its database for what the Store interface forbids. */
export interface TestStore {
  store: Store;
  /** PostgreSQL only: the schema the store lives in. */
  schema?: string;
  /** Runs SQL on a separate connection to the same database (rejects with the database's error). */
  raw(sql: string): Promise<void>;
  dispose(): Promise<void>;
}

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  create(opts?: StoreOptions): Promise<TestStore>;
}

export const PG_TEST_URL = process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/test';

/** The URL pg should use directly (raw clients): with the OS user filled in, as the store does. */
export function clientUrl(url = PG_TEST_URL): string {
  if (process.env.PGUSER || process.env.USER) return url;
  const u = new URL(url);
  if (!u.username && u.hostname) u.username = encodeURIComponent(userInfo().username);
  return u.toString();
}

export function sqliteFactory(): StoreFactory {
  return {
    name: 'sqlite',
    async create(opts) {
      const dir = mkdtempSync(join(tmpdir(), 'credcheck-store-'));
      const file = join(dir, 'credcheck.db');
      const store = openSqliteStore(file, opts);
      await store.migrate();
      return {
        store,
        async raw(sql) {
          const db = new Database(file);
          try {
            db.exec(sql);
          } finally {
            db.close();
          }
        },
        async dispose() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** Each store lives in its own random schema, dropped on dispose, so runs never see each other. */
export function postgresFactory(
  url = PG_TEST_URL,
  // Merging every few rows makes every test cross the import's merge boundaries.
  tuning: Pick<PostgresStoreOptions, 'mergeEvery'> = { mergeEvery: 5 },
): StoreFactory {
  return {
    name: 'postgres',
    async create(opts) {
      const schema = `cc_test_${randomBytes(6).toString('hex')}`;
      const store = openPostgresStore(url, { ...opts, ...tuning, schema, maxConnections: 4 });
      try {
        await store.migrate();
      } catch (err) {
        await store.close();
        throw err;
      }
      const withClient = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
        const client = new pg.Client({
          connectionString: clientUrl(url),
          options: `-c search_path=${schema}`,
        });
        await client.connect();
        try {
          return await fn(client);
        } finally {
          await client.end();
        }
      };
      return {
        store,
        schema,
        async raw(sql) {
          await withClient((c) => c.query(sql));
        },
        async dispose() {
          await store.close();
          await withClient((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
        },
      };
    },
  };
}

/** Whether PostgreSQL answers at url, and if not, why. */
export async function probePostgres(
  url = PG_TEST_URL,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: clientUrl(url), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message || String(err) };
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * SQLite and PostgreSQL, for a suite that runs the same tests on both. PostgreSQL is skipped
 * loudly (naming `what`) when it cannot be reached, and fails instead under CI, where it must be.
 */
export async function bothStores(what: string): Promise<Array<StoreFactory & { skip: boolean }>> {
  const probe = await probePostgres(PG_TEST_URL);
  const skip = !probe.ok && !process.env.CI;
  if (skip) console.warn(`\n!!! PostgreSQL unreachable at ${PG_TEST_URL}: ${what} SKIPPED there !!!\n`);
  return [
    { ...sqliteFactory(), skip: false },
    { ...postgresFactory(PG_TEST_URL), skip },
  ];
}
