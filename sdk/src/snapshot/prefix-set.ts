import type { Sha256 } from './sha256.ts';

/** Status classes in precedence order: the index is the class number in the binary format. */
export const SNAPSHOT_STATUSES = ['black', 'suspended', 'red', 'expired'] as const;
export type SnapshotStatus = (typeof SNAPSHOT_STATUSES)[number];

/** 16 bits of every prefix index a bucket table; the rest sit in a Uint32Array (4 bytes an entry). */
const BUCKET_BITS = 16;
const BUCKETS = 1 << BUCKET_BITS;

export const MIN_PREFIX_BITS = BUCKET_BITS;
/** Prefixes stay exact in a double and their low part fits 32 bits. */
export const MAX_PREFIX_BITS = 48;

/**
 * One kind's set (codes or names): distinct prefixes of `bits` bits in ascending order, each with
 * its status class. Lookup goes through a 65,536-bucket table on the top 16 bits, then a binary
 * search among the few low parts in that bucket.
 */
export class PrefixSet {
  private constructor(
    readonly bits: number,
    /** Start of each bucket in `lows`; `starts[BUCKETS]` is the size. */
    private readonly starts: Uint32Array,
    private readonly lows: Uint32Array,
    private readonly classes: Uint8Array,
  ) {}

  get size(): number {
    return this.lows.length;
  }

  /**
   * From ascending distinct prefixes and their classes (the arrays may be longer than `n`).
   * The caller guarantees order and range: every path in here produces them sorted.
   */
  static fromSorted(bits: number, values: Float64Array, classes: Uint8Array, n: number): PrefixSet {
    const scale = 2 ** (bits - BUCKET_BITS);
    const starts = new Uint32Array(BUCKETS + 1);
    const lows = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      const bucket = Math.floor(v / scale);
      lows[i] = v - bucket * scale;
      starts[bucket + 1]!++;
    }
    for (let b = 0; b < BUCKETS; b++) starts[b + 1]! += starts[b]!;
    return new PrefixSet(bits, starts, lows, classes.slice(0, n));
  }

  /** Class of the prefix split into its bucket and low part, or -1. */
  find(bucket: number, low: number): number {
    let lo = this.starts[bucket]!;
    let hi = this.starts[bucket + 1]!;
    const lows = this.lows;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = lows[mid]!;
      if (v < low) lo = mid + 1;
      else if (v > low) hi = mid;
      else return this.classes[mid]!;
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
    const n = this.size;
    const values = new Float64Array(n);
    const scale = 2 ** (this.bits - BUCKET_BITS);
    const starts = this.starts;
    const lows = this.lows;
    let bucket = 0;
    for (let i = 0; i < n; i++) {
      while (starts[bucket + 1]! <= i) bucket++;
      values[i] = bucket * scale + lows[i]!;
    }
    return { values, classes: this.classes.slice() };
  }

  /** Feeds the canonical form to a hash: size, then each prefix (big-endian bytes) and class. */
  feedChecksum(hash: Sha256): void {
    const width = Math.ceil(this.bits / 8);
    const n = this.size;
    const entries = Math.max(1, Math.min(n, Math.floor(65536 / (width + 1))));
    const chunk = new Uint8Array(entries * (width + 1));
    chunk[0] = n >>> 24;
    chunk[1] = n >>> 16;
    chunk[2] = n >>> 8;
    chunk[3] = n;
    hash.update(chunk.subarray(0, 4));
    const scale = 2 ** (this.bits - BUCKET_BITS);
    const starts = this.starts;
    const lows = this.lows;
    const classes = this.classes;
    let bucket = 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      while (starts[bucket + 1]! <= i) bucket++;
      const v = bucket * scale + lows[i]!;
      let hi = Math.floor(v / 0x100000000);
      let lo = v >>> 0;
      // The prefix in `width` big-endian bytes: low word first from the end, then the high word.
      for (let j = width - 1; j >= 0; j--) {
        chunk[at + j] = lo;
        lo = (lo >>> 8) | ((hi & 0xff) << 24);
        hi >>>= 8;
      }
      chunk[at + width] = classes[i]!;
      at += width + 1;
      if (at === chunk.length) {
        hash.update(chunk);
        at = 0;
      }
    }
    hash.update(chunk.subarray(0, at));
  }
}
