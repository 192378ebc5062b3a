import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.ts';
import { loadConfig, type ServerConfig } from './config.ts';
import { seedDemo } from './demo/seed.ts';
import { type Catalog, CatalogSchema } from './domain/catalog.ts';
import { createClock } from './domain/clock.ts';
import { loadDefaultCatalog } from './domain/default-catalog.ts';
import { ID_HMAC_SETTING } from './domain/person-key.ts';
import { authDepsFrom } from './http/auth.ts';
import { answerClientErrors } from './http/client-error.ts';
import { alsoRedact } from './http/redact-secrets.ts';
import { createLogger, type Logger, type LogWriter, stdWriter } from './logging/logger.ts';
import { openRuntime } from './runtime.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';
import { DEFAULT_RETRY } from './webhooks/retry.ts';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  logger: Logger;
  /**
   * Shuts down gracefully: stops accepting connections, lets requests in flight finish (up to
   * CREDCHECK_SHUTDOWN_MS, then closes their connections), then stops the runtime and the store.
   */
  close(): Promise<void>;
}

/** Node's response, which the adapter writes the Response's headers onto (merged with this one). */
function closeAfter(env: unknown): void {
  const outgoing = (env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing && !outgoing.headersSent) outgoing.setHeader('Connection', 'close');
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

/** `write` receives each finished log line (text or JSON, as CREDCHECK_LOG says); default stdout/stderr. */
export async function startServer(
  env: Record<string, string | undefined>,
  write: LogWriter = stdWriter,
): Promise<RunningServer> {
  const config = loadConfig(env);
  if (config.adminKey) alsoRedact(config.adminKey);
  const logger = createLogger(config.logFormat, write);
  const log = logger.line;
  const clock = createClock(config.now ?? undefined);
  const store = await openStore(
    { DATABASE_URL: config.databaseUrl ?? undefined, DATA_DIR: config.dataDir },
    { maxConnections: config.pgPool, acquireTimeoutMs: config.pgWaitMs },
  );
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
    config: {
      ...runtime.deps.config,
      corsOrigins: config.corsOrigins,
      metricsToken: config.metricsToken,
      importLimit: config.importLimit,
      lookupCacheBytes: config.lookupCacheBytes,
    },
    auth: authDepsFrom(config),
    logger,
  });

  let draining = false;
  // While draining, every answer (those in flight when it began included) tells the client to
  // reconnect elsewhere rather than reuse this connection.
  const fetch = (request: Request, env: unknown) => {
    const res = app.fetch(request, env);
    if (res instanceof Promise) {
      return res.then((r) => {
        if (draining) closeAfter(env);
        return r;
      });
    }
    if (draining) closeAfter(env);
    return res;
  };
  // Lookups first, on Node's own objects (http/hot-lookup.ts); the rest through the adapter.
  const adapter = getRequestListener(fetch, { hostname: config.host });
  const http: HttpServer = createServer((req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    if (!app.nodeLane(req, res)) void adapter(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  log(`CredCheck API on ${url} (store: ${store.dialect}, today: ${clock.today()}) — docs at ${url}/docs`);

  answerClientErrors(http);
  const drain = async () => {
    draining = true;
    runtime.drain();
    log(`shutting down: finishing requests in flight (up to ${config.shutdownMs} ms)`);
    const started = Date.now();
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    // A connection whose last request just finished is idle: close it rather than wait for its
    // keep-alive timeout.
    const idle = setInterval(() => http.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      log(
        `shutdown: requests still in flight after ${config.shutdownMs} ms, closing their connections`,
        'warn',
      );
      http.closeAllConnections();
    }, config.shutdownMs);
    try {
      await closed;
    } finally {
      clearInterval(idle);
      clearTimeout(deadline);
    }
    await runtime.stop();
    await store.close();
    log(`stopped in ${Date.now() - started} ms`);
  };
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= drain();
    return closing;
  };
  return { url, port, store, logger, close };
}
