import { createDecisionService } from './decisions/service.ts';
import { type Catalog, CatalogSchema } from './domain/catalog.ts';
import type { Clock } from './domain/clock.ts';
import { loadDefaultDueProcess } from './domain/default-due-process.ts';
import { loadDefaultHolidays } from './domain/default-holidays.ts';
import { createDueProcessRules, type DueProcessRules } from './domain/due-process-rules.ts';
import { createWorkingCalendar, type WorkingCalendar } from './domain/working-days.ts';
import { startExpiryScheduler } from './due-process/expiry-scheduler.ts';
import { createDueProcessService } from './due-process/service.ts';
import type { AppDeps } from './http/env.ts';
import { startRefresher } from './index/refresher.ts';
import { loadLiveIndex } from './index/startup.ts';
import { openClearanceService } from './oversight/clearances.ts';
import { createReceiptSigner } from './receipts/signer.ts';
import { ensureSigningKeys } from './receipts/signing-keys.ts';
import { startSnapshotPublisher } from './snapshots/publisher.ts';
import type { Store } from './store/types.ts';
import type { RetryPolicy } from './webhooks/retry.ts';
import { startWebhookWorker } from './webhooks/worker.ts';

export interface RuntimeOptions {
  clock: Clock;
  catalog: Catalog;
  idHmacKey: string;
  bodyLimit: number;
  refreshMs: number;
  /** Decisions without feedback for this long are overdue (CREDCHECK_FEEDBACK_DUE); default 7 days. */
  feedbackDueMs?: number;
  /** How often a new extension snapshot may be published (CREDCHECK_SNAPSHOT_MS); 0 = none. */
  snapshotMs?: number;
  /** Where the index snapshot lives; null keeps none. */
  snapshotDir: string | null;
  /** Working days for objection and publication deadlines; default: the shipped holiday arrangement. */
  calendar?: WorkingCalendar;
  /** Publication, objection and repair rules per list type; default: api/catalog/due-process.json. */
  dueProcess?: DueProcessRules;
  /** How often (ms) to check whether the day changed and entries expired; default one minute. */
  expiryCheckMs?: number;
  /** Webhook delivery: retry schedule, per-attempt timeout, whether http:// targets are accepted beyond localhost. */
  webhooks?: { retry?: RetryPolicy; timeoutMs?: number; allowHttp?: boolean; pollMs?: number };
  /** Catch up as soon as another process commits (PostgreSQL NOTIFY, SQLite data_version), not only every refreshMs; default true. */
  changeNotifications?: boolean;
  log?: (msg: string, level?: 'info' | 'warn' | 'error') => void;
}

export interface Runtime {
  deps: AppDeps;
  /** Catches the index up with the store now (tests, and after an in-process write). */
  refresh(): Promise<number>;
  /** Writes the `entry.expired` events due today now, as the daily run does; resolves with how many. */
  expireNow(): Promise<number>;
  /** Marks the start of a shutdown: /readyz answers 503 `shutting-down` and live streams end. */
  drain(): void;
  /** Stops polling and waits for pending decision records; the store stays open. */
  stop(): Promise<void>;
}

/** Everything the HTTP app needs over an open, prepared store: the index, signer and services. */
export async function openRuntime(store: Store, opts: RuntimeOptions): Promise<Runtime> {
  const log = opts.log ?? (() => {});
  let catalog = opts.catalog;
  const { index, source, ms, saveSnapshot, settled } = await loadLiveIndex(store, {
    snapshotDir: opts.snapshotDir,
    log,
  });
  log(
    `index ready from ${source} in ${Math.round(ms)} ms: ${index.list.size} subjects, ${index.list.entryCount} entries, data version ${index.seq}`,
  );
  let seqSettled = -1;
  void settled.then(() => {
    seqSettled = index.seq;
  });
  const signer = createReceiptSigner(await ensureSigningKeys(store, opts.clock.now()));
  const clearances = await openClearanceService({
    store,
    index,
    clock: opts.clock,
    idHmacKey: opts.idHmacKey,
  });
  const decisions = createDecisionService({
    store,
    index,
    clock: opts.clock,
    catalog: () => catalog,
    idHmacKey: opts.idHmacKey,
    signer,
    clearances: clearances.set,
  });
  const webhooks = startWebhookWorker({
    store,
    ...(opts.webhooks?.retry ? { retry: opts.webhooks.retry } : {}),
    ...(opts.webhooks?.timeoutMs ? { timeoutMs: opts.webhooks.timeoutMs } : {}),
    ...(opts.webhooks?.pollMs ? { pollMs: opts.webhooks.pollMs } : {}),
    log,
  });
  const refresher = startRefresher({
    store,
    index,
    intervalMs: opts.refreshMs,
    // loadLiveIndex read the change log to its end just now.
    caughtUpAt: Date.now(),
    onAdvance: async () => {
      webhooks.wake();
      const latest = await store.getCatalog();
      if (latest) catalog = CatalogSchema.parse(latest);
    },
    onTick: async () => {
      await clearances.refresh();
      if (await decisions.reloadKeys()) log('receipt signing key rotated: signing with the newest key');
    },
    log,
  });
  const stopWatching =
    opts.changeNotifications === false ? null : await store.watchChanges(() => refresher.poke());
  const dueProcess = createDueProcessService({
    store,
    clock: opts.clock,
    calendar: opts.calendar ?? createWorkingCalendar(loadDefaultHolidays()),
    rules: opts.dueProcess ?? createDueProcessRules(loadDefaultDueProcess()),
    catalog: () => catalog,
    idHmacKey: opts.idHmacKey,
    refresh: () => refresher.refresh(),
    dataVersion: () => index.seq,
  });
  const expiry = startExpiryScheduler({
    clock: opts.clock,
    run: () => dueProcess.recordExpiries(),
    checkMs: opts.expiryCheckMs ?? 60_000,
    log,
  });
  const snapshots =
    opts.snapshotMs && opts.snapshotMs > 0
      ? startSnapshotPublisher({ index, clock: opts.clock, intervalMs: opts.snapshotMs, log })
      : undefined;
  const stopping = new AbortController();
  const deps: AppDeps = {
    store,
    clock: opts.clock,
    config: {
      bodyLimit: opts.bodyLimit,
      ...(opts.feedbackDueMs !== undefined ? { feedbackDueMs: opts.feedbackDueMs } : {}),
      webhookAllowHttp: opts.webhooks?.allowHttp ?? false,
    },
    secrets: { idHmacKey: opts.idHmacKey },
    catalog: () => catalog,
    index,
    refreshIndex: () => refresher.refresh(),
    decisions,
    clearances,
    dueProcess,
    ...(snapshots ? { snapshots } : {}),
    ops: { refreshStatus: () => refresher.status(), refreshMs: opts.refreshMs, stopping: stopping.signal },
  };
  return {
    deps,
    refresh: () => refresher.refresh(),
    expireNow: () => expiry.runNow(),
    drain: () => stopping.abort(),
    async stop() {
      stopping.abort();
      await stopWatching?.();
      await webhooks.stop();
      await expiry.stop();
      await refresher.stop();
      await snapshots?.stop();
      await decisions.idle();
      // When the data moved while serving, the next start then loads in seconds instead of
      // catching up or scanning.
      await settled;
      if (opts.snapshotDir && index.seq !== seqSettled) {
        await saveSnapshot().catch((err: Error) => log(`index snapshot not saved: ${err.message}`));
      }
    },
  };
}
