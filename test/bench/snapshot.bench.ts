// The extension's hash-prefix snapshot at production size: bytes for 1,000,000 codes (one status
// class, and four mixed), for 1,000,000 codes + 1,000,000 names, and for a delta of 1,000 changes,
// each beside baselines measured in the same run (raw fixed-width prefixes, gzip of the sorted
// list); then build, encode, decode, delta and lookup times beside node:crypto / Web Crypto hashing
// and a Set of the plain codes. Prints tables; never fails on timing.
//   npx tsx test/bench/snapshot.bench.ts
import { createHash, webcrypto } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { warmUpSimplify } from '@credcheck/sdk/names';
import {
  applyDelta,
  buildSnapshot,
  DEFAULT_PREFIX_BITS,
  decodeSnapshot,
  encodeDelta,
  encodeSnapshot,
  type PrefixSnapshot,
  prefixOf,
  SNAPSHOT_STATUSES,
  type SnapshotItem,
  type SnapshotStatus,
} from '@credcheck/sdk/snapshot';
import { seededRandom } from '../helpers/seeded-random.ts';
import { canCollect, measureRetained, OldLayoutSet } from './snapshot-memory.ts';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const CHANGES = 1_000;
const ROUNDS = 3;

const rand = seededRandom(20261123);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

function makeNames(count: number): string[] {
  const places = ['北京', '上海市', '深圳市', '重庆', '廣州市', '鄂州', '云阳县', '克拉玛依', '杭州市'];
  const trade = [...'泰昱祁宏溯晟通蔚珩诚锦珂德朔华霁景瀚衡弘兴芮渊瑞润鑫源博昊祥信丰远澄岚翊沛禾砚筠棠'];
  const trades = [
    '办公设备',
    '水利水电工程',
    '消防工程',
    '仪器设备',
    '贸易',
    '電子科技',
    '建設工程',
    '家具',
    '物流',
  ];
  const forms = ['有限公司', '有限责任公司', '股份有限公司', '（集团）有限公司', '經營部', '厂', '合作社'];
  return Array.from(
    { length: count },
    () => pick(places) + pick(trade) + pick(trade) + pick(trade) + pick(trades) + pick(forms),
  );
}

/** Best of ROUNDS in milliseconds; `sink` keeps the work observable. */
let sink = 0;
function time<T>(run: () => T): { ms: number; value: T } {
  let best = Number.POSITIVE_INFINITY;
  let value: T | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    value = run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: best, value: value as T };
}

const gzipLines = (lines: string[]): number => gzipSync(Buffer.from(lines.join('\n'))).length;
const fmtBytes = (n: number): string => n.toLocaleString('en').padStart(11);
const fmtMs = (n: number): string => n.toFixed(n < 10 ? 2 : 0).padStart(9);
const fmtRate = (n: number): string => Math.round(n).toLocaleString('en').padStart(12);

console.log(`generating ${N.toLocaleString('en')} codes and ${N.toLocaleString('en')} names…`);
const codes = Array.from({ length: N }, () => generateUSCC(rand));
const names = makeNames(N);
const mixed: SnapshotStatus[] = codes.map(() => pick(SNAPSHOT_STATUSES));
const codeItems = (status: (i: number) => SnapshotStatus): SnapshotItem[] =>
  codes.map((key, i) => ({ kind: 'code', key, status: status(i) }));
const oneClass = codeItems(() => 'black');
const fourClasses = codeItems((i) => mixed[i]!);
const withNames: SnapshotItem[] = [
  ...fourClasses,
  ...names.map((key, i): SnapshotItem => ({ kind: 'name', key, status: mixed[i]! })),
];
warmUpSimplify();

// 1,000 changes against the four-class snapshot: 400 removed, 300 added, 300 moved to another class.
const removed = 400;
const moved = 300;
const changedItems = fourClasses
  .slice(removed)
  .map((item, i) =>
    i < moved
      ? { ...item, status: SNAPSHOT_STATUSES[(SNAPSHOT_STATUSES.indexOf(item.status) + 1) % 4]! }
      : item,
  );
