import { createApp } from '../../src/app.ts';
import { issueApiKey } from '../../src/auth/api-key.ts';
import type { Role } from '../../src/auth/roles.ts';
import { loadConfig } from '../../src/config.ts';
import { type Clock, fixedClock } from '../../src/domain/clock.ts';
import type { ImportRecord } from '../../src/domain/model.ts';
import type { AuthDeps } from '../../src/http/auth.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { prepareStore } from '../../src/server.ts';
import type { StoreFactory, TestStore } from './store-factory.ts';

/** The HTTP app over a real, prepared store holding `records`, as the server builds it. */
export interface TestApp {
  app: ReturnType<typeof createApp>;
  runtime: Runtime;
  db: TestStore;
  idHmacKey: string;
  /** A new API key of this role (designators: of `department`). */
  key(role: Role, department?: string | null): Promise<string>;
  /** Imports more records and catches the index up, as another process's import would be seen. */
  importMore(records: ImportRecord[]): Promise<void>;
  close(): Promise<void>;
}

export async function openTestApp(
  factory: StoreFactory,
  opts: {
    records?: ImportRecord[];
    today?: string;
    auth?: AuthDeps;
    refreshMs?: number;
    snapshotMs?: number;
    /** False: the index follows other writers only on its refreshMs poll (or refresh()), not when told. */
    changeNotifications?: boolean;
    /** Today for the app and the store's instants alike (default: `today`, standing still). */
    clock?: Clock;
  } = {},
): Promise<TestApp> {
  const today = opts.today ?? '2026-11-23';
  const db = await factory.create(opts.clock ? { clock: opts.clock } : {});
  const store = db.store;
  const prepared = await prepareStore(store, loadConfig({ CREDCHECK_DEMO: '0' }), today, () => {});
  if (opts.records?.length) await store.importRecords([opts.records], { actor: 'test' });
  const runtime = await openRuntime(store, {
    clock: opts.clock ?? fixedClock(today),
    catalog: prepared.catalog,
    idHmacKey: prepared.idHmacKey,
    bodyLimit: 4 * 1024 * 1024,
    refreshMs: opts.refreshMs ?? 60_000,
    ...(opts.snapshotMs ? { snapshotMs: opts.snapshotMs } : {}),
    ...(opts.changeNotifications === false ? { changeNotifications: false } : {}),
    snapshotDir: null,
  });
  const app = createApp(opts.auth ? { ...runtime.deps, auth: opts.auth } : runtime.deps);
  return {
    app,
    runtime,
    db,
    idHmacKey: prepared.idHmacKey,
    async key(role, department = null) {
      const issued = issueApiKey(
        {
          role,
          department: role === 'designator' ? (department ?? 'dept-0') : department,
          label: `test ${role}`,
          rateLimit: 0,
        },
        '2026-11-01T00:00:00.000Z',
      );
      await store.createApiKey(issued.record);
      return issued.key;
    },
    async importMore(records) {
      await store.importRecords([records], { actor: 'test' });
      await runtime.refresh();
    },
    async close() {
      await runtime.stop();
      await db.dispose();
    },
  };
}
