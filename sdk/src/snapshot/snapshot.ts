import { cleanCode } from '../identifiers/clean.ts';
import { normalizeName } from '../names/normalize.ts';
import { SnapshotError } from './errors.ts';
import {
  MAX_PREFIX_BITS,
  MIN_PREFIX_BITS,
  PrefixSet,
  SNAPSHOT_STATUSES,
  type SnapshotStatus,
} from './prefix-set.ts';
import { Sha256, sha256Head, toHex } from './sha256.ts';

export type SnapshotKind = 'code' | 'name';

/** One listed subject's code or name with its status class. */
export interface SnapshotItem {
  kind: SnapshotKind;
  /** A code (cleaned with cleanCode) or a name (normalizeName); both are applied again here. */
  key: string;
  status: SnapshotStatus;
}

/**
 * 40-bit prefixes: about 1 false hit in 1.1 million lookups of unlisted keys per million listed
 * (n / 2^40), at about 21.5 bits an entry plus its class (see README.md).
 */
export const DEFAULT_PREFIX_BITS = 40;

const CLASS_OF: Readonly<Record<string, number>> = Object.fromEntries(
  SNAPSHOT_STATUSES.map((s, i) => [s, i]),
);

/** Normalizes a key of either kind the way lookups do, so building and checking cannot drift. */
export function snapshotKey(kind: SnapshotKind, raw: string): string {
  return kind === 'code' ? cleanCode(raw) : normalizeName(raw);
}

const head = new Uint32Array(2);

/** The top `bits` bits of SHA-256(UTF-8 of the normalized key), as an exact double. */
export function prefixOf(kind: SnapshotKind, raw: string, bits: number): number {
  return prefixOfKey(snapshotKey(kind, raw), bits);
}

function prefixOfKey(key: string, bits: number): number {
  sha256Head(key, head);
  const w0 = head[0]!;
  if (bits <= 32) return w0 >>> (32 - bits);
  return w0 * 2 ** (bits - 32) + (head[1]! >>> (64 - bits));
}

export function checkPrefixBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < MIN_PREFIX_BITS || bits > MAX_PREFIX_BITS) {
    throw new SnapshotError(
      'invalid-input',
      `prefix width must be an integer from ${MIN_PREFIX_BITS} to ${MAX_PREFIX_BITS} bits, got ${bits}`,
    );
  }
}

export function checkVersion(version: number, what = 'version'): void {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new SnapshotError('invalid-input', `${what} must be a non-negative safe integer, got ${version}`);
  }
}

/**
 * SHA-256 of the canonical form of one version's whole set: 'CCPS', format 1, width, version
 * (u64), then codes, then names (PrefixSet.feedChecksum). The version is inside so that the
 * checksum vouches for the whole decoded copy, header included: no flipped bit goes unnoticed.
 */
export function setChecksum(version: number, bits: number, codes: PrefixSet, names: PrefixSet): Uint8Array {
  const hash = new Sha256();
  const preamble = new Uint8Array(14);
  preamble.set([0x43, 0x43, 0x50, 0x53, 1, bits]);
  const view = new DataView(preamble.buffer);
  view.setUint32(6, Math.floor(version / 0x100000000));
  view.setUint32(10, version >>> 0);
  hash.update(preamble);
  codes.feedChecksum(hash);
  names.feedChecksum(hash);
  return hash.digest();
}

/**
 * A decoded snapshot: every listed subject's code and normalized name as a hash prefix with its
 * status class, at one data version. Immutable; a delta makes a new one.
 */
export class PrefixSnapshot {
  /** SHA-256 of the canonical full set at this version (not of the encoded bytes): proves a copy whole. */
  readonly checksum: Uint8Array;

  /**
   * Made by buildSnapshot, decodeSnapshot and applyDelta; `checksum` only from a caller that has
   * just computed it for exactly these sets (decodeSnapshot), to save hashing them twice.
   */
  constructor(
    /** The data version (change-log sequence) this set was computed at. */
    readonly version: number,
    readonly prefixBits: number,
    readonly codes: PrefixSet,
    readonly names: PrefixSet,
    checksum?: Uint8Array,
  ) {
    checkVersion(version);
    checkPrefixBits(prefixBits);
    if (codes.bits !== prefixBits || names.bits !== prefixBits) {
      throw new SnapshotError(
        'invalid-input',
        `sets of ${codes.bits}/${names.bits}-bit prefixes in a ${prefixBits}-bit snapshot`,
      );
    }
    this.checksum = checksum ?? setChecksum(version, prefixBits, codes, names);
  }

