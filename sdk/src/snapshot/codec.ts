import { SnapshotError } from './errors.ts';
import { openHeader, readU64, SNAPSHOT_MAGIC, sameBytes, writeMagic, writeU64 } from './header.ts';
import { decodeLists, encodeLists, LIST_ENTRY_BYTES, mergeTagged, splitByTag } from './lists.ts';
import { PrefixSet, SNAPSHOT_STATUSES } from './prefix-set.ts';
import { toHex } from './sha256.ts';
import { PrefixSnapshot, setChecksum } from './snapshot.ts';

/*
 * Snapshot layout (big-endian):
 *   0  'CCPS'   4  format (1)   5  prefix width in bits   6  reserved (0, 2 bytes)
 *   8  data version (u64)   16  SHA-256 of the canonical set (32 bytes)
 *   48 list table: for codes then names, for black, suspended, red, expired: count (u32), Rice k (u8)
 *   88 bit stream of the eight lists (lists.ts)
 */

const CLASSES = SNAPSHOT_STATUSES.length;
const TABLE_AT = 48;
const BODY_AT = TABLE_AT + 2 * CLASSES * LIST_ENTRY_BYTES;

export interface SnapshotHeader {
  version: number;
  prefixBits: number;
  checksumHex: string;
  codes: number;
  names: number;
}

function classLists(set: PrefixSet): Float64Array[] {
  const { values, classes } = set.toSorted();
  return splitByTag(values, classes, CLASSES);
}

/** The binary snapshot: deterministic, so equal sets at one version give equal bytes. */
export function encodeSnapshot(snapshot: PrefixSnapshot): Uint8Array {
  const header = new Uint8Array(BODY_AT);
  const view = new DataView(header.buffer);
  writeMagic(view, SNAPSHOT_MAGIC, snapshot.prefixBits);
  writeU64(view, 8, snapshot.version);
  header.set(snapshot.checksum, 16);
  const lists = [...classLists(snapshot.codes), ...classLists(snapshot.names)];
  return encodeLists(header, TABLE_AT, lists, snapshot.prefixBits);
}

/** Version, width, checksum and sizes, without decoding the body (for ETags and routing). */
export function readSnapshotHeader(bytes: Uint8Array): SnapshotHeader {
  const { bits, view } = openHeader(bytes, SNAPSHOT_MAGIC, BODY_AT);
  let codes = 0;
  let names = 0;
  for (let i = 0; i < 2 * CLASSES; i++) {
    const n = view.getUint32(TABLE_AT + i * LIST_ENTRY_BYTES);
    if (i < CLASSES) codes += n;
    else names += n;
  }
  return {
    version: readU64(view, 8, 'the version'),
    prefixBits: bits,
    checksumHex: toHex(bytes.subarray(16, 48)),
    codes,
    names,
  };
}

function setFromLists(bits: number, lists: Float64Array[]): PrefixSet {
  const { values, tags } = mergeTagged(lists);
  return PrefixSet.fromSorted(bits, values, tags, values.length);
}

/**
 * Decodes and verifies a snapshot: any truncation, inconsistency or checksum mismatch throws a
 * SnapshotError; nothing partial is returned. Work is bounded by the input length.
 */
export function decodeSnapshot(bytes: Uint8Array): PrefixSnapshot {
  const { bits, view } = openHeader(bytes, SNAPSHOT_MAGIC, BODY_AT);
  const version = readU64(view, 8, 'the version');
  const claimed = bytes.slice(16, 48);
  const lists = decodeLists(bytes, TABLE_AT, 2 * CLASSES, BODY_AT, bits);
  const codes = setFromLists(bits, lists.slice(0, CLASSES));
  const names = setFromLists(bits, lists.slice(CLASSES));
  const actual = setChecksum(version, bits, codes, names);
  if (!sameBytes(actual, claimed)) {
    throw new SnapshotError(
      'checksum-mismatch',
      `Snapshot ${version} does not match its checksum (${toHex(claimed)}, got ${toHex(actual)}): the copy is damaged.`,
    );
  }
  return new PrefixSnapshot(version, bits, codes, names, actual);
}
