import type { Sha256 } from './sha256.ts';

/** Status classes in precedence order: the index is the class number in the binary format. */
export const SNAPSHOT_STATUSES = ['black', 'suspended', 'red', 'expired'] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

/** 16 bits of every prefix index a bucket table; only the remaining bits are stored per entry. */
const BUCKET_BITS = 16;
const BUCKETS = 1 << BUCKET_BITS;

export const MIN_PREFIX_BITS = BUCKET_BITS;
/** Prefixes stay exact in a double and their low part fits 32 bits. */
export const MAX_PREFIX_BITS = 48;

/**
 * One kind's set (codes or names): distinct prefixes of `bits` bits in ascending order, each with
 * its status class. Lookup goes through a 65,536-bucket table on the top 16 bits, then a binary
 * search among the few low parts in that bucket.
 *
 * The extension keeps a million of these in a service worker, so the layout is packed: the low
 * part in ⌈(bits − 16) / 8⌉ big-endian bytes (3 at the default 40 bits, not a 4-byte word) and the
 * class in 2 bits (four to a byte) — 3.25 bytes an entry plus the 256 KiB table, instead of 5.
 */
export class PrefixSet {
  /** Bytes of the low part of one entry (0–4). */
  private readonly lowBytes: number;

  private constructor(
    readonly bits: number,
    private readonly n: number,
    /** Start of each bucket (an entry index); `starts[BUCKETS]` is the size. */
    private readonly starts: Uint32Array,
    /** Entry i's low part at `lows[i · lowBytes …]`, big-endian. */
    private readonly lows: Uint8Array,
    /** Entry i's class in bits 2·(i mod 4) of byte ⌊i / 4⌋. */
    private readonly classes: Uint8Array,
  ) {
    this.lowBytes = lowBytesFor(bits);
  }

  get size(): number {
    return this.n;
  }

  /** Bytes held by this set's arrays: what a decoded copy keeps in memory. */
  memoryBytes(): number {
    return this.starts.byteLength + this.lows.byteLength + this.classes.byteLength;
  }

