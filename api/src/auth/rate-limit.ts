/**
 * A token bucket per caller: `capacity` requests at once, refilled at `perSecond`. In memory, per
 * process: good enough to stop a runaway integration; a shared limit needs the load balancer.
 */
export interface RateLimiter {
  /** Returns 0 when allowed, else the seconds to wait before retrying. */
  take(id: string, now?: number): number;
}

export function createRateLimiter(perSecond: number, capacity: number, maxTracked = 100_000): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(id, now = Date.now()) {
      let b = buckets.get(id);
      if (!b) {
        if (buckets.size >= maxTracked) buckets.delete(buckets.keys().next().value!);
        b = { tokens: capacity, at: now };
        buckets.set(id, b);
      } else {
        b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * perSecond);
        b.at = now;
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    },
  };
}