const addedCodes = Array.from({ length: CHANGES - removed - moved }, () => generateUSCC(rand));
for (const key of addedCodes) changedItems.push({ kind: 'code', key, status: 'black' });

const build = time(() => buildSnapshot(fourClasses, { version: 1000 }));
const snapshot: PrefixSnapshot = build.value;
const single = buildSnapshot(oneClass, { version: 1000 });
const both = buildSnapshot(withNames, { version: 1000 });
const next = buildSnapshot(changedItems, { version: 1001 });

const encode = time(() => encodeSnapshot(snapshot));
const bytes = encode.value;
const bytesSingle = encodeSnapshot(single);
const bytesBoth = encodeSnapshot(both);
const decode = time(() => decodeSnapshot(bytes));
const makeDelta = time(() => encodeDelta(snapshot, next));
const delta = makeDelta.value;
const apply = time(() => applyDelta(decode.value, delta));
if (apply.value.checksumHex !== next.checksumHex) throw new Error('delta did not reach its target');

// Baselines for size.
const sortedCodes = [...codes].sort();
const gzipCodes = gzipLines(sortedCodes);
const gzipBoth = gzipLines([...sortedCodes, ...[...new Set(names)].sort()]);
const changeLines = [
  ...codes.slice(0, removed).map((c) => `-${c}`),
  ...changedItems.slice(0, moved).map((it) => `${it.key} ${it.status}`),
  ...addedCodes.map((c) => `${c} black`),
];
const gzipDelta = gzipLines(changeLines);

const width = DEFAULT_PREFIX_BITS;
const perKey = (n: number, keys: number): string => ((n * 8) / keys).toFixed(1).padStart(5);
console.log(`\nNode ${process.version}; ${width}-bit SHA-256 prefixes, Golomb-Rice coded per status class\n`);
console.log(
  '| what                                  | snapshot bytes | bits/key | baseline                          |  baseline bytes |',
);
console.log(
  '|---------------------------------------|----------------|----------|-----------------------------------|-----------------|',
);
const sizeRow = (what: string, n: number, keys: number, base: string, baseBytes: number): void =>
  console.log(
    `| ${what.padEnd(37)} | ${fmtBytes(n).padStart(14)} | ${perKey(n, keys).padStart(8)} | ${base.padEnd(33)} | ${fmtBytes(baseBytes).padStart(15)} |`,
  );
sizeRow(
  `${N.toLocaleString('en')} codes, one class`,
  bytesSingle.length,
  single.codes.size,
  'raw 32-bit prefixes',
  4 * N,
);
sizeRow(
  `${N.toLocaleString('en')} codes, four classes`,
  bytes.length,
  snapshot.codes.size,
  'raw 40-bit prefix + class byte',
  6 * N,
);
sizeRow(
  `${N.toLocaleString('en')} codes, four classes`,
  bytes.length,
  snapshot.codes.size,
  'gzip of the sorted codes',
  gzipCodes,
);
sizeRow(
  `+ ${both.names.size.toLocaleString('en')} distinct names`,
  bytesBoth.length,
  both.codes.size + both.names.size,
  'gzip of sorted codes and names',
  gzipBoth,
);
sizeRow(
  `delta, ${CHANGES.toLocaleString('en')} changes`,
  delta.length,
  CHANGES,
  'gzip of the changes as text',
  gzipDelta,
);
console.log(
  `\ntargets: snapshot of 1,000,000 codes ≤ 4,500,000 bytes (${bytes.length.toLocaleString('en')} with four classes); ` +
    `delta of 1,000 changes ≤ 10,240 bytes (${delta.length.toLocaleString('en')})`,
);
console.log(
  `decoded in memory: ${both.memoryBytes().toLocaleString('en')} bytes for codes + names (see the memory table below)`,
);

// Hashing: the pure-JS SHA-256 inside buildSnapshot against node:crypto and Web Crypto.
const hashNode = time(() => {
  let x = 0;
  for (const c of codes) x ^= createHash('sha256').update(c).digest()[0]!;
  return x;
});
const WEB = Math.min(N, 100_000);
const encoder = new TextEncoder();
let webMs = Number.POSITIVE_INFINITY;
for (let r = 0; r < ROUNDS; r++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < WEB; i += 1000) {
    const batch = codes.slice(i, i + 1000).map((c) => webcrypto.subtle.digest('SHA-256', encoder.encode(c)));
    sink += new Uint8Array((await Promise.all(batch))[0]!)[0]!;
  }
  webMs = Math.min(webMs, Number(process.hrtime.bigint() - start) / 1e6);
}

