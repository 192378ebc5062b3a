import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeWhy, Entry, ImportRecord, StoredStatus } from '../src/domain/model.ts';
import type { EntryRecord, ObjectionRecord, RepairRecord } from '../src/store/due-process.ts';
import { entryIdOf, subjectIdOf } from '../src/store/ids.ts';
import type { KeptStatus } from '../src/store/import-guard.ts';
import type { Store } from '../src/store/types.ts';
import { orgRecord } from './helpers/records.ts';
import { bothStores, sqliteFactory, type TestStore } from './helpers/store-factory.ts';
import { snapshot, steppingClock } from './helpers/store-snapshot.ts';

/**
 * An import does not undo the due process (ARCHITECTURE invariants 2 and 3), on both stores: while
 * an objection is pending the entry stays suspended, and an entry the due process repaired or
 * revoked stays so, whatever status the file gives; the rest of the row applies, and each such
 * row is counted and reported. PostgreSQL merges every 5 rows here, so the rule holds across merges.
 */

const factories = await bothStores('import guard tests');

const DESIGNATOR = 'key_designator0000000001';

function idOf(r: ImportRecord): string {
  return entryIdOf(r.subject.key, r.entry.listType, r.entry.designator, r.entry.basis);
}

function recordOf(e: Entry): EntryRecord {
  const { seq: _seq, createdAt: _c, updatedAt: _u, ...rest } = e;
  return rest;
}

/** A record as a department's file gives it, active unless told otherwise. */
function fileRow(n: number, entry: Partial<ImportRecord['entry']> = {}, line = n + 2): ImportRecord {
  return { ...orgRecord(n, 0, { entry: { status: 'active', ...entry } }), line };
}

let requestCounter = 0;
const nextId = (prefix: string) => `${prefix}_${String(++requestCounter).padStart(24, '0')}`;

function objectionRecord(e: Entry, over: Partial<ObjectionRecord> = {}): ObjectionRecord {
  return {
    id: nextId('obj'),
    entryId: e.id,
    subjectId: e.subjectId,
    department: e.department,
    status: 'pending',
    source: 'implementer',
    channel: null,
    submitter: null,
    claim: '名称与代码不符',
    filedBy: 'key_implementer000000001',
    acceptedOn: '2026-11-23',
    workingDays: 10,
    dueOn: '2026-12-07',
    resolution: null,
    createdAt: '2026-11-23T04:00:00.000Z',
    updatedAt: '2026-11-23T04:00:00.000Z',
    ...over,
  };
}

function repairRecord(e: Entry): RepairRecord {
  return {
    id: nextId('rep'),
    entryId: e.id,
    subjectId: e.subjectId,
    department: e.department,
    status: 'approved',
    applicant: { name: '李四', contact: null },
    statement: '已履行',
    evidence: [{ title: '履行凭证', reference: null }],
    correctedOn: '2026-01-05',
    filedBy: DESIGNATOR,
    filedOn: '2026-11-23',
    earliestOn: '2026-07-05',
    decision: { outcome: 'approved', why: '准予修复', by: DESIGNATOR, at: '2026-11-23T04:00:00.000Z' },
    createdAt: '2026-11-23T04:00:00.000Z',
    updatedAt: '2026-11-23T04:00:00.000Z',
  };
}

/** The due process's status change of an entry, as the service writes it. */
async function setStatus(
  store: Store,
  id: string,
  status: StoredStatus,
  why: ChangeWhy,
  request: { objection?: ObjectionRecord; repair?: RepairRecord } = {},
): Promise<Entry> {
  const current = (await store.getEntry(id))!;
  const { entry } = await store.writeDueProcess({
    actor: DESIGNATOR,
    why,
    entry: { type: 'entry.status', after: { ...recordOf(current), status }, expectSeq: current.seq },
    ...(request.objection ? { objection: { record: request.objection, expectStatus: null } } : {}),
    ...(request.repair ? { repair: { record: request.repair, expectStatus: null } } : {}),
    audit: { action: `test.${status}`, target: id, detail: {} },
  });
  return entry!;
}

