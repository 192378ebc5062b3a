import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresFingerprinter, sqliteFingerprinter } from '../../api/test/helpers/hostile.ts';
import { usccFor } from '../../api/test/helpers/records.ts';
import { clientUrl, PG_TEST_URL, probePostgres } from '../../api/test/helpers/store-factory.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { createThrowawaySchema, type ThrowawaySchema } from '../helpers/postgres-schema.ts';

/**
 * Issue 9, hostile input at the transport level, against a real API process over a real socket:
 * bytes that are not UTF-8, NUL bytes, bodies over the limit (declared and streamed), bodies cut
 * short, 100,000-level nesting, 100,000-item batches, broken chunked encoding, oversized headers.
 * Each gets a 4xx RFC 9457 problem within seconds, the process keeps serving, and every table of
 * the store (SQLite file or PostgreSQL schema) is unchanged. Same on both stores.
 */

const ADMIN = 'cck_hostile-transport-admin-key-for-tests';
const LIMIT = 3_000_000;

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;
if (skipPostgres)
  console.warn(`\n!!! PostgreSQL unreachable at ${PG_TEST_URL}: hostile transport SKIPPED there !!!\n`);

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `chunks` to a fresh connection and reads one answer: up to its Content-Length, or until
 * the server closes. `end` false leaves the connection open after writing.
 */
function raw(
  port: number,
  chunks: Array<string | Buffer>,
  opts: { end?: boolean; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`));
    }, opts.timeoutMs ?? 10_000);
    socket.on('data', (d) => {
      got.push(d);
      const text = Buffer.concat(got).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, head));
      if (length && Buffer.concat(got).length >= head + 4 + Number(length[1])) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(got);
      const head = all.indexOf('\r\n\r\n');
      if (head < 0) return reject(new Error(`connection closed without an answer (${all.length} bytes)`));
      const lines = all.subarray(0, head).toString('latin1').split('\r\n');
      const status = Number(lines[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length =
        headers['content-length'] === undefined ? undefined : head + 4 + Number(headers['content-length']);
      resolve({ status, headers, body: all.subarray(head + 4, length).toString('utf8') });
    });
    socket.on('connect', async () => {
      for (const c of chunks) {
        if (!socket.write(c)) await new Promise((r) => socket.once('drain', r));
      }
      if (opts.end !== false) socket.end();
    });
  });
}

/**
 * A request's head with the admin key and the given headers. Kept alive (raw() hangs up once the
 * answer is in): a server that answers 413 before reading the body and then closes would reset a
 * connection the client is still writing to, which says nothing about the server.
 */
function head(method: string, target: string, headers: Record<string, string | number> = {}): string {
  const all: Record<string, string | number> = {
    host: '127.0.0.1',
    authorization: `Bearer ${ADMIN}`,
    ...headers,
  };
  return `${method} ${target} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
}

/** A complete JSON request as bytes. */
function jsonRequest(
  method: string,
  target: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
) {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return [
    head(method, target, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers }),
    bytes,
  ];
}

function expectProblem(a: RawAnswer, status: number | [number, number], what: string): void {
  const where = `${what} → ${a.status} ${a.body.slice(0, 300)}`;
  if (Array.isArray(status)) {
    expect(a.status, where).toBeGreaterThanOrEqual(status[0]);
    expect(a.status, where).toBeLessThanOrEqual(status[1]);
  } else {
    expect(a.status, where).toBe(status);
  }
  expect(a.headers['content-type'], where).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(a.body) as { type: string; status: number; title: string; detail: string };
  expect(body.status, where).toBe(a.status);
  expect(body.type, where).toMatch(/^\/problems\//);
  expect(typeof body.detail, where).toBe('string');
}

const stores = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: skipPostgres },
] as const;

