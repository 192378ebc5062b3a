import type { Clock } from '../domain/clock.ts';

export interface ExpiryScheduler {
  /** Runs now, whatever the day (waits for a run in progress first); resolves with the events written. */
  runNow(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Writes the `entry.expired` events once a day: at start, then whenever China's date has moved on
 * since the last good run (checked every `checkMs`). Entries stop applying by date alone, without
 * this; the events are for feeds and webhooks. The store writes each event once, so several API
 * processes may all run this; a failed run is logged and retried at the next check.
 */
export function startExpiryScheduler(opts: {
  clock: Clock;
  run: () => Promise<number>;
  checkMs: number;
  log?: (msg: string, level?: 'info' | 'warn' | 'error') => void;
}): ExpiryScheduler {
  let lastDay: string | null = null;
  let running: Promise<number> | null = null;
  let stopped = false;

  const run = (): Promise<number> => {
    running ??= (async () => {
      const day = opts.clock.today();
      try {
        const written = await opts.run();
        lastDay = day;
        if (written > 0) opts.log?.(`${written} entries expired by ${day}: entry.expired events written`);
        return written;
      } catch (err) {
        opts.log?.(`expiry events not written (will retry): ${(err as Error).message}`, 'warn');
        return 0;
      } finally {
        running = null;
      }
    })();
    return running;
  };

  void run();
  const timer = setInterval(() => {
    if (!stopped && opts.clock.today() !== lastDay) void run();
  }, opts.checkMs);
  timer.unref();

  return {
    async runNow() {
      if (running) await running;
      return run();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
