import type { Store } from '../store/types.ts';
import type { LiveIndex } from './live-index.ts';

export interface Refresher {
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
  log?: (msg: string) => void;
}): Refresher {
  let running: Promise<number> | null = null;
  let stopped = false;
  let again = false;
  const run = (): Promise<number> => {
    running ??= (async () => {
      const before = opts.index.seq;
      try {
        await opts.index.catchUp(opts.store);
        if (opts.index.seq !== before) await opts.onAdvance?.();
        await opts.onTick?.();
      } catch (err) {
        opts.log?.(`index refresh failed (will retry): ${(err as Error).message}`);
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