// Lookups: half listed, half not, as raw codes (cleanCode, SHA-256, bucket, binary search).
const unlisted = Array.from({ length: N }, () => generateUSCC(rand));
const decoded = decode.value;
let falseHits = 0;
const lookup = time(() => {
  let hits = 0;
  falseHits = 0;
  for (let i = 0; i < N; i++) {
    if (decoded.lookupCode(codes[i]!) !== undefined) hits++;
    if (decoded.lookupCode(unlisted[i]!) !== undefined) falseHits++;
  }
  return hits;
});
const plain = new Set(codes);
const setLookup = time(() => {
  let hits = 0;
  for (let i = 0; i < N; i++) {
    if (plain.has(codes[i]!)) hits++;
    if (plain.has(unlisted[i]!)) hits++;
  }
  return hits;
});
sink += lookup.value + setLookup.value;

console.log(`\nbest of ${ROUNDS} rounds, one core\n`);
console.log(
  `| ${`operation (${N.toLocaleString('en')} codes, 4 classes)`.padEnd(38)} |        ms | baseline                                  |        ms |`,
);
console.log(
  '|----------------------------------------|-----------|-------------------------------------------|-----------|',
);
const cell = (ms: number | null): string => (ms === null ? '–'.padStart(9) : fmtMs(ms));
const row = (op: string, ms: number | null, base: string, baseMs: number | null): void =>
  console.log(`| ${op.padEnd(38)} | ${cell(ms)} | ${base.padEnd(41)} | ${cell(baseMs)} |`);
row('buildSnapshot (normalize, hash, sort)', build.ms, 'node:crypto createHash per code', hashNode.ms);
row('', null, `crypto.subtle.digest (${WEB.toLocaleString('en')}, ×${N / WEB})`, (webMs * N) / WEB);
row('encodeSnapshot', encode.ms, '', null);
row('decodeSnapshot (with checksum check)', decode.ms, '', null);
row(`encodeDelta (${CHANGES} changes)`, makeDelta.ms, '', null);
row('applyDelta (with checksum check)', apply.ms, '', null);
row(
  `lookupCode × ${(2 * N).toLocaleString('en')} (half listed)`,
  lookup.ms,
  'Set<string>.has of the plain codes',
  setLookup.ms,
);
console.log(
  `\nlookups per second: ${fmtRate((2 * N * 1000) / lookup.ms).trim()} (Set.has: ${fmtRate((2 * N * 1000) / setLookup.ms).trim()})`,
);

const expected = (N * snapshot.codes.size) / 2 ** width;
console.log(
  `false hits among ${N.toLocaleString('en')} unlisted codes: ${falseHits} (expected n/2^${width} per lookup: ${expected.toFixed(2)})`,
);

// Memory of a decoded copy (what the extension's service worker keeps): the packed layout's typed
// arrays, and what the process retains across decodeSnapshot, beside the pre-issue-7 layout (4-byte
// low part and a class byte an entry) rebuilt from the same set. Then the bucket search alone on
// precomputed prefixes, both layouts, so the packing's cost is not hidden behind SHA-256.
const kept = measureRetained(() => decodeSnapshot(bytes));
const keptBoth = measureRetained(() => decodeSnapshot(bytesBoth));
// The old layout kept a 256 KiB table even for an empty names set, and the same 32-byte checksum.
const oldOf = (copy: PrefixSnapshot): [OldLayoutSet, OldLayoutSet] => [
  new OldLayoutSet(copy.codes),
  new OldLayoutSet(copy.names),
];
const oldBytes = ([codeSet, nameSet]: [OldLayoutSet, OldLayoutSet]): number =>
  codeSet.memoryBytes() + nameSet.memoryBytes() + 32;
