import { corrupt } from './bits.ts';
import { SnapshotError } from './errors.ts';
import { DELTA_MAGIC, openHeader, readU64, sameBytes, writeMagic, writeU64 } from './header.ts';
import { decodeLists, encodeLists, LIST_ENTRY_BYTES, mergeTagged } from './lists.ts';
import { PrefixSet, SNAPSHOT_STATUSES } from './prefix-set.ts';
import { toHex } from './sha256.ts';
import { checkVersion, PrefixSnapshot } from './snapshot.ts';

/*
 * Delta layout (big-endian):
 *   0  'CCPD'   4  format (1)   5  prefix width   6  reserved (0, 2 bytes)
 *   8  from version (u64)   16  to version (u64)
 *   24 SHA-256 of the from set   56 SHA-256 of the to set
 *   88 list table: for codes then names, five lists: set to black, suspended, red, expired; remove
 *  138 bit stream of the ten lists (lists.ts)
 * An add and a class change are both "set to class c": the base tells them apart, so the delta
 * does not spend bits on it.
 */

const CLASSES = SNAPSHOT_STATUSES.length;
const REMOVE = CLASSES;
const OPS = CLASSES + 1;
const TABLE_AT = 88;
const BODY_AT = TABLE_AT + 2 * OPS * LIST_ENTRY_BYTES;

export interface DeltaHeader {
  fromVersion: number;
  toVersion: number;
  prefixBits: number;
  fromChecksumHex: string;
  toChecksumHex: string;
  /** Prefixes added, removed or changed in class, per kind. */
  codeChanges: number;
  nameChanges: number;
}

/** Ops that turn set `a` into set `b`: one list of prefixes per op, each ascending. */
function diff(a: PrefixSet, b: PrefixSet): Float64Array[] {
  const from = a.toSorted();
  const to = b.toSorted();
  const ops: number[][] = Array.from({ length: OPS }, () => []);
  let i = 0;
  let j = 0;
  const na = from.values.length;
  const nb = to.values.length;
  while (i < na || j < nb) {
    const va = i < na ? from.values[i]! : Number.POSITIVE_INFINITY;
    const vb = j < nb ? to.values[j]! : Number.POSITIVE_INFINITY;
    if (va < vb) {
      ops[REMOVE]!.push(va);
      i++;
    } else if (vb < va) {
      ops[to.classes[j]!]!.push(vb);
      j++;
    } else {
      const cls = to.classes[j]!;
      if (from.classes[i] !== cls) ops[cls]!.push(vb);
      i++;
      j++;
    }
  }
  return ops.map((list) => Float64Array.from(list));
}

/** The delta that turns `from` into `to` (same prefix width, `to` at a later version). */
export function encodeDelta(from: PrefixSnapshot, to: PrefixSnapshot): Uint8Array {
  if (from.prefixBits !== to.prefixBits) {
    throw new SnapshotError(
      'invalid-input',
      `no delta between ${from.prefixBits}- and ${to.prefixBits}-bit snapshots: send the full snapshot`,
    );
  }
  checkVersion(from.version, 'from version');
  if (!(to.version > from.version)) {
    throw new SnapshotError('invalid-input', `a delta goes forward: version ${from.version} → ${to.version}`);
  }
  const header = new Uint8Array(BODY_AT);
  const view = new DataView(header.buffer);
  writeMagic(view, DELTA_MAGIC, from.prefixBits);
  writeU64(view, 8, from.version);
  writeU64(view, 16, to.version);
  header.set(from.checksum, 24);
  header.set(to.checksum, 56);
  const lists = [...diff(from.codes, to.codes), ...diff(from.names, to.names)];
  return encodeLists(header, TABLE_AT, lists, from.prefixBits);
}

function openDelta(bytes: Uint8Array) {
  const { bits, view } = openHeader(bytes, DELTA_MAGIC, BODY_AT);
  const fromVersion = readU64(view, 8, 'the from version');
  const toVersion = readU64(view, 16, 'the to version');
  if (!(toVersion > fromVersion)) throw corrupt(`delta goes from version ${fromVersion} to ${toVersion}`);
  return { bits, view, fromVersion, toVersion };
}

