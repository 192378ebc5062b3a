import { randomBytes } from 'node:crypto';
import type { Store } from '../store/types.ts';
import type { ClaimedDelivery } from '../store/webhook-store.ts';
import { postWebhook } from './post.ts';
import { DEFAULT_RETRY, nextStep, type RetryPolicy } from './retry.ts';
import { planDeliveries } from './routing.ts';

export interface WebhookWorkerOptions {
  store: Store;
  retry?: RetryPolicy;
  /** Per attempt, redirects included. */
  timeoutMs?: number;
  /** Deliveries in flight at once in this process. */
  concurrency?: number;
  /** Longest sleep: looks for rows other processes routed, expired leases and due retries this often. */
  pollMs?: number;
  /** Changes routed per dispatch transaction. */
  batch?: number;
  /** Real time for schedules and signatures (never a pinned demo clock). */
  now?: () => number;
  random?: () => number;
  log?: (msg: string, level?: 'info' | 'warn' | 'error') => void;
}

export interface WebhookWorker {
  /** The change log moved: route the new changes and deliver what is due, now. */
  wake(): void;
  /** Stops claiming, lets deliveries under way finish and record, and gives back what it claimed. */
  stop(): Promise<void>;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const LEASE_MARGIN_MS = 30_000;

/**
 * The dispatcher and the deliverer of one process. The dispatcher turns change-log rows after its
 * persisted cursor into outbox rows (dispatchWebhooks: one transaction); the deliverer leases due
 * rows, POSTs them (postWebhook) and records every attempt. Both run when woken (the index moved:
 * a change committed here or elsewhere), after each delivery, and at least every pollMs.
 *
 * A lease lasts the request timeout plus a margin: if this process dies mid-attempt, another (or
 * the next start) retries the row after the lease ends, with the same webhook-id. Stopping waits
 * for attempts under way, so a clean restart sends nothing twice.
 */
export function startWebhookWorker(opts: WebhookWorkerOptions): WebhookWorker {
  const store = opts.store;
  const retry = opts.retry ?? DEFAULT_RETRY;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const concurrency = opts.concurrency ?? 16;
  const pollMs = opts.pollMs ?? 1000;
  const batch = opts.batch ?? 500;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const log = opts.log ?? (() => {});
  const owner = `wk_${randomBytes(8).toString('hex')}`;

  let stopped = false;
  let dispatchWanted = true;
  let pumping: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  const inFlight = new Set<Promise<void>>();

  const iso = (ms: number) => new Date(ms).toISOString();

  async function dispatch(): Promise<void> {
    for (;;) {
      const r = await store.dispatchWebhooks(batch, iso(now()), planDeliveries);
      if (!r.more || stopped) return;
    }
  }

  async function fill(): Promise<void> {
    while (!stopped && inFlight.size < concurrency) {
      const want = concurrency - inFlight.size;
      const t = now();
      const claimed = await store.claimWebhookDeliveries(
        owner,
        iso(t),
        iso(t + timeoutMs + LEASE_MARGIN_MS),
        want,
      );
      for (const d of claimed) {
        const p: Promise<void> = deliver(d)
          .catch((err: Error) =>
            log(`webhook delivery ${d.id} not recorded (retried after its lease): ${err.message}`, 'warn'),
          )
          .finally(() => {
            inFlight.delete(p);
            kick(false);
          });
        inFlight.add(p);
      }
      if (claimed.length < want) return;
    }
  }

  async function deliver(d: ClaimedDelivery): Promise<void> {
    const attempt = d.attempts + 1;
    const started = now();
    const result = await postWebhook(d, timeoutMs, started);
    const ended = now();
    const step = nextStep(attempt, result, retry, ended, random);
    await store.recordWebhookAttempt({
      deliveryId: d.id,
      owner,
      attempt,
      at: iso(started),
      statusCode: result.status,
      latencyMs: ended - started,
      error: result.ok ? null : result.error,
      status: step.status,
      nextAttemptAt: step.nextAttemptAt ? step.nextAttemptAt.toISOString() : null,
    });
    if (step.status === 'dead')
      log(
        `webhook delivery ${d.id} dead after ${attempt} attempt(s): ${result.ok ? '' : result.error}`,
        'warn',
      );
  }

  /** One pass at a time; a wake during a pass runs another right after it. */
  function kick(routeChanges: boolean): void {
    if (routeChanges) dispatchWanted = true;
    if (stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    pumping = (async () => {
      do {
        again = false;
        try {
          if (dispatchWanted) {
            dispatchWanted = false;
            await dispatch();
          }
          await fill();
        } catch (err) {
          log(`webhook dispatch failed (will retry): ${(err as Error).message}`, 'warn');
        }
      } while (again && !stopped);
    })().finally(() => {
      pumping = null;
      void schedule();
    });
  }

  /** Sleeps until the next due retry, or pollMs at most. */
  async function schedule(): Promise<void> {
    if (stopped || pumping || timer) return;
    let wait = pollMs;
    try {
      const next = await store.nextWebhookAttemptAt();
      if (next !== null) wait = Math.max(0, Math.min(pollMs, Date.parse(next) - now()));
    } catch {
      // The store is away: try again after pollMs.
    }
    if (stopped || pumping || timer) return;
    timer = setTimeout(() => {
      timer = null;
      kick(true);
    }, wait);
    timer.unref();
  }

  kick(true);

  return {
    wake: () => kick(true),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await pumping;
      await Promise.all([...inFlight]);
      await store.releaseWebhookDeliveries(owner).catch(() => 0);
    },
  };
}
