import { generateResidentId } from '@credcheck/sdk/identifiers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-key.ts';
import {
  ClearanceConflictError,
  type FeedbackRecord,
  type NewClearance,
} from '../src/store/oversight-types.ts';
import type { DecisionRecord, Store } from '../src/store/types.ts';
import { usccFor } from './helpers/records.ts';
import { bothStores, type TestStore } from './helpers/store-factory.ts';

/**
 * Clearances, feedback, decision listings and statistics: the same suite on both stores.
 * PostgreSQL is skipped loudly when unreachable, and fails instead under CI.
 */

const factories = await bothStores('oversight store tests');

const IMPLEMENTER = 'key_00000000000000000001';
const OTHER = 'key_00000000000000000002';

let counter = 0;
const hex = (n: number) => n.toString(16).padStart(24, '0');

function clearance(over: Partial<NewClearance> = {}): NewClearance {
  const n = ++counter;
  return {
    id: `clr_${hex(n)}`,
    candidateSubjectId: 'sub_0000000000000000000a',
    candidateCode: usccFor(1),
    candidateName: '重庆远禾装饰工程有限公司',
    presentedName: '重慶遠禾裝飾工程有限公司',
    presentedNormName: '重庆远禾装饰工程有限公司',
    presentedKey: null,
    presentedCode: null,
    reason: '申请人营业执照代码不同，非同一主体',
    keyId: IMPLEMENTER,
    at: '2026-11-23T04:00:00.000Z',
    ...over,
  };
}

function decision(over: Partial<DecisionRecord> = {}): DecisionRecord {
  const n = ++counter;
  return {
    id: `dec_${hex(n)}`,
    at: '2026-11-10T04:00:00.000Z',
    keyId: IMPLEMENTER,
    scenario: 'gov-procurement',
    subjectId: `sub_${String(n).padStart(20, '0')}`,
    subjectKey: usccFor(n),
    outcome: 'block',
    dataVersion: 1,
    catalogVersion: '2026.1',
    reference: null,
    receipt: `x.y.z${n}`,
    ...over,
  };
}

function feedback(decisionId: string, over: Partial<FeedbackRecord> = {}): FeedbackRecord {
  const n = ++counter;
  return {
    id: `fbk_${hex(n)}`,
    decisionId,
    at: '2026-11-20T04:00:00.000Z',
    keyId: IMPLEMENTER,
    measures: [
      { code: 'procurement-ban', applied: true, reason: null },
      { code: 'stricter-review', applied: false, reason: '采购已于核查前终止' },
    ],
    note: null,
    ...over,
  };
}

