import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFor } from '../../api/test/helpers/records.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';

/**
 * Secrets (issue 9 item 6): API keys, the admin key and webhook signing secrets never show in the
 * server's output (text or JSON logs) nor in a problem answer, whatever the caller sends: valid,
 * unknown, malformed and revoked keys, keys pasted into bodies, query strings and other headers,
 * a webhook whose receiver fails, and keys made with `credcheck keys create` while it runs.
 */

const cliScript = join(dirname(fileURLToPath(import.meta.url)), '../../sdk/bin/credcheck.js');
const ADMIN_KEY = 'cck_secrets-test-admin-key-Zq8Wm2Rt5Yv7Xk3N';
/** Well formed, never issued: what a caller guessing or mistyping sends. */
const UNKNOWN_KEY = 'cck_never-issued-key-Hf4Lp9Qs2Dw6Jc1B';
const DEPT = '重庆市云阳县人力资源和社会保障局';

/**
 * What must not appear for a secret: the secret, any 12 characters of it in a row (its public
 * hint, `cck_` + 4 characters, is shorter), and the first 16 hex characters of its SHA-256 (the
 * stored key hash), in any case.
 */
function fragmentsOf(secret: string): string[] {
  const frags = [secret, createHash('sha256').update(secret).digest('hex').slice(0, 16)];
  for (let i = 0; i + 12 <= secret.length; i++) frags.push(secret.slice(i, i + 12));
  return frags;
}

function leaks(text: string, secrets: string[]): string[] {
  const lower = text.toLowerCase();
  return secrets.flatMap((s) =>
    fragmentsOf(s)
      .filter((f) => lower.includes(f.toLowerCase()))
      .map((f) => `${s.slice(0, 8)}… via "${f}"`),
  );
}

const run = promisify(execFile);