  get checksumHex(): string {
    return toHex(this.checksum);
  }

  /** Bytes the decoded copy keeps in typed arrays (both sets and the checksum). */
  memoryBytes(): number {
    return this.codes.memoryBytes() + this.names.memoryBytes() + this.checksum.byteLength;
  }

  /**
   * Status class of a code (cleaned with cleanCode first), or undefined when not listed. A hit is
   * "probably listed": a different code shares the prefix with probability size / 2^prefixBits.
   */
  lookupCode(code: string): SnapshotStatus | undefined {
    return this.lookup(this.codes, snapshotKey('code', code));
  }

  /** Status class of a name (normalizeName first), or undefined; same caveat as lookupCode. */
  lookupName(name: string): SnapshotStatus | undefined {
    return this.lookup(this.names, snapshotKey('name', name));
  }

  private lookup(set: PrefixSet, key: string): SnapshotStatus | undefined {
    if (key === '') return undefined;
    sha256Head(key, head);
    const found = set.findHash(head[0]!, head[1]!);
    return found < 0 ? undefined : SNAPSHOT_STATUSES[found];
  }
}

/** Sorts packed (prefix · 4 + class) values and keeps the highest-precedence class per prefix. */
function setFromPacked(bits: number, packed: Float64Array): PrefixSet {
  packed.sort();
  const values = new Float64Array(packed.length);
  const classes = new Uint8Array(packed.length);
  let n = 0;
  let previous = -1;
  for (let i = 0; i < packed.length; i++) {
    const p = packed[i]!;
    const value = Math.floor(p / 4);
    // Equal prefixes sort by class, black first: the first one seen wins (same rule as a subject's
    // own status, black > suspended > red > expired), whether two items name one subject or collide.
    if (value === previous) continue;
    values[n] = value;
    classes[n] = p - value * 4;
    n++;
    previous = value;
  }
  return PrefixSet.fromSorted(bits, values, classes, n);
}

/**
 * Builds the snapshot of `items` at data `version`. Keys are normalized; one key listed with two
 * classes (or two keys sharing a prefix) keeps the one that takes precedence.
 */
export function buildSnapshot(
  items: Iterable<SnapshotItem>,
  options: { version: number; prefixBits?: number },
): PrefixSnapshot {
  const builder = new SnapshotBuilder(options.prefixBits);
  for (const item of items) builder.add(item);
  return builder.finish(options.version);
}

/**
 * buildSnapshot one item at a time, for a server that hashes a million keys in slices between
 * requests instead of in one long pause.
 */
export class SnapshotBuilder {
  readonly prefixBits: number;
  private readonly packed: Record<SnapshotKind, number[]> = { code: [], name: [] };

  constructor(prefixBits = DEFAULT_PREFIX_BITS) {
    checkPrefixBits(prefixBits);
    this.prefixBits = prefixBits;
  }

  add(item: SnapshotItem): void {
    const cls = CLASS_OF[item.status];
    const list = this.packed[item.kind];
    if (cls === undefined || list === undefined) {
      throw new SnapshotError(
        'invalid-input',
        `snapshot item needs kind 'code' or 'name' and a status of ${SNAPSHOT_STATUSES.join(', ')}; got ${item.kind} / ${item.status}`,
      );
    }
    const key = snapshotKey(item.kind, item.key);
    if (key === '') throw new SnapshotError('invalid-input', `empty ${item.kind} after normalization`);
    list.push(prefixOfKey(key, this.prefixBits) * 4 + cls);
  }

  /** The snapshot of everything added, at data `version`. */
  finish(version: number): PrefixSnapshot {
    checkVersion(version);
    const bits = this.prefixBits;
    return new PrefixSnapshot(
      version,
      bits,
      setFromPacked(bits, Float64Array.from(this.packed.code)),
      setFromPacked(bits, Float64Array.from(this.packed.name)),
    );
  }
}
