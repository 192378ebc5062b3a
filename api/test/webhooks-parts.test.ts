import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../src/domain/model.ts';
import type { RoutingSubscription } from '../src/store/webhook-store.ts';
import { postWebhook } from '../src/webhooks/post.ts';
import { backoffMs, nextStep, type RetryPolicy, retryAfterMs } from '../src/webhooks/retry.ts';
import { matches, planDeliveries, webhookPayload } from '../src/webhooks/routing.ts';
import { generateWebhookSecret, signWebhook, verifyWebhook } from '../src/webhooks/signature.ts';
import { checkTargetUrl, isLoopback } from '../src/webhooks/target-url.ts';
import { personRecord } from './helpers/records.ts';

/** The pure parts of webhook delivery, and one attempt against real local servers. */

describe('signature (Standard Webhooks)', () => {
  // The specification's published test vector: what its reference libraries check against.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const body = '{"test": 2432232314}';

  it('reproduces the specification’s test vector', () => {
    expect(signWebhook(secret, id, 1614265330, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies within the tolerance, among several signatures, and nothing altered', () => {
    const signature = `v1,bm90IHRoaXMgb25l ${signWebhook(secret, id, 1614265330, body)}`;
    const h = { id, timestamp: '1614265330', signature };
    expect(verifyWebhook(secret, h, body, 1614265330 + 299)).toBe(true);
    expect(verifyWebhook(secret, h, body, 1614265330 + 301)).toBe(false);
    expect(verifyWebhook(secret, h, `${body} `, 1614265330)).toBe(false);
    expect(verifyWebhook(secret, { ...h, id: 'msg_other' }, body, 1614265330)).toBe(false);
    expect(verifyWebhook(generateWebhookSecret(), h, body, 1614265330)).toBe(false);
  });

  it('makes 192-bit secrets in the whsec_ form', () => {
    const s = generateWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(s);
  });
});

describe('target URL', () => {
  it('takes https anywhere, http on loopback or when allowed', () => {
    expect(checkTargetUrl('https://10.1.2.3/hook', false)).toEqual({
      ok: true,
      url: 'https://10.1.2.3/hook',
    });
    expect(checkTargetUrl('http://127.0.0.1:8080/h', false).ok).toBe(true);
    expect(checkTargetUrl('http://[::1]:8080/h', false).ok).toBe(true);
    expect(checkTargetUrl('http://api.localhost/h', false).ok).toBe(true);
    expect(checkTargetUrl('http://bank.internal/h', false).ok).toBe(false);
    expect(checkTargetUrl('http://bank.internal/h', true).ok).toBe(true);
    expect(checkTargetUrl('HTTPS://Bank.CN/h', false)).toEqual({ ok: true, url: 'https://bank.cn/h' });
    for (const bad of [
      'ftp://bank.cn/h',
      'file:///etc/passwd',
      'https://u:p@bank.cn/',
      'https://bank.cn/#x',
      '/hook',
    ]) {
      expect(checkTargetUrl(bad, true).ok, bad).toBe(false);
    }
    expect(checkTargetUrl(`https://bank.cn/${'a'.repeat(2100)}`, false).ok).toBe(false);
  });

  it('knows loopback from look-alikes', () => {
    expect(isLoopback('127.8.9.10')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('127.0.0.1.nip.io')).toBe(false);
    expect(isLoopback('localhost.bank.cn')).toBe(false);
    expect(isLoopback('[::ffff:7f00:1]')).toBe(false);
  });
});

describe('retry schedule', () => {
  const policy: RetryPolicy = { maxAttempts: 5, baseMs: 1000, capMs: 6000 };

  it('doubles from the base with equal jitter, up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, policy, () => 0))).toEqual([500, 1000, 2000, 3000, 3000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, policy, () => 1))).toEqual([1000, 2000, 4000, 6000, 6000]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Tue, 01 Dec 2025 00:00:30 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });

  it('retries network errors, 408, 429 and 5xx; ends at once on other answers and after the last attempt', () => {
    const now = 1_000_000;
    const fail = (status: number | null, retryAfter: string | null = null) =>
      ({ ok: false, status, error: 'x', retryAfter }) as const;
    expect(nextStep(1, { ok: true, status: 204 }, policy, now)).toEqual({
      status: 'delivered',
      nextAttemptAt: null,
    });
    for (const status of [null, 408, 429, 500, 502, 503]) {
      expect(nextStep(1, fail(status), policy, now, () => 0).status, String(status)).toBe('pending');
    }
    for (const status of [301, 400, 401, 404, 410, 422]) {
      expect(nextStep(1, fail(status), policy, now).status, String(status)).toBe('dead');
    }
    expect(nextStep(4, fail(500), policy, now).status).toBe('pending');
    expect(nextStep(5, fail(500), policy, now).status).toBe('dead');
    expect(nextStep(1, fail(500), policy, now, () => 0).nextAttemptAt).toEqual(new Date(now + 500));
  });

  it('treats Retry-After as a floor, even past the backoff cap', () => {
    const now = 1_000_000;
    const step = nextStep(1, { ok: false, status: 429, error: 'x', retryAfter: '60' }, policy, now, () => 0);
    expect(step.nextAttemptAt).toEqual(new Date(now + 60_000));
    const short = nextStep(3, { ok: false, status: 503, error: 'x', retryAfter: '0' }, policy, now, () => 0);
    expect(short.nextAttemptAt).toEqual(new Date(now + 2000));
  });
});

describe('routing', () => {
  const change = (over: Partial<Change>): Change => ({
    seq: 10,
    at: '2026-11-23T04:00:00.000Z',
    type: 'entry.created',
    entityId: 'ent_1',
    subjectKey: '91110108MA0U94MT1P',
    actor: 'test',
    data: { listType: 'major-tax-violation' },
    ...over,
  });
  const sub = (over: Partial<RoutingSubscription>): RoutingSubscription => ({
    id: 'wh_00000000000000000001',
    ownerKeyId: 'key_00000000000000000001',
    fromSeq: 0,
    listTypes: null,
    watchList: false,
    ...over,
  });
  const none = () => false;
  const all = () => true;

  it('narrows by every filter a subscription sets', () => {
    expect(matches(change({}), sub({}), none)).toBe(true);
    expect(matches(change({ seq: 5 }), sub({ fromSeq: 5 }), all)).toBe(false);
    expect(matches(change({}), sub({ watchList: true }), none)).toBe(false);
    expect(matches(change({}), sub({ watchList: true }), all)).toBe(true);
    expect(matches(change({}), sub({ listTypes: ['major-tax-violation'] }), none)).toBe(true);
    expect(matches(change({}), sub({ listTypes: ['a-grade-taxpayer'] }), none)).toBe(false);
    expect(matches(change({}), sub({ watchList: true, listTypes: ['major-tax-violation'] }), none)).toBe(
      false,
    );
    // Subject changes carry no list type; the catalog's change concerns no subject.
    expect(
      matches(
        change({ type: 'subject.upserted', data: {} }),
        sub({ listTypes: ['major-tax-violation'] }),
        all,
      ),
    ).toBe(false);
    const catalog = change({ type: 'catalog.replaced', subjectKey: null, data: { version: '2026.1' } });
    expect(matches(catalog, sub({ watchList: true }), all)).toBe(false);
    expect(matches(catalog, sub({}), none)).toBe(true);
  });

  it('tells an implementer named by an upheld objection or an approved repair, whatever its filters', () => {
    const lifted = change({
      type: 'entry.status',
      data: { listType: 'major-tax-violation', status: 'repaired' },
      why: {
        cause: 'repair.approved',
        text: '已完成信用修复',
        notify: { keyIds: ['key_00000000000000000001'], decisions: 3, since: '2026-01-01' },
      },
    });
    const narrow = sub({ watchList: true, listTypes: ['a-grade-taxpayer'] });
    expect(matches(lifted, narrow, none)).toBe(true);
    expect(matches(lifted, { ...narrow, ownerKeyId: 'key_00000000000000000002' }, none)).toBe(false);
    expect(matches(lifted, { ...narrow, fromSeq: lifted.seq }, none)).toBe(false);
  });

  it('sends a person as the change feed shows one to staff: name and ID number masked', () => {
    const r = personRecord(3);
    const body = webhookPayload(
      change({
        type: 'subject.upserted',
        entityId: 'sub_1',
        subjectKey: r.subject.key,
        data: { ...r.subject, id: 'sub_1', seq: 10 },
      }),
    );
    expect(body).not.toContain(r.subject.name);
    expect(JSON.parse(body)).toMatchObject({
      type: 'subject.upserted',
      timestamp: '2026-11-23T04:00:00.000Z',
      data: { seq: 10, data: { idMasked: r.subject.idMasked } },
    });
  });

  it('plans one row per matching subscription, with the same body', () => {
    const rows = planDeliveries(
      [change({ seq: 11 }), change({ seq: 12, subjectKey: 'other' })],
      [sub({}), sub({ id: 'wh_00000000000000000002', watchList: true })],
      (_s, key) => key === '91110108MA0U94MT1P',
    );
    expect(rows.map((r) => [r.subscriptionId.slice(-1), r.seq])).toEqual([
      ['1', 11],
      ['2', 11],
      ['1', 12],
    ]);
    expect(rows[0]!.payload).toBe(rows[1]!.payload);
    expect(rows[0]!.id).not.toBe(rows[1]!.id);
  });
});

describe('one attempt (postWebhook)', () => {
  const servers: Server[] = [];
  let target: string;
  let elsewhere: string;
  let hits: string[];

  const serve = async (handler: Parameters<typeof createServer>[1]) => {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    hits = [];
    elsewhere = await serve((req, res) => {
      hits.push(`elsewhere ${req.url}`);
      res.writeHead(204).end();
    });
    target = await serve((req, res) => {
      hits.push(`target ${req.method} ${req.url}`);
      if (req.url === '/same') res.writeHead(307, { location: '/moved' }).end();
      else if (req.url === '/away') res.writeHead(307, { location: `${elsewhere}/stolen` }).end();
      else if (req.url === '/slow') setTimeout(() => res.writeHead(204).end(), 500);
      else if (req.url === '/broken') res.writeHead(502).end(`<html>${'x'.repeat(5000)}</html>`);
      else res.writeHead(200).end('ok');
    });
  });
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  const d = (path: string) => ({
    id: 'msg_1',
    url: `${target}${path}`,
    secret: generateWebhookSecret(),
    payload: '{}',
  });

  it('follows a 307 on the same origin, never one to another origin', async () => {
    hits.length = 0;
    expect(await postWebhook(d('/same'), 2000, Date.now())).toEqual({ ok: true, status: 200 });
    expect(hits).toEqual(['target POST /same', 'target POST /moved']);
    hits.length = 0;
    const away = await postWebhook(d('/away'), 2000, Date.now());
    expect(away).toMatchObject({ ok: false, status: 307 });
    expect(hits).toEqual(['target POST /away']);
  });

  it('times out, and keeps a short, one-line snippet of an error page', async () => {
    const slow = await postWebhook(d('/slow'), 100, Date.now());
    expect(slow).toEqual({ ok: false, status: null, error: 'no answer within 100 ms', retryAfter: null });
    const broken = await postWebhook(d('/broken'), 2000, Date.now());
    expect(broken).toMatchObject({ ok: false, status: 502 });
    expect(broken.ok || broken.error.length).toBeLessThan(320);
  });

  it('says why a connection failed', async () => {
    // A port that was just free: nothing listens there now.
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    const refused = await postWebhook({ ...d('/'), url: `http://127.0.0.1:${port}/hook` }, 2000, Date.now());
    expect(refused).toMatchObject({
      ok: false,
      status: null,
      error: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
