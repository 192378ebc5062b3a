import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { residentIdCheckChar } from '@credcheck/sdk/identifiers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createLogger, type LogLevel } from '../src/logging/logger.ts';
import { recordSet, usccFor } from './helpers/records.ts';
import { sqliteFactory } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/** CREDCHECK_LOG=json: one JSON line per request with the route template, never a code, key or query. */

const PERSON_ID = (() => {
  const first17 = '11010519800101001';
  return first17 + residentIdCheckChar(first17);
})();

describe('request log lines (CREDCHECK_LOG=json)', () => {
  let t: TestApp;
  let key: string;
  const lines: Array<{ line: string; level: LogLevel }> = [];

  beforeAll(async () => {
    t = await openTestApp(sqliteFactory(), { records: recordSet(10) });
    key = await t.key('implementer');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes one JSON object per request: level, time, request id, method, route template, status, ms', async () => {
    lines.length = 0;
    const app = createApp({
      ...t.runtime.deps,
      logger: createLogger('json', (line, level) => lines.push({ line, level })),
    });
    const auth = { authorization: `Bearer ${key}` };
    const hot = await app.request(`/v1/subjects/${usccFor(2)}`, {
      headers: { ...auth, 'x-request-id': 'req-hot-1' },
    });
    expect(hot.status).toBe(200);
    await app.request(`/v1/subjects/${PERSON_ID}`, { headers: auth });
    await app.request(`/v1/search?name=${encodeURIComponent('张三')}&limit=5`, { headers: auth });
    await app.request(`/v1/subjects/batch`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ codes: [PERSON_ID] }),
    });
    await app.request('/nothing/here');

    expect(lines).toHaveLength(5);
    const records = lines.map((l) => JSON.parse(l.line) as Record<string, unknown>);
    for (const r of records) {
      expect(Object.keys(r).sort()).toEqual([
        'level',
        'method',
        'ms',
        'requestId',
        'route',
        'status',
        'time',
      ]);
      expect(r.level).toBe('info');
      expect(new Date(r.time as string).toISOString()).toBe(r.time);
      expect(r.requestId).toMatch(/^[\w.-]{1,64}$/);
      expect(r.ms).toBeGreaterThanOrEqual(0);
    }
    expect(records[0]).toMatchObject({
      requestId: 'req-hot-1',
      method: 'GET',
      route: '/v1/subjects/{code}',
      status: 200,
    });
    expect(records.map((r) => r.route)).toEqual([
      '/v1/subjects/{code}',
      '/v1/subjects/{code}',
      '/v1/search',
      '/v1/subjects/batch',
      'other',
    ]);
    expect(records[1]!.status).toBe(404);
    const all = lines.map((l) => l.line).join('\n');
    for (const secret of [
      PERSON_ID,
      usccFor(2),
      key,
      'Bearer',
      '张三',
      encodeURIComponent('张三'),
      'limit=',
      '/nothing',
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('logs a lookup answered on the node lane like one answered through the app, and leaves the rest to the adapter', async () => {
    lines.length = 0;
    const app = createApp({
      ...t.runtime.deps,
      logger: createLogger('json', (line, level) => lines.push({ line, level })),
    });
    // Stands in for the adapter: what the lane does not take answers 599.
    const server = createServer((req, res) => {
      if (app.nodeLane(req, res)) return;
      res.writeHead(599);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const auth = { authorization: `Bearer ${key}` };
    // A key not in memory yet is the app's to look up in the store; from then on the lane knows it.
    await app.request('/healthz', { headers: auth });
    await app.request(`/v1/subjects/${usccFor(3)}`, { headers: auth });
    lines.length = 0;
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const hot = await fetch(`${url}/v1/subjects/${usccFor(2)}`, {
        headers: { ...auth, 'x-request-id': 'req-node-1' },
      });
      expect(hot.status).toBe(200);
      expect(hot.headers.get('content-length')).toBe(String((await hot.arrayBuffer()).byteLength));
      for (const path of [`/v1/subjects/${usccFor(2)}?x=1`, '/v1/subjects/a%20b', '/v1/search?name=x']) {
        expect((await fetch(`${url}${path}`, { headers: auth })).status).toBe(599);
      }
      expect(
        (await fetch(`${url}/v1/subjects/${usccFor(2)}`, { method: 'HEAD', headers: auth })).status,
      ).toBe(599);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(lines.map((l) => JSON.parse(l.line))).toEqual([
      expect.objectContaining({
        requestId: 'req-node-1',
        method: 'GET',
        route: '/v1/subjects/{code}',
        status: 200,
      }),
    ]);
    expect(lines[0]!.line).not.toContain(usccFor(2));
  });

  it('writes nothing per request in text mode, and server messages as JSON in json mode', async () => {
    lines.length = 0;
    const text = createApp({
      ...t.runtime.deps,
      logger: createLogger('text', (line, level) => lines.push({ line, level })),
    });
    await text.request('/healthz');
    expect(lines).toEqual([]);
    const json = createLogger('json', (line, level) => lines.push({ line, level }));
    json.line('index refresh failed (will retry): boom', 'warn');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe('warn');
    expect(JSON.parse(lines[0]!.line)).toMatchObject({
      level: 'warn',
      msg: 'index refresh failed (will retry): boom',
    });
  });
});
