import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres.ts';
import { chunked, recordSet } from './helpers/records.ts';
import { PG_TEST_URL, postgresFactory, probePostgres, type TestStore } from './helpers/store-factory.ts';
import { snapshot } from './helpers/store-snapshot.ts';

const probe = await probePostgres(PG_TEST_URL);
const skip = !probe.ok && !process.env.CI;
if (skip)
  console.warn(`\n!!! PostgreSQL unreachable at ${PG_TEST_URL}: PostgreSQL store tests SKIPPED !!!\n`);

describe('PostgreSQL store, without a server', () => {
  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => openPostgresStore(PG_TEST_URL, { schema: 'x; DROP TABLE y' })).toThrow(
      /invalid PostgreSQL schema name/,
    );
  });

  it('says where it could not connect, without the password', async () => {
    const store = openPostgresStore('postgres://alice:s3cret@127.0.0.1:1/credcheck');
    const err = await store.migrate().catch((e: Error) => e);
    await store.close();
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1\/credcheck: /);
    expect((err as Error).message).not.toContain('s3cret');
  });
});

describe.skipIf(skip)('PostgreSQL store, concurrency', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await postgresFactory().create();
  });
  afterEach(async () => {
    await t?.dispose();
  });

  it('numbers the changes of concurrent imports without gaps or duplicates', async () => {
    const results = await Promise.all([
      t.store.importRecords(chunked(recordSet(400, 0), 100), { actor: 'a' }),
      t.store.importRecords(chunked(recordSet(400, 10_000), 100), { actor: 'b' }),
      t.store.replaceCatalog({ version: 'v-test', listTypes: [], measures: [], scenarios: [] }, 'c'),
    ]);
    const total = Math.max(results[0].seq, results[1].seq);
    const changes = await t.store.changesSince(0, 10_000);
    expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1));
    expect(changes.length).toBeGreaterThanOrEqual(total);
    // Each import's changes are contiguous: one commits entirely before the other starts numbering.
    const actors = changes.filter((c) => c.actor !== 'c').map((c) => c.actor);
    expect(actors.join('').replace(/(.)\1*/g, '$1')).toMatch(/^(ab|ba)$/);
  });

  it('a dry run holds nothing back: the identity default stays usable', async () => {
    await t.store.importRecords([recordSet(5)], { actor: 'a' });
    await t.store.importRecords([recordSet(8)], { actor: 'a', dryRun: true });
    const before = await snapshot(t.store);
    await t.raw(
      `INSERT INTO change_log (at, type, entity_id, actor, data) VALUES (now(), 'entry.status', 'ent_x', 'ops', '{}')`,
    );
    const after = await t.store.changesSince(before.seq, 10);
    expect(after.map((c) => c.seq)).toEqual([before.seq + 1]);
  });
});
