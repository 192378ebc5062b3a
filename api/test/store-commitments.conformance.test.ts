import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommitmentRecord } from '../src/store/commitments.ts';
import { WriteConflictError } from '../src/store/due-process.ts';
import type { Store } from '../src/store/types.ts';
import { usccFor } from './helpers/records.ts';
import { bothStores, type TestStore } from './helpers/store-factory.ts';

/**
 * Credit commitments in both stores (migration 11): a commitment write is one transaction with
 * its `commitment.*` change-log row (public data only) and audit record; a stale update is refused
 * and writes nothing; lists filter by code, department and status in id order.
 */

const factories = await bothStores('commitment store tests');

function commitment(n: number, over: Partial<CommitmentRecord> = {}): CommitmentRecord {
  return {
    id: `com_${String(n).padStart(24, '0')}`,
    code: usccFor(n),
    name: `重庆承诺${n}号有限公司`,
    kind: 'comprehensive',
    matter: null,
    text: '依法诚信经营。',
    madeOn: '2026-11-20',
    validUntil: null,
    department: n % 2 ? '甲局' : '乙局',
    channel: 'counter',
    submitter: { name: '签字人赵六', contact: '13800000000' },
    status: 'active',
    filedBy: 'key_a',
    filedOn: '2026-11-23',
    breach: null,
    createdAt: '2026-11-23T04:00:00.000Z',
    updatedAt: '2026-11-23T04:00:00.000Z',
    ...over,
  };
}

describe.each(factories)('$name store: credit commitments', (factory) => {
  const test = factory.skip ? it.skip : it;
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    if (factory.skip) return;
    t = await factory.create();
    store = t.store;
  });
  afterEach(async () => {
    await t?.dispose();
  });

  test('a commitment is written with its change-log row and audit record; the row carries no signer', async () => {
    const seq = await store.currentSeq();
    const audit = (await store.auditHead()).seq;
    const c = commitment(1);
    const result = await store.writeDueProcess({
      actor: 'key_a',
      commitment: { record: c, expectStatus: null, change: 'commitment.created' },
      audit: { action: 'commitment.created', target: c.id, detail: { code: c.code } },
    });
    expect(result).toEqual({ seq: seq + 1, entry: null });
    expect(await store.getCommitment(c.id)).toEqual(c);
    const [change] = await store.changesSince(seq, 10);
    expect(change).toMatchObject({
      seq: seq + 1,
      type: 'commitment.created',
      entityId: c.id,
      subjectKey: c.code,
      actor: 'key_a',
    });
    expect(change!.why).toBeUndefined();
    expect(JSON.stringify(change!.data)).not.toContain('赵六');
    expect(JSON.stringify(change!.data)).not.toContain('key_a');
    const records = await store.readAudit(audit, 10);
    expect(records.map((r) => [r.action, r.target])).toEqual([['commitment.created', c.id]]);
  });

  test('an update needs the expected status; a stale one writes nothing', async () => {
    const c = commitment(3);
    await store.writeDueProcess({
      actor: 'key_a',
      commitment: { record: c, expectStatus: null, change: 'commitment.created' },
      audit: { action: 'commitment.created', target: c.id, detail: {} },
    });
    const breached: CommitmentRecord = {
      ...c,
      status: 'breached',
      breach: {
        reason: '逾期',
        evidence: [],
        decidedOn: '2026-11-23',
        entryId: 'ent_00000000000000000001',
        by: 'key_a',
        at: c.createdAt,
      },
    };
    const seq = await store.currentSeq();
    const audit = (await store.auditHead()).seq;
    const write = () =>
      store.writeDueProcess({
        actor: 'key_a',
        commitment: { record: breached, expectStatus: 'active', change: 'commitment.breached' },
        audit: { action: 'commitment.breached', target: c.id, detail: {} },
      });
    await write();
    expect((await store.getCommitment(c.id))!.status).toBe('breached');
    await expect(write()).rejects.toBeInstanceOf(WriteConflictError);
    // The same id again is refused too.
    await expect(
      store.writeDueProcess({
        actor: 'key_a',
        commitment: { record: c, expectStatus: null, change: 'commitment.created' },
        audit: { action: 'commitment.created', target: c.id, detail: {} },
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    expect(await store.currentSeq()).toBe(seq + 1);
    expect((await store.auditHead()).seq).toBe(audit + 1);
  });

  test('lists by code, department and status, in id order, with a cursor', async () => {
    for (const n of [5, 6, 7, 8]) {
      const c = commitment(n, n === 7 ? { code: usccFor(5) } : {});
      await store.writeDueProcess({
        actor: 'key_a',
        commitment: { record: c, expectStatus: null, change: 'commitment.created' },
        audit: { action: 'commitment.created', target: c.id, detail: {} },
      });
    }
    const ids = (rows: CommitmentRecord[]) => rows.map((r) => Number(r.id.slice(4)));
    expect(ids(await store.listCommitments({ code: usccFor(5), limit: 10 }))).toEqual([5, 7]);
    expect(ids(await store.listCommitments({ department: '乙局', limit: 10 }))).toEqual([6, 8]);
    expect(ids(await store.listCommitments({ department: '甲局', status: 'breached', limit: 10 }))).toEqual(
      [],
    );
    const page = await store.listCommitments({ department: '甲局', limit: 1 });
    expect(ids(page)).toEqual([5]);
    expect(ids(await store.listCommitments({ department: '甲局', after: page[0]!.id, limit: 10 }))).toEqual([
      7,
    ]);
  });
});