export function readDeltaHeader(bytes: Uint8Array): DeltaHeader {
  const { bits, view, fromVersion, toVersion } = openDelta(bytes);
  const count = (kind: number): number => {
    let n = 0;
    for (let op = 0; op < OPS; op++) n += view.getUint32(TABLE_AT + (kind * OPS + op) * LIST_ENTRY_BYTES);
    return n;
  };
  return {
    fromVersion,
    toVersion,
    prefixBits: bits,
    fromChecksumHex: toHex(bytes.subarray(24, 56)),
    toChecksumHex: toHex(bytes.subarray(56, 88)),
    codeChanges: count(0),
    nameChanges: count(1),
  };
}

function wrongBase(why: string): SnapshotError {
  return new SnapshotError(
    'wrong-base',
    `This delta does not fit this copy: ${why}. Download the full snapshot.`,
  );
}

/**
 * Applies one kind's ops to its base set. The base's version and checksum were checked already, so
 * an op the base contradicts means the delta itself is damaged.
 */
function patch(base: PrefixSet, lists: Float64Array[], kind: string): PrefixSet {
  const { values: opValues, tags: ops } = mergeTagged(lists);
  const { values, classes } = base.toSorted();
  const n = values.length;
  const m = opValues.length;
  const outValues = new Float64Array(n + m);
  const outClasses = new Uint8Array(n + m);
  let out = 0;
  let i = 0;
  for (let j = 0; j < m; j++) {
    const v = opValues[j]!;
    const op = ops[j]!;
    while (i < n && values[i]! < v) {
      outValues[out] = values[i]!;
      outClasses[out++] = classes[i++]!;
    }
    const present = i < n && values[i] === v;
    if (op === REMOVE) {
      if (!present) throw corrupt(`the delta removes a ${kind} prefix its base does not have`);
      i++;
      continue;
    }
    if (present) {
      if (classes[i] === op) throw corrupt(`the delta sets a ${kind} prefix to the class it already has`);
      i++;
    }
    outValues[out] = v;
    outClasses[out++] = op;
  }
  while (i < n) {
    outValues[out] = values[i]!;
    outClasses[out++] = classes[i++]!;
  }
  return PrefixSet.fromSorted(base.bits, outValues, outClasses, out);
}

/**
 * The snapshot `delta` leads to from `base`. Refuses (SnapshotError) a delta for another version,
 * checksum or width ('wrong-base'), damaged bytes ('truncated', 'corrupt'), and a result whose
 * checksum differs from the one the delta promises ('checksum-mismatch'): the copy it returns is
 * provably the server's set at the delta's `to` version.
 */
export function applyDelta(base: PrefixSnapshot, delta: Uint8Array): PrefixSnapshot {
  const { bits, fromVersion, toVersion } = openDelta(delta);
  if (base.version !== fromVersion) {
    throw wrongBase(
      `it goes from version ${fromVersion} to ${toVersion}, and the copy is version ${base.version}`,
    );
  }
  if (base.prefixBits !== bits) {
    throw wrongBase(`it is for ${bits}-bit prefixes, and the copy has ${base.prefixBits}-bit prefixes`);
  }
  if (!sameBytes(base.checksum, delta.subarray(24, 56))) {
    throw wrongBase(
      `the copy of version ${base.version} has checksum ${base.checksumHex}, the delta expects ${toHex(delta.subarray(24, 56))}`,
    );
  }
  const lists = decodeLists(delta, TABLE_AT, 2 * OPS, BODY_AT, bits);
  const codes = patch(base.codes, lists.slice(0, OPS), 'code');
  const names = patch(base.names, lists.slice(OPS), 'name');
  const result = new PrefixSnapshot(toVersion, bits, codes, names);
  const promised = delta.subarray(56, 88);
  if (!sameBytes(result.checksum, promised)) {
    throw new SnapshotError(
      'checksum-mismatch',
      `After the delta to version ${toVersion} the set hashes to ${result.checksumHex}, not ${toHex(promised)}: the copy is not whole. Download the full snapshot.`,
    );
  }
  return result;
}
