/**
 * mulberry32: a tiny seeded generator for tests and benchmarks that need the same "random" codes
 * and names on every run. (Demo data uses api/src/demo/prng.ts, which takes string seeds.)
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
