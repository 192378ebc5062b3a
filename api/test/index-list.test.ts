import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { normalizeName } from '@credcheck/sdk/names';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom as seeded } from '../../test/helpers/seeded-random.ts';
import type { Change, Entry, ImportRecord, Subject } from '../src/domain/model.ts';
import { personKey } from '../src/domain/person-key.ts';
import { ChangeDataError, IndexConsistencyError, ListIndex } from '../src/index/index.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/types.ts';

const TRADE = [...'澄岚翊衡沛珂霁禾砚朔筠棠璟岑昱澜骁栩琮峤溯湛嵘檀芮钧弈珩曦淞'];
const LISTS = [
  { listType: 'dishonest-judgment-debtor', kind: 'black', designator: '重庆市云阳县人民法院' },
  { listType: 'major-tax-violation', kind: 'black', designator: '国家税务总局重庆市税务局' },
  { listType: 'a-grade-taxpayer', kind: 'red', designator: '国家税务总局重庆市云阳县税务局' },
] as const;

interface Made {
  records: ImportRecord[];
  keys: string[];
}

/** `subjects` subjects (every tenth a person), each on 1–3 lists. */
function makeRecords(subjects: number, seed: number): Made {
  const rand = seeded(seed);
  const records: ImportRecord[] = [];
  const keys: string[] = [];
  for (let i = 0; i < subjects; i++) {
    const person = i % 10 === 9;
    const code = generateUSCC(rand);
    const key = person ? personKey('index-test', `id-${seed}-${i}`) : code;
    const name = person
      ? `张${TRADE[i % TRADE.length]}`
      : `重庆市${TRADE[i % TRADE.length]}${TRADE[(i * 7 + 3) % TRADE.length]}${i}号建筑工程有限公司`;
    keys.push(key);
    const lists = 1 + (i % 3);
    for (let l = 0; l < lists; l++) {
      const list = LISTS[(i + l) % LISTS.length]!;
      records.push({
        line: records.length + 2,
        subject: {
          type: person ? 'person' : 'org',
          key,
          code: person ? null : code,
          idMasked: person ? '500235********123X' : null,
          name,
          normName: normalizeName(name),
          legalRep: person ? null : `李${TRADE[(i * 3) % TRADE.length]}`,
          legalRepKey: null,
          division: '500235',
        },
        entry: {
          listType: list.listType,
          kind: list.kind,
          designator: list.designator,
          department: list.designator,
          basis: `（2025）渝0235执${i}号`,
          reason: '有履行能力而拒不履行生效法律文书确定义务',
          decidedOn: '2025-03-14',
          publishedOn: l === 0 ? '2025-03-20' : null,
          validUntil: l === 1 ? null : '2028-03-13',
          status: 'active',
        },
      });
    }
  }
  return { records, keys };
}

/** What the store says about every subject: the index must say exactly the same. */
async function storeView(store: Store, keys: string[]) {
  const out = new Map<string, { subject: Subject; entries: Entry[] }>();
  for (const key of keys) {
    const subject = await store.findSubjectByKey(key);
    if (subject) out.set(key, { subject, entries: await store.listEntries(subject.id) });
  }
  return out;
}

async function expectSameAsStore(index: ListIndex, store: Store, keys: string[]) {
  const view = await storeView(store, keys);
  const counts = await store.counts();
  expect(index.size).toBe(counts.subjects);
  expect(index.entryCount).toBe(counts.entries);
  expect(index.seq).toBe(await store.currentSeq());
  for (const [key, record] of view) {
    expect(index.get(key)).toEqual(record);
    expect(index.getById(record.subject.id)).toEqual(record);
  }
}

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'credcheck-index-'));
  store = openSqliteStore(join(dir, 'store.db'));
  await store.migrate();
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ListIndex.load', () => {
  it('holds exactly what the store holds, found by key and by id', async () => {
    const { records, keys } = makeRecords(240, 1);
    await store.importRecords([records], { actor: 'test' });
    const index = await ListIndex.load(store, { batchSize: 50 });
    await expectSameAsStore(index, store, keys);
    expect(index.get('91500235MA00000000')).toBeUndefined();
    expect(index.getById('sub_00000000000000000000')).toBeUndefined();
    // Persons are found by their key; their ID number was never stored.
    const person = index.get(keys[9]!);
    expect(person?.subject.type).toBe('person');
    expect(person?.subject.code).toBeNull();
  });

  it('loads an empty store', async () => {
    const index = await ListIndex.load(store);
    expect(index.size).toBe(0);
    expect(index.seq).toBe(0);
    expect(index.get('anything')).toBeUndefined();
  });

  it('ends consistent when an import lands while the scan is running', async () => {
    const first = makeRecords(120, 2);
    await store.importRecords([first.records], { actor: 'test' });
    const second = makeRecords(60, 3);
    // Revoke some of the first subjects' entries and rename one subject, in the middle of the scan.
    const changed = first.records
      .slice(0, 30)
      .map((r) => ({ ...r, entry: { ...r.entry, status: 'revoked' as const } }));
    const renamed = {
      ...first.records[40]!,
      subject: { ...first.records[40]!.subject, name: '重庆市新名字建筑有限公司' },
    };
    renamed.subject.normName = normalizeName(renamed.subject.name);
    let batches = 0;
    const racing: Store = Object.create(store);
    racing.scan = async function* (size: number) {
      for await (const batch of store.scan(size)) {
        yield batch;
        if (++batches === 1) {
          await store.importRecords([[...second.records, ...changed, renamed]], { actor: 'test' });
        }
      }
    };
    const index = await ListIndex.load(racing, { batchSize: 25 });
    expect(batches).toBeGreaterThan(1);
    await expectSameAsStore(index, store, [...first.keys, ...second.keys]);
    expect(index.get(renamed.subject.key)?.subject.name).toBe('重庆市新名字建筑有限公司');
  });
});

