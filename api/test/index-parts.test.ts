import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BigramIndex, distinctBigrams } from '../src/index/bigram-index.ts';
import { IdColumn, InstantColumn, Interner, packDate, unpackDate } from '../src/index/columns.ts';
import { DeletionIndex } from '../src/index/deletion-index.ts';
import { oneEditApart } from '../src/index/edit-distance.ts';
import { sortPairs } from '../src/index/radix-sort.ts';
import { RowTable } from '../src/index/row-table.ts';
import { hashRange, hashString, hashWithout } from '../src/index/string-hash.ts';

/** Optimal string alignment distance, the textbook dynamic programme, as the reference. */
function osa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

const smallText = fc.string({ unit: fc.constantFrom(...'泰昱办公设备有限司AB'), maxLength: 8 });

describe('oneEditApart', () => {
  it('agrees with the optimal string alignment distance', () => {
    fc.assert(
      fc.property(smallText, smallText, (a, b) => {
        expect(oneEditApart(a, b)).toBe(osa(a, b) === 1);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['泰昱', '泰显', true],
    ['泰昱', '昱泰', true],
    ['泰昱', '泰昱办', true],
    ['泰昱办', '泰办', true],
    ['泰昱', '泰昱', false],
    ['泰昱办公', '昱泰公办', false],
    ['abc', 'cab', false],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(oneEditApart(a, b)).toBe(expected);
  });
});

describe('DeletionIndex', () => {
  it('finds every key within one edit, whatever the edit', () => {
    fc.assert(
      fc.property(fc.array(smallText, { minLength: 1, maxLength: 30 }), smallText, (keys, query) => {
        const index = new DeletionIndex(1);
        index.build(keys.length, (row) => keys[row]);
        const found: number[] = [];
        index.candidates(query, found);
        keys.forEach((key, row) => {
          if (key.length >= 1 && osa(key, query) <= 1) expect(found).toContain(row);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('finds rows added after the build through its overlay', () => {
    const index = new DeletionIndex(3);
    index.build(1, () => '深圳市泰昱');
    index.add(1, '北京市华翊');
    const found: number[] = [];
    index.candidates('北京市华', found);
    expect(found).toContain(1);
    expect(index.pending).toBeGreaterThan(0);
  });
});

describe('RowTable', () => {
  it('stores several rows under one key, removes them and survives growth', () => {
    const table = new RowTable();
    const keyOf = (row: number) => `key-${row % 50}`;
    for (let row = 0; row < 1000; row++) table.insert(row, hashString(keyOf(row)));
    expect(table.size).toBe(1000);
    const rows: number[] = [];
    table.collect(hashString('key-7'), (row) => keyOf(row) === 'key-7', rows);
    expect(rows.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 7 + i * 50));
    expect(table.remove(57, hashString('key-7'))).toBe(true);
    expect(table.remove(57, hashString('key-7'))).toBe(false);
    rows.length = 0;
    table.collect(hashString('key-7'), (row) => keyOf(row) === 'key-7', rows);
    expect(rows).not.toContain(57);
    expect(rows).toHaveLength(19);
    expect(table.find(hashString('nope'), () => true)).toBe(-1);
  });
});

describe('hashing', () => {
  it('hashes a range or a deletion like the string itself', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), (s, n) => {
        const i = n % s.length;
        expect(hashWithout(s, i)).toBe(hashString(s.slice(0, i) + s.slice(i + 1)));
        expect(hashRange(s, 0, i)).toBe(hashString(s.slice(0, i)));
      }),
    );
  });
});

describe('sortPairs', () => {
  it('sorts keys and carries values along', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 1000 }))), (pairs) => {
        const keys = Uint32Array.from(pairs.map((p) => p[0]));
        const values = Uint32Array.from(pairs.map((p) => p[1]));
        sortPairs(keys, values);
        const expected = [...pairs].sort((a, b) => a[0] - b[0]);
        expect([...keys]).toEqual(expected.map((p) => p[0]));
        // Stable: equal keys keep their values' original order.
        expect([...values]).toEqual(expected.map((p) => p[1]));
      }),
    );
  });
});

describe('BigramIndex', () => {
  it('counts document frequencies and refuses to read lists longer than asked', () => {
    const names = ['有限公司甲', '有限公司乙', '有限公司丙', '北京甲乙'];
    const index = new BigramIndex({ maxStoredPostings: 2 });
    index.build(names.length, (row) => names[row]);
    const gram = distinctBigrams('有限')[0]!;
    expect(index.df(gram)).toBe(3);
    const sums = new Float32Array(4);
    const touched: number[] = [];
    // Counted but not stored: cannot be read whatever the limit.
    expect(index.accumulate(gram, 100, 1, sums, touched)).toBe(false);
    expect(index.accumulate(distinctBigrams('甲乙')[0]!, 100, 2, sums, touched)).toBe(true);
    expect(touched).toEqual([3]);
    expect(sums[3]).toBe(2);
    expect(index.rowWeight(3)).toBeGreaterThan(index.rowWeight(0) - 10);
  });
});

describe('columns', () => {
  it('packs ids of the usual shape and keeps any other as given', () => {
    const ids = new IdColumn('ent_');
    const usual = 'ent_0123456789abcdef0123';
    const odd = ['ent_0123456789ABCDEF0123', 'ent_short', 'other_0123456789abcdef0123', ''];
    ids.set(0, usual);
    for (const [i, id] of odd.entries()) ids.set(i + 1, id);
    expect(ids.get(0)).toBe(usual);
    expect(ids.equals(0, usual)).toBe(true);
    expect(ids.equals(0, 'ent_0123456789abcdef0124')).toBe(false);
    odd.forEach((id, i) => {
      expect(ids.get(i + 1)).toBe(id);
      expect(ids.equals(i + 1, id)).toBe(true);
    });
    ids.set(1, usual);
    expect(ids.get(1)).toBe(usual);
  });

  it('writes instants back in one canonical form, and keeps what does not parse', () => {
    const instants = new InstantColumn();
    instants.set(0, '2026-11-23T04:00:00.000Z');
    instants.set(1, '2026-11-23T12:00:00+08:00');
    instants.set(2, 'not a date');
    expect(instants.get(0)).toBe('2026-11-23T04:00:00.000Z');
    expect(instants.get(1)).toBe('2026-11-23T04:00:00.000Z');
    expect(instants.get(2)).toBe('not a date');
  });

  it('packs YYYY-MM-DD dates losslessly and rejects anything else', () => {
    for (const date of ['2026-11-23', '1999-01-01', '0001-12-31', '2026-02-30']) {
      const packed = packDate(date);
      expect(packed).toBeGreaterThanOrEqual(0x80000000);
      expect(unpackDate(packed)).toBe(date);
    }
    for (const text of ['2026-1-05', '2026/11/23', '20261123xx', 'abcd-ef-gh', ''])
      expect(packDate(text)).toBe(-1);
  });

  it('returns an equal string whether it shares it or, past its limits, not', () => {
    // Sharing itself cannot be observed from JavaScript; what must hold is that values never change.
    const interner = new Interner(1000);
    expect(interner.intern(['同', '一'].join(''))).toBe('同一');
    expect(interner.intern(['同', '一'].join(''))).toBe('同一');
    for (let i = 0; i < 60_000; i++) expect(interner.intern(`unique-${i}`)).toBe(`unique-${i}`);
    expect(interner.intern(['同', '一'].join(''))).toBe('同一');
    expect(interner.intern(null)).toBeNull();
  });
});
