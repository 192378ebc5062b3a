import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeWhy, ImportRecord } from '../src/domain/model.ts';
import {
  type DueProcessWrite,
  type EntryRecord,
  entryFingerprint,
  type ObjectionRecord,
  type RepairRecord,
  subjectFingerprint,
  WriteConflictError,
} from '../src/store/due-process.ts';
import { entryIdOf, subjectIdOf } from '../src/store/ids.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { Stager } from '../src/store/stage.ts';
import type { Store } from '../src/store/types.ts';
import { orgRecord } from './helpers/records.ts';
import { bothStores, PG_TEST_URL, type TestStore } from './helpers/store-factory.ts';

/**
 * The due process on both stores (like store.conformance.test.ts): one write = entry, change-log
 * row with its why, request row and audit record, all or nothing; stale writes are refused;
 * expiry events are written once per entry and validity end, also by concurrent writers.
 */

const factories = await bothStores('due-process store tests');

/** A clock the test sets: the store stamps created_at with it, which expiry looks at. */
function settableClock(start: string) {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    set(instant: string) {
      t = Date.parse(instant);
    },
  };
}

function subjectOf(r: ImportRecord) {
  return { id: subjectIdOf(r.subject.key), ...r.subject };
}

function entryOf(r: ImportRecord, over: Partial<EntryRecord> = {}): EntryRecord {
  return {
    id: entryIdOf(r.subject.key, r.entry.listType, r.entry.designator, r.entry.basis),
    subjectId: subjectIdOf(r.subject.key),
    ...r.entry,
    ...over,
  };
}

const WHY: ChangeWhy = { cause: 'designation', text: '列入严重失信主体名单' };

function designation(r: ImportRecord, over: Partial<EntryRecord> = {}): DueProcessWrite {
  const after = entryOf(r, { status: 'active', ...over });
  return {
    actor: 'key_designator0000000001',
    why: WHY,
    subject: subjectOf(r),
    entry: { type: 'entry.created', after, expectSeq: null },
    audit: { action: 'entry.created', target: after.id, detail: { listType: after.listType } },
  };
}

