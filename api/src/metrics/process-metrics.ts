import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { Registry } from './registry.ts';

/** One per process (it measures the process, not an app); its timer does not keep the process alive. */
let loopDelay: IntervalHistogram | null = null;

/** Memory, event-loop delay and uptime, read at scrape time. */
export function registerProcessMetrics(registry: Registry): void {
  if (!loopDelay) {
    loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
  }
  const delay = loopDelay;
  registry.gauge('process_resident_memory_bytes', 'Resident memory of the process', () =>
    process.memoryUsage.rss(),
  );
  registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed);
  registry.gauge(
    'nodejs_eventloop_lag_p99_seconds',
    '99th percentile of the event-loop delay since the previous scrape',
    () => {
      // Per scrape interval: a stall an hour ago should not colour every later scrape.
      const p99 = delay.count > 0 ? delay.percentile(99) / 1e9 : 0;
      delay.reset();
      return p99;
    },
  );
  registry.gauge('process_uptime_seconds', 'Seconds since the process started', () => process.uptime());
}