describe.each(['json', 'text'] as const)(
  'CREDCHECK_LOG=%s: no key or webhook secret in logs or problems',
  (format) => {
    let api: ApiProcess;
    let receiver: Server;
    let receiverUrl = '';
    let hits = 0;
    const secrets: string[] = [ADMIN_KEY, UNKNOWN_KEY];
    const problems: string[] = [];
    const cliErr: string[] = [];
    let serial = 0;

    async function cli(args: string[]) {
      const { stdout, stderr } = await run(process.execPath, [cliScript, 'keys', ...args], {
        env: { ...process.env, DATA_DIR: api.dataDir, CREDCHECK_NOW: '2026-11-23', CREDCHECK_LOG: format },
      });
      cliErr.push(stderr);
      return stdout;
    }

    async function newKey(role: string, ...more: string[]): Promise<{ id: string; key: string }> {
      const out = JSON.parse(
        await cli(['create', '--role', role, '--label', `secrets ${role}`, '--json', ...more]),
      );
      secrets.push(out.key);
      return out;
    }

    /** Sends a request and keeps every problem answer for the final check. */
    async function send(path: string, init: RequestInit = {}) {
      const res = await fetch(api.url + path, init);
      const text = await res.text();
      if (res.headers.get('content-type')?.startsWith('application/problem+json')) problems.push(text);
      return { status: res.status, text, headers: res.headers };
    }
    const bearer = (key: string, more: Record<string, string> = {}) => ({
      authorization: `Bearer ${key}`,
      ...more,
    });
    const postJson = (key: string | null, body: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body,
    });

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          hits++;
          res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver down');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      api = await startApiProcess({
        CREDCHECK_LOG: format,
        CREDCHECK_DEMO: '0',
        CREDCHECK_ADMIN_KEY: ADMIN_KEY,
        CREDCHECK_RATE_LIMIT: '0',
        CREDCHECK_RATE_LIMIT_ANON: '0',
        CREDCHECK_WEBHOOK_RETRY_MS: '20',
        CREDCHECK_WEBHOOK_MAX_ATTEMPTS: '3',
        CREDCHECK_WEBHOOK_TIMEOUT_MS: '2000',
      });
    }, 120_000);

    afterAll(async () => {
      await api?.stop();
      await new Promise((r) => receiver?.close(r));
    });

    it('valid, unknown, malformed and revoked keys; keys in bodies, queries and other headers', async () => {
      const [implementer, designator, admin, revoked, text] = await Promise.all([
        newKey('implementer'),
        newKey('designator', '--department', DEPT),
        newKey('admin'),
        newKey('implementer'),
        // Without --json the key is printed for the operator (stdout), never on stderr.
        cli(['create', '--role', 'implementer', '--label', 'secrets text output']),
      ]);
      const printed = /cck_[A-Za-z0-9_-]{20,}/.exec(text);
      expect(printed).not.toBeNull();
      secrets.push(printed![0]);
      await Promise.all([cli(['revoke', revoked.id]), cli(['list', '--json']), cli(['list'])]);

      // Keys made and revoked over HTTP (the console's way): shown once in the answer, nowhere after.
      const made = await send(
        '/v1/keys',
        postJson(ADMIN_KEY, JSON.stringify({ role: 'implementer', label: 'secrets over HTTP' })),
      );
      expect(made.status).toBe(201);
      const madeKey = JSON.parse(made.text);
      secrets.push(madeKey.key);
      expect(
        (await send(`/v1/keys/${madeKey.id}/revoke`, { method: 'POST', headers: bearer(ADMIN_KEY) })).status,
      ).toBe(200);
      for (const path of ['/v1/keys', '/v1/audit?limit=200']) {
        const listed = await send(path, { headers: bearer(ADMIN_KEY) });
        expect(listed.status).toBe(200);
        expect(leaks(listed.text, secrets), path).toEqual([]);
      }

      const decide = (key: string) =>
        send(
          '/v1/decisions',
          postJson(key, JSON.stringify({ scenario: 'gov-procurement', subject: { code: usccFor(1) } })),
        );
      expect((await decide(implementer.key)).status).toBe(200);
      expect((await decide(designator.key)).status).toBe(200);
      expect((await decide(admin.key)).status).toBe(200);
      expect((await send('/v1/stats', { headers: bearer(ADMIN_KEY) })).status).toBe(200);

      for (const key of [UNKNOWN_KEY, revoked.key]) {
        const res = await decide(key);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).not.toContain(key.slice(4));
      }
      for (const authorization of [
        `Bearer ${implementer.key} extra`,
        `Basic ${Buffer.from(`x:${implementer.key}`).toString('base64')}`,
        `Token ${admin.key}`,
        implementer.key,
      ]) {
        expect(
          (await send('/v1/subjects/batch', { method: 'POST', headers: { authorization } })).status,
        ).toBe(401);
      }
      // Keys where keys do not go: a query string, another header, a path.
      expect(
        (await send(`/v1/stats?api_key=${admin.key}`, { headers: { 'x-api-key': admin.key } })).status,
      ).toBe(403);
      expect((await send(`/v1/decisions/${admin.key}`, { headers: bearer(implementer.key) })).status).toBe(
        400,
      );
      expect((await send(`/v1/no-such-route/${admin.key}`)).status).toBe(404);

      // Bodies that carry a key in every place a validation error might quote.
      const bad = [
        JSON.stringify({ scenario: admin.key, subject: { code: admin.key, name: admin.key } }),
        JSON.stringify({ scenario: 'gov-procurement', subject: { code: usccFor(2) }, [admin.key]: 1 }),
        JSON.stringify({
          scenario: 'gov-procurement',
          subject: { code: usccFor(2), legalRep: admin.key.repeat(20) },
        }),
        `{"scenario": "${admin.key}", "subject": {"code": "${admin.key}"`,
        `${admin.key}`,
        `{"scenario": ${admin.key}}`,
      ];
      for (const body of bad) {
        const res = await send('/v1/decisions', postJson(implementer.key, body));
        expect(res.status, body).toBe(400);
      }
      const batch = await send(
        '/v1/subjects/batch',
        postJson(null, JSON.stringify({ codes: [admin.key, designator.key, ADMIN_KEY] })),
      );
      // One item per code given, quoting it back to its sender: an answer, not a problem.
      expect(batch.status).toBe(200);
      const entry = await send(
        '/v1/entries',
        postJson(
          designator.key,
          JSON.stringify({
            code: admin.key,
            name: admin.key,
            listType: admin.key,
            basis: 'x',
            reason: 'x',
            decidedOn: admin.key,
          }),
        ),
      );
      expect(entry.status).toBe(400);
      const search = await send(`/v1/search?name=${encodeURIComponent(admin.key)}&limit=${admin.key}`);
      expect(search.status).toBe(400);
    }, 180_000);

    it('a webhook whose receiver answers 500: its secret stays out of the logs, the delivery log and later answers', async () => {
      const implementer = await newKey('implementer');
      const created = await send(
        '/v1/webhooks',
        postJson(implementer.key, JSON.stringify({ url: receiverUrl, description: 'secrets test' })),
      );
      expect(created.status).toBe(201);
      const hook = JSON.parse(created.text);
      expect(hook.secret).toMatch(/^whsec_/);
      secrets.push(hook.secret);

      expect(
        (
          await send(
            '/v1/entries',
            postJson(
              ADMIN_KEY,
              JSON.stringify({
                code: usccFor(100 + ++serial),
                name: '重庆某某密钥测试有限公司',
                listType: 'wage-arrears-migrant-workers',
                department: DEPT,
                basis: '云人社欠薪〔2026〕99号',
                reason: '拖欠农民工工资',
                decidedOn: '2026-11-20',
              }),
            ),
          )
        ).status,
      ).toBe(201);
      // Every attempt fails: wait until the worker gave up (3 attempts per delivery).
      const deadline = Date.now() + 30_000;
      let deliveries = '';
      for (;;) {
        deliveries = (await send(`/v1/webhooks/${hook.id}/deliveries`, { headers: bearer(implementer.key) }))
          .text;
        const items = JSON.parse(deliveries).items as Array<{ attempts: number; status: string }>;
        if (items.length > 0 && items.every((d) => d.attempts >= 3 && d.status === 'dead')) break;
        if (Date.now() > deadline) throw new Error(`deliveries did not fail 3 times in 30 s: ${deliveries}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(hits).toBeGreaterThanOrEqual(3);
      const later = [
        deliveries,
        (await send(`/v1/webhooks/${hook.id}`, { headers: bearer(implementer.key) })).text,
        (await send('/v1/webhooks', { headers: bearer(implementer.key) })).text,
        (await send('/v1/changes?limit=1000')).text,
      ];
      for (const text of later) expect(leaks(text, secrets)).toEqual([]);
      // A subscription with the secret in its URL is refused without quoting it.
      const inUrl = await send(
        '/v1/webhooks',
        postJson(implementer.key, JSON.stringify({ url: `http://u:${hook.secret}@127.0.0.1:9/h` })),
      );
      expect(inUrl.status).toBe(400);
    });

    it('nothing of any secret in the server’s output, the CLI’s stderr or any problem answer', async () => {
      // Give the server a moment to write what the last requests made it log.
      await new Promise((r) => setTimeout(r, 200));
      const output = api.output();
      if (format === 'json') {
        const lines = output.split('\n').filter((l) => l.startsWith('{'));
        expect(lines.some((l) => JSON.parse(l).status === 401)).toBe(true);
      }
      expect(problems.length).toBeGreaterThan(15);
      expect(leaks(output, secrets), 'server stdout/stderr').toEqual([]);
      expect(leaks(cliErr.join('\n'), secrets), 'CLI stderr').toEqual([]);
      expect(problems.flatMap((p) => leaks(p, secrets).map((l) => `${l} in ${p}`))).toEqual([]);
    });
  },
);

