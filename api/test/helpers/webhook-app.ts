import { createApp } from '../../src/app.ts';
import { issueApiKey } from '../../src/auth/api-key.ts';
import type { Role } from '../../src/auth/roles.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import { openRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.ts';
import { prepareStore } from '../../src/server.ts';
import type { Store } from '../../src/store/types.ts';

/**
 * The app over a store that outlives it: webhook tests stop one runtime and open another over the
 * same store, as a restarted process would (openTestApp owns its store and drops it on close).
 */

export const WEBHOOK_TODAY = '2026-11-23';

export interface Prepared {
  catalog: Awaited<ReturnType<typeof prepareStore>>['catalog'];
  idHmacKey: string;
}

export function prepareWebhookStore(store: Store): Promise<Prepared> {
  return prepareStore(store, loadConfig({ CREDCHECK_DEMO: '0' }), WEBHOOK_TODAY, () => {});
}

export interface WebhookApp {
  app: ReturnType<typeof createApp>;
  runtime: Runtime;
}

export async function openWebhookApp(
  store: Store,
  prepared: Prepared,
  opts: Partial<Pick<RuntimeOptions, 'webhooks' | 'refreshMs' | 'changeNotifications' | 'log'>> = {},
): Promise<WebhookApp> {
  const runtime = await openRuntime(store, {
    clock: fixedClock(WEBHOOK_TODAY),
    catalog: prepared.catalog,
    idHmacKey: prepared.idHmacKey,
    bodyLimit: 16 * 1024 * 1024,
    snapshotDir: null,
    ...opts,
    refreshMs: opts.refreshMs ?? 60_000,
  });
  return { app: createApp(runtime.deps), runtime };
}

/** A new API key of this role, stored; returns the key and its id. */
export async function issueKey(store: Store, role: Role): Promise<{ key: string; id: string }> {
  const issued = issueApiKey(
    { role, department: role === 'designator' ? 'dept-0' : null, label: `test ${role}`, rateLimit: 0 },
    '2026-11-01T00:00:00.000Z',
  );
  await store.createApiKey(issued.record);
  return { key: issued.key, id: issued.record.id };
}
