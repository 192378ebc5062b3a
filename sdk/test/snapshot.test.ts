import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import { generateUSCC } from '../src/identifiers/index.ts';
import {
  applyDelta,
  buildSnapshot,
  DEFAULT_PREFIX_BITS,
  decodeSnapshot,
  encodeDelta,
  encodeSnapshot,
  type PrefixSnapshot,
  prefixOf,
  readDeltaHeader,
  readSnapshotHeader,
  SNAPSHOT_STATUSES,
  SnapshotError,
  type SnapshotErrorCode,
  type SnapshotItem,
  sha256,
  sha256Text,
  toHex,
} from '../src/snapshot/index.ts';
import { Sha256 } from '../src/snapshot/sha256.ts';

function codes(seed: number, n: number): string[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => generateUSCC(rand));
}

function items(list: string[], seed: number, kind: 'code' | 'name' = 'code'): SnapshotItem[] {
  const rand = seededRandom(seed);
  return list.map((key) => ({
    kind,
    key,
    status: SNAPSHOT_STATUSES[Math.floor(rand() * SNAPSHOT_STATUSES.length)]!,
  }));
}

function errorCode(run: () => unknown): SnapshotErrorCode | 'no error' | 'other error' {
  try {
    run();
    return 'no error';
  } catch (e) {
    return e instanceof SnapshotError ? e.code : 'other error';
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

describe('sha256', () => {
  it('agrees with node:crypto on text of every block boundary and on Unicode', () => {
    const texts = ['', 'abc', '北京泰昱办公设备有限公司', '😀 ㈱ \ud800 lone surrogate'];
    for (let n = 50; n < 140; n++) texts.push('x'.repeat(n));
    for (const t of texts) expect(toHex(sha256Text(t))).toBe(createHash('sha256').update(t).digest('hex'));
  });

  it('agrees with node:crypto on bytes fed in uneven pieces', () => {
    const data = new Uint8Array(100_003).map((_, i) => (i * 131) & 0xff);
    const expected = createHash('sha256').update(data).digest('hex');
    expect(toHex(sha256(data))).toBe(expected);
    const rand = seededRandom(3);
    const hash = new Sha256();
    for (let at = 0; at < data.length; ) {
      const step = Math.floor(rand() * 200);
      hash.update(data.subarray(at, at + step));
      at += step;
    }
    expect(toHex(hash.digest())).toBe(expected);
  });
});

describe('build and lookup', () => {
  const listed = codes(1, 2000);
  const snapshot = buildSnapshot(
    [
      ...items(listed, 2),
      { kind: 'name', key: '北京泰昱办公设备有限公司', status: 'suspended' },
      { kind: 'name', key: '深圳市华兴贸易有限公司', status: 'expired' },
    ],
    { version: 7 },
  );

  it('finds every listed code with its class and no unlisted one', () => {
    const expected = items(listed, 2);
    for (const item of expected) expect(snapshot.lookupCode(item.key)).toBe(item.status);
    const unlisted = codes(99, 2000);
    expect(unlisted.filter((c) => snapshot.lookupCode(c) !== undefined)).toEqual([]);
  });

  it('normalizes keys the way the sdk does: spaced, lower-case or full-width codes, traditional names', () => {
    const code = listed[0]!;
    const spaced = `${code.slice(0, 6)} ${code.slice(6).toLowerCase()}`;
    const fullWidth = [...code].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    expect(snapshot.lookupCode(spaced)).toBe(snapshot.lookupCode(code));
    expect(snapshot.lookupCode(fullWidth)).toBe(snapshot.lookupCode(code));
    expect(snapshot.lookupName('北京泰昱辦公設備有限公司')).toBe('suspended');
    expect(snapshot.lookupName('深圳市 华兴贸易（有限公司）')).toBeUndefined();
    expect(snapshot.lookupName('深圳市华兴贸易有限公司')).toBe('expired');
    expect(snapshot.lookupName('')).toBeUndefined();
  });

  it('keeps codes and names apart', () => {
    expect(snapshot.lookupName(listed[0]!)).toBeUndefined();
    expect(snapshot.lookupCode('北京泰昱办公设备有限公司')).toBeUndefined();
  });

  it('keeps the class that takes precedence when a key is listed twice', () => {
    const s = buildSnapshot(
      [
        { kind: 'code', key: listed[0]!, status: 'expired' },
        { kind: 'code', key: listed[0]!, status: 'black' },
        { kind: 'code', key: listed[0]!, status: 'red' },
        { kind: 'code', key: listed[1]!, status: 'red' },
        { kind: 'code', key: listed[1]!, status: 'suspended' },
      ],
      { version: 1 },
    );
    expect(s.lookupCode(listed[0]!)).toBe('black');
    expect(s.lookupCode(listed[1]!)).toBe('suspended');
    expect(s.codes.size).toBe(2);
  });

  it('refuses bad input with a clear error', () => {
    expect(errorCode(() => buildSnapshot([], { version: -1 }))).toBe('invalid-input');
    expect(errorCode(() => buildSnapshot([], { version: 1.5 }))).toBe('invalid-input');
    expect(errorCode(() => buildSnapshot([], { version: 1, prefixBits: 49 }))).toBe('invalid-input');
    expect(errorCode(() => buildSnapshot([], { version: 1, prefixBits: 15 }))).toBe('invalid-input');
    const bad = { kind: 'code', key: 'X', status: 'clean' } as unknown as SnapshotItem;
    expect(errorCode(() => buildSnapshot([bad], { version: 1 }))).toBe('invalid-input');
    expect(
      errorCode(() => buildSnapshot([{ kind: 'name', key: ' ・ ', status: 'red' }], { version: 1 })),
    ).toBe('invalid-input');
  });

  it('uses the top bits of SHA-256 of the normalized key', () => {
    const digest = createHash('sha256').update(listed[0]!).digest();
    const top48 = digest.readUIntBE(0, 6);
    for (const bits of [16, 24, 32, 33, 40, 48]) {
      expect(prefixOf('code', listed[0]!.toLowerCase(), bits)).toBe(Math.floor(top48 / 2 ** (48 - bits)));
    }
  });

  it('keeps every prefix and class exact in ⌈(width − 16) / 8⌉ bytes and 2 bits an entry, at every width', () => {
    const list = items(listed, 2);
    for (let bits = 16; bits <= 48; bits++) {
      const s = buildSnapshot(list, { version: 1, prefixBits: bits });
      // The expected set, computed without PrefixSet: highest-precedence class per distinct prefix.
      const best = new Map<number, number>();
      for (const item of list) {
        const p = prefixOf('code', item.key, bits);
        const cls = SNAPSHOT_STATUSES.indexOf(item.status);
        best.set(p, Math.min(best.get(p) ?? cls, cls));
      }
      const values = [...best.keys()].sort((a, b) => a - b);
      const { values: got, classes } = s.codes.toSorted();
      expect([...got]).toEqual(values);
      expect([...classes]).toEqual(values.map((v) => best.get(v)));
      const n = values.length;
      const table = 4 * 65_537;
      expect(s.codes.memoryBytes()).toBe(table + n * Math.ceil((bits - 16) / 8) + Math.ceil(n / 4));
      // No names: an empty set keeps no bucket table.
      expect(s.memoryBytes()).toBe(s.codes.memoryBytes() + 32);
    }
    const empty = buildSnapshot([], { version: 1 });
    expect(empty.codes.memoryBytes()).toBe(0);
    expect(empty.lookupCode(listed[0]!)).toBeUndefined();
    expect(empty.codes.find(0, 0)).toBe(-1);
  });
});

describe('encode and decode', () => {
  const source = buildSnapshot(
    [...items(codes(4, 3000), 5), ...items(['甲有限公司', '乙有限公司', '丙厂'], 6, 'name')],
    { version: 123_456_789_012 },
  );
  const bytes = encodeSnapshot(source);

  it('round-trips the set, version, width and checksum, and re-encodes to the same bytes', () => {
    const decoded = decodeSnapshot(bytes);
    expect(decoded.version).toBe(123_456_789_012);
    expect(decoded.prefixBits).toBe(DEFAULT_PREFIX_BITS);
    expect(decoded.checksumHex).toBe(source.checksumHex);
    expect(decoded.codes.toSorted()).toEqual(source.codes.toSorted());
    expect(decoded.names.toSorted()).toEqual(source.names.toSorted());
    expect(sameBytes(encodeSnapshot(decoded), bytes)).toBe(true);
    expect(readSnapshotHeader(bytes)).toEqual({
      version: 123_456_789_012,
      prefixBits: 40,
      checksumHex: source.checksumHex,
      codes: source.codes.size,
      names: 3,
    });
  });

  it('round-trips an empty snapshot and every supported width', () => {
    const empty = buildSnapshot([], { version: 0 });
    expect(decodeSnapshot(encodeSnapshot(empty)).checksumHex).toBe(empty.checksumHex);
    const list = items(codes(8, 500), 9);
    for (let bits = 16; bits <= 48; bits++) {
      const s = buildSnapshot(list, { version: 1, prefixBits: bits });
      const back = decodeSnapshot(encodeSnapshot(s));
      expect(back.checksumHex).toBe(s.checksumHex);
      for (const item of list) expect(back.lookupCode(item.key)).toBe(s.lookupCode(item.key));
    }
  });

  it('stays within the size a Golomb-Rice code promises: about (width − log2 n + 1.5) bits a key plus its class', () => {
    const n = source.codes.size + source.names.size;
    const bitsPerKey = ((bytes.length - 88) * 8) / n;
    expect(bitsPerKey).toBeLessThan(DEFAULT_PREFIX_BITS - Math.log2(3000) + 1.6 + 2);
  });

  it('changes checksum with the version, so a copy cannot claim another version', () => {
    const later = buildSnapshot(
      [...items(codes(4, 3000), 5), ...items(['甲有限公司', '乙有限公司', '丙厂'], 6, 'name')],
      { version: 123_456_789_013 },
    );
    expect(later.checksumHex).not.toBe(source.checksumHex);
  });
});

describe('damaged input never yields an answer', () => {
  const small = buildSnapshot([...items(codes(10, 40), 11), ...items(['甲公司', '乙公司'], 12, 'name')], {
    version: 9,
  });
  const bytes = encodeSnapshot(small);

  it('refuses every truncation', () => {
    for (let length = 0; length < bytes.length; length++) {
      expect([length, errorCode(() => decodeSnapshot(bytes.slice(0, length)))]).toEqual([
        length,
        length >= 4 && length < 88
          ? 'truncated'
          : expect.stringMatching(/truncated|corrupt|checksum-mismatch/),
      ]);
    }
  });

  it('refuses every single flipped bit and trailing bytes', () => {
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const copy = bytes.slice();
      copy[bit >>> 3]! ^= 0x80 >>> (bit & 7);
      const code = errorCode(() => decodeSnapshot(copy));
      expect([bit, code]).toEqual([
        bit,
        expect.stringMatching(/bad-magic|unsupported|truncated|corrupt|checksum/),
      ]);
    }
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(errorCode(() => decodeSnapshot(longer))).toBe('corrupt');
  });

  it('refuses a huge count at once instead of allocating or looping', () => {
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint32(48, 0xffffffff);
    const started = performance.now();
    expect(errorCode(() => decodeSnapshot(copy))).toBe('truncated');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('refuses long runs of zero or one bits quickly', () => {
    for (const fill of [0x00, 0xff]) {
      const copy = new Uint8Array(bytes.length + 1_000_000).fill(fill);
      copy.set(bytes.subarray(0, 88));
      const started = performance.now();
      expect(errorCode(() => decodeSnapshot(copy))).toMatch(/corrupt|truncated/);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('names what it was given when it is not a snapshot', () => {
    expect(errorCode(() => decodeSnapshot(new TextEncoder().encode('<html>not a snapshot</html>')))).toBe(
      'bad-magic',
    );
    const delta = encodeDelta(small, buildSnapshot([], { version: 10 }));
    expect(() => decodeSnapshot(delta)).toThrow(/but this is a delta/);
    const future = bytes.slice();
    future[4] = 2;
    expect(errorCode(() => decodeSnapshot(future))).toBe('unsupported');
  });
});

describe('deltas', () => {
  const base = codes(20, 5000);
  const baseItems = [
    ...items(base, 21),
    { kind: 'name' as const, key: '甲有限公司', status: 'black' as const },
  ];
  const a = buildSnapshot(baseItems, { version: 100 });
  // 1,000 changes: 400 removed, 300 added, 300 changed in class.
  const added = items(codes(22, 300), 23);
  const changed = baseItems.slice(400, 700).map((item) => ({
    ...item,
    status: SNAPSHOT_STATUSES[(SNAPSHOT_STATUSES.indexOf(item.status) + 1) % 4]!,
  }));
  const targetItems = [
    ...changed,
    ...baseItems.slice(700),
    ...added,
    { kind: 'name' as const, key: '乙厂', status: 'red' as const },
  ];
  const b = buildSnapshot(targetItems, { version: 130 });
  const delta = encodeDelta(a, b);

  it('applied to its base gives exactly the target', () => {
    const result = applyDelta(decodeSnapshot(encodeSnapshot(a)), delta);
    expect(result.version).toBe(130);
    expect(result.checksumHex).toBe(b.checksumHex);
    expect(sameBytes(encodeSnapshot(result), encodeSnapshot(b))).toBe(true);
    expect(result.lookupCode(base[0]!)).toBeUndefined();
    expect(result.lookupCode(added[0]!.key)).toBe(added[0]!.status);
    expect(result.lookupCode(changed[0]!.key)).toBe(changed[0]!.status);
    expect(result.lookupName('乙厂')).toBe('red');
  });

  it('is small: about 4 bytes a change', () => {
    const header = readDeltaHeader(delta);
    expect(header).toMatchObject({ fromVersion: 100, toVersion: 130, prefixBits: 40, codeChanges: 1000 });
    expect(header.nameChanges).toBe(1);
    expect(header.fromChecksumHex).toBe(a.checksumHex);
    expect(header.toChecksumHex).toBe(b.checksumHex);
    expect(delta.length).toBeLessThan(5000);
  });

  it('carries a version bump with no change in the set', () => {
    const same = buildSnapshot(baseItems, { version: 101 });
    const empty = encodeDelta(a, same);
    expect(empty.length).toBe(138);
    expect(applyDelta(a, empty).checksumHex).toBe(same.checksumHex);
  });

  it('refuses another base: version, content or width', () => {
    expect(() => applyDelta(b, delta)).toThrow(/goes from version 100 to 130, and the copy is version 130/);
    const otherContent = buildSnapshot(baseItems.slice(1), { version: 100 });
    expect(errorCode(() => applyDelta(otherContent, delta))).toBe('wrong-base');
    const otherWidth = buildSnapshot(baseItems, { version: 100, prefixBits: 32 });
    expect(errorCode(() => applyDelta(otherWidth, delta))).toBe('wrong-base');
    expect(errorCode(() => encodeDelta(otherWidth, b))).toBe('invalid-input');
    expect(errorCode(() => encodeDelta(b, a))).toBe('invalid-input');
    expect(errorCode(() => applyDelta(a, encodeSnapshot(b)))).toBe('bad-magic');
  });

  it('refuses every truncation and every flipped bit', () => {
    const from = buildSnapshot(baseItems.slice(0, 40), { version: 1 });
    const small = encodeDelta(
      from,
      buildSnapshot([...baseItems.slice(0, 35), ...added.slice(0, 5)], { version: 2 }),
    );
    for (let length = 0; length < small.length; length++) {
      expect([length, errorCode(() => applyDelta(from, small.slice(0, length)))]).toEqual([
        length,
        expect.stringMatching(/truncated|corrupt|checksum-mismatch/),
      ]);
    }
    for (let bit = 0; bit < small.length * 8; bit++) {
      const copy = small.slice();
      copy[bit >>> 3]! ^= 0x80 >>> (bit & 7);
      expect([bit, errorCode(() => applyDelta(from, copy))]).toEqual([
        bit,
        expect.stringMatching(/bad-magic|unsupported|truncated|corrupt|checksum-mismatch|wrong-base/),
      ]);
    }
  });
});

describe('false positives', () => {
  it('an unlisted code hits about n / 2^width of the time', () => {
    const bits = 24;
    const listedCount = 20_000;
    const s: PrefixSnapshot = buildSnapshot(items(codes(30, listedCount), 31), {
      version: 1,
      prefixBits: bits,
    });
    const probes = codes(32, 200_000);
    const hits = probes.filter((c) => s.lookupCode(c) !== undefined).length;
    // Distinct prefixes, not items, decide the rate (a few of the 20,000 share one).
    const expected = (probes.length * s.codes.size) / 2 ** bits; // ≈ 238
    expect(hits).toBeGreaterThan(expected * 0.7);
    expect(hits).toBeLessThan(expected * 1.3);
  });
});
