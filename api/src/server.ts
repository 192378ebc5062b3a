import { randomBytes } from 'node:crypto';
import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { loadConfig, type ServerConfig } from './config.ts';
import { seedDemo } from './demo/seed.ts';
import { type Catalog, CatalogSchema } from './domain/catalog.ts';
import { createClock } from './domain/clock.ts';
import { loadDefaultCatalog } from './domain/default-catalog.ts';
import { ID_HMAC_SETTING } from './domain/person-key.ts';
import { authDepsFrom } from './http/auth.ts';
import { openRuntime } from './runtime.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';
import { DEFAULT_RETRY } from './webhooks/retry.ts';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

/** Prepares a store for serving: schema, catalog, secrets and (on an empty demo store) the demo data. */
export async function prepareStore(
  store: Store,
  config: ServerConfig,
  today: string,
  log: (msg: string) => void,
) {
  let catalog: Catalog | null = await store.getCatalog();
  if (!catalog) {
    catalog = loadDefaultCatalog();
    await store.replaceCatalog(catalog, 'system');
    log(
      `catalog ${catalog.version} loaded: ${catalog.listTypes.length} list types, ${catalog.measures.length} measures, ${catalog.scenarios.length} scenarios`,
    );
  }
  const idHmacKey = await store.initSetting(ID_HMAC_SETTING, randomBytes(32).toString('hex'));
  if (config.demo && (await store.counts()).entries === 0) {
    const summary = await seedDemo(store, today);
    log(`demo data seeded: ${summary.entriesCreated} entries of ${summary.subjectsCreated} subjects`);
  }
  return { catalog: CatalogSchema.parse(catalog), idHmacKey };
}

export async function startServer(
  env: Record<string, string | undefined>,
  log = (msg: string) => console.log(msg),
): Promise<RunningServer> {
  const config = loadConfig(env);
  const clock = createClock(config.now ?? undefined);
  const store = await openStore({ DATABASE_URL: config.databaseUrl ?? undefined, DATA_DIR: config.dataDir });
  const { catalog, idHmacKey } = await prepareStore(store, config, clock.today(), log);
  const runtime = await openRuntime(store, {
    clock,
    catalog,
    idHmacKey,
    bodyLimit: config.bodyLimit,
    refreshMs: config.refreshMs,
    feedbackDueMs: config.feedbackDueMs,
    snapshotMs: config.snapshotMs,
    snapshotDir: config.dataDir,
    calendar: config.calendar,
    dueProcess: config.dueProcess,
    webhooks: {
      allowHttp: config.webhooks.allowHttp,
      timeoutMs: config.webhooks.timeoutMs,
      retry: { ...DEFAULT_RETRY, maxAttempts: config.webhooks.maxAttempts, baseMs: config.webhooks.retryMs },
    },
    log,
  });
  const app = createApp({
    ...runtime.deps,
    config: { ...runtime.deps.config, corsOrigins: config.corsOrigins },
    auth: authDepsFrom(config),
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  log(`CredCheck API on ${url} (store: ${store.dialect}, today: ${clock.today()}) — docs at ${url}/docs`);

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= new Promise<void>((resolve) => server.close(() => resolve()))
      .then(() => runtime.stop())
      .then(() => store.close());
    return closing;
  };
  return { url, port, store, close };
}