describe('ListIndex.catchUp', () => {
  it('pulls every change since its seq, page by page, and reports what changed', async () => {
    const first = makeRecords(100, 4);
    await store.importRecords([first.records], { actor: 'test' });
    const index = await ListIndex.load(store);
    const loadedSeq = index.seq;

    const more = makeRecords(50, 5);
    const suspended = first.records
      .slice(0, 10)
      .map((r) => ({ ...r, entry: { ...r.entry, status: 'suspended' as const } }));
    const target = first.records[20]!;
    const renamed = {
      ...target,
      subject: {
        ...target.subject,
        name: '重庆市改名建筑工程有限公司',
        normName: '重庆市改名建筑工程有限公司',
      },
    };
    await store.importRecords([[...more.records, ...suspended, renamed]], { actor: 'test' });
    expect(index.seq).toBe(loadedSeq);
    expect(index.get(more.keys[0]!)).toBeUndefined();

    const result = await index.catchUp(store, { pageSize: 7 });
    await expectSameAsStore(index, store, [...first.keys, ...more.keys]);
    expect(result.seq).toBe(await store.currentSeq());
    const renamedRow = index.rowOfKey(renamed.subject.key);
    expect(result.renamed).toContain(renamedRow);
    for (const key of more.keys) expect(result.renamed).toContain(index.rowOfKey(key));
    // Suspending an entry touches its subject but does not rename it.
    const suspendedRow = index.rowOfKey(suspended[0]!.subject.key);
    expect(result.touched).toContain(suspendedRow);
    expect(result.renamed).not.toContain(suspendedRow);
    expect(index.get(suspended[0]!.subject.key)?.entries.some((e) => e.status === 'suspended')).toBe(true);

    const again = await index.catchUp(store);
    expect(again).toEqual({ applied: 0, renamed: [], touched: [], seq: result.seq });
  });
});

