import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../api/src/demo/dataset.ts';
import { DEMO_SEED, DEMO_SUBJECTS } from '../../api/src/demo/seed.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';

const ADMIN = 'cck_e2e-admin-key-for-this-test-only';

/** The credit API over real HTTP: bodies are read from the socket, not through app.request. */
describe('a real API process: batch lookups, decisions and receipts over HTTP', () => {
  let api: ApiProcess;
  let listed: string[];
  const json = (body: unknown, key: string | null = ADMIN) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  beforeAll(async () => {
    api = await startApiProcess({ CREDCHECK_ADMIN_KEY: ADMIN, CREDCHECK_BODY_LIMIT: '200000' });
    // The demo set is deterministic: the generator gives the codes the API seeded.
    listed = [];
    for (const row of generateDataset({ seed: DEMO_SEED, subjects: DEMO_SUBJECTS, today: '2026-11-23' })) {
      if (row.subject_type === 'org' && !listed.includes(row.uscc)) listed.push(row.uscc);
      if (listed.length === 50) break;
    }
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('answers a batch of demo codes read from the socket', async () => {
    expect(listed.length).toBeGreaterThan(5);
    const res = await fetch(`${api.url}/v1/subjects/batch`, json({ codes: listed }, null));
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/app;dur=/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = await res.json();
    expect(body.counts.found).toBe(listed.length);
  });

  it('refuses a body over CREDCHECK_BODY_LIMIT with 413, and broken JSON with 400, as problems', async () => {
    const big = await fetch(
      `${api.url}/v1/subjects/batch`,
      json({ codes: Array(9000).fill('x'.repeat(30)) }, null),
    );
    expect(big.status).toBe(413);
    expect((await big.json()).type).toBe('/problems/payload-too-large');
    const broken = await fetch(`${api.url}/v1/subjects/batch`, json('{"codes": [', null));
    expect(broken.status).toBe(400);
    expect((await broken.json()).type).toBe('/problems/malformed-body');
  });

  it('decides with the admin key from CREDCHECK_ADMIN_KEY and signs a verifiable receipt', async () => {
    const res = await fetch(
      `${api.url}/v1/decisions`,
      json({ scenario: 'gov-procurement', subject: { code: listed[0] } }),
    );
    expect(res.status).toBe(200);
    const d = await res.json();
    const jwks = await (await fetch(`${api.url}/.well-known/jwks.json`)).json();
    const { payload } = await compactVerify(d.receipt, createLocalJWKSet(jwks));
    expect(JSON.parse(new TextDecoder().decode(payload)).jti).toBe(d.id);
    const stored = await fetch(`${api.url}/v1/decisions/${d.id}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect((await stored.json()).receipt).toBe(d.receipt);
  });

  it('refuses decisions without a key and with a wrong key', async () => {
    const anon = await fetch(
      `${api.url}/v1/decisions`,
      json({ scenario: 'gov-procurement', subject: { code: listed[0] } }, null),
    );
    expect(anon.status).toBe(403);
    const wrong = await fetch(
      `${api.url}/v1/decisions`,
      json({ scenario: 'gov-procurement', subject: { code: listed[0] } }, 'cck_wrong'),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers lookups on its node lane exactly as through the app: status, headers and body', async () => {
    // A query string sends the request through the adapter and Hono's middleware chain.
    const both = async (path: string, headers: Record<string, string>) => {
      const init = { headers: { 'x-request-id': 'lane-e2e', ...headers } };
      const lane = await fetch(`${api.url}${path}`, init);
      const app = await fetch(`${api.url}${path}?lane=app`, init);
      const seen = (r: Response) => {
        const h = Object.fromEntries(r.headers);
        delete h.date;
        // The second request took one more token from the same bucket.
        delete h['ratelimit-remaining'];
        return h;
      };
      expect(lane.status).toBe(app.status);
      expect(seen(lane)).toEqual(seen(app));
      const text = await lane.text();
      expect(text).toBe(await app.text());
      return { status: lane.status, text, etag: lane.headers.get('etag') };
    };
    const admin = { authorization: `Bearer ${ADMIN}` };
    const code = listed[0]!;
    const found = await both(`/v1/subjects/${code}`, admin);
    expect(found.status).toBe(200);
    expect((await both(`/v1/subjects/${code}`, {})).status).toBe(200);
    expect((await both(`/v1/subjects/${code}`, { ...admin, 'if-none-match': found.etag! })).status).toBe(304);
    expect(
      (await both(`/v1/subjects/${code.toLowerCase()}`, { origin: 'https://portal.example' })).status,
    ).toBe(200);
    const clean = `${code.slice(0, 8)}${'0'.repeat(9)}`;
    const { usccCheckChar } = await import('@credcheck/sdk/identifiers');
    expect((await both(`/v1/subjects/${clean}${usccCheckChar(clean)}`, admin)).status).toBe(404);
    expect((await both('/v1/subjects/91110000MA00000000', admin)).status).toBe(400);
    expect((await both('/v1/subjects/hello', {})).status).toBe(400);
    expect((await both(`/v1/subjects/${code}`, { authorization: 'Basic eHl6' })).status).toBe(401);
    // Counted by the metrics like any other request.
    const metrics = await (await fetch(`${api.url}/metrics`, { headers: admin })).text();
    expect(metrics).toMatch(
      /credcheck_http_requests_total\{method="GET",route="\/v1\/subjects\/\{code\}",status="200"\} \d+/,
    );
  });
});
