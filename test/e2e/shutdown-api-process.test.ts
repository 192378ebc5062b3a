import { type IncomingMessage, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startApiProcess } from '../helpers/api-process.ts';

/**
 * Graceful shutdown of the real server process: on SIGTERM it stops accepting connections, lets
 * the requests in flight finish (up to CREDCHECK_SHUTDOWN_MS), ends live change streams, and exits 0.
 * Its JSON log is one object per line, with a line per request that names the route, not the path.
 */

const CODE = '91110000600037341L';

interface Held {
  /** Sends the rest of the body. */
  finish(): void;
  response: Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }>;
}

/** A POST whose headers and first half of the body are sent now and the rest on finish(): in flight meanwhile. */
function heldPost(url: string, path: string, body: string, requestId: string): Held {
  const half = Math.floor(body.length / 2);
  const req = request(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-request-id': requestId,
    },
  });
  const response = new Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }>(
    (resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
        res.on('error', reject);
      });
      req.on('error', reject);
    },
  );
  req.write(body.slice(0, half));
  return { finish: () => req.end(body.slice(half)), response };
}

const until = async (what: string, check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('API process: graceful shutdown', () => {
  it('finishes a request in flight with 200, refuses new connections, exits 0 and logs JSON only', async () => {
    const api = await startApiProcess({ CREDCHECK_DEMO: '0', CREDCHECK_LOG: 'json' });
    const held = heldPost(
      api.url,
      '/v1/subjects/batch',
      JSON.stringify({ codes: [CODE] }),
      'shutdown-test-1',
    );
    // The server has the request (headers and half the body) before the signal.
    await new Promise((r) => setTimeout(r, 300));
    const exit = api.stop();
    await until('the drain to start', () => api.output().includes('shutting down'));
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    held.finish();
    const res = await held.response;
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('shutdown-test-1');
    // Told not to reuse the connection: it goes to another instance next.
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body).items).toHaveLength(1);
    await exit;
    expect(api.exitCode()).toBe(0);

    const lines = api
      .output()
      .split('\n')
      .filter((l) => l.trim() !== '');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of records) {
      expect(['info', 'warn', 'error']).toContain(r.level);
      expect(typeof r.time).toBe('string');
    }
    const line = records.find((r) => r.requestId === 'shutdown-test-1');
    expect(line).toMatchObject({ method: 'POST', route: '/v1/subjects/batch', status: 200 });
    expect(typeof line?.ms).toBe('number');
    expect(records.some((r) => typeof r.msg === 'string' && r.msg.startsWith('stopped in'))).toBe(true);
    expect(api.output()).not.toContain(CODE);
  });

  it('closes a request still in flight after CREDCHECK_SHUTDOWN_MS and exits 0', async () => {
    const api = await startApiProcess({ CREDCHECK_DEMO: '0', CREDCHECK_SHUTDOWN_MS: '800' });
    const held = heldPost(api.url, '/v1/subjects/batch', JSON.stringify({ codes: [CODE] }), 'never-finished');
    const failed = held.response.then(
      () => false,
      () => true,
    );
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await api.stop();
    expect(api.exitCode()).toBe(0);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(700);
    expect(took).toBeLessThan(5000);
    expect(await failed).toBe(true);
    expect(api.output()).toMatch(/still in flight after 800 ms/);
  });

  it('ends live change streams at once instead of waiting for the deadline', async () => {
    const api = await startApiProcess({ CREDCHECK_DEMO: '0', CREDCHECK_SHUTDOWN_MS: '30000' });
    const ended = new Promise<number>((resolve, reject) => {
      request(`${api.url}/v1/changes/stream`, (res) => {
        expect(res.statusCode).toBe(200);
        res.resume();
        res.on('end', () => resolve(Date.now()));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await api.stop();
    expect(api.exitCode()).toBe(0);
    expect((await ended) - started).toBeLessThan(5000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
