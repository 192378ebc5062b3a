// @vitest-environment node
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiClient, ApiProblem, retryAfterMs } from '../src/background/api-client.ts';

/** A server that answers 429 (Retry-After 0.2 s) to the first `limited` requests, then 200. */
async function rateLimited(limited: number) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (seen.length <= limited) {
      res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '0.2' });
      res.end(JSON.stringify({ type: '/problems/rate-limited', title: 'Too many requests', status: 429 }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the API client', () => {
  it('keeps every path under the API URL, also when that URL has a path of its own', () => {
    const api = new ApiClient({ apiUrl: 'https://gw.example.gov.cn/credcheck', apiKey: 'k' });
    expect(api.url('/v1/snapshot')).toBe('https://gw.example.gov.cn/credcheck/v1/snapshot');
    expect(api.url('/v1/snapshot/deltas/41')).toBe(
      'https://gw.example.gov.cn/credcheck/v1/snapshot/deltas/41',
    );
    expect(api.url('https://gw.example.gov.cn/credcheck/v1/snapshot/deltas/41')).toBe(
      'https://gw.example.gov.cn/credcheck/v1/snapshot/deltas/41',
    );
  });

  it('refuses a link to another origin, so a tampered answer cannot carry the key away', () => {
    const api = new ApiClient({ apiUrl: 'https://gw.example.gov.cn', apiKey: 'k' });
    expect(() => api.url('https://evil.example.com/v1/snapshot/deltas/41')).toThrow(ApiProblem);
    expect(() => api.url('//evil.example.com/v1/snapshot')).toThrow(ApiProblem);
  });

  it('waits as a 429 asks and reads again, a few times at most; writes are never repeated', async () => {
    const twice = await rateLimited(2);
    try {
      const api = new ApiClient({ apiUrl: twice.url, apiKey: '' });
      const started = Date.now();
      expect(await api.getJson('/v1/snapshot/deltas?from=1')).toEqual({ ok: true });
      expect(twice.seen).toHaveLength(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      await expect(api.postJson('/v1/decisions', {})).resolves.toEqual({ ok: true });
    } finally {
      await twice.close();
    }
    const always = await rateLimited(100);
    try {
      const api = new ApiClient({ apiUrl: always.url, apiKey: '' });
      await expect(api.getJson('/v1/snapshot')).rejects.toMatchObject({ status: 429 });
      expect(always.seen).toHaveLength(4);
      await expect(api.postJson('/v1/decisions', {})).rejects.toMatchObject({ status: 429 });
      expect(always.seen).toHaveLength(5);
    } finally {
      await always.close();
    }
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs('120')).toBe(5000);
    expect(retryAfterMs('0')).toBe(200);
  });
});
