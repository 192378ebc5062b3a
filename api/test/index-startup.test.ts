import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../src/domain/model.ts';
import { TextColumn } from '../src/index/columns.ts';
import { ListIndex, LiveIndex, NameIndex } from '../src/index/index.ts';
import { ColumnSet, SnapshotReader, writeSnapshotFile } from '../src/index/snapshot-file.ts';
import { loadLiveIndex, SNAPSHOT_FILE_NAME, STORE_ID_SETTING } from '../src/index/startup.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/types.ts';
import { chunked, orgRecord, recordSet } from './helpers/records.ts';
import {
  PG_TEST_URL,
  postgresFactory,
  probePostgres,
  type StoreFactory,
  sqliteFactory,
  type TestStore,
} from './helpers/store-factory.ts';

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;

const factories: Array<StoreFactory & { skip: boolean }> = [
  { ...sqliteFactory(), skip: false },
  { ...postgresFactory(PG_TEST_URL, {}), skip: skipPostgres },
];

/** Enough subjects and entries that every text column packs a chunk (16,384 rows) and keeps a tail. */
const LARGE = 40_000;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'credcheck-startup-'));
}

/** Queries of every kind the name index answers: exact, one edit, no company form, a branch, nothing. */
function queriesFor(index: LiveIndex): string[] {
  const out = ['测试', '张7', '完全不相干的名字有限公司'];
  for (let row = 0; row < index.list.size; row += 997) {
    const name = index.list.nameAt(row);
    out.push(name, name.replace('号', '好'), name.replace('有限公司', ''), `${name}北京分公司`);
  }
  return out;
}

/** The two indexes hold the same records under every key and id, and answer every query alike. */
async function expectSameIndex(actual: LiveIndex, expected: LiveIndex, compareSearch = true): Promise<void> {
  expect(actual.seq).toBe(expected.seq);
  expect(actual.list.size).toBe(expected.list.size);
  expect(actual.list.entryCount).toBe(expected.list.entryCount);
  for (let row = 0; row < expected.list.size; row++) {
    const record = expected.list.recordAt(row);
    expect(actual.list.get(record.subject.key)).toEqual(record);
    expect(actual.list.getById(record.subject.id)).toEqual(record);
  }
  if (!compareSearch) return;
  for (const q of queriesFor(expected)) {
    expect(await actual.search(q, { limit: 20 })).toEqual(await expected.search(q, { limit: 20 }));
  }
}

function logger() {
  const lines: string[] = [];
  return { lines, log: (msg: string) => lines.push(msg) };
}

/** A byte in the middle of the largest section of a snapshot, so that its checksum must fail. */
function corruptLargestSection(file: string): void {
  const bytes = readFileSync(file);
  const jsonLength = bytes.readUInt32LE(bytes.length - 24);
  const at = bytes.readDoubleLE(bytes.length - 16);
  const dir = JSON.parse(bytes.subarray(at, at + jsonLength).toString('utf8')) as {
    sections: Array<{ offset: number; bytes: number }>;
  };
  const largest = dir.sections.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const where = largest.offset + Math.floor(largest.bytes / 2);
  bytes[where] = (bytes[where] as number) ^ 0x5a;
  writeFileSync(file, bytes);
}