async function object(store: Store, id: string): Promise<ObjectionRecord> {
  const o = objectionRecord((await store.getEntry(id))!);
  await setStatus(
    store,
    id,
    'suspended',
    { cause: 'objection.accepted', text: '核实期间暂不执行', objectionId: o.id },
    { objection: o },
  );
  return o;
}

async function resolveObjection(store: Store, o: ObjectionRecord, status: StoredStatus): Promise<void> {
  const current = (await store.getEntry(o.entryId))!;
  await store.writeDueProcess({
    actor: DESIGNATOR,
    why: { cause: 'objection.rejected', text: '异议不成立', objectionId: o.id },
    entry: { type: 'entry.status', after: { ...recordOf(current), status }, expectSeq: current.seq },
    objection: { record: { ...o, status: 'rejected' }, expectStatus: 'pending' },
    audit: { action: 'objection.rejected', target: o.id, detail: {} },
  });
}

const repair = (store: Store, id: string) =>
  store
    .getEntry(id)
    .then((e) =>
      setStatus(
        store,
        id,
        'repaired',
        { cause: 'repair.approved', text: '准予修复' },
        { repair: repairRecord(e!) },
      ),
    );
const revoke = (store: Store, id: string) =>
  setStatus(store, id, 'revoked', { cause: 'revocation', text: '认定有误，予以撤销' });