let objectionCounter = 0;
function objection(entry: EntryRecord, over: Partial<ObjectionRecord> = {}): ObjectionRecord {
  const n = ++objectionCounter;
  return {
    id: `obj_${String(n).padStart(24, '0')}`,
    entryId: entry.id,
    subjectId: entry.subjectId,
    department: entry.department,
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

function repair(entry: EntryRecord, over: Partial<RepairRecord> = {}): RepairRecord {
  const n = ++objectionCounter;
  return {
    id: `rep_${String(n).padStart(24, '0')}`,
    entryId: entry.id,
    subjectId: entry.subjectId,
    department: entry.department,
    status: 'pending',
    applicant: { name: '李四', contact: null },
    statement: '已足额支付拖欠工资',
    evidence: [{ title: '工资支付凭证', reference: 'PZ-2026-001' }],
    correctedOn: '2026-01-05',
    filedBy: 'key_designator0000000001',
    filedOn: '2026-11-23',
    earliestOn: '2026-07-05',
    decision: null,
    createdAt: '2026-11-23T04:00:00.000Z',
    updatedAt: '2026-11-23T04:00:00.000Z',
    ...over,
  };
}

describe('fingerprints', () => {
  it('are the ones an import computes, so that a re-import of the same row changes nothing', () => {
    const r = orgRecord(3);
    const { subject, entry } = new Stager().stage(r);
    expect(subjectFingerprint(subjectOf(r))).toBe(subject![subject!.length - 1]);
    expect(entryFingerprint(entryOf(r))).toBe(entry[entry.length - 1]);
  });
});

describe.each(factories)('$name store: due process', (factory) => {
  const test = factory.skip ? it.skip : it;
  let t: TestStore;
  let store: Store;
  let clock: ReturnType<typeof settableClock>;

  beforeEach(async () => {
    if (factory.skip) return;
    clock = settableClock('2026-11-23T04:00:00.000Z');
    t = await factory.create({ clock });
    store = t.store;
  });
  afterEach(async () => {
    await t?.dispose();
  });

  test('a designation writes subject, entry, change rows with their why, and one audit record, together', async () => {
    const r = orgRecord(1);
    const head = await store.auditHead();
    const { seq, entry } = await store.writeDueProcess(designation(r));
    expect(seq).toBe(2);
    expect(entry).toMatchObject({
      id: entryOf(r).id,
      status: 'active',
      seq: 2,
      createdAt: '2026-11-23T04:00:00.000Z',
    });
    expect(await store.getEntry(entry!.id)).toEqual(entry);
    const changes = await store.changesSince(0, 10);
    expect(changes.map((c) => [c.seq, c.type, c.actor])).toEqual([
      [1, 'subject.upserted', 'key_designator0000000001'],
      [2, 'entry.created', 'key_designator0000000001'],
    ]);
    expect(changes[1]!.why).toEqual(WHY);
    expect(changes[1]!.data).toEqual(entry);
    expect(changes[1]!.subjectKey).toBe(r.subject.key);
    const audit = await store.readAudit(head.seq, 10);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'key_designator0000000001',
      action: 'entry.created',
      target: entry!.id,
    });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ cause: 'designation', seq: 2 });
    // The index follows these rows like an import's.
    const [scanned] = await (async () => {
      for await (const batch of store.scan(10)) return batch;
      return [];
    })();
    expect(scanned!.entries).toEqual([entry]);
  });

  test('an unchanged subject logs no change; a re-import of the same record changes nothing', async () => {
    const r = orgRecord(2);
    await store.importRecords([[r]], { actor: 'test' });
    const other = orgRecord(2, 1);
    const { seq } = await store.writeDueProcess(designation(other, { status: other.entry.status }));
    const changes = await store.changesSince(2, 10);
    expect(changes.map((c) => c.type)).toEqual(['entry.created']);
    const summary = await store.importRecords([[r, other]], { actor: 'test' });
    expect(summary).toMatchObject({ entriesCreated: 0, entriesUpdated: 0, subjectsUpdated: 0, seq });
  });

  test('a stale or duplicate write is refused and writes nothing', async () => {
    const r = orgRecord(3);
    const { entry } = await store.writeDueProcess(designation(r));
    const before = { seq: await store.currentSeq(), audit: await store.auditHead() };
    await expect(store.writeDueProcess(designation(r))).rejects.toBeInstanceOf(WriteConflictError);
    const stale: DueProcessWrite = {
      actor: 'key_designator0000000001',
      why: { cause: 'revocation', text: '撤销' },
      entry: { type: 'entry.status', after: { ...entryOf(r), status: 'revoked' }, expectSeq: entry!.seq - 1 },
      audit: { action: 'entry.revoked', target: entry!.id, detail: {} },
    };
    await expect(store.writeDueProcess(stale)).rejects.toBeInstanceOf(WriteConflictError);
    expect(await store.currentSeq()).toBe(before.seq);
    expect(await store.auditHead()).toEqual(before.audit);
    expect((await store.getEntry(entry!.id))!.status).toBe('active');
  });

  test('an objection and the suspension commit together; a second pending one is refused whole', async () => {
    const r = orgRecord(4);
    const { entry } = await store.writeDueProcess(designation(r));
    const after = entryOf(r, { status: 'suspended' });
    const o = objection(after);
    const accepted = await store.writeDueProcess({
      actor: 'key_implementer000000001',
      why: { cause: 'objection.accepted', text: '核实期间暂不执行', objectionId: o.id },
      entry: { type: 'entry.status', after, expectSeq: entry!.seq },
      objection: { record: o, expectStatus: null },
      audit: { action: 'objection.accepted', target: o.id, detail: {} },
    });
    expect(accepted.entry!.status).toBe('suspended');
    expect(await store.getObjection(o.id)).toEqual(o);
    const seq = await store.currentSeq();
    // Another pending objection on the entry (even with a right seq): the unique index refuses, the entry stays.
    const second = objection(after);
    await expect(
      store.writeDueProcess({
        actor: 'key_implementer000000002',
        why: { cause: 'objection.accepted', text: '又一异议', objectionId: second.id },
        entry: { type: 'entry.status', after, expectSeq: accepted.entry!.seq },
        objection: { record: second, expectStatus: null },
        audit: { action: 'objection.accepted', target: second.id, detail: {} },
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    expect(await store.currentSeq()).toBe(seq);
    expect(await store.getObjection(second.id)).toBeNull();

    // Resolution: only while still pending.
    const rejected: ObjectionRecord = { ...o, status: 'rejected', updatedAt: '2026-11-24T04:00:00.000Z' };
    const resolve = (expectSeq: number) =>
      store.writeDueProcess({
        actor: 'key_designator0000000001',
        why: { cause: 'objection.rejected', text: '异议不成立', objectionId: o.id },
        entry: { type: 'entry.status', after: { ...after, status: 'active' }, expectSeq },
        objection: { record: rejected, expectStatus: 'pending' },
        audit: { action: 'objection.rejected', target: o.id, detail: {} },
      });
    const done = await resolve(accepted.entry!.seq);
    expect(done.entry!.status).toBe('active');
    expect((await store.getObjection(o.id))!.status).toBe('rejected');
    await expect(resolve(done.entry!.seq)).rejects.toBeInstanceOf(WriteConflictError);
    const history = await store.historyOf(entry!.id);
    expect(history.map((c) => [c.type, (c.data as { status: string }).status, c.why?.cause])).toEqual([
      ['entry.created', 'active', 'designation'],
      ['entry.status', 'suspended', 'objection.accepted'],
      ['entry.status', 'active', 'objection.rejected'],
    ]);
  });

  test('lists objections by status, overdue day, department, filer and entry, paged by id', async () => {
    const records = [orgRecord(5), orgRecord(6), orgRecord(7, 1)];
    const entries: EntryRecord[] = [];
    for (const r of records) entries.push((await store.writeDueProcess(designation(r))).entry!);
    const rows = [
      objection(entries[0]!, { dueOn: '2026-11-20' }),
      objection(entries[1]!, { dueOn: '2026-12-07', filedBy: 'key_other' }),
      objection(entries[2]!, { dueOn: '2026-11-01', status: 'upheld' }),
    ];
    for (const o of rows) {
      await store.writeDueProcess({
        actor: o.filedBy,
        objection: { record: o, expectStatus: null },
        audit: { action: 'objection.accepted', target: o.id, detail: {} },
      });
    }
    const ids = async (q: Parameters<Store['listObjections']>[0]) =>
      (await store.listObjections(q)).map((o) => o.id);
    expect(await ids({ limit: 10 })).toEqual(rows.map((o) => o.id));
    expect(await ids({ status: 'pending', limit: 10 })).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(await ids({ overdueOn: '2026-11-23', limit: 10 })).toEqual([rows[0]!.id]);
    expect(await ids({ overdueOn: '2026-12-08', limit: 10 })).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(await ids({ filedBy: 'key_other', limit: 10 })).toEqual([rows[1]!.id]);
    expect(await ids({ department: entries[2]!.department, limit: 10 })).toEqual([rows[2]!.id]);
    expect(await ids({ entryId: entries[1]!.id, limit: 10 })).toEqual([rows[1]!.id]);
    expect(await ids({ after: rows[0]!.id, limit: 1 })).toEqual([rows[1]!.id]);
  });

  test('repair requests: one pending per entry; approval marks the entry repaired with the request, together', async () => {
    const r = orgRecord(8);
    const { entry } = await store.writeDueProcess(designation(r));
    const rep = repair(entryOf(r));
    await store.writeDueProcess({
      actor: 'key_designator0000000001',
      repair: { record: rep, expectStatus: null },
      audit: { action: 'repair.requested', target: rep.id, detail: {} },
    });
    // No change-log row for a request alone.
    expect(await store.currentSeq()).toBe(entry!.seq);
    await expect(
      store.writeDueProcess({
        actor: 'key_designator0000000001',
        repair: { record: repair(entryOf(r)), expectStatus: null },
        audit: { action: 'repair.requested', target: 'x', detail: {} },
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    const approved: RepairRecord = { ...rep, status: 'approved' };
    const { entry: repaired } = await store.writeDueProcess({
      actor: 'key_designator0000000001',
      why: { cause: 'repair.approved', text: '准予修复', repairId: rep.id },
      entry: { type: 'entry.status', after: entryOf(r, { status: 'repaired' }), expectSeq: entry!.seq },
      repair: { record: approved, expectStatus: 'pending' },
      audit: { action: 'repair.approved', target: rep.id, detail: {} },
    });
    expect(repaired!.status).toBe('repaired');
    expect(await store.getRepair(rep.id)).toEqual(approved);
    expect((await store.listRepairs({ status: 'approved', limit: 5 })).map((x) => x.id)).toEqual([rep.id]);
    expect(await store.listRepairs({ status: 'pending', limit: 5 })).toEqual([]);
  });

  test('names the API keys that decided on a subject since a time', async () => {
    const r = orgRecord(9);
    const { entry } = await store.writeDueProcess(designation(r));
    const decision = (n: number, keyId: string | null, at: string) => ({
      id: `dec_${String(n).padStart(24, '0')}`,
      at,
      keyId,
      scenario: 'gov-procurement',
      subjectId: entry!.subjectId,
      subjectKey: r.subject.key,
      outcome: 'block' as const,
      dataVersion: 2,
      catalogVersion: 'test',
      reference: null,
      receipt: `a.b.${n}`,
    });
    await store.recordDecisions([
      decision(1, 'key_b', '2026-11-22T00:00:00.000Z'),
      decision(2, 'key_b', '2026-11-24T00:00:00.000Z'),
      decision(3, 'key_a', '2026-11-25T00:00:00.000Z'),
      decision(4, 'key_b', '2026-11-26T00:00:00.000Z'),
      decision(5, null, '2026-11-26T00:00:00.000Z'),
    ]);
    expect(await store.decisionKeysFor(entry!.subjectId, '2026-11-23T04:00:00.000Z', 10)).toEqual({
      keyIds: ['key_a', 'key_b'],
      decisions: 3,
    });
    expect(await store.decisionKeysFor(entry!.subjectId, '2026-11-23T04:00:00.000Z', 1)).toEqual({
      keyIds: ['key_a'],
      decisions: 3,
    });
  });

  test('expiry: one entry.expired change per entry and validity end, only for entries in force when recorded', async () => {
    clock.set('2026-11-02T02:00:00.000Z'); // 2026-11-02 in China
    const ending = orgRecord(10);
    const open = orgRecord(11);
    const revoked = orgRecord(12);
    await store.writeDueProcess(designation(ending, { validUntil: '2026-11-30' }));
    await store.writeDueProcess(designation(open, { validUntil: null }));
    await store.writeDueProcess(designation(revoked, { validUntil: '2026-11-10', status: 'revoked' }));
    // Recorded on 2026-11-20 with validity to 2026-11-15: already over, nothing stopped applying.
    clock.set('2026-11-20T02:00:00.000Z');
    const late = orgRecord(13);
    await store.writeDueProcess(designation(late, { validUntil: '2026-11-15' }));
    // Recorded at 01:00 in China on the day its validity ends: in force that day.
    clock.set('2026-11-24T17:00:00.000Z');
    const lastDay = orgRecord(14);
    await store.writeDueProcess(designation(lastDay, { validUntil: '2026-11-25' }));

    clock.set('2026-11-25T02:00:00.000Z');
    expect(await store.recordExpiries('2026-11-25', 100)).toEqual([]);
    // From a day whose run completed, earlier validity ends are not read again: they were written.
    expect(await store.recordExpiries('2026-11-26', 100, '2026-11-26')).toEqual([]);
    expect((await store.recordExpiries('2026-11-26', 100, '2026-11-25')).map((c) => c.entityId)).toEqual([
      entryOf(lastDay).id,
    ]);
    clock.set('2026-12-01T02:00:00.000Z');
    expect(await store.recordExpiries('2026-11-30', 100)).toEqual([]);
    const audit = await store.auditHead();
    const written = await store.recordExpiries('2026-12-01', 100);
    expect(written.map((c) => c.entityId)).toEqual([entryOf(ending).id]);
    for (const c of written) {
      expect(c).toMatchObject({ type: 'entry.expired', actor: 'system', why: { cause: 'expiry' } });
    }
    expect(await store.changesSince(written[0]!.seq - 1, 10)).toEqual(written);
    const [record] = await store.readAudit(audit.seq, 10);
    expect(record).toMatchObject({ actor: 'system', action: 'entries.expired' });
    expect(await store.recordExpiries('2026-12-01', 100)).toEqual([]);
    expect(await store.recordExpiries('2026-12-05', 100)).toEqual([]);

    // Validity extended by a correction, then over again: a new end, a new event.
    const current = (await store.getEntry(entryOf(ending).id))!;
    await store.writeDueProcess({
      actor: 'key_designator0000000001',
      why: { cause: 'correction', text: '延长有效期' },
      entry: {
        type: 'entry.updated',
        after: entryOf(ending, { validUntil: '2026-12-10', status: 'active' }),
        expectSeq: current.seq,
      },
      audit: { action: 'entry.corrected', target: current.id, detail: {} },
    });
    expect(await store.recordExpiries('2026-12-10', 100)).toEqual([]);
    expect((await store.recordExpiries('2026-12-11', 100)).map((c) => c.entityId)).toEqual([current.id]);
  });

  test('expiry: concurrent writers (two connections) write each event once; limit bounds a call', async () => {
    clock.set('2026-11-02T02:00:00.000Z');
    for (let n = 20; n < 32; n++)
      await store.writeDueProcess(designation(orgRecord(n), { validUntil: '2026-11-15' }));
    const second =
      factory.name === 'sqlite'
        ? null
        : openPostgresStore(PG_TEST_URL, { schema: t.schema!, maxConnections: 2, clock });
    const other = second ?? store;
    try {
      const batches = await Promise.all([
        store.recordExpiries('2026-11-20', 5),
        other.recordExpiries('2026-11-20', 5),
        store.recordExpiries('2026-11-20', 5),
        other.recordExpiries('2026-11-20', 5),
      ]);
      const ids = batches.flat().map((c) => c.entityId);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(5);
      const logged = (await store.changesSince(0, 1000)).filter((c) => c.type === 'entry.expired');
      expect(logged).toHaveLength(12);
    } finally {
      await second?.close();
    }
  });
});

describe('SQLite store: expiry across two connections to one file', () => {
  it('writes each event once when a second process runs it too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'credcheck-expiry-'));
    const clock = { now: () => new Date('2026-11-02T02:00:00.000Z') };
    // Two stores on one file stand for two API processes.
    const a = openSqliteStore(join(dir, 'credcheck.db'), { clock });
    await a.migrate();
    const b = openSqliteStore(join(dir, 'credcheck.db'), { clock });
    try {
      for (let n = 40; n < 46; n++)
        await a.writeDueProcess(designation(orgRecord(n), { validUntil: '2026-11-15' }));
      const [first, second] = await Promise.all([
        a.recordExpiries('2026-11-20', 4),
        b.recordExpiries('2026-11-20', 4),
      ]);
      expect(first.length + second.length).toBe(6);
      expect(await b.recordExpiries('2026-11-20', 100)).toEqual([]);
      expect(await a.recordExpiries('2026-11-21', 100)).toEqual([]);
      const logged = (await b.changesSince(0, 1000)).filter((c) => c.type === 'entry.expired');
      expect(new Set(logged.map((c) => c.entityId)).size).toBe(6);
      expect(logged).toHaveLength(6);
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