describe('an admin key of the operator’s own shape (not cck_…)', () => {
  const OWN_KEY = 'Operator/Chosen+Admin=Secret-7Hq2Wm';
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startApiProcess({ CREDCHECK_DEMO: '0', CREDCHECK_ADMIN_KEY: OWN_KEY });
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('works as a key and is cut out of problems that quote it, in paths, field names and values', async () => {
    const auth = { authorization: `Bearer ${OWN_KEY}` };
    expect((await fetch(`${api.url}/v1/me`, { headers: auth })).status).toBe(200);
    const answers: string[] = [];
    const send = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(api.url + path, { ...init, headers: { ...auth, ...init.headers } });
      const text = await res.text();
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      answers.push(text);
    };
    await send(`/v1/decisions/${encodeURIComponent(OWN_KEY)}`);
    await send(`/v1/subjects/${encodeURIComponent(OWN_KEY)}`);
    const post = (body: unknown) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await send(
      '/v1/decisions',
      post({ scenario: 'gov-procurement', subject: { code: usccFor(2) }, [OWN_KEY]: 1 }),
    );
    await send('/v1/decisions', post({ scenario: OWN_KEY, subject: { code: OWN_KEY } }));
    await send('/v1/webhooks', post({ url: `https://${OWN_KEY}.example/h`, events: [OWN_KEY] }));
    expect(answers.flatMap((a) => leaks(a, [OWN_KEY]).map((l) => `${l} in ${a}`))).toEqual([]);
    expect(leaks(api.output(), [OWN_KEY])).toEqual([]);
  });

  it('refuses to start with a short admin key', async () => {
    await expect(startApiProcess({ CREDCHECK_DEMO: '0', CREDCHECK_ADMIN_KEY: 'admin123' })).rejects.toThrow(
      /CREDCHECK_ADMIN_KEY must be at least 16 characters/,
    );
  });
});
