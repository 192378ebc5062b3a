import { createDecisionService } from './decisions/service.ts';
import { type Catalog, CatalogSchema } from './domain/catalog.ts';
import type { Clock } from './domain/clock.ts';
import type { AppDeps } from './http/env.ts';
import { startRefresher } from './index/refresher.ts';
import { loadLiveIndex } from './index/startup.ts';
import { createReceiptSigner } from './receipts/signer.ts';
import { ensureSigningKeys } from './receipts/signing-keys.ts';
import { startSnapshotPublisher } from './snapshots/publisher.ts';
import type { Store } from './store/types.ts';

export interface RuntimeOptions {
  clock: Clock;
  catalog: Catalog;
  idHmacKey: string;
  bodyLimit: number;
  refreshMs: number;
  /** How often a new extension snapshot may be published (CREDCHECK_SNAPSHOT_MS); 0 = none. */
  snapshotMs?: number;
  /** Where the index snapshot lives; null keeps none. */
  snapshotDir: string | null;
  log?: (msg: string) => void;
}

export interface Runtime {
  deps: AppDeps;
  /** Catches the index up with the store now (tests, and after an in-process write). */
  refresh(): Promise<number>;
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
  const decisions = createDecisionService({
    store,
    index,
    clock: opts.clock,
    catalog: () => catalog,
    idHmacKey: opts.idHmacKey,
    signer,
  });
  const refresher = startRefresher({
    store,
    index,
    intervalMs: opts.refreshMs,
    onAdvance: async () => {
      const latest = await store.getCatalog();
      if (latest) catalog = CatalogSchema.parse(latest);
    },
    onTick: async () => {
      if (await decisions.reloadKeys()) log('receipt signing key rotated: signing with the newest key');
    },
    log,
  });
  const snapshots =
    opts.snapshotMs && opts.snapshotMs > 0
      ? startSnapshotPublisher({ index, clock: opts.clock, intervalMs: opts.snapshotMs, log })
      : undefined;
  const deps: AppDeps = {
    store,
    clock: opts.clock,
    config: { bodyLimit: opts.bodyLimit },
    secrets: { idHmacKey: opts.idHmacKey },
    catalog: () => catalog,
    index,
    decisions,
    ...(snapshots ? { snapshots } : {}),
  };
  return {
    deps,
    refresh: () => refresher.refresh(),
    async stop() {
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
