import type { DecisionService } from '../decisions/service.ts';
import type { AppDeps } from '../http/env.ts';
import { withTimeout } from '../index/readiness.ts';
import type { Registry } from './registry.ts';

/** How long a scrape waits for the store before leaving the store's gauges out. */
const STORE_TIMEOUT_MS = 2000;

/** Index size, data versions and change lag, webhook backlog and refresh health, read at scrape time. */
export function registerServiceMetrics(registry: Registry, deps: AppDeps): void {
  const { index, store } = deps;
  // One read of the store per scrape, shared by the gauges that need it.
  let storeSeq: number | null = null;
  let backlog: number | null = null;
  registry.onScrape(async () => {
    [storeSeq, backlog] = await Promise.all([
      withTimeout(store.currentSeq(), STORE_TIMEOUT_MS).catch(() => null),
      withTimeout(store.countPendingWebhookDeliveries(), STORE_TIMEOUT_MS).catch(() => null),
    ]);
  });

  registry.gauge('credcheck_index_subjects', 'Subjects in the in-memory index', () => index.list.size);
  registry.gauge(
    'credcheck_index_entries',
    'List entries in the in-memory index',
    () => index.list.entryCount,
  );
  registry.gauge(
    'credcheck_data_version',
    'Change-log sequence the in-memory index has applied',
    () => index.seq,
  );
  registry.gauge('credcheck_store_up', 'Whether the store answered this scrape (1) or not (0)', () =>
    storeSeq === null ? 0 : 1,
  );
  registry.gauge('credcheck_store_data_version', 'Newest change-log sequence in the store', () => storeSeq);
  registry.gauge(
    'credcheck_change_lag',
    'Changes in the store not yet applied to the in-memory index (store seq minus index seq)',
    () => (storeSeq === null ? null : Math.max(0, storeSeq - index.seq)),
  );
  registry.gauge(
    'credcheck_webhook_backlog',
    'Webhook deliveries pending (not yet delivered nor given up), all subscriptions',
    () => backlog,
  );
  const ops = deps.ops;
  if (ops) {
    registry.gauge(
      'credcheck_index_refresh_age_seconds',
      'Seconds since the index last caught up with the change log',
      () => {
        const at = ops.refreshStatus().lastSuccessAt;
        return at === null ? null : (Date.now() - at) / 1000;
      },
    );
    registry.gauge(
      'credcheck_index_refresh_failures',
      'Catch-ups with the change log that failed since the start',
      () => ops.refreshStatus().failures,
    );
  }
}

/** Decisions counted by outcome as they are made (replays of an idempotent request are not new decisions). */
export function countDecisions(registry: Registry, service: DecisionService): DecisionService {
  const counter = registry.counter('credcheck_decisions_total', 'Decisions made, by outcome', ['outcome']);
  return {
    ...service,
    async decide(req, caller, idempotencyKey) {
      const out = await service.decide(req, caller, idempotencyKey);
      if (!out.replayed) counter.labels(out.result.outcome).inc();
      return out;
    },
    async decideBatch(req, caller) {
      const out = await service.decideBatch(req, caller);
      for (const item of out.items) if ('outcome' in item) counter.labels(item.outcome).inc();
      return out;
    },
  };
}
