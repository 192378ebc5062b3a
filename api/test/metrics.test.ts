import { residentIdCheckChar } from '@credcheck/sdk/identifiers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { LATENCY_BUCKETS } from '../src/metrics/http-metrics.ts';
import { CONTENT_TYPE, Registry } from '../src/metrics/registry.ts';
import { createRouteMatcher, openApiTemplate } from '../src/metrics/route-matcher.ts';
import { planDeliveries } from '../src/webhooks/routing.ts';
import { orgRecord, recordSet, usccFor } from './helpers/records.ts';
import { bothStores } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/** `name{labels}` → value, from the exposition text (checks the line format on the way). */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?) (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

describe('metrics registry', () => {
  it('writes counters, histograms with cumulative buckets, and gauges in the 0.0.4 text format', async () => {
    const r = new Registry();
    const c = r.counter('t_requests_total', 'Requests\nby kind', ['kind']);
    c.labels('a"b\\c').inc();
    c.labels('a"b\\c').inc(2);
    c.labels('x').inc();
    const h = r.histogram('t_seconds', 'Latency', [0.1, 1], ['route']);
    for (const v of [0.05, 0.1, 0.5, 3]) h.labels('/r').observe(v);
    r.gauge('t_gauge', 'A gauge', () => 7);
    r.gauge('t_labelled', 'Labelled', () => [[{ pool: 'main' }, 2]]);
    r.gauge('t_absent', 'Not readable now', () => null);
    r.gauge('t_broken', 'Throws', () => {
      throw new Error('no');
    });
    const text = await r.render();
    expect(text).toContain('# HELP t_requests_total Requests\\nby kind\n# TYPE t_requests_total counter\n');
    expect(text).toContain('t_requests_total{kind="a\\"b\\\\c"} 3\n');
    expect(text).toContain('t_requests_total{kind="x"} 1\n');
    expect(text).toContain('# TYPE t_seconds histogram\n');
    expect(text).toContain('t_seconds_bucket{route="/r",le="0.1"} 2\n');
    expect(text).toContain('t_seconds_bucket{route="/r",le="1"} 3\n');
    expect(text).toContain('t_seconds_bucket{route="/r",le="+Inf"} 4\n');
    expect(text).toContain('t_seconds_sum{route="/r"} 3.65\n');
    expect(text).toContain('t_seconds_count{route="/r"} 4\n');
    expect(text).toContain('# TYPE t_gauge gauge\nt_gauge 7\n');
    expect(text).toContain('t_labelled{pool="main"} 2\n');
    expect(text).not.toContain('t_absent');
    expect(text).not.toContain('t_broken');
  });

  it('refuses a bad or repeated metric name', () => {
    const r = new Registry();
    r.counter('ok_total', 'x');
    expect(() => r.counter('ok_total', 'x')).toThrow(/twice/);
    expect(() => r.counter('bad-name', 'x')).toThrow(/bad metric name/);
  });
});

describe('route matcher', () => {
  const match = createRouteMatcher(
    [
      { method: 'get', template: '/v1/subjects/{code}' },
      { method: 'post', template: '/v1/subjects/batch' },
      { method: 'get', template: '/v1/decisions/{id}' },
      { method: 'get', template: '/v1/decisions/{id}/feedback' },
      { method: 'post', template: '/v1/decisions/{id}/feedback' },
      { method: 'get', template: '/healthz' },
    ],
    (t) => t,
  );

  it('gives the template, never the path', () => {
    expect(match('GET', '/v1/subjects/91310000MA1FL3L24X')).toBe('/v1/subjects/{code}');
    expect(match('GET', '/v1/decisions/dec_1/feedback')).toBe('/v1/decisions/{id}/feedback');
    expect(match('HEAD', '/healthz')).toBe('/healthz');
  });

  it('prefers static segments and the template routed for the method', () => {
    expect(match('POST', '/v1/subjects/batch')).toBe('/v1/subjects/batch');
    // Hono routes GET /v1/subjects/batch to the lookup (a code "batch").
    expect(match('GET', '/v1/subjects/batch')).toBe('/v1/subjects/{code}');
    // A method no route takes still names the path's template (the answer is a 404/405 there).
    expect(match('DELETE', '/v1/subjects/x')).toBe('/v1/subjects/{code}');
  });

  it('returns null for unknown paths, empty parameters and trailing segments', () => {
    expect(match('GET', '/v1/subjects/')).toBeNull();
    expect(match('GET', '/v1/subjects/a/b')).toBeNull();
    expect(match('GET', '/nope')).toBeNull();
    expect(match('GET', '')).toBeNull();
  });

  it('reads Hono paths as OpenAPI templates', () => {
    expect(openApiTemplate('/problems/:slug')).toBe('/problems/{slug}');
    expect(openApiTemplate('/a/:id{[0-9]+}/b')).toBe('/a/{id}/b');
  });
});

const factories = await bothStores('metrics tests');
const PERSON_ID = (() => {
  const first17 = '11010519800101001';
  return first17 + residentIdCheckChar(first17);
})();

describe.each(factories)('$name store: GET /metrics', (factory) => {
  let t: TestApp;
  let implementer: string;
  const scrape = async (app = t.app) => {
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(CONTENT_TYPE);
    const text = await res.text();
    return { text, m: parse(text) };
  };

  beforeAll(async () => {
    if (factory.skip) return;
    t = await openTestApp(factory, { records: recordSet(40) });
    implementer = await t.key('implementer');
  });
  afterAll(async () => {
    await t?.close();
  });

  it.skipIf(factory.skip)(
    'counts requests by method, route template and status, the hot lookup lane included',
    async () => {
      const code = usccFor(3);
      const hot = await t.app.request(`/v1/subjects/${code}`);
      expect(hot.status).toBe(200);
      // A query string or an overlong code leaves the hot lane: the same route through the middleware chain.
      expect((await t.app.request(`/v1/subjects/${code}?x=1`)).status).toBe(200);
      expect((await t.app.request(`/v1/subjects/${'9'.repeat(65)}`)).status).toBe(400);
      expect((await t.app.request(`/v1/subjects/${PERSON_ID}`)).status).toBe(404);
      expect((await t.app.request(`/no/such/${PERSON_ID}`)).status).toBe(404);
      const { text, m } = await scrape();
      const lookups = (status: number) =>
        m.get(`credcheck_http_requests_total{method="GET",route="/v1/subjects/{code}",status="${status}"}`);
      expect(lookups(200)).toBe(2);
      expect(lookups(400)).toBe(1);
      expect(lookups(404)).toBe(1);
      expect(m.get('credcheck_http_requests_total{method="GET",route="other",status="404"}')).toBe(1);
      expect(m.get('credcheck_http_request_duration_seconds_count{route="/v1/subjects/{code}"}')).toBe(4);
      const top = LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1];
      expect(
        m.get(`credcheck_http_request_duration_seconds_bucket{route="/v1/subjects/{code}",le="${top}"}`),
      ).toBe(4);
      // Codes are personal data for persons: no path, no code, anywhere in the text.
      expect(text).not.toContain(PERSON_ID);
      expect(text).not.toContain(code);
      expect(text).not.toContain('/no/such');
    },
  );

  it.skipIf(factory.skip)(
    'shows the index size, data versions and the change lag read at scrape time',
    async () => {
      // Its own app, its refresher stopped: the index moves only when the test says so.
      const t = await openTestApp(factory, { records: recordSet(40) });
      await t.runtime.stop();
      const scrape = async () => ({ m: parse(await (await t.app.request('/metrics')).text()) });
      let { m } = await scrape();
      expect(m.get('credcheck_index_subjects')).toBe(t.runtime.deps.index.list.size);
      expect(m.get('credcheck_index_entries')).toBe(40);
      const seq = await t.db.store.currentSeq();
      expect(m.get('credcheck_data_version')).toBe(seq);
      expect(m.get('credcheck_store_data_version')).toBe(seq);
      expect(m.get('credcheck_change_lag')).toBe(0);
      expect(m.get('credcheck_store_up')).toBe(1);

      // Written by "another process": the index has not caught up yet.
      await t.db.store.importRecords([[orgRecord(900), orgRecord(901)]], { actor: 'test' });
      const ahead = await t.db.store.currentSeq();
      ({ m } = await scrape());
      expect(m.get('credcheck_store_data_version')).toBe(ahead);
      expect(m.get('credcheck_data_version')).toBe(seq);
      expect(m.get('credcheck_change_lag')).toBe(ahead - seq);
      await t.runtime.refresh();
      ({ m } = await scrape());
      expect(m.get('credcheck_change_lag')).toBe(0);
      expect(m.get('credcheck_index_entries')).toBe(42);
      expect(m.get('credcheck_index_refresh_failures')).toBe(0);
      expect(m.get('credcheck_index_refresh_age_seconds')).toBeLessThan(5);
      await t.db.dispose();
    },
  );

  it.skipIf(factory.skip)('shows the webhook backlog: deliveries pending in the outbox', async () => {
    expect((await scrape()).m.get('credcheck_webhook_backlog')).toBe(0);
    const hook = await t.db.store.createWebhook(
      {
        id: 'wh_00000000000000000a01',
        ownerKeyId: 'key_00000000000000000a01',
        url: 'https://loans.example-bank.cn/hook',
        description: null,
        listTypes: null,
        watchList: null,
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      },
      'test',
    );
    // Paused: the runtime's worker queues its deliveries but never sends them anywhere.
    await t.db.store.updateWebhook(hook.id, { status: 'paused' }, 'test');
    await t.db.store.importRecords([[orgRecord(902), orgRecord(903)]], { actor: 'test' });
    // The runtime's own dispatcher may route some first; either way all are routed after this.
    while ((await t.db.store.dispatchWebhooks(100, new Date().toISOString(), planDeliveries)).more) {}
    const pending = await t.db.store.countPendingWebhookDeliveries();
    expect(pending).toBeGreaterThanOrEqual(2);
    expect((await t.db.store.listWebhookDeliveries(hook.id, { limit: 100, status: 'pending' })).length).toBe(
      pending,
    );
    expect((await scrape()).m.get('credcheck_webhook_backlog')).toBe(pending);
  });

  it.skipIf(factory.skip)('counts decisions by outcome, not their idempotent replays', async () => {
    const decide = (key?: string) =>
      t.app.request('/v1/decisions', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${implementer}`,
          'content-type': 'application/json',
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: JSON.stringify({ scenario: 'gov-procurement', subject: { code: usccFor(999_999) } }),
      });
    expect((await decide()).status).toBe(200);
    expect((await decide('same-request-1')).status).toBe(200);
    expect((await decide('same-request-1')).status).toBe(200);
    const { m } = await scrape();
    expect(m.get('credcheck_decisions_total{outcome="clear"}')).toBe(2);
    expect(m.get('credcheck_http_requests_total{method="POST",route="/v1/decisions",status="200"}')).toBe(3);
  });

  it.skipIf(factory.skip)('shows process memory, heap, event-loop delay and uptime', async () => {
    const { m } = await scrape();
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(m.get('nodejs_heap_used_bytes')).toBeGreaterThan(1_000_000);
    expect(m.get('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(m.get('process_uptime_seconds')).toBeGreaterThan(0);
  });

  it.skipIf(factory.skip)('asks for CREDCHECK_METRICS_TOKEN when one is set', async () => {
    const deps = t.runtime.deps;
    const app = createApp({ ...deps, config: { ...deps.config, metricsToken: 'scrape-secret-1' } });
    const none = await app.request('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect((await none.json()).type).toBe('/problems/unauthorized');
    const wrong = await app.request('/metrics', { headers: { authorization: 'Bearer scrape-secret-2' } });
    expect(wrong.status).toBe(401);
    const longer = await app.request('/metrics', { headers: { authorization: 'Bearer scrape-secret-10' } });
    expect(longer.status).toBe(401);
    const right = await app.request('/metrics', { headers: { authorization: 'Bearer scrape-secret-1' } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('credcheck_index_entries');
    // Without a token the endpoint is open.
    expect((await t.app.request('/metrics')).status).toBe(200);
  });
});
