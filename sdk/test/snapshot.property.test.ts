import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import { generateUSCC } from '../src/identifiers/index.ts';
import {
  applyDelta,
  buildSnapshot,
  decodeSnapshot,
  encodeDelta,
  encodeSnapshot,
  type PrefixSnapshot,
  prefixOf,
  SNAPSHOT_STATUSES,
  SnapshotError,
  type SnapshotItem,
  snapshotKey,
} from '../src/snapshot/index.ts';

const code = fc.integer({ min: 0, max: 2 ** 31 }).map((seed) => generateUSCC(seededRandom(seed)));
const name = fc
  .array(fc.constantFrom(...'甲乙丙丁戊己庚辛壬癸華华有限公司厂 （）()abcＡＢ'), {
    minLength: 1,
    maxLength: 8,
  })
  .map((chars) => chars.join(''));

const item: fc.Arbitrary<SnapshotItem> = fc
  .oneof(
    fc.record({ kind: fc.constant('code' as const), key: code }),
    fc.record({ kind: fc.constant('name' as const), key: name }),
  )
  .chain(({ kind, key }) =>
    fc.record({
      kind: fc.constant(kind),
      key: fc.constant(key),
      status: fc.constantFrom(...SNAPSHOT_STATUSES),
    }),
  )
  .filter((i) => snapshotKey(i.kind, i.key) !== '');

/** Narrow widths make prefix collisions common, so the precedence rule gets exercised. */
const bits = fc.oneof(fc.integer({ min: 16, max: 20 }), fc.integer({ min: 21, max: 48 }));

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** What a lookup must answer: among items sharing the key's prefix, the class first in precedence. */
function expectedStatus(items: SnapshotItem[], probe: SnapshotItem, width: number): string | undefined {
  const prefix = prefixOf(probe.kind, probe.key, width);
  let best: number | undefined;
  for (const i of items) {
    if (i.kind !== probe.kind || prefixOf(i.kind, i.key, width) !== prefix) continue;
    const cls = SNAPSHOT_STATUSES.indexOf(i.status);
    if (best === undefined || cls < best) best = cls;
  }
  return best === undefined ? undefined : SNAPSHOT_STATUSES[best];
}

function lookup(s: PrefixSnapshot, i: SnapshotItem): string | undefined {
  return i.kind === 'code' ? s.lookupCode(i.key) : s.lookupName(i.key);
}

describe('snapshot codec properties', () => {
  it('decode(encode(s)) is s: same set, checksum, lookups and bytes', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 300 }), bits, fc.nat(2 ** 40), (items, width, version) => {
        const s = buildSnapshot(items, { version, prefixBits: width });
        const bytes = encodeSnapshot(s);
        const back = decodeSnapshot(bytes);
        expect(back.version).toBe(version);
        expect(back.checksumHex).toBe(s.checksumHex);
        expect(sameBytes(encodeSnapshot(back), bytes)).toBe(true);
        for (const i of items) expect(lookup(back, i)).toBe(expectedStatus(items, i, width));
      }),
      { numRuns: 150 },
    );
  });

  it('applying encodeDelta(a, b) to a copy of a yields exactly b', () => {
    const pair = fc
      .tuple(
        fc.array(item, { maxLength: 200 }),
        fc.array(item, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 60 }),
      )
      .map(([base, added, picks]) => {
        // b keeps most of a, drops some items, changes some classes and adds new ones.
        const target = base.filter((_, i) => !picks.includes(i));
        picks.forEach((p, n) => {
          const src = base[p % Math.max(1, base.length)];
          if (src && n % 2 === 0) target.push({ ...src, status: SNAPSHOT_STATUSES[p % 4]! });
        });
        return [base, [...target, ...added]] as const;
      });
    fc.assert(
      fc.property(
        pair,
        bits,
        fc.nat(1000),
        fc.integer({ min: 1, max: 1000 }),
        ([a, b], width, from, step) => {
          const sa = buildSnapshot(a, { version: from, prefixBits: width });
          const sb = buildSnapshot(b, { version: from + step, prefixBits: width });
          const copy = decodeSnapshot(encodeSnapshot(sa));
          const result = applyDelta(copy, encodeDelta(sa, sb));
          expect(result.version).toBe(sb.version);
          expect(result.checksumHex).toBe(sb.checksumHex);
          expect(sameBytes(encodeSnapshot(result), encodeSnapshot(sb))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a chain of deltas ends where a full download of the last version does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(item, { maxLength: 80 }), { minLength: 2, maxLength: 5 }),
        bits,
        (sets, width) => {
          const versions = sets.map((items, v) =>
            buildSnapshot(items, { version: v + 1, prefixBits: width }),
          );
          let copy = decodeSnapshot(encodeSnapshot(versions[0]!));
          for (let v = 1; v < versions.length; v++)
            copy = applyDelta(copy, encodeDelta(versions[v - 1]!, versions[v]!));
          expect(copy.checksumHex).toBe(versions.at(-1)!.checksumHex);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('changed or cut bytes are refused, or decode to the very set the checksum vouches for', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 60 }),
        bits,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(),
        (items, width, at, xor, cut) => {
          const s = buildSnapshot(items, { version: 5, prefixBits: width });
          const bytes = encodeSnapshot(s);
          const changed = bytes.slice();
          changed[at % bytes.length]! ^= xor;
          try {
            const back = decodeSnapshot(changed);
            expect(back.checksumHex).toBe(s.checksumHex);
            expect(back.version).toBe(5);
          } catch (e) {
            expect(e).toBeInstanceOf(SnapshotError);
          }
          expect(() => decodeSnapshot(bytes.slice(0, cut % bytes.length))).toThrow(SnapshotError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a damaged delta is refused, or leads to exactly its target', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 60 }),
        fc.array(item, { maxLength: 60 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (a, b, at, xor) => {
          const sa = buildSnapshot(a, { version: 1, prefixBits: 24 });
          const sb = buildSnapshot(b, { version: 2, prefixBits: 24 });
          const delta = encodeDelta(sa, sb);
          delta[at % delta.length]! ^= xor;
          try {
            expect(applyDelta(sa, delta).checksumHex).toBe(sb.checksumHex);
          } catch (e) {
            expect(e).toBeInstanceOf(SnapshotError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