describe.each(factories)('$name store: clearances, feedback, statistics', (factory) => {
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

  test('a clearance gets the next revision and is read back as written', async () => {
    const a = await store.createClearance(clearance());
    const b = await store.createClearance(
      clearance({ presentedKey: usccFor(9), presentedCode: usccFor(9), at: '2026-11-23T12:00:00+08:00' }),
    );
    expect(b.rev).toBe(a.rev + 1);
    expect(await store.getClearance(a.id)).toEqual(a);
    expect(await store.getClearance(b.id)).toEqual({ ...b, at: '2026-11-23T04:00:00.000Z' });
    expect(a).toMatchObject({ revokedAt: null, revokedBy: null, revokeReason: null });
    expect(await store.getClearance('clr_unknown')).toBeNull();
    expect((await store.clearancesSince(0, 10)).map((c) => c.id)).toEqual([a.id, b.id]);
    expect((await store.clearancesSince(a.rev, 10)).map((c) => c.id)).toEqual([b.id]);
    expect(await store.clearancesSince(b.rev, 10)).toEqual([]);
  });

  test('one active clearance per pair; name-only and with-code are different pairs', async () => {
    const first = await store.createClearance(clearance());
    const again = await store.createClearance(clearance()).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ClearanceConflictError);
    expect((again as ClearanceConflictError).existing.id).toBe(first.id);
    // Another presented code, another candidate or another name: another pair.
    await store.createClearance(clearance({ presentedKey: usccFor(9), presentedCode: usccFor(9) }));
    await store.createClearance(clearance({ candidateSubjectId: 'sub_0000000000000000000b' }));
    await store.createClearance(clearance({ presentedNormName: '重庆远禾装饰工程有限责任公司' }));
    expect(await store.clearancesSince(0, 10)).toHaveLength(4);
  });

  test('revoking keeps the clearance with who, when and why, moves its revision and frees the pair', async () => {
    const a = await store.createClearance(clearance());
    const other = await store.createClearance(clearance({ candidateSubjectId: 'sub_0000000000000000000b' }));
    const revocation = { at: '2026-11-24T01:00:00.000Z', by: OTHER, reason: '复核发现确为同一主体' };
    const done = await store.revokeClearance(a.id, revocation);
    expect(done?.changed).toBe(true);
    expect(done?.record).toMatchObject({
      id: a.id,
      rev: other.rev + 1,
      revokedAt: revocation.at,
      revokedBy: OTHER,
      revokeReason: revocation.reason,
      reason: a.reason,
    });
    expect(await store.getClearance(a.id)).toEqual(done!.record);
    // A refresh that had read up to `other` sees the revocation.
    expect(await store.clearancesSince(other.rev, 10)).toEqual([done!.record]);
    const twice = await store.revokeClearance(a.id, { ...revocation, at: '2026-11-25T00:00:00.000Z' });
    expect(twice).toEqual({ record: done!.record, changed: false });
    expect(await store.revokeClearance('clr_nope', revocation)).toBeNull();
    // The pair may be cleared again.
    const renewed = await store.createClearance(clearance());
    expect(renewed.rev).toBe(other.rev + 2);
  });

  test('clearances are never deleted and change only by a revocation', async () => {
    const a = await store.createClearance(clearance());
    await expect(t.raw(`DELETE FROM clearances WHERE id = '${a.id}'`)).rejects.toThrow(/rejected/);
    await expect(t.raw(`UPDATE clearances SET reason = 'x', rev = 99 WHERE id = '${a.id}'`)).rejects.toThrow(
      /only an active clearance can be revoked/,
    );
    expect(await store.getClearance(a.id)).toEqual(a);
  });

  test('rejects malformed clearances and clear ID numbers', async () => {
    let s = 11;
    const id = generateResidentId(() => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    });
    const bad: Array<[Partial<NewClearance>, RegExp]> = [
      [{ id: 'x' }, /clr_/],
      [{ reason: '' }, /reason/],
      [{ presentedKey: id }, /presentedKey .*never a clear ID/],
      [{ presentedCode: id }, /presentedCode .*never a clear ID/],
      [{ at: 'today' }, /at must be an RFC 3339/],
    ];
    for (const [over, message] of bad)
      await expect(store.createClearance(clearance(over))).rejects.toThrow(message);
    await expect(store.revokeClearance('clr_x', { at: 'x', by: OTHER, reason: 'r' })).rejects.toThrow(/at/);
    expect(await store.clearancesSince(0, 10)).toEqual([]);
  });

  test('concurrent clearances of one pair: exactly one wins, revisions stay unique and gapless', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        store.createClearance(
          clearance({ candidateSubjectId: i % 2 ? 'sub_0000000000000000000a' : `sub_${i}` }),
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(4); // three distinct candidates plus one of the three on the shared pair
    expect(lost.every((r) => (r as PromiseRejectedResult).reason instanceof ClearanceConflictError)).toBe(
      true,
    );
    expect((await store.clearancesSince(0, 10)).map((c) => c.rev)).toEqual([1, 2, 3, 4]);
  });

  test('feedback: reports read back oldest first with their measures; the decision must exist', async () => {
    const d = decision();
    await store.recordDecisions([d]);
    const first = feedback(d.id);
    const second = feedback(d.id, {
      at: '2026-11-21T04:00:00.000Z',
      measures: [
        { code: 'procurement-ban', applied: true, reason: null },
        { code: 'stricter-review', applied: true, reason: '补充审查完成' },
      ],
      note: '更正',
    });
    await store.recordFeedback(second);
    await store.recordFeedback(first);
    expect(await store.listFeedback(d.id)).toEqual([first, second]);
    expect(await store.listFeedback('dec_other')).toEqual([]);
    await expect(store.recordFeedback(feedback('dec_000000000000000000000bad'))).rejects.toThrow();
    await expect(
      store.recordFeedback(feedback(d.id, { measures: [{ code: 'a', applied: false, reason: null }] })),
    ).rejects.toThrow(/needs a reason/);
    await expect(
      store.recordFeedback(
        feedback(d.id, {
          measures: [
            { code: 'a', applied: true, reason: null },
            { code: 'a', applied: true, reason: null },
          ],
        }),
      ),
    ).rejects.toThrow(/twice/);
    await expect(t.raw('UPDATE decision_feedback SET note = NULL')).rejects.toThrow(/append-only/);
    await expect(t.raw('DELETE FROM decision_feedback_measures')).rejects.toThrow(/append-only/);
    expect(await store.listFeedback(d.id)).toHaveLength(2);
  });

  test('clearances and feedback go into the audit log with who and why', async () => {
    const d = decision();
    await store.recordDecisions([d]);
    const before = (await store.auditHead()).seq;
    const c = await store.createClearance(clearance());
    await store.revokeClearance(c.id, { at: '2026-11-24T00:00:00.000Z', by: OTHER, reason: '误操作' });
    await store.createClearance(clearance());
    // A refused duplicate appends nothing.
    await expect(store.createClearance(clearance())).rejects.toBeInstanceOf(ClearanceConflictError);
    const f = feedback(d.id);
    await store.recordFeedback(f);
    const audit = await store.readAudit(before, 100);
    expect(audit.map((a) => [a.action, a.actor, a.target])).toEqual([
      ['clearance.created', IMPLEMENTER, c.id],
      ['clearance.revoked', OTHER, c.id],
      ['clearance.created', IMPLEMENTER, expect.stringMatching(/^clr_/)],
      ['feedback.recorded', IMPLEMENTER, d.id],
    ]);
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ candidate: c.candidateSubjectId, reason: c.reason });
    expect(JSON.parse(audit[1]!.detail)).toEqual({ reason: '误操作' });
    expect(JSON.parse(audit[3]!.detail)).toEqual({
      feedback: f.id,
      applied: ['procurement-ban'],
      notApplied: ['stricter-review'],
    });
  });

  test('lists decisions by key and age, oldest first, paged, and those missing feedback', async () => {
    const mine = [
      decision({ at: '2026-11-01T00:00:00.000Z' }),
      decision({ at: '2026-11-02T00:00:00.000Z', outcome: 'clear' }),
      decision({ at: '2026-11-02T00:00:00.000Z', outcome: 'review' }),
      decision({ at: '2026-11-03T00:00:00.000Z', outcome: 'favour' }),
      decision({ at: '2026-11-20T00:00:00.000Z' }),
    ];
    const theirs = decision({ at: '2026-11-01T12:00:00.000Z', keyId: OTHER });
    await store.recordDecisions([...mine, theirs]);
    await store.recordFeedback(feedback(mine[3]!.id, { measures: [] }));
    const before = '2026-11-15T00:00:00.000Z';
    const ids = (list: DecisionRecord[]) => list.map((d) => d.id);

    const all = await store.listDecisions({ keyId: IMPLEMENTER, before, limit: 10 });
    expect(ids(all)).toEqual(ids(mine.slice(0, 4)));
    expect(all[0]).toEqual(mine[0]);
    expect(ids(await store.listDecisions({ keyId: null, before, limit: 10 }))).toEqual([
      mine[0]!.id,
      theirs.id,
      ...ids(mine.slice(1, 4)),
    ]);
    const missing = await store.listDecisions({ keyId: IMPLEMENTER, before, feedback: 'missing', limit: 10 });
    expect(ids(missing)).toEqual([mine[0]!.id, mine[2]!.id]);

    // Pages of one: each resumes after the last, ties on `at` broken by id.
    const paged: string[] = [];
    let after: { at: string; id: string } | null = null;
    for (;;) {
      const page: DecisionRecord[] = await store.listDecisions({
        keyId: IMPLEMENTER,
        before,
        after,
        limit: 1,
      });
      if (page.length === 0) break;
      paged.push(page[0]!.id);
      after = { at: page[0]!.at, id: page[0]!.id };
    }
    expect(paged).toEqual(ids(mine.slice(0, 4)));
    await expect(store.listDecisions({ keyId: null, before: 'x', limit: 1 })).rejects.toThrow(/before/);
    await expect(store.listDecisions({ keyId: null, before, limit: 0 })).rejects.toThrow(/limit/);
  });

  test('statistics: checks by department, scenario and outcome; feedback completion; measures; clearances', async () => {
    const court = issueApiKey(
      { role: 'designator', department: '重庆市云阳县人民法院', label: 'court', rateLimit: null },
      '2026-11-01T00:00:00.000Z',
    ).record;
    await store.createApiKey(court);
    const set = [
      decision({ keyId: court.id, outcome: 'block', at: '2026-11-05T00:00:00.000Z' }),
      decision({ keyId: court.id, outcome: 'block', at: '2026-11-06T00:00:00.000Z' }),
      decision({ keyId: court.id, outcome: 'clear', subjectId: null, subjectKey: null }),
      decision({ keyId: IMPLEMENTER, outcome: 'review', subjectId: null, subjectKey: null }),
      decision({ keyId: IMPLEMENTER, outcome: 'favour', scenario: 'admin-licensing' }),
      decision({ keyId: null, outcome: 'clear', subjectId: null, subjectKey: null }),
      // Outside the period.
      decision({ keyId: court.id, outcome: 'block', at: '2026-12-01T00:00:00.000Z' }),
    ];
    await store.recordDecisions(set);
    // An older report superseded by a later one: only the later counts.
    await store.recordFeedback(
      feedback(set[0]!.id, {
        at: '2026-11-06T00:00:00.000Z',
        measures: [{ code: 'procurement-ban', applied: false, reason: '待定' }],
      }),
    );
    await store.recordFeedback(
      feedback(set[0]!.id, {
        at: '2026-11-07T00:00:00.000Z',
        measures: [{ code: 'procurement-ban', applied: true, reason: null }],
      }),
    );
    await store.recordFeedback(
      feedback(set[4]!.id, { measures: [{ code: 'fast-track', applied: true, reason: null }] }),
    );
    await store.createClearance(clearance({ at: '2026-11-08T00:00:00.000Z' }));

    const stats = await store.decisionStats({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      overdueBefore: '2026-11-12T00:00:00.000Z',
    });
    const sortBy = <T>(rows: T[], key: (r: T) => string) =>
      [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sortBy(stats.checks, (r) => `${r.department}|${r.scenario}|${r.outcome}`)).toEqual([
      { department: null, scenario: 'admin-licensing', outcome: 'favour', checks: 1, listed: 1 },
      { department: null, scenario: 'gov-procurement', outcome: 'clear', checks: 1, listed: 0 },
      { department: null, scenario: 'gov-procurement', outcome: 'review', checks: 1, listed: 0 },
      {
        department: '重庆市云阳县人民法院',
        scenario: 'gov-procurement',
        outcome: 'block',
        checks: 2,
        listed: 2,
      },
      {
        department: '重庆市云阳县人民法院',
        scenario: 'gov-procurement',
        outcome: 'clear',
        checks: 1,
        listed: 0,
      },
    ]);
    // Expected: the blocks, the review and the favour; overdue: without feedback and made before the 12th.
    expect(sortBy(stats.feedback, (r) => String(r.department))).toEqual([
      { department: null, expected: 2, reported: 1, overdue: 1 },
      { department: '重庆市云阳县人民法院', expected: 2, reported: 1, overdue: 1 },
    ]);
    expect(sortBy(stats.measures, (r) => r.measure)).toEqual([
      { measure: 'fast-track', applied: 1, notApplied: 0 },
      { measure: 'procurement-ban', applied: 1, notApplied: 0 },
    ]);
    expect(stats.clearances).toEqual({ created: 1, revoked: 0 });
    const empty = await store.decisionStats({
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-02-01T00:00:00.000Z',
      overdueBefore: '2025-01-01T00:00:00.000Z',
    });
    expect(empty).toEqual({ checks: [], feedback: [], measures: [], clearances: { created: 0, revoked: 0 } });
  });

  test('statistics: an implementer key that names a department counts its checks under it', async () => {
    const centre = issueApiKey(
      { role: 'implementer', department: '某市公共资源交易中心', label: 'centre', rateLimit: null },
      '2026-11-01T00:00:00.000Z',
    ).record;
    const bank = issueApiKey(
      { role: 'implementer', department: null, label: 'bank', rateLimit: null },
      '2026-11-01T00:00:00.000Z',
    ).record;
    await store.createApiKey(centre);
    await store.createApiKey(bank);
    await store.recordDecisions([
      decision({ keyId: centre.id, outcome: 'block' }),
      decision({ keyId: centre.id, outcome: 'clear', subjectId: null, subjectKey: null }),
      decision({ keyId: bank.id, outcome: 'block' }),
    ]);
    const stats = await store.decisionStats({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      overdueBefore: '2026-11-01T00:00:00.000Z',
    });
    const sortBy = <T>(rows: T[], key: (r: T) => string) =>
      [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sortBy(stats.checks, (r) => `${r.department}|${r.outcome}`)).toEqual([
      { department: null, scenario: 'gov-procurement', outcome: 'block', checks: 1, listed: 1 },
      {
        department: '某市公共资源交易中心',
        scenario: 'gov-procurement',
        outcome: 'block',
        checks: 1,
        listed: 1,
      },
      {
        department: '某市公共资源交易中心',
        scenario: 'gov-procurement',
        outcome: 'clear',
        checks: 1,
        listed: 0,
      },
    ]);
    expect(sortBy(stats.feedback, (r) => String(r.department))).toEqual([
      { department: null, expected: 1, reported: 0, overdue: 0 },
      { department: '某市公共资源交易中心', expected: 1, reported: 0, overdue: 0 },
    ]);
  });
});
