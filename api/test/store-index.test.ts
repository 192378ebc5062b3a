import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.ts';
import { clientUrl, PG_TEST_URL, probePostgres } from './helpers/store-factory.ts';

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;

describe('openStore', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('opens a migrated SQLite store at DATA_DIR/credcheck.db without DATABASE_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credcheck-open-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = await openStore({ DATA_DIR: join(dir, 'data'), DATABASE_URL: '' });
    cleanups.push(() => store.close());
    expect(store.dialect).toBe('sqlite');
    expect(existsSync(join(dir, 'data', 'credcheck.db'))).toBe(true);
    expect(await store.currentSeq()).toBe(0);
  });

  it.skipIf(skipPostgres)('opens a migrated PostgreSQL store when DATABASE_URL is set', async () => {
    const schema = `cc_open_${Date.now().toString(36)}`;
    const url = new URL(PG_TEST_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    // The URL's search_path names a schema that does not exist yet: create it first, as an operator would.
    const client = new pg.Client({ connectionString: clientUrl() });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    cleanups.push(async () => {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    });
    const store = await openStore({ DATABASE_URL: url.toString(), DATA_DIR: '/nonexistent' });
    cleanups.push(() => store.close());
    expect(store.dialect).toBe('postgres');
    expect(await store.counts()).toEqual({ subjects: 0, entries: 0 });
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`);
    expect(rows[0].n).toBeGreaterThan(0);
  });
});
