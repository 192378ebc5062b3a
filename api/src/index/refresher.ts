import type { Store } from '../store/types.ts';
import type { LiveIndex } from './live-index.ts';

/** How the last catch-ups went, for readiness and metrics (wall-clock milliseconds). */
export interface RefreshStatus {
  /** When a run last ended having read the change log to its end (or the index was loaded). */
  lastSuccessAt: number | null;
  /** The index's seq after that run: the store's seq as that run last read it. */
  seqReached: number | null;
  /** When a run last failed (compare with lastSuccessAt to tell whether it still fails). */
  lastErrorAt: number | null;
  /** Why it failed; null once a later run succeeded. */
  lastError: string | null;
  failures: number;
}

export interface Refresher {
  /** How the last runs went (for /readyz and /metrics). */
  status(): RefreshStatus;
  /** Catches up now (and waits for a run in progress); returns the index's seq afterwards. */
  refresh(): Promise<number>;
  /**
   * Catches up soon: now, or once more right after the run under way (which may have read the
   * log before the change that prompted this). For notifications of another process's commit.
   */
  poke(): void;
  stop(): Promise<void>;
}

/**
 * Keeps the in-memory index in step with the change log: imports run in another process, and in
 * a PostgreSQL deployment other API nodes write too. One catch-up at a time; a failed one is
 * logged and retried on the next tick (the index keeps serving what it has, with its seq).
 */
export function startRefresher(opts: {
  store: Pick<Store, 'changesSince'>;
  index: LiveIndex;
  intervalMs: number;
  /** Called after a catch-up that moved the index forward. */
  onAdvance?: () => Promise<void>;
  /** Called on every run, whether or not the data moved (e.g. to notice a rotated signing key). */
  onTick?: () => Promise<void>;
  log?: (msg: string, level?: 'info' | 'warn' | 'error') => void;
  /** When the index was last known caught up before the first run (it was just loaded, say). */
  caughtUpAt?: number;
}): Refresher {
  const state: RefreshStatus = {
    lastSuccessAt: opts.caughtUpAt ?? null,
    seqReached: opts.caughtUpAt === undefined ? null : opts.index.seq,
    lastErrorAt: null,
    lastError: null,
    failures: 0,
  };
  let running: Promise<number> | null = null;
  let stopped = false;
  let again = false;
  const run = (): Promise<number> => {
    running ??= (async () => {
      const before = opts.index.seq;
      try {
        await opts.index.catchUp(opts.store);
        state.lastSuccessAt = Date.now();
        state.seqReached = opts.index.seq;
        state.lastError = null;
        if (opts.index.seq !== before) await opts.onAdvance?.();
        await opts.onTick?.();
      } catch (err) {
        state.lastErrorAt = Date.now();
        state.lastError = (err as Error).message;
        state.failures++;
        opts.log?.(`index refresh failed (will retry): ${(err as Error).message}`, 'warn');
      } finally {
        running = null;
        if (again && !stopped) {
          again = false;
          void run();
        }
      }
      return opts.index.seq;
    })();
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void run();
  }, opts.intervalMs);
  timer.unref();
  return {
    refresh: run,
    status: () => ({ ...state }),
    poke() {
      if (stopped) return;
      if (running) again = true;
      else void run();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
