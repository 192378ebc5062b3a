import type { AppDeps } from '../http/env.ts';

export type NotReadyReason = 'shutting-down' | 'store-unreachable' | 'refresh-failing' | 'catching-up';

export interface Readiness {
  ready: boolean;
  reason: NotReadyReason | null;
  /** The change-log seq the in-memory index has applied. */
  dataVersion: number;
  /** The store's newest seq now; null when the store did not answer. */
  storeVersion: number | null;
  /** storeVersion − dataVersion (never below 0); null when the store did not answer. */
  lag: number | null;
  /** Milliseconds since the index last caught up; null when unknown. */
  sinceRefreshMs: number | null;
}

/** Long enough for a PostgreSQL failover to show as "unreachable" rather than hang the probe. */
const STORE_TIMEOUT_MS = 2000;

/** A success older than this many refresh intervals (and at least STALE_FLOOR_MS) is not "caught up". */
const STALE_INTERVALS = 3;
const STALE_FLOOR_MS = 5000;

/**
 * Whether this instance should get traffic: not shutting down, the store answers, and the last
 * catch-up with the change log succeeded recently (it read the log to its end, so the index was
 * at the store's seq then). A lag of a few changes right now is a write on its way, not a reason
 * to leave the pool; a catch-up that has not finished for several intervals (a large import being
 * applied) or that fails is.
 */
export async function checkReadiness(deps: AppDeps, now = Date.now()): Promise<Readiness> {
  const ops = deps.ops;
  const status = ops?.refreshStatus();
  const sinceRefreshMs = status?.lastSuccessAt == null ? null : Math.max(0, now - status.lastSuccessAt);
  let storeVersion: number | null = null;
  try {
    storeVersion = await withTimeout(deps.store.currentSeq(), STORE_TIMEOUT_MS);
  } catch {
    // Reported below as store-unreachable.
  }
  const lag = storeVersion === null ? null : Math.max(0, storeVersion - deps.index.seq);
  const base = { dataVersion: deps.index.seq, storeVersion, lag, sinceRefreshMs };
  const notReady = (reason: NotReadyReason): Readiness => ({ ready: false, reason, ...base });

  if (ops?.stopping.aborted) return notReady('shutting-down');
  if (storeVersion === null) return notReady('store-unreachable');
  if (!ops || !status) return lag === 0 ? { ready: true, reason: null, ...base } : notReady('catching-up');
  if (
    status.lastErrorAt !== null &&
    (status.lastSuccessAt === null || status.lastErrorAt > status.lastSuccessAt)
  ) {
    return notReady('refresh-failing');
  }
  const staleAfter = Math.max(STALE_INTERVALS * ops.refreshMs, STALE_FLOOR_MS);
  if (sinceRefreshMs === null || sinceRefreshMs > staleAfter) return notReady('catching-up');
  return { ready: true, reason: null, ...base };
}

/** Rejects after `ms` when `p` has not settled (a store that hangs instead of refusing). */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
