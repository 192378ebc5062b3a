import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { checkReadiness } from '../src/index/readiness.ts';
import { orgRecord, recordSet } from './helpers/records.ts';
import { bothStores } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * /readyz on both stores: ready only while the in-memory index keeps up with the change log, and
 * 503 not-ready with the reason when the store is gone, a catch-up fails, the last one is stale,
 * or the server is shutting down.
 */

const factories = await bothStores('readiness tests');

describe.each(factories)('$name store: GET /readyz', (factory) => {
  const test = factory.skip ? it.skip : it;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close().catch(() => {});
    t = undefined;
  });

  const notReady = async (app: TestApp['app']) => {
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('1');
    const body = await res.json();
    expect(body.type).toBe('/problems/not-ready');
    return body as { reason: string; lag: number | null; dataVersion: number; storeVersion: number | null };
  };

  test('is ready once the index is loaded, at the store’s seq', async () => {
    t = await openTestApp(factory, { records: recordSet(30) });
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const seq = await t.db.store.currentSeq();
    expect(await res.json()).toEqual({ status: 'ready', dataVersion: seq, storeVersion: seq, lag: 0 });
  });

  test('reports the lag of a change not applied yet, and stays ready while catch-ups are recent', async () => {
    // Not told of writes, polling once a minute: the index moves only on refresh() below.
    t = await openTestApp(factory, { records: recordSet(10), changeNotifications: false });
    const before = t.runtime.deps.index.seq;
    await t.db.store.importRecords([[orgRecord(500), orgRecord(501)]], { actor: 'test' });
    const after = await t.db.store.currentSeq();
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ dataVersion: before, storeVersion: after, lag: after - before });
    await t.runtime.refresh();
    expect(await (await t.app.request('/readyz')).json()).toMatchObject({ lag: 0, dataVersion: after });
  });

  test('is not ready when the last catch-up is older than max(3 × refresh interval, 5 s)', async () => {
    t = await openTestApp(factory, { records: recordSet(10), refreshMs: 1000 });
    const deps = t.runtime.deps;
    const fresh = await checkReadiness(deps);
    expect(fresh.ready).toBe(true);
    expect(await checkReadiness(deps, Date.now() + 4_000)).toMatchObject({ ready: true });
    expect(await checkReadiness(deps, Date.now() + 6_000)).toMatchObject({
      ready: false,
      reason: 'catching-up',
    });
    // Through HTTP: an app whose index last caught up a minute ago (a long import being applied).
    const status = deps.ops!.refreshStatus();
    const stale = createApp({
      ...deps,
      ops: { ...deps.ops!, refreshStatus: () => ({ ...status, lastSuccessAt: Date.now() - 60_000 }) },
    });
    const body = await notReady(stale);
    expect(body.reason).toBe('catching-up');
    expect(body.lag).toBe(0);
  });

  test('is not ready while catch-ups fail (a change the index cannot apply), and says so', async () => {
    t = await openTestApp(factory, { records: recordSet(10), changeNotifications: false });
    await t.db.raw(
      `INSERT INTO change_log (at, type, entity_id, subject_key, actor, data)
       VALUES ('2026-11-23T00:00:00Z', 'entry.created', 'ent_broken', NULL, 'test', '{}')`,
    );
    await t.runtime.refresh();
    const status = t.runtime.deps.ops!.refreshStatus();
    expect(status.lastError).toMatch(/change \d+/);
    expect(status.failures).toBe(1);
    const body = await notReady(t.app);
    expect(body.reason).toBe('refresh-failing');
    expect(body.lag).toBe(1);
    expect(body.storeVersion).toBe(body.dataVersion + 1);
  });

  test('is not ready when the store cannot be reached', async () => {
    t = await openTestApp(factory, { records: recordSet(5), changeNotifications: false });
    // Stopped in the right order (as a shutdown does), then the store goes away under an app that
    // is not shutting down.
    await t.runtime.stop();
    await t.db.store.close();
    const deps = t.runtime.deps;
    const app = createApp({ ...deps, ops: { ...deps.ops!, stopping: new AbortController().signal } });
    const body = await notReady(app);
    expect(body.reason).toBe('store-unreachable');
    expect(body.lag).toBeNull();
    expect(body.storeVersion).toBeNull();
    await t.db.dispose().catch(() => {});
    t = undefined;
  });

  test('answers 503 shutting-down once the server starts draining', async () => {
    t = await openTestApp(factory, { records: recordSet(5) });
    expect((await t.app.request('/readyz')).status).toBe(200);
    t.runtime.drain();
    expect((await notReady(t.app)).reason).toBe('shutting-down');
    // Liveness is another question: the process still answers.
    expect((await t.app.request('/healthz')).status).toBe(200);
  });
});
