import { describe, expect, it } from 'vitest';
import type { Identity } from '../src/domain/decision-identity.ts';
import { applyClearances, clearedIdentity } from '../src/oversight/apply-clearances.ts';
import { ClearanceSet } from '../src/oversight/clearance-set.ts';
import type { ClearanceRecord } from '../src/store/oversight-types.ts';

function record(id: string, rev: number, over: Partial<ClearanceRecord> = {}): ClearanceRecord {
  return {
    id,
    rev,
    candidateSubjectId: 'sub_a',
    candidateCode: '91500235MA5U000001',
    candidateName: '重庆远禾装饰工程有限公司',
    presentedName: '重慶遠禾裝飾工程有限公司',
    presentedNormName: '重庆远禾装饰工程有限公司',
    presentedKey: null,
    presentedCode: null,
    reason: '非同一主体',
    keyId: 'key_1',
    at: '2026-11-23T04:00:00.000Z',
    revokedAt: null,
    revokedBy: null,
    revokeReason: null,
    ...over,
  };
}
const revoked = { revokedAt: '2026-11-24T00:00:00.000Z', revokedBy: 'key_1', revokeReason: '撤销' };

describe('ClearanceSet', () => {
  it('finds active clearances by presented name and code, per candidate', () => {
    const set = new ClearanceSet();
    set.apply(record('clr_1', 1));
    set.apply(record('clr_2', 2, { presentedKey: '91500000MA5U000002' }));
    expect(set.size).toBe(2);
    expect(set.forPresented('重庆远禾装饰工程有限公司', null)?.get('sub_a')?.id).toBe('clr_1');
    expect(set.forPresented('重庆远禾装饰工程有限公司', '91500000MA5U000002')?.get('sub_a')?.id).toBe(
      'clr_2',
    );
    expect(set.forPresented('重庆远禾装饰工程有限责任公司', null)).toBeUndefined();
  });

  it('a revocation removes it; an older version arriving late changes nothing', () => {
    const set = new ClearanceSet();
    set.apply(record('clr_1', 1));
    set.apply(record('clr_1', 3, revoked));
    set.apply(record('clr_1', 1));
    expect(set.size).toBe(0);
    expect(set.forPresented('重庆远禾装饰工程有限公司', null)).toBeUndefined();
    expect(set.get('clr_1')?.revokedAt).toBe(revoked.revokedAt);
    expect(set.all().map((r) => r.id)).toEqual(['clr_1']);
  });

  it('a newer clearance of the pair, applied before the revocation of the older one, stays', () => {
    const set = new ClearanceSet();
    set.apply(record('clr_1', 1));
    // This process cleared the pair again (rev 4) before its refresh read the revocation (rev 3).
    set.apply(record('clr_2', 4));
    set.apply(record('clr_1', 3, revoked));
    expect(set.forPresented('重庆远禾装饰工程有限公司', null)?.get('sub_a')?.id).toBe('clr_2');
    expect(set.size).toBe(1);
  });
});

describe('applying clearances to an identity', () => {
  const identity: Identity = {
    matchedBy: 'code',
    consistent: false,
    conflicts: [
      { field: 'name', message: 'not the listed name', messageZh: '名称不一致' },
      {
        field: 'name',
        message: 'name of another code',
        messageZh: '另一代码的名称',
        listed: {
          subjectId: 'sub_a',
          code: '91500235MA5U000001',
          name: '重庆远禾装饰工程有限公司',
          status: 'black',
        },
      },
    ],
    candidates: [],
    warnings: [],
  };

  it('marks the cleared conflict; consistency follows the conflicts left', () => {
    const cleared = new Map([['sub_a', record('clr_1', 1)]]);
    const out = applyClearances(identity, cleared);
    expect(out.conflicts[1]!.clearance).toEqual({
      id: 'clr_1',
      by: 'key_1',
      at: '2026-11-23T04:00:00.000Z',
      reason: '非同一主体',
    });
    expect(out.consistent).toBe(false); // the name still is not the code's own
    const onlyListed = applyClearances({ ...identity, conflicts: identity.conflicts.slice(1) }, cleared);
    expect(onlyListed.consistent).toBe(true);
    expect(applyClearances(identity, new Map())).toBe(identity);
  });

  it('costs nothing without clearances, a name or a match', () => {
    const set = new ClearanceSet();
    expect(clearedIdentity(identity, '重庆远禾装饰工程有限公司', 'x', set)).toBe(identity);
    set.apply(record('clr_1', 1, { presentedKey: 'x' }));
    expect(clearedIdentity(identity, undefined, 'x', set)).toBe(identity);
    const plain = { ...identity, conflicts: [identity.conflicts[0]!] };
    expect(clearedIdentity(plain, '重庆远禾装饰工程有限公司', 'x', set)).toBe(plain);
    expect(clearedIdentity(identity, '重慶遠禾裝飾工程有限公司', 'x', set).conflicts[1]!.clearance?.id).toBe(
      'clr_1',
    );
  });
});