describe.each(factories)('loadLiveIndex on $name', (factory) => {
  const test = factory.skip ? it.skip : it;
  const disposables: Array<() => Promise<void> | void> = [];
  let t: TestStore;
  let store: Store;

  beforeAll(async () => {
    if (factory.skip) return;
    t = await factory.create();
    store = t.store;
    await store.importRecords(chunked(recordSet(LARGE), 10_000), { actor: 'test' });
  }, 120_000);
  afterAll(async () => {
    await t?.dispose();
  });
  afterEach(async () => {
    for (const d of disposables.splice(0).reverse()) await d();
  });
  const dir = () => {
    const d = tempDir();
    disposables.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };

  test('scans without a snapshot, writes one, and the snapshot answers exactly like a fresh scan', async () => {
    const snapshotDir = dir();
    const first = logger();
    const scanned = await loadLiveIndex(store, { snapshotDir, log: first.log, backgroundNamesFrom: 0 });
    expect(scanned.source).toBe('scan');
    expect(first.lines.join('\n')).toMatch(/no snapshot/);
    // Key lookups serve while the name index is still being built; search waits for it.
    expect(scanned.index.namesReady).toBe(false);
    expect(() => scanned.index.names).toThrow(/still being built/);
    const name = scanned.index.list.nameAt(3);
    expect((await scanned.index.search(name))[0]?.match).toBe('exact');
    await scanned.settled;
    expect(first.lines.join('\n')).toMatch(/snapshot written/);

    const second = logger();
    const restored = await loadLiveIndex(store, { snapshotDir, log: second.log });
    expect(restored.source).toBe('snapshot');
    expect(restored.index.namesReady).toBe(true);
    await restored.settled;
    expect(second.lines.join('\n')).not.toMatch(/snapshot written/);

    const fresh = await LiveIndex.load(store);
    await expectSameIndex(restored.index, fresh);
    expect(fresh.list.size).toBeGreaterThan(16_384);
    expect(await store.getSetting(STORE_ID_SETTING)).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a snapshot older than the store catches up, and changes after it are visible', async () => {
    const s = await factory.create();
    disposables.push(() => s.dispose());
    const records = recordSet(LARGE);
    await s.store.importRecords(chunked(records, 10_000), { actor: 'test' });
    const snapshotDir = dir();
    const started = await loadLiveIndex(s.store, { snapshotDir });
    await started.settled;
    // The index that stays in memory, caught up the usual way, is what a restored one must equal.
    const live = started.index;

    // After the snapshot: a rename (in a packed chunk), a status change, new subjects.
    const renamed: ImportRecord = {
      ...records[1]!,
      subject: {
        ...records[1]!.subject,
        name: '改名后的新名字科技有限公司',
        normName: '改名后的新名字科技有限公司',
      },
    };
    const revoked: ImportRecord = { ...records[0]!, entry: { ...records[0]!.entry, status: 'revoked' } };
    // Enough new subjects (over 2,000) that the restored name index takes them in the background.
    const later = [renamed, revoked, ...recordSet(6000, 900_000)];
    await s.store.importRecords([later], { actor: 'test' });
    await live.catchUp(s.store);

    const log = logger();
    const restored = await loadLiveIndex(s.store, { snapshotDir, log: log.log, backgroundNamesFrom: 0 });
    expect(restored.source).toBe('snapshot');
    expect(restored.index.namesReady).toBe(false);
    expect(log.lines.join('\n')).toMatch(/caught up \d+ changes/);
    expect(restored.index.seq).toBe(await s.store.currentSeq());
    await expectSameIndex(restored.index, live);
    await expectSameIndex(restored.index, await LiveIndex.load(s.store), false);
    expect(restored.index.list.get(renamed.subject.key)?.subject.name).toBe('改名后的新名字科技有限公司');
    expect((await restored.index.search('改名后的新名字科技有限公司'))[0]?.key).toBe(renamed.subject.key);
    expect(
      restored.index.list.get(revoked.subject.key)?.entries.find((e) => e.basis === revoked.entry.basis)
        ?.status,
    ).toBe('revoked');

    // A snapshot of the caught-up index (rewritten rows included) loads back the same.
    await restored.saveSnapshot();
    const again = await loadLiveIndex(s.store, { snapshotDir });
    expect(again.source).toBe('snapshot');
    await expectSameIndex(again.index, restored.index);

    // Changes after the start arrive through catchUp, as the server's refresher calls it.
    await s.store.importRecords([[orgRecord(950_000)]], { actor: 'test' });
    await again.index.catchUp(s.store);
    expect(again.index.list.get(orgRecord(950_000).subject.key)).toBeDefined();
    expect((await again.index.search(orgRecord(950_000).subject.name))[0]?.match).toBe('exact');
  });

  describe('falls back to a scan, saying why, and replaces the snapshot', () => {
    const cases: Array<[string, (file: string, other: Store) => Promise<void>, RegExp]> = [
      ['a corrupt snapshot', async (file) => corruptLargestSection(file), /checksum mismatch/],
      [
        'a truncated snapshot',
        async (file) => truncateSync(file, Math.floor(readFileSync(file).length / 2)),
        /truncated/,
      ],
      [
        'a snapshot of another store',
        async (file, other) => {
          const otherDir = tempDir();
          try {
            await (await loadLiveIndex(other, { snapshotDir: otherDir })).settled;
            writeFileSync(file, readFileSync(join(otherDir, SNAPSHOT_FILE_NAME)));
          } finally {
            rmSync(otherDir, { recursive: true, force: true });
          }
        },
        /another store/,
      ],
      [
        'an unknown format version',
        async (file) => {
          const bytes = readFileSync(file);
          bytes.writeUInt32LE(99, 8);
          writeFileSync(file, bytes);
        },
        /format version 99/,
      ],
      [
        'a file that is no snapshot',
        async (file) => writeFileSync(file, 'not a snapshot at all. '.repeat(40)),
        /not an index snapshot/,
      ],
    ];
    for (const [what, spoil, reason] of cases) {
      test(what, async () => {
        const mine = await factory.create();
        const other = await factory.create();
        disposables.push(
          () => mine.dispose(),
          () => other.dispose(),
        );
        await mine.store.importRecords([recordSet(300)], { actor: 'test' });
        await other.store.importRecords([recordSet(200, 5000)], { actor: 'test' });
        const snapshotDir = dir();
        await (await loadLiveIndex(mine.store, { snapshotDir })).settled;
        await spoil(join(snapshotDir, SNAPSHOT_FILE_NAME), other.store);

        const log = logger();
        const started = await loadLiveIndex(mine.store, { snapshotDir, log: log.log });
        expect(started.source).toBe('scan');
        expect(log.lines.join('\n')).toMatch(reason);
        await expectSameIndex(started.index, await LiveIndex.load(mine.store));
        await started.settled;
        expect((await loadLiveIndex(mine.store, { snapshotDir })).source).toBe('snapshot');
      });
    }
  });

  test('an empty store starts from a scan, then from its (empty) snapshot', async () => {
    const empty = await factory.create();
    disposables.push(() => empty.dispose());
    const snapshotDir = dir();
    const first = await loadLiveIndex(empty.store, { snapshotDir });
    expect([first.source, first.index.list.size, first.index.seq]).toEqual(['scan', 0, 0]);
    await first.settled;
    const second = await loadLiveIndex(empty.store, { snapshotDir });
    expect([second.source, second.index.list.size]).toEqual(['snapshot', 0]);
    expect(await second.index.search('测试')).toEqual([]);
    await empty.store.importRecords([recordSet(5)], { actor: 'test' });
    await second.index.catchUp(empty.store);
    expect(second.index.list.size).toBe(3);
  });

  test('without a snapshot folder it scans and writes nothing; a small store has its names at once', async () => {
    const started = await loadLiveIndex(store, { snapshotDir: null });
    expect(started.source).toBe('scan');
    // A store this small gets its name index before the start returns.
    expect(started.index.namesReady).toBe(true);
    await started.saveSnapshot();
    await started.settled;
    expect(started.index.list.size).toBeGreaterThan(0);
  });
});

