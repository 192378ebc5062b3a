import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import {
  clientUrl,
  PG_TEST_URL,
  postgresFactory,
  type StoreFactory,
  type TestStore,
} from './store-factory.ts';

/**
 * Fingerprints of every table of a store, to prove that a refused request or import wrote nothing
 * at all (not only entries: keys, decisions, idempotency records, webhooks, settings, audit).
 * The hostile strings themselves live in test/helpers/hostile-input.ts, shared with the SDK.
 */
export * from '../../../test/helpers/hostile-input.ts';

/**
 * Tables a background task writes on its own: the webhook dispatcher's cursor follows the change
 * log (it moves after an earlier, accepted write), so it proves nothing about the request at hand.
 */
const BACKGROUND_TABLES = ['webhook_dispatch'];

/** A TestStore that can also fingerprint every table of its database. */
export interface FingerprintedStore extends TestStore {
  fingerprint(): Promise<string>;
}

export interface FingerprintFactory extends StoreFactory {
  create(): Promise<FingerprintedStore>;
}

/** A fingerprint of every table of the SQLite file, read through a second, read-only connection. */
export function sqliteFingerprinter(file: string): { fingerprint(): string; close(): void } {
  let reader: Database.Database | undefined;
  return {
    fingerprint() {
      reader ??= new Database(file, { readonly: true });
      const tables = reader
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all()
        .map((t) => t.name)
        .filter((t) => !BACKGROUND_TABLES.includes(t));
      const hash = createHash('sha256');
      for (const t of tables) {
        hash.update(`\n#${t}\n`);
        const rows = reader
          .prepare(`SELECT * FROM "${t}"`)
          .raw()
          .all()
          .map((row) => JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
        for (const row of rows.sort()) hash.update(row);
      }
      return hash.digest('hex');
    },
    close() {
      reader?.close();
    },
  };
}

/** A fingerprint of every table of a PostgreSQL schema, in one query on the caller's connection. */
export async function postgresFingerprinter(
  client: pg.Client,
  schema: string,
): Promise<() => Promise<string>> {
  const { rows } = await client.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
    [schema],
  );
  const query = rows
    .filter((r) => !BACKGROUND_TABLES.includes(r.table_name))
    .map(
      (r) =>
        `SELECT '${r.table_name}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${schema}"."${r.table_name}" x`,
    )
    .join(' UNION ALL ');
  return async () => {
    const res = await client.query<{ t: string; h: string }>(query);
    return res.rows
      .map((r) => `${r.t}:${r.h}`)
      .sort()
      .join(',');
  };
}

/** SQLite in its own folder, fingerprinted through a second, read-only connection. */
export function sqliteFingerprintFactory(): FingerprintFactory {
  return {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'credcheck-hostile-'));
      const file = join(dir, 'credcheck.db');
      const store = openSqliteStore(file);
      await store.migrate();
      const reader = sqliteFingerprinter(file);
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
        async fingerprint() {
          return reader.fingerprint();
        },
        async dispose() {
          reader.close();
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** PostgreSQL in its own schema, fingerprinted in one query over every table of the schema. */
export function postgresFingerprintFactory(url = PG_TEST_URL): FingerprintFactory {
  const base = postgresFactory(url);
  return {
    name: 'postgres',
    async create() {
      const t = await base.create();
      const client = new pg.Client({ connectionString: clientUrl(url) });
      await client.connect();
      const fingerprint = await postgresFingerprinter(client, t.schema!);
      return {
        ...t,
        fingerprint,
        async dispose() {
          await client.end();
          await t.dispose();
        },
      };
    },
  };
}
