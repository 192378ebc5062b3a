/**
 * A token bucket per caller, refilled at the caller's rate per second and holding up to twice that
 * (the burst). In memory, per process: good enough to stop a runaway integration; a limit shared
 * by several instances needs the load balancer. On the request path: no allocation once a caller
 * has a bucket, no I/O.
 */
export interface RateLimiter {
  /**
   * Takes one request from `id`'s bucket at `perSecond` (> 0). Returns the whole requests left
   * (≥ 0) when allowed, or minus the seconds to wait before retrying (≤ −1) when refused.
   */
  take(id: string, perSecond: number, now: number): number;
  /** Callers tracked now. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Burst capacity for a rate: twice the rate per second. */
export const burstOf = (perSecond: number) => perSecond * 2;

export function createRateLimiter(maxTracked = 100_000): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    take(id, perSecond, now) {
      const capacity = burstOf(perSecond);
      let b = buckets.get(id);
      if (!b) {
        // Forgetting the oldest caller costs it at most a fresh burst; the map stays bounded under a flood of addresses.
        if (buckets.size >= maxTracked) buckets.delete(buckets.keys().next().value!);
        b = { tokens: capacity, at: now };
        buckets.set(id, b);
      } else if (now > b.at) {
        b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * perSecond);
        b.at = now;
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return Math.floor(b.tokens);
      }
      return -Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    },
    get size() {
      return buckets.size;
    },
  };
}
