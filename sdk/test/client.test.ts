import { readFileSync } from 'node:fs';
import { delay, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CredCheckError,
  createClient,
  LOOKUP_BATCH_MAX,
  operations,
  ProblemError,
  type UnavailableDecision,
} from '../src/client/index.ts';

const BASE = 'https://api.credcheck.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const fast = { limit: 2, baseDelayMs: 40, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
const problem = (status: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  HttpResponse.json(
    { type: `/problems/p${status}`, title: `t${status}`, status, detail: 'd', detailZh: '中文', ...extra },
    { status, headers: { 'content-type': 'application/problem+json', ...headers } },
  );
const lookupBody = {
  dataVersion: 7,
  asOf: '2026-11-23',
  counts: { found: 0, notFound: 0, invalid: 0 },
  items: [],
};

describe('every operation of openapi.json has a client method', () => {
  it('maps each path and method to a function of the client', () => {
    const doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));
    const client = createClient({ baseUrl: BASE });
    const table = operations as Record<string, string>;
    const keys: string[] = [];
    for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        if (item[method]) keys.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(keys.length).toBeGreaterThan(40);
    for (const key of keys) {
      expect(table[key], key).toBeTypeOf('string');
      expect((client as unknown as Record<string, unknown>)[table[key]!], key).toBeTypeOf('function');
    }
    expect(Object.keys(table).sort()).toEqual([...keys].sort());
  });
});

describe('retries', () => {
  it('retries a GET on 503 with exponential backoff, then answers', async () => {
    const times: number[] = [];
    server.use(
      http.get(`${BASE}/v1/subjects/:code`, ({ request, params }) => {
        times.push(performance.now());
        expect(request.headers.get('authorization')).toBe('Bearer cck_k');
        if (times.length < 3) return problem(503);
        return HttpResponse.json({ code: params.code });
      }),
    );
    const client = createClient({ baseUrl: BASE, apiKey: 'cck_k', retry: fast });
    const res = (await client.lookup('91110108MA0U94MT1P')) as unknown as { code: string };
    expect(res.code).toBe('91110108MA0U94MT1P');
    expect(times).toHaveLength(3);
    const gaps = [times[1]! - times[0]!, times[2]! - times[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
  });

  it('retries a network error on a GET, and gives up after the limit with the attempts counted', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/scenarios`, () => {
        calls++;
        return HttpResponse.error();
      }),
    );
    const client = createClient({ baseUrl: BASE, retry: { ...fast, baseDelayMs: 5 } });
    const err = await client.scenarios().catch((e) => e);
    expect(err).toBeInstanceOf(CredCheckError);
    expect(err.kind).toBe('network');
    expect(err.attempts).toBe(3);
    expect(calls).toBe(3);
  });

  it('does not retry non-idempotent calls: a decision batch, a write without an Idempotency-Key', async () => {
    let batch = 0;
    let entries = 0;
    const keys: (string | null)[] = [];
    server.use(
      http.post(`${BASE}/v1/decisions/batch`, () => {
        batch++;
        return problem(503);
      }),
      http.post(`${BASE}/v1/entries`, ({ request }) => {
        entries++;
        keys.push(request.headers.get('idempotency-key'));
        return problem(502);
      }),
    );
    const client = createClient({ baseUrl: BASE, retry: { ...fast, baseDelayMs: 5 } });
    await expect(
      client.decideBatch({ scenario: 's', items: [{ subject: { code: 'x' } }] }),
    ).rejects.toBeInstanceOf(ProblemError);
    expect(batch).toBe(1);
    await expect(client.createEntry({} as never)).rejects.toBeInstanceOf(ProblemError);
    expect(entries).toBe(1);
    // With a key the API deduplicates, so the client may repeat it.
    await expect(client.createEntry({} as never, { idempotencyKey: 'k-1' })).rejects.toBeInstanceOf(
      ProblemError,
    );
    expect(entries).toBe(4);
    expect(keys).toEqual([null, 'k-1', 'k-1', 'k-1']);
  });

  it('never retries a 4xx problem other than 408/429', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/subjects/:code`, () => {
        calls++;
        return problem(400);
      }),
    );
    const client = createClient({ baseUrl: BASE, retry: fast });
    await expect(client.lookup('x')).rejects.toBeInstanceOf(ProblemError);
    expect(calls).toBe(1);
  });

  it('honours Retry-After on 429 rather than its own backoff', async () => {
    const times: number[] = [];
    server.use(
      http.get(`${BASE}/v1/scenarios`, () => {
        times.push(performance.now());
        if (times.length === 1) return problem(429, {}, { 'retry-after': '1' });
        return HttpResponse.json({ items: [] });
      }),
    );
    const client = createClient({ baseUrl: BASE, retry: { ...fast, baseDelayMs: 5 } });
    await client.scenarios();
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once when Retry-After is longer than it may wait, and says how long', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/scenarios`, () => {
        calls++;
        return problem(503, {}, { 'retry-after': '3600' });
      }),
    );
    const client = createClient({ baseUrl: BASE, retry: fast });
    const err = await client.scenarios().catch((e) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect(err.retryAfter).toBe(3600);
    expect(calls).toBe(1);
  });
});