describe.each(stores)('$name: hostile bytes over a real socket', ({ name, skip }) => {
  const suite = skip ? describe.skip : describe;
  suite('', () => {
    let api: ApiProcess;
    let port = 0;
    let schema: ThrowawaySchema | undefined;
    let client: pg.Client | undefined;
    let fingerprint: () => Promise<string>;
    let closeFingerprint = async () => {};
    let before = '';

    beforeAll(async () => {
      const env: Record<string, string> = {
        CREDCHECK_ADMIN_KEY: ADMIN,
        CREDCHECK_DEMO: '0',
        CREDCHECK_BODY_LIMIT: String(LIMIT),
        CREDCHECK_RATE_LIMIT: '0',
        CREDCHECK_RATE_LIMIT_ANON: '0',
        CREDCHECK_SNAPSHOT_MS: '0',
        // One JSON line per request: the log shows the status of answers no client stayed for.
        CREDCHECK_LOG: 'json',
      };
      if (name === 'postgres') {
        schema = await createThrowawaySchema();
        env.DATABASE_URL = schema.url;
      }
      api = await startApiProcess(env);
      port = Number(new URL(api.url).port);
      if (name === 'postgres') {
        client = new pg.Client({ connectionString: clientUrl(PG_TEST_URL) });
        await client.connect();
        fingerprint = await postgresFingerprinter(client, schema!.schema);
        closeFingerprint = () => client!.end();
      } else {
        const reader = sqliteFingerprinter(join(api.dataDir, 'credcheck.db'));
        fingerprint = async () => reader.fingerprint();
        closeFingerprint = async () => reader.close();
      }
      // A first entry so that the store holds data a stray write could touch, then the start-up
      // writes (the day's expiry scan) settle before the baseline.
      const created = await fetch(`${api.url}/v1/entries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({
          code: usccFor(7),
          name: '重庆某某劳务有限公司',
          listType: 'wage-arrears-migrant-workers',
          department: '重庆市云阳县人力资源和社会保障局',
          basis: '云人社欠薪〔2026〕7号',
          reason: '拖欠农民工工资',
          decidedOn: '2026-11-20',
        }),
      });
      expect(created.status, await created.text()).toBe(201);
      for (let stable = 0, last = await fingerprint(); stable < 3; ) {
        await new Promise((r) => setTimeout(r, 100));
        const now = await fingerprint();
        stable = now === last ? stable + 1 : 0;
        last = now;
      }
      before = await fingerprint();
    }, 120_000);

    afterAll(async () => {
      await closeFingerprint();
      await api?.stop();
      await schema?.drop();
    });

    /** After each case: the process answers, is the same process, and nothing was written. */
    async function stillWhole(what: string): Promise<void> {
      expect(api.exitCode(), `${what}: the process exited\n${api.output().slice(-2000)}`).toBeNull();
      const health = await fetch(`${api.url}/healthz`);
      expect(health.status, what).toBe(200);
      expect(await fingerprint(), `${what}: the store changed`).toBe(before);
    }

    const writes = [
      ['POST', '/v1/subjects/batch'],
      ['POST', '/v1/decisions'],
      ['POST', '/v1/decisions/batch'],
      ['POST', '/v1/entries'],
      ['POST', '/v1/objections'],
      ['POST', '/v1/webhooks'],
    ] as const;

    it('bytes that are not UTF-8 in a JSON body: 400, never stored as U+FFFD', async () => {
      const bodies = [
        Buffer.concat([
          Buffer.from('{"codes":["'),
          Buffer.from([0xff, 0xfe, 0xc0, 0xaf]),
          Buffer.from('"]}'),
        ]),
        Buffer.concat([
          Buffer.from('{"code":"91512081MA62K0260E","name":"'),
          Buffer.from([0xe4, 0xb8]),
          Buffer.from(
            '","listType":"wage-arrears-migrant-workers","department":"d","basis":"b","reason":"r","decidedOn":"2026-11-20"}',
          ),
        ]),
        // Overlong encoding of "/" and an encoded surrogate (CESU-8).
        Buffer.concat([
          Buffer.from('{"scenario":"'),
          Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]),
          Buffer.from('"}'),
        ]),
      ];
      for (const [method, path] of writes) {
        for (const body of bodies) {
          const a = await raw(port, jsonRequest(method, path, body));
          expectProblem(a, 400, `${method} ${path} non-UTF-8`);
          expect(JSON.parse(a.body).type).toBe('/problems/malformed-body');
        }
      }
      await stillWhole('non-UTF-8 bodies');
    });

    it('NUL bytes and escaped lone surrogates in bodies, raw bytes and NUL in the request target', async () => {
      for (const [method, path] of writes) {
        expectProblem(
          await raw(port, jsonRequest(method, path, '{"codes":["a\u0000b"]}')),
          400,
          `${path} raw NUL`,
        );
        expectProblem(await raw(port, jsonRequest(method, path, '\u0000')), 400, `${path} only NUL`);
        expectProblem(
          await raw(port, jsonRequest(method, path, '{"codes":["\\ud800"],"name":"\\udfff"}')),
          400,
          `${path} lone surrogate escapes`,
        );
      }
      for (const target of [
        Buffer.concat([Buffer.from('/v1/search?name='), Buffer.from([0xff, 0xfe])]),
        Buffer.from('/v1/search?name=%00%ED%A0%80'),
        Buffer.concat([Buffer.from('/v1/subjects/'), Buffer.from([0xc0, 0xaf])]),
        Buffer.from('/v1/subjects/%00'),
        Buffer.from('/v1/search?name=a\u0000b'),
      ]) {
        const a = await raw(port, [
          Buffer.concat([
            Buffer.from('GET '),
            target,
            Buffer.from(' HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
          ]),
        ]);
        expectProblem(a, [400, 499], `GET ${target.toString('latin1')}`);
      }
      await stillWhole('NUL bytes and odd targets');
    });

    it('bodies over the limit: declared, streamed in chunks, and sent without a length', async () => {
      const big = Buffer.alloc(LIMIT + 1, 0x20);
      for (const [method, path] of writes) {
        // Declared: refused before the body is read.
        const declared = await raw(
          port,
          [head(method, path, { 'content-type': 'application/json', 'content-length': 50_000_000 })],
          { end: false },
        );
        expectProblem(declared, 413, `${path} declared 50 MB`);
        const chunked = await raw(port, [
          head(method, path, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }),
          `${big.length.toString(16)}\r\n`,
          big,
          '\r\n0\r\n\r\n',
        ]);
        expectProblem(chunked, 413, `${path} streamed`);
      }
      await stillWhole('oversized bodies');
    });

    it('a client that sends its whole oversized body and asks to close reads the 413, not a reset', async () => {
      const over = Buffer.alloc(LIMIT + 2_000_000, 0x20);
      for (let i = 0; i < 5; i++) {
        for (const framing of ['declared', 'chunked'] as const) {
          const parts =
            framing === 'declared'
              ? [
                  head('POST', '/v1/decisions', {
                    'content-type': 'application/json',
                    'content-length': over.length,
                    connection: 'close',
                  }),
                  over,
                ]
              : [
                  head('POST', '/v1/decisions', {
                    'content-type': 'application/json',
                    'transfer-encoding': 'chunked',
                    connection: 'close',
                  }),
                  `${over.length.toString(16)}\r\n`,
                  over,
                  '\r\n0\r\n\r\n',
                ];
          expectProblem(await raw(port, parts, { end: false }), 413, `${framing}, try ${i + 1}`);
        }
      }
      await stillWhole('oversized bodies with Connection: close');
    });

    it('bodies cut short: the process neither crashes nor hangs, and other requests go on meanwhile', async () => {
      const pending: Array<Promise<unknown>> = [];
      for (const [method, path] of writes) {
        // Half the promised bytes, then the client closes: nothing to answer, nothing written.
        pending.push(
          raw(port, [
            head(method, path, { 'content-type': 'application/json', 'content-length': 1000 }),
            '{"codes":["915',
          ]).catch(() => null),
        );
      }
      await Promise.all(pending);
      // Half a body on a connection kept open: the server waits for it without blocking anyone.
      const stalled = raw(
        port,
        [
          head('POST', '/v1/decisions', { 'content-type': 'application/json', 'content-length': 1000 }),
          '{"sc',
        ],
        { end: false, timeoutMs: 500 },
      ).catch(() => null);
      const ok = await fetch(`${api.url}/v1/subjects/${usccFor(7)}`);
      expect(ok.status).toBe(200);
      await stalled;
      await stillWhole('truncated bodies');
    });

    it('100,000-level nesting of arrays and objects: 400, the stack survives', async () => {
      const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
      const nestedInField = `{"codes":${'['.repeat(100_000)}"x"${']'.repeat(100_000)}}`;
      for (const [method, path] of writes) {
        for (const body of [deepArray, deepObject, nestedInField]) {
          expectProblem(
            await raw(port, jsonRequest(method, path, body)),
            400,
            `${path} deep ${body.slice(0, 10)}`,
          );
        }
      }
      await stillWhole('deep nesting');
    });

    it('100,000-item batches: lookups (limit 10,000) and decisions (limit 1,000) are refused whole', async () => {
      const codes = Array.from({ length: 100_000 }, (_, i) => usccFor(i));
      const lookups = JSON.stringify({ codes });
      expect(lookups.length).toBeLessThan(LIMIT);
      const a = await raw(port, jsonRequest('POST', '/v1/subjects/batch', lookups));
      expectProblem(a, 400, 'lookups ×100,000');
      const justOver = JSON.stringify({ codes: codes.slice(0, 10_001) });
      expect(justOver.length).toBeLessThan(LIMIT);
      const b = await raw(port, jsonRequest('POST', '/v1/subjects/batch', justOver));
      expectProblem(b, 400, 'lookups ×10,001');
      const decisions = JSON.stringify({
        scenario: 'gov-procurement',
        items: codes.slice(0, 1001).map((code) => ({ subject: { code } })),
      });
      expectProblem(
        await raw(port, jsonRequest('POST', '/v1/decisions/batch', decisions)),
        400,
        'decisions ×1,001',
      );
      const manyDecisions = JSON.stringify({
        scenario: 'gov-procurement',
        items: codes.map((code) => ({ subject: { code } })),
      });
      // Over the body limit as well: refused before it is parsed.
      expect(manyDecisions.length).toBeGreaterThan(LIMIT);
      expectProblem(
        await raw(port, jsonRequest('POST', '/v1/decisions/batch', manyDecisions)),
        413,
        'decisions ×100,000',
      );
      await stillWhole('oversized batches');
    });

    it('wrong content types, huge numbers and prototype keys over the wire', async () => {
      const body = '{"scenario":"gov-procurement","subject":{"code":"91512081MA62K0260E"}}';
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'image/png',
      ]) {
        expectProblem(
          await raw(port, jsonRequest('POST', '/v1/decisions', body, { 'content-type': type })),
          [400, 415],
          `decision as ${type}`,
        );
      }
      for (const text of [
        `{"scenario":"gov-procurement","subject":{"code":"91512081MA62K0260E"},"related":1e999}`,
        `{"__proto__":{"admin":true},"scenario":"gov-procurement"}`,
        `{"constructor":{"prototype":{"admin":true}}}`,
      ]) {
        expectProblem(await raw(port, jsonRequest('POST', '/v1/decisions', text)), 400, text.slice(0, 40));
      }
      await stillWhole('content types and prototype keys');
    });

    it('broken framing: bad chunk sizes, two lengths, oversized headers', async () => {
      const cases: Array<[string, Array<string | Buffer>]> = [
        [
          'bad chunk size',
          [
            head('POST', '/v1/decisions', {
              'content-type': 'application/json',
              'transfer-encoding': 'chunked',
            }),
            'zz\r\n{}\r\n0\r\n\r\n',
          ],
        ],
        [
          'two content lengths',
          [
            `POST /v1/decisions HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 2\r\ncontent-length: 5\r\n\r\n{}`,
          ],
        ],
        ['a header of 100 kB', [head('GET', '/v1/scenarios', { 'x-big': 'a'.repeat(100_000) })]],
        ['not HTTP at all', ['\u0000\u0001\u0002 garbage\r\n\r\n']],
      ];
      for (const [what, chunks] of cases) {
        expectProblem(await raw(port, chunks), [400, 499], what);
      }
      await stillWhole('broken framing');
    });

    it('logged no error and no 5xx for any of it, answers to clients that hung up included', () => {
      const lines = api
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; status?: number; msg?: string });
      expect(lines.filter((l) => l.status !== undefined).length).toBeGreaterThan(50);
      expect(lines.filter((l) => l.level === 'error' || (l.status ?? 0) >= 500)).toEqual([]);
    });
  });
});