describe.each(factories)('$name store: an import does not undo the due process', (factory) => {
  const test = factory.skip ? it.skip : it;
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    if (factory.skip) return;
    t = await factory.create({ clock: steppingClock() });
    store = t.store;
  });
  afterEach(async () => {
    await t?.dispose();
  });

  /** Imports and collects what the store reported as kept. */
  async function run(records: ImportRecord[], dryRun = false) {
    const kept: KeptStatus[] = [];
    const summary = await store.importRecords([records], {
      actor: 'importer',
      dryRun,
      onStatusKept: (k) => kept.push(k),
    });
    return { summary, kept };
  }

  test('(a) pending objection: an unchanged re-import keeps the suspension, changes nothing and says why', async () => {
    const rows = [fileRow(1), fileRow(2)];
    await run(rows);
    const id = idOf(rows[0]!);
    const o = await object(store, id);
    const before = await snapshot(store);

    const { summary, kept } = await run(rows);
    expect(summary).toMatchObject({ entriesUpdated: 0, unchanged: 2, statusKept: 1, seq: before.seq });
    expect(kept).toEqual([
      {
        line: rows[0]!.line,
        entryId: id,
        fileStatus: 'active',
        status: 'suspended',
        reason: 'objection-pending',
        objectionId: o.id,
      },
    ]);
    expect(await snapshot(store)).toEqual(before);
  });

  test('(a) pending objection: the row’s content applies, its status does not, whatever the file says', async () => {
    const row = fileRow(3);
    await run([row]);
    const id = idOf(row);
    await object(store, id);

    const corrected = fileRow(3, { reason: '更正后的失信原因', validUntil: '2028-01-01' });
    const { summary, kept } = await run([corrected]);
    expect(summary).toMatchObject({ entriesUpdated: 1, statusKept: 1 });
    expect(kept.map((k) => [k.fileStatus, k.status])).toEqual([['active', 'suspended']]);
    const entry = (await store.getEntry(id))!;
    expect(entry).toMatchObject({
      reason: '更正后的失信原因',
      validUntil: '2028-01-01',
      status: 'suspended',
    });
    const last = (await store.historyOf(id)).at(-1)!;
    expect(last).toMatchObject({ type: 'entry.updated', actor: 'importer' });
    expect(last.data).toEqual(entry);

    // The stored fingerprint is the kept row's: the same file again is no change at all.
    const seq = await store.currentSeq();
    expect((await run([corrected])).summary).toMatchObject({ entriesUpdated: 0, statusKept: 1, seq });

    // A file that revokes or repairs it waits for the objection's resolution too.
    for (const status of ['revoked', 'repaired'] as const) {
      const r = await run([fileRow(3, { reason: '更正后的失信原因', validUntil: '2028-01-01', status })]);
      expect(r.summary).toMatchObject({ entriesUpdated: 0, statusKept: 1, seq });
      expect(r.kept[0]).toMatchObject({ fileStatus: status, status: 'suspended' });
    }
  });

  test('(a) once the objection is resolved, the file governs again', async () => {
    const row = fileRow(4);
    await run([row]);
    const id = idOf(row);
    const o = await object(store, id);
    await resolveObjection(store, o, 'active');
    const seq = await store.currentSeq();
    expect((await run([row])).summary).toMatchObject({ entriesUpdated: 0, statusKept: 0, seq });
    const revoked = await run([fileRow(4, { status: 'revoked' })]);
    expect(revoked.summary).toMatchObject({ entriesUpdated: 1, statusKept: 0 });
    expect((await store.getEntry(id))!.status).toBe('revoked');
  });

  test('(b) repaired or revoked through the due process: an import neither re-lists nor suspends it', async () => {
    const rows = [fileRow(5), fileRow(6), fileRow(7)];
    await run(rows);
    const [repaired, revoked, revokedOnObjection] = rows.map(idOf) as [string, string, string];
    await repair(store, repaired);
    await revoke(store, revoked);
    // An upheld objection that revokes: the same hold.
    const o = await object(store, revokedOnObjection);
    const current = (await store.getEntry(revokedOnObjection))!;
    await store.writeDueProcess({
      actor: DESIGNATOR,
      why: { cause: 'objection.upheld', text: '异议成立，撤销', objectionId: o.id },
      entry: {
        type: 'entry.status',
        after: { ...recordOf(current), status: 'revoked' },
        expectSeq: current.seq,
      },
      objection: { record: { ...o, status: 'upheld' }, expectStatus: 'pending' },
      audit: { action: 'objection.upheld', target: o.id, detail: {} },
    });
    const before = await snapshot(store);

    const { summary, kept } = await run(rows);
    expect(summary).toMatchObject({ entriesUpdated: 0, unchanged: 3, statusKept: 3, seq: before.seq });
    expect(kept.map((k) => [k.line, k.entryId, k.fileStatus, k.status, k.reason, k.objectionId])).toEqual([
      [rows[0]!.line, repaired, 'active', 'repaired', 'repaired', null],
      [rows[1]!.line, revoked, 'active', 'revoked', 'revoked', null],
      [rows[2]!.line, revokedOnObjection, 'active', 'revoked', 'revoked', null],
    ]);
    expect(await snapshot(store)).toEqual(before);

    // 'suspended' from the file does not bring it back either; content still applies.
    const next = await run([fileRow(5, { status: 'suspended', reason: '原因已更正' })]);
    expect(next.summary).toMatchObject({ entriesUpdated: 1, statusKept: 1 });
    expect(await store.getEntry(repaired)).toMatchObject({ status: 'repaired', reason: '原因已更正' });
  });

  test('(b) a later correction of a repaired entry (same status) keeps the hold', async () => {
    const row = fileRow(8, { validUntil: '2026-11-30' });
    await run([row]);
    const id = idOf(row);
    const repairedEntry = await repair(store, id);
    await store.writeDueProcess({
      actor: DESIGNATOR,
      why: { cause: 'correction', text: '更正名称' },
      entry: {
        type: 'entry.updated',
        after: { ...recordOf(repairedEntry), reason: '更正' },
        expectSeq: repairedEntry.seq,
      },
      audit: { action: 'entry.corrected', target: id, detail: {} },
    });
    const { summary } = await run([row]);
    expect(summary).toMatchObject({ entriesUpdated: 1, statusKept: 1 });
    expect((await store.getEntry(id))!.status).toBe('repaired');
  });

  test('the file still governs what it listed: it revokes an active entry and may list it again', async () => {
    const row = fileRow(9);
    await run([row]);
    const id = idOf(row);
    const revoked = await run([fileRow(9, { status: 'revoked' })]);
    expect(revoked.summary).toMatchObject({ entriesUpdated: 1, statusKept: 0 });
    expect((await store.getEntry(id))!.status).toBe('revoked');
    const again = await run([row]);
    expect(again.summary).toMatchObject({ entriesUpdated: 1, statusKept: 0 });
    expect((await store.getEntry(id))!.status).toBe('active');

    // Also for an entry the due process designated (its last due-process change left it active).
    const designated = fileRow(10);
    const after: EntryRecord = {
      id: idOf(designated),
      subjectId: subjectIdOf(designated.subject.key),
      ...designated.entry,
    };
    await store.writeDueProcess({
      actor: DESIGNATOR,
      why: { cause: 'designation', text: '列入' },
      subject: { id: after.subjectId, ...designated.subject },
      entry: { type: 'entry.created', after, expectSeq: null },
      audit: { action: 'entry.created', target: after.id, detail: {} },
    });
    const repairedByFile = await run([fileRow(10, { status: 'repaired' })]);
    expect(repairedByFile.summary).toMatchObject({ entriesUpdated: 1, statusKept: 0 });
    expect((await store.getEntry(after.id))!.status).toBe('repaired');
  });

  test('every version of a held entry in one import is reported; the last one’s content wins', async () => {
    const row = fileRow(11);
    await run([row]);
    const id = idOf(row);
    await revoke(store, id);
    const first = fileRow(11, { reason: '第一版' }, 10);
    const second = fileRow(11, { reason: '第二版' }, 11);
    const { summary, kept } = await run([first, fileRow(12), second]);
    expect(summary).toMatchObject({ rows: 3, entriesCreated: 1, entriesUpdated: 2, statusKept: 2 });
    expect(kept.map((k) => k.line)).toEqual([10, 11]);
    expect(await store.getEntry(id)).toMatchObject({ status: 'revoked', reason: '第二版' });
  });

  test('a dry run reports the kept statuses and writes nothing', async () => {
    const row = fileRow(13);
    await run([row]);
    await object(store, idOf(row));
    const before = await snapshot(store);
    const { summary, kept } = await run([fileRow(13, { reason: '新原因' })], true);
    expect(summary).toMatchObject({ dryRun: true, entriesUpdated: 1, statusKept: 1 });
    expect(kept).toHaveLength(1);
    expect(await snapshot(store)).toEqual(before);
  });
});