describe('ListIndex.applyChanges', () => {
  async function logOf(made: Made): Promise<Change[]> {
    await store.importRecords([made.records], { actor: 'test' });
    const update = made.records
      .slice(0, 15)
      .map((r) => ({ ...r, entry: { ...r.entry, status: 'repaired' as const } }));
    await store.importRecords([update], { actor: 'test' });
    return store.changesSince(0, 100_000);
  }

  it('rebuilds the store from the change log alone', async () => {
    const made = makeRecords(80, 6);
    const log = await logOf(made);
    const index = new ListIndex();
    const result = index.applyChanges(log);
    expect(result.applied).toBe(log.length);
    expect(result.seq).toBe(log[log.length - 1]!.seq);
    await expectSameAsStore(index, store, made.keys);
  });

  it('is idempotent: replays, overlaps and stale pages change nothing', async () => {
    const made = makeRecords(60, 7);
    const log = await logOf(made);
    const index = new ListIndex();
    index.applyChanges(log.slice(0, 50));
    index.applyChanges(log.slice(30, 90)); // overlaps the first batch
    index.applyChanges(log.slice(0, 10)); // entirely old
    index.applyChanges(log.slice(90));
    const replay = index.applyChanges(log);
    expect(replay.applied).toBe(0);
    expect(replay.touched).toEqual([]);
    await expectSameAsStore(index, store, made.keys);
  });

  it('orders a shuffled batch by seq before applying it', async () => {
    const made = makeRecords(60, 8);
    const log = await logOf(made);
    const shuffled = [...log];
    const rand = seeded(99);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const index = new ListIndex();
    index.applyChanges(shuffled);
    await expectSameAsStore(index, store, made.keys);
    // The later status (repaired) wins over the created one, whatever the batch order was.
    expect(
      index.get(made.records[0]!.subject.key)?.entries.find((e) => e.basis === made.records[0]!.entry.basis)
        ?.status,
    ).toBe('repaired');
  });

  it('skips a change older than the entity it holds (a scan can read past its starting seq)', async () => {
    const made = makeRecords(20, 9);
    const log = await logOf(made);
    // A scan that started at seq 0 but read the final state, as when imports race it.
    const raced: Store = Object.create(store);
    raced.currentSeq = async () => 0;
    raced.changesSince = async () => [];
    const index = await ListIndex.load(raced);
    expect(index.seq).toBe(0);
    const key = made.records[0]!.subject.key;
    const before = index.get(key);
    expect(before?.entries.some((e) => e.status === 'repaired')).toBe(true);

    const result = index.applyChanges(log);
    expect(result.applied).toBe(0);
    expect(index.seq).toBe(log[log.length - 1]!.seq);
    // Replaying entry.created (active) must not undo the later repair.
    expect(index.get(key)).toEqual(before);
    await expectSameAsStore(index, store, made.keys);
  });

  it('moves an entry between subjects and ignores catalog changes', () => {
    const index = new ListIndex();
    const at = '2026-11-23T04:00:00.000Z';
    const subject = (seq: number, n: number): Change => {
      const key = generateUSCC(seeded(n));
      const data: Subject = {
        id: `sub_${String(n).padStart(20, '0')}`,
        type: 'org',
        key,
        code: key,
        idMasked: null,
        name: `公司${n}`,
        normName: `公司${n}`,
        legalRep: null,
        legalRepKey: null,
        division: null,
        seq,
      };
      return { seq, at, type: 'subject.upserted', entityId: data.id, subjectKey: key, actor: 't', data };
    };
    const a = subject(1, 1);
    const b = subject(2, 2);
    const entry = (seq: number, subjectId: string, type: Change['type']): Change => {
      const data: Entry = {
        id: 'ent_custom-id-kept-as-is',
        subjectId,
        listType: 'major-tax-violation',
        kind: 'black',
        designator: '国家税务总局',
        department: '国家税务总局',
        basis: '国发〔2016〕33号',
        reason: '逃税',
        decidedOn: '2026-01-05',
        publishedOn: null,
        validUntil: '2029-01-04',
        status: 'active',
        seq,
        createdAt: at,
        updatedAt: at,
      };
      return { seq, at, type, entityId: data.id, subjectKey: null, actor: 't', data };
    };
    const aId = (a.data as Subject).id;
    const bId = (b.data as Subject).id;
    index.applyChanges([a, b, entry(3, aId, 'entry.created')]);
    expect(index.getById(aId)?.entries).toHaveLength(1);
    const catalog: Change = {
      seq: 4,
      at,
      type: 'catalog.replaced',
      entityId: 'catalog',
      subjectKey: null,
      actor: 't',
      data: {},
    };
    const moved = index.applyChanges([catalog, entry(5, bId, 'entry.updated')]);
    expect(moved.seq).toBe(5);
    expect(new Set(moved.touched)).toEqual(new Set([index.rowOfId(aId), index.rowOfId(bId)]));
    expect(index.getById(aId)?.entries).toEqual([]);
    expect(index.getById(bId)?.entries.map((e) => [e.id, e.subjectId, e.seq])).toEqual([
      ['ent_custom-id-kept-as-is', bId, 5],
    ]);
    expect(index.entryCount).toBe(1);
  });

  it('rejects a malformed change with a clear error and keeps the seq before it', async () => {
    const made = makeRecords(5, 10);
    const log = await logOf(made);
    const index = new ListIndex();
    const broken: Change = {
      ...log[3]!,
      data: { ...(log[3]!.data as object), name: 42, id: log[3]!.entityId },
    };
    const bad = log[3]!.type === 'subject.upserted' ? broken : { ...log[3]!, data: 'not an object' };
    let caught: unknown;
    try {
      index.applyChanges([...log.slice(0, 3), bad, ...log.slice(4)]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ChangeDataError);
    expect((caught as Error).message).toMatch(new RegExp(`^change ${log[3]!.seq} `));
    expect(index.seq).toBe(log[2]!.seq);
    expect((caught as ChangeDataError).partial?.seq).toBe(log[2]!.seq);
  });

  it('refuses an entry of a subject it never saw', async () => {
    const made = makeRecords(3, 11);
    const log = await logOf(made);
    const entryChange = log.find((c) => c.type === 'entry.created')!;
    const index = new ListIndex();
    expect(() => index.applyChanges([entryChange])).toThrow(IndexConsistencyError);
    expect(index.seq).toBe(0);
  });
});