describe('timeouts', () => {
  it('aborts a slow attempt after the timeout and reports it as a timeout', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/scenarios`, async () => {
        calls++;
        await delay(2_000);
        return HttpResponse.json({ items: [] });
      }),
    );
    const client = createClient({ baseUrl: BASE, timeout: 60, retry: { ...fast, limit: 1, baseDelayMs: 5 } });
    const started = performance.now();
    const err = await client.scenarios().catch((e) => e);
    expect(err).toBeInstanceOf(CredCheckError);
    expect(err.kind).toBe('timeout');
    expect(err.unavailable).toBe(true);
    expect(calls).toBe(2);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

describe('decide() fails closed', () => {
  const request = { scenario: 'gov-procurement', subject: { code: '91110108MA0U94MT1P' } };

  it('returns unavailable (never clear) when the API cannot be reached, with the policy as action', async () => {
    server.use(http.post(`${BASE}/v1/decisions`, () => HttpResponse.error()));
    const client = createClient({
      baseUrl: BASE,
      retry: { ...fast, baseDelayMs: 5 },
      onUnavailable: 'review',
    });
    const r = (await client.decide(request)) as UnavailableDecision;
    expect(r.outcome).toBe('unavailable');
    expect(r.action).toBe('review');
    expect(r.cause.kind).toBe('network');
    const blocked = (await client.decide(request, { onUnavailable: 'block' })) as UnavailableDecision;
    expect(blocked.action).toBe('block');
    const bare = createClient({ baseUrl: BASE, retry: 0 });
    expect(await bare.decide(request)).toMatchObject({ outcome: 'unavailable', action: null });
  });

  it('retries a decision with one generated Idempotency-Key, then reports 5xx as unavailable', async () => {
    const keys: (string | null)[] = [];
    server.use(
      http.post(`${BASE}/v1/decisions`, ({ request }) => {
        keys.push(request.headers.get('idempotency-key'));
        return problem(500);
      }),
    );
    const client = createClient({ baseUrl: BASE, retry: { ...fast, baseDelayMs: 5 } });
    const r = (await client.decide(request)) as UnavailableDecision;
    expect(r).toMatchObject({ outcome: 'unavailable', action: null });
    expect(r.cause).toBeInstanceOf(ProblemError);
    expect(r.cause.attempts).toBe(3);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    await client.decide(request);
    expect(keys[3]).not.toBe(keys[0]);
  });

  it('times out into unavailable too', async () => {
    server.use(
      http.post(`${BASE}/v1/decisions`, async () => {
        await delay(2_000);
        return HttpResponse.json({});
      }),
    );
    const client = createClient({ baseUrl: BASE, timeout: 50, retry: 0, onUnavailable: 'block' });
    expect(await client.decide(request)).toMatchObject({ outcome: 'unavailable', action: 'block' });
  });

  it('throws a refusal (the caller must fix it) instead of calling it unavailable', async () => {
    server.use(http.post(`${BASE}/v1/decisions`, () => problem(403)));
    const client = createClient({ baseUrl: BASE, retry: fast });
    await expect(client.decide(request)).rejects.toMatchObject({ status: 403, kind: 'problem' });
  });
});

describe('errors are RFC 9457 problems', () => {
  it('carries type, status, title, detail, detailZh and the extensions', async () => {
    server.use(
      http.get(`${BASE}/v1/subjects/:code`, () =>
        problem(400, { errors: [{ field: 'code', message: 'bad check character' }], instance: '/x' }),
      ),
    );
    const client = createClient({ baseUrl: BASE });
    const err = (await client.lookup('nope').catch((e) => e)) as ProblemError;
    expect(err).toBeInstanceOf(ProblemError);
    expect(err).toBeInstanceOf(CredCheckError);
    expect(err).toMatchObject({
      type: '/problems/p400',
      status: 400,
      title: 't400',
      detail: 'd',
      detailZh: '中文',
    });
    expect(err.extensions).toEqual({
      errors: [{ field: 'code', message: 'bad check character' }],
      instance: '/x',
    });
    expect(err.problem.status).toBe(400);
    expect(err.unavailable).toBe(false);
  });

  it('describes a response without a problem body (an HTML 502 from a proxy) as one', async () => {
    server.use(
      http.get(`${BASE}/v1/scenarios`, () => new HttpResponse('<html>bad gateway</html>', { status: 502 })),
    );
    const client = createClient({ baseUrl: BASE, retry: 0 });
    const err = (await client.scenarios().catch((e) => e)) as ProblemError;
    expect(err).toMatchObject({ type: 'about:blank', status: 502, kind: 'server' });
  });
});

describe('batch helpers', () => {
  it('lookupMany splits into 10,000-code chunks, bounds concurrency and keeps the input order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const sizes: number[] = [];
    server.use(
      http.post(`${BASE}/v1/subjects/batch`, async ({ request }) => {
        const { codes } = (await request.json()) as { codes: string[] };
        sizes.push(codes.length);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Later chunks answer sooner, so completion order differs from input order.
        await delay(120 - Number(codes[0]!.slice(1)) / 1000);
        inFlight--;
        return HttpResponse.json({
          ...lookupBody,
          counts: { found: 0, notFound: codes.length, invalid: 0 },
          items: codes.map((code, index) => ({ index, code, result: 'not-found', status: 'clean' })),
        });
      }),
    );
    const codes = Array.from({ length: 45_001 }, (_, i) => `c${i}`);
    const client = createClient({ baseUrl: BASE });
    const res = await client.lookupMany(codes, { concurrency: 2 });
    expect(sizes.sort((a, b) => b - a)).toEqual([LOOKUP_BATCH_MAX, 10_000, 10_000, 10_000, 5_001]);
    expect(maxInFlight).toBe(2);
    expect(res.counts.notFound).toBe(45_001);
    expect(res.items.map((i) => i.code)).toEqual(codes);
    expect(res.items.map((i) => i.index)).toEqual(codes.map((_, i) => i));
  });

  it('decideMany splits into 1,000-item chunks; a chunk that fails is unavailable, in place', async () => {
    let calls = 0;
    server.use(
      http.post(`${BASE}/v1/decisions/batch`, async ({ request }) => {
        calls++;
        const body = (await request.json()) as { scenario: string; items: { reference: string }[] };
        expect(body.scenario).toBe('loan');
        if (body.items[0]!.reference === 'r1000') return problem(503);
        return HttpResponse.json({
          dataVersion: 1,
          decided: body.items.length,
          failed: 0,
          items: body.items.map((it, index) => ({ index, outcome: 'clear', reference: it.reference })),
        });
      }),
    );
    const items = Array.from({ length: 2_500 }, (_, i) => ({
      subject: { code: `c${i}` },
      reference: `r${i}`,
    }));
    const client = createClient({ baseUrl: BASE, retry: fast });
    const res = await client.decideMany(items, { scenario: 'loan', concurrency: 3, onUnavailable: 'review' });
    expect(calls).toBe(3);
    expect(res).toMatchObject({ decided: 1_500, unavailable: 1_000, failed: 0 });
    expect(res.items.map((i) => i.index)).toEqual(items.map((_, i) => i));
    expect(res.items[999]).toMatchObject({ outcome: 'clear', reference: 'r999' });
    expect(res.items[1000]).toMatchObject({ outcome: 'unavailable', action: 'review' });
    expect(res.items[2000]).toMatchObject({ outcome: 'clear', reference: 'r2000' });
  });
});

describe('change stream', () => {
  it('parses server-sent events split across chunks, with comments and CRLF, as changes', async () => {
    const parts = [
      ': keep-alive\r\n\r\nevent: change\r\nid: 1\r\ndata: {"seq":1,',
      '"type":"entry.created"}\r\n\r\nevent: other\ndata: x\n\nevent: change\nid: 2\ndata: {"seq":2,"type":"entry.expired"}\n\n',
    ];
    server.use(
      http.get(`${BASE}/v1/changes/stream`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('since')).toBe('0');
        const encoder = new TextEncoder();
        const stream = new ReadableStream({
          start(controller) {
            for (const p of parts) controller.enqueue(encoder.encode(p));
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'text/event-stream' } });
      }),
    );
    const client = createClient({ baseUrl: BASE });
    const seen = [];
    for await (const change of client.changesStream({ since: 0 })) seen.push(change);
    expect(seen).toEqual([
      { seq: 1, type: 'entry.created' },
      { seq: 2, type: 'entry.expired' },
    ]);
  });
});