const old = measureRetained(() => oldOf(kept.value));
const oldBoth = measureRetained(() => oldOf(keptBoth.value));
const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`.padStart(9);
const perEntry = (n: number, keys: number): string => (n / keys).toFixed(2).padStart(6);
console.log(
  `\nmemory of a decoded snapshot${canCollect() ? '' : ' (run with --expose-gc for the retained columns)'}\n`,
);
console.log(
  '| decoded copy                          | layout                     | typed arrays | bytes/key | retained arrayBuffers | retained heap |',
);
console.log(
  '|---------------------------------------|----------------------------|--------------|-----------|-----------------------|---------------|',
);
const memRow = (
  what: string,
  layout: string,
  n: number,
  keys: number,
  ab: number | null,
  heap: number | null,
): void =>
  console.log(
    `| ${what.padEnd(37)} | ${layout.padEnd(26)} | ${mb(n).padStart(12)} | ${perEntry(n, keys).padStart(9)} | ${(ab === null ? '–' : mb(ab)).padStart(21)} | ${(heap === null ? '–' : mb(heap)).padStart(13)} |`,
  );
const codeKeys = kept.value.codes.size;
const allKeys = codeKeys + keptBoth.value.names.size;
memRow(
  `${N.toLocaleString('en')} codes, four classes`,
  'packed (3 B low + 2 bits)',
  kept.value.memoryBytes(),
  codeKeys,
  kept.arrayBuffers,
  kept.heap,
);
memRow('', 'old (4 B low + class byte)', oldBytes(old.value), codeKeys, old.arrayBuffers, old.heap);
memRow(
  `+ ${keptBoth.value.names.size.toLocaleString('en')} names`,
  'packed (3 B low + 2 bits)',
  keptBoth.value.memoryBytes(),
  allKeys,
  keptBoth.arrayBuffers,
  keptBoth.heap,
);
memRow(
  '',
  'old (4 B low + class byte)',
  oldBytes(oldBoth.value),
  allKeys,
  oldBoth.arrayBuffers,
  oldBoth.heap,
);
console.log(
  `\ntarget: 1,000,000 codes under 5,000,000 bytes in memory (${kept.value.memoryBytes().toLocaleString('en')}; old layout ${oldBytes(old.value).toLocaleString('en')})`,
);

const scale = 2 ** (width - 16);
const probes = new Float64Array(2 * N);
for (let i = 0; i < N; i++) {
  probes[2 * i] = prefixOf('code', codes[i]!, width);
  probes[2 * i + 1] = prefixOf('code', unlisted[i]!, width);
}
// Two separate loops, not one taking a callback: a shared call site would turn polymorphic and
// slow whichever layout ran second.
const packedSet = kept.value.codes;
const oldSet = old.value[0];
const searchPacked = (): number => {
  let hits = 0;
  for (let i = 0; i < probes.length; i++) {
    const p = probes[i]!;
    const bucket = Math.floor(p / scale);
    if (packedSet.find(bucket, p - bucket * scale) >= 0) hits++;
  }
  return hits;
};
const searchOld = (): number => {
  let hits = 0;
  for (let i = 0; i < probes.length; i++) {
    const p = probes[i]!;
    const bucket = Math.floor(p / scale);
    if (oldSet.find(bucket, p - bucket * scale) >= 0) hits++;
  }
  return hits;
};
const findOld = time(searchOld);
const findPacked = time(searchPacked);
if (findPacked.value !== findOld.value) throw new Error('the two layouts disagree');
console.log(
  `\n| bucket search × ${(2 * N).toLocaleString('en')} (precomputed prefixes) |        ms |   per second |`,
);
console.log('|--------------------------------------------------|-----------|--------------|');
console.log(
  `| ${'packed layout'.padEnd(48)} | ${fmtMs(findPacked.ms)} | ${fmtRate((2 * N * 1000) / findPacked.ms)} |`,
);
console.log(
  `| ${'old layout (baseline)'.padEnd(48)} | ${fmtMs(findOld.ms)} | ${fmtRate((2 * N * 1000) / findOld.ms)} |`,
);
sink += findPacked.value + oldBytes(oldBoth.value);
if (sink === 42) console.log('');