  /**
   * From ascending distinct prefixes and their classes (the arrays may be longer than `n`).
   * The caller guarantees order and range: every path in here produces them sorted.
   */
  static fromSorted(bits: number, values: Float64Array, classes: Uint8Array, n: number): PrefixSet {
    // An empty set (a snapshot's names before any are listed) would otherwise hold a 256 KiB table.
    if (n === 0) return new PrefixSet(bits, 0, new Uint32Array(0), new Uint8Array(0), new Uint8Array(0));
    const scale = 2 ** (bits - BUCKET_BITS);
    const width = lowBytesFor(bits);
    const starts = new Uint32Array(BUCKETS + 1);
    const lows = new Uint8Array(n * width);
    const packed = new Uint8Array(Math.ceil(n / 4));
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      const bucket = Math.floor(v / scale);
      // Below 2^32, so `>>>` keeps it exact; a Uint8Array keeps the low 8 bits of each shift.
      const low = v - bucket * scale;
      const at = i * width;
      for (let k = 0; k < width; k++) lows[at + k] = low >>> ((width - 1 - k) << 3);
      packed[i >>> 2]! |= (classes[i]! & 3) << ((i & 3) << 1);
      starts[bucket + 1]!++;
    }
    for (let b = 0; b < BUCKETS; b++) starts[b + 1]! += starts[b]!;
    return new PrefixSet(bits, n, starts, lows, packed);
  }

  /** The low part of entry `i`. */
  private lowAt(i: number): number {
    const lows = this.lows;
    switch (this.lowBytes) {
      case 3: {
        const at = i * 3;
        return (lows[at]! << 16) | (lows[at + 1]! << 8) | lows[at + 2]!;
      }
      case 4: {
        const at = i * 4;
        return lows[at]! * 0x1000000 + ((lows[at + 1]! << 16) | (lows[at + 2]! << 8) | lows[at + 3]!);
      }
      case 2: {
        const at = i * 2;
        return (lows[at]! << 8) | lows[at + 1]!;
      }
      case 1:
        return lows[i]!;
      default:
        return 0;
    }
  }

  private classAt(i: number): number {
    return (this.classes[i >>> 2]! >>> ((i & 3) << 1)) & 3;
  }

  /** Class of the prefix split into its bucket and low part, or -1. */
  find(bucket: number, low: number): number {
    if (this.n === 0) return -1;
    let lo = this.starts[bucket]!;
    let hi = this.starts[bucket + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.lowAt(mid);
      if (v < low) lo = mid + 1;
      else if (v > low) hi = mid;
      else return this.classAt(mid);
    }
    return -1;
  }

  /**
   * Class for the first 64 bits of a hash (two unsigned words), or -1. The prefix is the top
   * `bits` bits: the bucket is the top 16, the low part the next `bits` − 16.
   */
  findHash(w0: number, w1: number): number {
    const bits = this.bits;
    const low =
      bits <= 32 ? (w0 & 0xffff) >>> (32 - bits) : (w0 & 0xffff) * 2 ** (bits - 32) + (w1 >>> (64 - bits));
    return this.find(w0 >>> 16, low);
  }

  /** Prefixes in ascending order with their classes (a fresh copy). */
  toSorted(): { values: Float64Array; classes: Uint8Array } {
    const n = this.n;
    const values = new Float64Array(n);
    const classes = new Uint8Array(n);
    const scale = 2 ** (this.bits - BUCKET_BITS);
    const starts = this.starts;
    for (let bucket = 0; n > 0 && bucket < BUCKETS; bucket++) {
      const base = bucket * scale;
      const end = starts[bucket + 1]!;
      for (let i = starts[bucket]!; i < end; i++) {
        values[i] = base + this.lowAt(i);
        classes[i] = this.classAt(i);
      }
    }
    return { values, classes };
  }

  /** Feeds the canonical form to a hash: size, then each prefix (big-endian bytes) and class. */
  feedChecksum(hash: Sha256): void {
    const width = Math.ceil(this.bits / 8);
    const n = this.n;
    const entries = Math.max(1, Math.min(n, Math.floor(65536 / (width + 1))));
    const chunk = new Uint8Array(entries * (width + 1));
    chunk[0] = n >>> 24;
    chunk[1] = n >>> 16;
    chunk[2] = n >>> 8;
    chunk[3] = n;
    hash.update(chunk.subarray(0, 4));
    if (this.bits % 8 === 0) {
      this.feedWholeBytes(hash, chunk);
      return;
    }
    const scale = 2 ** (this.bits - BUCKET_BITS);
    const starts = this.starts;
    let bucket = 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      while (starts[bucket + 1]! <= i) bucket++;
      const v = bucket * scale + this.lowAt(i);
      let hi = Math.floor(v / 0x100000000);
      let lo = v >>> 0;
      // The prefix in `width` big-endian bytes: low word first from the end, then the high word.
      for (let j = width - 1; j >= 0; j--) {
        chunk[at + j] = lo;
        lo = (lo >>> 8) | ((hi & 0xff) << 24);
        hi >>>= 8;
      }
      chunk[at + width] = this.classAt(i);
      at += width + 1;
      if (at === chunk.length) {
        hash.update(chunk);
        at = 0;
      }
    }
    hash.update(chunk.subarray(0, at));
  }

  /**
   * feedChecksum when the width is whole bytes (the default 40 bits): the canonical prefix is then
   * the bucket's two bytes followed by the stored low bytes as they are, with no arithmetic.
   */
  private feedWholeBytes(hash: Sha256, chunk: Uint8Array): void {
    const width = this.lowBytes;
    const step = width + 3;
    const { starts, lows, classes, n } = this;
    let at = 0;
    for (let bucket = 0; n > 0 && bucket < BUCKETS; bucket++) {
      const end = starts[bucket + 1]!;
      for (let i = starts[bucket]!; i < end; i++) {
        chunk[at] = bucket >>> 8;
        chunk[at + 1] = bucket;
        const from = i * width;
        for (let k = 0; k < width; k++) chunk[at + 2 + k] = lows[from + k]!;
        chunk[at + 2 + width] = (classes[i >>> 2]! >>> ((i & 3) << 1)) & 3;
        at += step;
        if (at === chunk.length) {
          hash.update(chunk);
          at = 0;
        }
      }
    }
    hash.update(chunk.subarray(0, at));
  }
}

function lowBytesFor(bits: number): number {
  return Math.ceil((bits - BUCKET_BITS) / 8);
}