describe('LiveIndex with a name index still being built', () => {
  it('serves key lookups at once, answers searches when the names are in, and keeps renames made meanwhile', async () => {
    const d = tempDir();
    const store = openSqliteStore(join(d, 'store.db'));
    try {
      await store.migrate();
      const records = recordSet(200);
      await store.importRecords([records], { actor: 'test' });
      const list = await ListIndex.load(store);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const live = LiveIndex.from(list, async (l) => {
        await gate;
        return NameIndex.build(l);
      });
      expect(live.namesReady).toBe(false);
      expect(list.get(records[0]!.subject.key)?.subject.name).toBe(records[0]!.subject.name);
      const pending = live.search('后来改的名字贸易有限公司');

      const renamed = {
        ...records[0]!,
        subject: { ...records[0]!.subject, name: '后来改的名字贸易有限公司' },
      };
      renamed.subject.normName = renamed.subject.name;
      await store.importRecords([[renamed, orgRecord(77_777)]], { actor: 'test' });
      await live.catchUp(store);
      release();

      expect((await pending)[0]).toMatchObject({ key: renamed.subject.key, match: 'exact' });
      expect(live.namesReady).toBe(true);
      expect(live.names.search(orgRecord(77_777).subject.name)[0]?.match).toBe('exact');
      expect(live.names.search(records[0]!.subject.name).some((h) => h.key === renamed.subject.key)).toBe(
        false,
      );
    } finally {
      await store.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('TextColumn', () => {
  it('packs rows into chunks, rewrites packed rows and reads back exactly what was written', async () => {
    const n = 40_000;
    const column = new TextColumn();
    const expected: Array<string | null> = [];
    const textOf = (i: number) =>
      i % 11 === 0
        ? null
        : i % 3 === 0
          ? '有履行能力而拒不履行'
          : i % 5 === 0
            ? ''
            : `值${i}-${'x'.repeat(i % 7)}`;
    for (let i = 0; i < n; i++) {
      expected.push(textOf(i));
      column.set(i, textOf(i));
    }
    // Rewrites land in packed chunks (beside them) and in the tail; enough of them to repack once.
    for (let i = 0; i < n; i += 7) {
      const v = i % 2 === 0 ? `改${i}` : null;
      expected[i] = v;
      column.set(i, v);
    }
    column.set(n + 2, 'past the end');
    expected.push(null, null, 'past the end');
    expect(column.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      const v = expected[i] ?? null;
      expect(column.get(i)).toBe(v);
      expect(column.equals(i, v)).toBe(true);
      expect(column.lengthOf(i)).toBe(v === null ? -1 : v.length);
      if (v !== null && v.length > 1) expect(column.includesAt(i, 1, v.slice(1))).toBe(true);
      expect(column.equals(i, `${v}?`)).toBe(false);
    }

    const d = tempDir();
    try {
      const columns = new ColumnSet();
      column.saveTo(columns, 'c', expected.length);
      const file = join(d, 'column.snapshot');
      await writeSnapshotFile(file, { test: true }, columns);
      const reader = await SnapshotReader.open<{ test: boolean }>(file);
      try {
        const loaded = TextColumn.loadFrom(reader, 'c', expected.length, 100);
        await reader.verify();
        for (let i = 0; i < expected.length; i++) expect(loaded.get(i)).toBe(expected[i] ?? null);
        // It goes on growing and rewriting where it left off.
        for (let i = expected.length; i < 60_000; i++) loaded.set(i, `新${i}`);
        loaded.set(5, '再改');
        expect([loaded.get(5), loaded.get(59_999), loaded.get(expected.length)]).toEqual([
          '再改',
          '新59999',
          `新${expected.length}`,
        ]);
      } finally {
        await reader.close();
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('SQLite scan', () => {
  it('reads a file store through its own connection: one moment of it, writers never refused', async () => {
    const d = tempDir();
    const clock = { now: () => new Date('2026-11-23T04:00:00.000Z') };
    const file = openSqliteStore(join(d, 'store.db'), { clock });
    const memory = openSqliteStore(':memory:', { clock });
    try {
      for (const store of [file, memory]) {
        await store.migrate();
        await store.importRecords(chunked(recordSet(3000), 1000), { actor: 'test' });
      }
      const read = async (store: Store, size: number) => {
        const out = [];
        for await (const batch of store.scan(size)) {
          expect(batch.length).toBeLessThanOrEqual(size);
          out.push(...batch);
        }
        return out;
      };
      const before = await read(file, 64);
      expect(before.map((s) => s.subject.id)).toEqual(before.map((s) => s.subject.id).sort());
      expect(before.reduce((sum, s) => sum + s.entries.length, 0)).toBe(3000);
      for (const s of before) expect(s.entries).toEqual(await file.listEntries(s.subject.id));
      // The paged scan of a database in memory reads the same.
      expect(await read(memory, 7)).toEqual(before);

      // An import while the scan waits between batches goes through; the scan goes on as it began.
      const during = [];
      let imported = false;
      for await (const batch of file.scan(100)) {
        during.push(...batch);
        if (!imported) {
          await file.importRecords([recordSet(50, 10_000)], { actor: 'test' });
          imported = true;
        }
      }
      expect(during).toEqual(before);
      expect((await read(file, 500)).length).toBeGreaterThan(before.length);
    } finally {
      await file.close();
      await memory.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});
