/**
 * Sorts `keys` ascending and permutes `values` alongside (LSD radix sort, two 16-bit passes): tens
 * of millions of (hash, row) pairs in typed arrays, without a comparator call per pair.
 */
export function sortPairs(keys: Uint32Array, values: Uint32Array, length = keys.length): void {
  let srcK: Uint32Array = keys;
  let srcV: Uint32Array = values;
  let dstK: Uint32Array = new Uint32Array(length);
  let dstV: Uint32Array = new Uint32Array(length);
  const counts = new Uint32Array(65536);
  for (let shift = 0; shift <= 16; shift += 16) {
    counts.fill(0);
    for (let i = 0; i < length; i++) {
      const d = ((srcK[i] as number) >>> shift) & 0xffff;
      counts[d] = (counts[d] as number) + 1;
    }
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < length; i++) {
      const k = srcK[i] as number;
      const d = (k >>> shift) & 0xffff;
      const at = counts[d] as number;
      counts[d] = at + 1;
      dstK[at] = k;
      dstV[at] = srcV[i] as number;
    }
    [srcK, dstK] = [dstK, srcK];
    [srcV, dstV] = [dstV, srcV];
  }
  // After an even number of passes the sorted data is back in the caller's arrays.
}

/** First index in sorted `keys[0, length)` whose key is >= `key`. */
export function lowerBound(keys: Uint32Array, length: number, key: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as number) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
