/**
 * What happens after an attempt: pure rules, so that the schedule is tested without waiting.
 * Network errors, timeouts, 408, 429 and 5xx are worth another try (the receiver is down, busy or
 * overloaded); any other answer (a 4xx, a redirect we do not follow) will not change by asking
 * again, so the delivery is dead at once rather than after hours of retries. Catching up after
 * dead deliveries is GET /v1/changes?since=<seq of the first one>.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included; the last failure makes the delivery dead. */
  maxAttempts: number;
  /** Delay before the first retry; each next one doubles, up to capMs. */
  baseMs: number;
  capMs: number;
}

/** The exponential schedule: about 14 hours in all with the defaults (12 attempts, 30 s … 6 h). */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 12, baseMs: 30_000, capMs: 6 * 3600_000 };

export type AttemptResult =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; retryAfter: string | null };

export function isRetryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500;
}

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed ones: base · 2^(attempt−1), capped,
 * with "equal jitter" (the upper half drawn at random) so that the retries of a burst that failed
 * together do not arrive together.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** A receiver asking to wait longer than this gets its retry after this. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/** Retry-After as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export type NextStep =
  | { status: 'delivered'; nextAttemptAt: null }
  | { status: 'pending'; nextAttemptAt: Date }
  | { status: 'dead'; nextAttemptAt: null };

/**
 * The delivery's state after attempt number `attempt` (1-based). A receiver's Retry-After is a
 * floor (up to a day): we come back no earlier than it asks, and no earlier than the backoff either.
 */
export function nextStep(
  attempt: number,
  result: AttemptResult,
  policy: RetryPolicy,
  nowMs: number,
  random: () => number = Math.random,
): NextStep {
  if (result.ok) return { status: 'delivered', nextAttemptAt: null };
  if (!isRetryable(result.status) || attempt >= policy.maxAttempts)
    return { status: 'dead', nextAttemptAt: null };
  const asked = Math.min(retryAfterMs(result.retryAfter, nowMs) ?? 0, MAX_RETRY_AFTER_MS);
  const delay = Math.max(Math.min(policy.capMs, backoffMs(attempt, policy, random)), asked);
  return { status: 'pending', nextAttemptAt: new Date(nowMs + delay) };
}