describe('SQLite store: the due process moves while an import stages', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await sqliteFactory().create({ clock: steppingClock() });
  });
  afterEach(async () => {
    await t.dispose();
  });

  // SQLite stages outside its write lock: the merge reads the holds again and restages what moved.
  it('applies an objection filed, and lifts one resolved, after staging began', async () => {
    const store = t.store;
    const rows = [fileRow(20), fileRow(21)];
    await store.importRecords([rows], { actor: 'importer' });
    const [filedLater, resolvedLater] = rows.map(idOf) as [string, string];
    const pending = await object(store, resolvedLater);
    const seq = await store.currentSeq();

    const kept: KeptStatus[] = [];
    async function* chunks() {
      yield [fileRow(21, { reason: '新原因' })];
      // Both writes commit between two chunks of the import.
      await object(store, filedLater);
      await resolveObjection(store, pending, 'active');
      yield [fileRow(20, { reason: '新原因' })];
    }
    const summary = await store.importRecords(chunks(), {
      actor: 'importer',
      onStatusKept: (k) => kept.push(k),
    });
    expect(summary).toMatchObject({ entriesUpdated: 2, statusKept: 1, seq: seq + 2 + 2 });
    expect(kept.map((k) => [k.entryId, k.status])).toEqual([[filedLater, 'suspended']]);
    expect(await store.getEntry(filedLater)).toMatchObject({ status: 'suspended', reason: '新原因' });
    expect(await store.getEntry(resolvedLater)).toMatchObject({ status: 'active', reason: '新原因' });
  });
});
