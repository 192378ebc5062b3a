// Memory baselines for snapshot.bench.ts: the PrefixSet layout before issue 7 (a 4-byte low part
// and a class byte per entry), rebuilt from a decoded set so both layouts hold the same entries,
// and a retained-bytes probe that reads what the process keeps after a forced GC.
import type { PrefixSet } from '@credcheck/sdk/snapshot';

const BUCKET_BITS = 16;
const BUCKETS = 1 << BUCKET_BITS;

/** The pre-issue-7 in-memory layout, with the same bucket lookup, as the baseline. */
export class OldLayoutSet {
  private readonly starts = new Uint32Array(BUCKETS + 1);
  private readonly lows: Uint32Array;
  private readonly classes: Uint8Array;

  constructor(set: PrefixSet) {
    const { values, classes } = set.toSorted();
    const scale = 2 ** (set.bits - BUCKET_BITS);
    this.lows = new Uint32Array(values.length);
    this.classes = classes;
    for (let i = 0; i < values.length; i++) {
      const bucket = Math.floor(values[i]! / scale);
      this.lows[i] = values[i]! - bucket * scale;
      this.starts[bucket + 1]!++;
    }
    for (let b = 0; b < BUCKETS; b++) this.starts[b + 1]! += this.starts[b]!;
  }

  memoryBytes(): number {
    return this.starts.byteLength + this.lows.byteLength + this.classes.byteLength;
  }

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
}

const collect = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
};

export const canCollect = (): boolean => typeof (globalThis as { gc?: unknown }).gc === 'function';

/**
 * What the process retains for the value `make` returns: array-buffer and JS-heap growth across
 * it, each after a full GC (so the temporaries it allocated on the way are not counted).
 */
export function measureRetained<T>(make: () => T): { value: T; arrayBuffers: number; heap: number } {
  collect();
  const before = process.memoryUsage();
  const value = make();
  collect();
  const after = process.memoryUsage();
  return {
    value,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
    heap: after.heapUsed - before.heapUsed,
  };
}
