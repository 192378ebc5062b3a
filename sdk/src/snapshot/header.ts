import { truncated } from './bits.ts';
import { SnapshotError } from './errors.ts';
import { MAX_PREFIX_BITS, MIN_PREFIX_BITS } from './prefix-set.ts';

/** Fixed header fields shared by snapshots ('CCPS') and deltas ('CCPD'); see README.md. */

export const FORMAT = 1;
export const SNAPSHOT_MAGIC = 'CCPS';
export const DELTA_MAGIC = 'CCPD';

export function writeMagic(view: DataView, magic: string, bits: number): void {
  for (let i = 0; i < 4; i++) view.setUint8(i, magic.charCodeAt(i));
  view.setUint8(4, FORMAT);
  view.setUint8(5, bits);
  view.setUint16(6, 0);
}

export function writeU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, Math.floor(value / 0x100000000));
  view.setUint32(at + 4, value >>> 0);
}

export function readU64(view: DataView, at: number, what: string): number {
  const value = view.getUint32(at) * 0x100000000 + view.getUint32(at + 4);
  if (!Number.isSafeInteger(value))
    throw new SnapshotError('corrupt', `The data is corrupt: ${what} is out of range.`);
  return value;
}

function magicOf(bytes: Uint8Array): string {
  return String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
}

/**
 * Checks the magic, format, width and reserved bytes, and that the fixed part is all there.
 * Returns the prefix width and a DataView over the bytes.
 */
export function openHeader(
  bytes: Uint8Array,
  magic: string,
  fixedLength: number,
): { bits: number; view: DataView } {
  if (!(bytes instanceof Uint8Array)) {
    throw new SnapshotError('invalid-input', 'expected the snapshot or delta as a Uint8Array');
  }
  const what = magic === SNAPSHOT_MAGIC ? 'snapshot' : 'delta';
  if (bytes.length < 8) {
    if (bytes.length < 4 || magicOf(bytes) === magic) throw truncated();
  }
  const found = magicOf(bytes);
  if (found !== magic) {
    const other =
      found === SNAPSHOT_MAGIC ? 'a snapshot' : found === DELTA_MAGIC ? 'a delta' : 'not CredCheck data';
    throw new SnapshotError('bad-magic', `Expected a CredCheck ${what}, but this is ${other}.`);
  }
  const format = bytes[4]!;
  if (format !== FORMAT) {
    throw new SnapshotError(
      'unsupported',
      `This ${what} has format ${format}; this code reads format ${FORMAT}.`,
    );
  }
  const bits = bytes[5]!;
  if (bits < MIN_PREFIX_BITS || bits > MAX_PREFIX_BITS) {
    throw new SnapshotError(
      'unsupported',
      `This ${what} uses ${bits}-bit prefixes; supported: ${MIN_PREFIX_BITS}–${MAX_PREFIX_BITS}.`,
    );
  }
  if (bytes[6] !== 0 || bytes[7] !== 0)
    throw new SnapshotError('corrupt', 'The data is corrupt: reserved header bytes are set.');
  if (bytes.length < fixedLength) throw truncated();
  return { bits, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
