import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { hashApiKey, issueApiKey } from '../src/auth/api-key.ts';
import { createKeyResolver, ENV_ADMIN_KEY_ID } from '../src/auth/key-resolver.ts';
import { createRateLimiter } from '../src/auth/rate-limit.ts';
import { can, canActForDepartment, type Principal } from '../src/auth/roles.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/domain/clock.ts';
import { type AuthDeps, authDepsFrom, requirePermission } from '../src/http/auth.ts';
import type { AppDeps } from '../src/http/env.ts';
import { openRuntime, type Runtime } from '../src/runtime.ts';
import { prepareStore } from '../src/server.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { ApiKeyRecord, Store } from '../src/store/types.ts';

const TODAY = '2026-11-23';
const ADMIN_KEY = 'cck_admin-key-from-the-environment-0123456789';

let dir: string;
let store: Store;
let runtime: Runtime;

/** Keys issued into the store, by name. */
const keys: Record<string, { key: string; record: ApiKeyRecord }> = {};

async function addKey(name: string, spec: Partial<Pick<ApiKeyRecord, 'role' | 'department' | 'rateLimit'>>) {
  const issued = issueApiKey(
    { role: 'implementer', department: null, label: name, rateLimit: null, ...spec },
    '2026-11-23T04:00:00.000Z',
  );
  await store.createApiKey(issued.record);
  keys[name] = issued;
  return issued;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'credcheck-auth-'));
  store = openSqliteStore(join(dir, 'test.db'));
  await store.migrate();
  const config = loadConfig({ CREDCHECK_DEMO: '0' });
  const { catalog, idHmacKey } = await prepareStore(store, config, TODAY, () => {});
  runtime = await openRuntime(store, {
    clock: fixedClock(TODAY),
    catalog,
    idHmacKey,
    bodyLimit: 1024 * 1024,
    refreshMs: 60_000,
    snapshotDir: null,
  });
  await addKey('implementer', {});
  await addKey('designator', { role: 'designator', department: '重庆市云阳县人民法院' });
  await addKey('slow', { rateLimit: 1 });
  await addKey('unlimited', { rateLimit: 0 });
  await addKey('revoked', {});
  await store.revokeApiKey(keys.revoked!.record.id, '2026-11-23T05:00:00.000Z');
});

afterAll(async () => {
  await runtime?.stop();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real app over the real store, plus two probe routes behind the same middleware. */
function appWith(auth: Partial<AuthDeps> = {}, corsOrigins?: string[]) {
  const deps: AppDeps = {
    ...runtime.deps,
    config: { ...runtime.deps.config, ...(corsOrigins ? { corsOrigins } : {}) },
    auth: { adminKeyHash: hashApiKey(ADMIN_KEY), rateLimit: 0, rateLimitAnon: 0, trustProxy: 0, ...auth },
  };
  const app = createApp(deps);
  app.get('/v1/test/whoami', (c) => c.json(c.var.principal));
  app.get('/v1/test/decide', requirePermission('decide'), (c) => c.json({ ok: true }));
  app.get('/v1/test/manage-keys', requirePermission('manage-keys'), (c) => c.json({ ok: true }));
  // Its headers are immutable: the middleware must still add its own.
  app.get('/v1/test/redirect', () => Response.redirect('https://example.org/', 302));
  return app;
}

const bearer = (key: string) => ({ headers: { Authorization: `Bearer ${key}` } });
/** What @hono/node-server passes as the env: the request's socket. */
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress, remoteFamily: 'IPv4' } } });

describe('authentication', () => {
  const app = () => appWith();

  it('no Authorization header: the public role', async () => {
    const res = await app().request('/v1/test/whoami');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ role: 'public', department: null, keyId: null, label: null });
  });

  it('a stored key: its role, department, id and label', async () => {
    const d = keys.designator!;
    const res = await app().request('/v1/test/whoami', bearer(d.key));
    expect(await res.json()).toEqual({
      role: 'designator',
      department: '重庆市云阳县人民法院',
      keyId: d.record.id,
      label: 'designator',
    });
    // The scheme name is case-insensitive (RFC 7235).
    const lower = await app().request('/v1/test/whoami', { headers: { Authorization: `bearer ${d.key}` } });
    expect((await lower.json()).role).toBe('designator');
  });

  it('CREDCHECK_ADMIN_KEY: the admin role, without a stored key', async () => {
    const res = await app().request('/v1/test/whoami', bearer(ADMIN_KEY));
    expect(await res.json()).toMatchObject({ role: 'admin', keyId: ENV_ADMIN_KEY_ID });
    // From the configuration, as the server builds it.
    const auth = authDepsFrom(loadConfig({ CREDCHECK_ADMIN_KEY: ADMIN_KEY }));
    expect(auth.adminKeyHash).toBe(hashApiKey(ADMIN_KEY));
    expect(authDepsFrom(loadConfig({})).adminKeyHash).toBeNull();
    // Without the setting, the same value is just an unknown key.
    const none = appWith({ adminKeyHash: null });
    expect((await none.request('/v1/test/whoami', bearer(ADMIN_KEY))).status).toBe(401);
  });

  it('an unknown or revoked key: 401 unauthorized with WWW-Authenticate: Bearer', async () => {
    for (const key of ['cck_not-a-key-anyone-issued', keys.revoked!.key]) {
      const res = await app().request('/v1/list-types', bearer(key));
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="credcheck", error="invalid_token"');
      const body = await res.json();
      expect(body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
      expect(body.detail).toMatch(/unknown or has been revoked/);
      expect(body.detailZh).toBeTruthy();
    }
  });

  it('a malformed Authorization header: 401, not silently public', async () => {
    const res = await app().request('/v1/test/whoami', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
    expect((await res.json()).detail).toContain('Bearer <API key>');
  });

  it('only /v1 needs a valid key: health and docs answer whatever the header', async () => {
    const res = await app().request('/healthz', bearer('cck_nonsense'));
    expect(res.status).toBe(200);
  });
});

describe('requirePermission', () => {
  let app: ReturnType<typeof appWith>;
  beforeAll(() => {
    app = appWith();
  });

  it('403 forbidden naming the permission and the caller’s role', async () => {
    const anon = await app.request('/v1/test/decide');
    expect(anon.status).toBe(403);
    const body = await anon.json();
    expect(body).toMatchObject({ type: '/problems/forbidden', permission: 'decide', role: 'public' });
    expect(body.detail).toContain('"decide"');
    expect(body.detail).toContain('"public"');
    expect(body.detail).toContain('Send an API key');
    expect(body.detailZh).toContain('decide');

    const impl = await app.request('/v1/test/manage-keys', bearer(keys.implementer!.key));
    expect(impl.status).toBe(403);
    expect(await impl.json()).toMatchObject({ permission: 'manage-keys', role: 'implementer' });
  });

  it('lets a role with the permission through', async () => {
    expect((await app.request('/v1/test/decide', bearer(keys.implementer!.key))).status).toBe(200);
    expect((await app.request('/v1/test/manage-keys', bearer(ADMIN_KEY))).status).toBe(200);
  });

  it('an implementer key’s department grants nothing: only a designator acts for its department', () => {
    const as = (role: Principal['role'], department: string | null): Principal => ({
      role,
      department,
      keyId: 'key_1',
      label: null,
    });
    const centre = as('implementer', '某市公共资源交易中心');
    expect(canActForDepartment(centre, '某市公共资源交易中心')).toBe(false);
    expect(can(centre, 'designate')).toBe(false);
    expect(can(centre, 'resolve')).toBe(false);
    expect(canActForDepartment(as('designator', '某市公共资源交易中心'), '某市公共资源交易中心')).toBe(true);
    expect(canActForDepartment(as('designator', '某局'), '某市公共资源交易中心')).toBe(false);
    expect(canActForDepartment(as('admin', null), '某市公共资源交易中心')).toBe(true);
  });
});

describe('rate limiting', () => {
  it('anonymous callers per client address: burst of twice the rate, then 429 with Retry-After', async () => {
    const app = appWith({ rateLimitAnon: 2 });
    const remaining: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await app.request('/v1/list-types', {}, from('203.0.113.7'));
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('4');
      remaining.push(res.headers.get('ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['3', '2', '1', '0']);
    const limited = await app.request('/v1/list-types', {}, from('203.0.113.7'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    const body = await limited.json();
    expect(body).toMatchObject({ type: '/problems/rate-limited', status: 429, rateLimit: 2 });
    expect(body.detail).toContain('client address');
    // Another address has its own bucket.
    expect((await app.request('/v1/list-types', {}, from('198.51.100.1'))).status).toBe(200);
  });

  it('over a real socket: the limit applies to the connection’s address', async () => {
    const app = appWith({ rateLimitAnon: 1 });
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await fetch(`http://127.0.0.1:${port}/v1/list-types`)).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('X-Forwarded-For is ignored unless CREDCHECK_TRUST_PROXY says a proxy sets it', async () => {
    const direct = appWith({ rateLimitAnon: 1 });
    const spoof = (n: number) => ({ headers: { 'X-Forwarded-For': `10.0.0.${n}` } });
    const statuses = [];
    for (let n = 0; n < 3; n++)
      statuses.push((await direct.request('/v1/list-types', spoof(n), from('192.0.2.9'))).status);
    expect(statuses).toEqual([200, 200, 429]);

    const proxied = appWith({ rateLimitAnon: 1, trustProxy: 1 });
    // Behind one proxy the right-most address is the one it saw; what the client wrote left of it is ignored.
    const hop = (client: string) => ({ headers: { 'X-Forwarded-For': `1.1.1.1, ${client}` } });
    const a = [];
    for (let n = 0; n < 3; n++)
      a.push((await proxied.request('/v1/list-types', hop('10.0.0.1'), from('192.0.2.9'))).status);
    expect(a).toEqual([200, 200, 429]);
    expect((await proxied.request('/v1/list-types', hop('10.0.0.2'), from('192.0.2.9'))).status).toBe(200);
  });

  it('per key: the key’s own limit overrides the default, and 0 means none', async () => {
    const app = appWith({ rateLimit: 50 });
    const slow = keys.slow!.key;
    expect((await app.request('/v1/list-types', bearer(slow))).headers.get('ratelimit-limit')).toBe('2');
    expect((await app.request('/v1/list-types', bearer(slow))).status).toBe(200);
    const limited = await app.request('/v1/list-types', bearer(slow));
    expect(limited.status).toBe(429);
    expect((await limited.json()).detail).toContain('this API key');
    // Another key is not affected, and gets the default.
    const other = await app.request('/v1/list-types', bearer(keys.implementer!.key));
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-limit')).toBe('100');
    for (let i = 0; i < 10; i++) {
      const res = await app.request('/v1/list-types', bearer(keys.unlimited!.key));
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
    }
  });

  it('guessing keys is limited per address; a key already in memory is not charged to it', async () => {
    const app = appWith({ rateLimitAnon: 1, rateLimit: 100 });
    const good = keys.implementer!.key;
    expect((await app.request('/v1/list-types', bearer(good), from('192.0.2.50'))).status).toBe(200);
    const guesses = [];
    for (let n = 0; n < 3; n++) {
      guesses.push(
        (await app.request('/v1/list-types', bearer(`cck_guess-${n}`), from('192.0.2.50'))).status,
      );
    }
    // The good key's first lookup took one token of the address's burst of 2.
    expect(guesses).toEqual([401, 429, 429]);
    // The good key is in memory now: it still works from the same address.
    for (let i = 0; i < 5; i++) {
      expect((await app.request('/v1/list-types', bearer(good), from('192.0.2.50'))).status).toBe(200);
    }
  });

  it('0 disables the limit and its headers', async () => {
    const app = appWith({ rateLimitAnon: 0 });
    for (let i = 0; i < 50; i++) expect((await app.request('/v1/list-types')).status).toBe(200);
    expect((await app.request('/v1/list-types')).headers.get('ratelimit-limit')).toBeNull();
  });

  it('the token bucket refills at the rate, up to the burst', () => {
    const limiter = createRateLimiter();
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('a', 1, t0))).toEqual([1, 0, -1]);
    expect(limiter.take('a', 1, t0 + 999)).toBe(-1);
    expect(limiter.take('a', 1, t0 + 1000)).toBe(0);
    // A long pause refills to the burst, not beyond.
    expect(limiter.take('a', 1, t0 + 60_000)).toBe(1);
    expect(limiter.take('a', 1, t0 + 60_000)).toBe(0);
    expect(limiter.take('a', 1, t0 + 60_000)).toBe(-1);
    // The number of callers tracked stays bounded.
    const small = createRateLimiter(3);
    for (const id of ['1', '2', '3', '4', '5']) small.take(id, 1, t0);
    expect(small.size).toBe(3);
  });
});

describe('CORS', () => {
  const EXT = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

  it('answers a preflight from the extension with 204, no key needed', async () => {
    const res = await appWith({ rateLimitAnon: 1 }).request('/v1/decisions', {
      method: 'OPTIONS',
      headers: {
        Origin: EXT,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase().split(',');
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'if-none-match']),
    );
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('exposes ETag, Retry-After, X-Request-Id and the rate-limit headers, also on errors', async () => {
    const app = appWith({ rateLimitAnon: 1 });
    const ok = await app.request('/v1/list-types', { headers: { Origin: EXT } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('access-control-expose-headers')!.split(',')).toEqual([
      'ETag',
      'Retry-After',
      'X-Request-Id',
      'RateLimit-Limit',
      'RateLimit-Remaining',
    ]);
    await app.request('/v1/list-types', { headers: { Origin: EXT } });
    const limited = await app.request('/v1/list-types', { headers: { Origin: EXT } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('access-control-allow-origin')).toBe('*');
    const unauthorized = await app.request(
      '/v1/list-types',
      { headers: { Origin: EXT, ...bearer('cck_x').headers } },
      from('198.51.100.77'),
    );
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('*');
    const jwks = await app.request('/.well-known/jwks.json', { headers: { Origin: EXT } });
    expect(jwks.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('adds its headers also to a response whose headers are immutable', async () => {
    const res = await appWith({ rateLimitAnon: 5 }).request('/v1/test/redirect', {
      headers: { Origin: EXT },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('ratelimit-limit')).toBe('10');
  });

  it('with CREDCHECK_CORS_ORIGINS, only the listed origins are allowed', async () => {
    const app = appWith({}, [EXT, 'https://portal.example.gov.cn']);
    const preflight = (origin: string) =>
      app.request('/v1/list-types', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
      });
    expect((await preflight(EXT)).headers.get('access-control-allow-origin')).toBe(EXT);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const foreign = await app.request('/v1/list-types', { headers: { Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const res = await app.request('/v1/list-types', { headers: { Origin: 'https://portal.example.gov.cn' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://portal.example.gov.cn');
    expect(res.headers.get('vary')).toContain('Origin');
  });
});

describe('key cache', () => {
  it('a revoke through the resolver stops the key at once; one elsewhere within the TTL', async () => {
    let now = 0;
    const resolver = createKeyResolver(store, {
      adminKeyHash: null,
      defaultRate: 7,
      ttlMs: 5000,
      now: () => now,
    });
    const a = await addKey('cache-a', {});
    const b = await addKey('cache-b', { rateLimit: 3 });
    expect(await resolver.resolve(a.record.hash)).toMatchObject({
      principal: { keyId: a.record.id },
      rate: 7,
    });
    expect(await resolver.resolve(b.record.hash)).toMatchObject({ rate: 3 });
    // Cached: answered synchronously, without the store.
    expect(resolver.resolve(a.record.hash)).not.toBeInstanceOf(Promise);

    expect(await resolver.revoke(a.record.id, '2026-11-23T06:00:00Z')).toBe(true);
    expect(resolver.resolve(a.record.hash) instanceof Promise).toBe(true);
    expect(await resolver.resolve(a.record.hash)).toBeNull();
    expect(await resolver.revoke(a.record.id, '2026-11-23T06:00:00Z')).toBe(false);

    // Revoked by another process (straight in the store): still served from the cache until the TTL passes.
    await store.revokeApiKey(b.record.id, '2026-11-23T06:00:00Z');
    now = 4999;
    expect(await resolver.resolve(b.record.hash)).not.toBeNull();
    now = 5001;
    expect(await resolver.resolve(b.record.hash)).toBeNull();
  });

  it('concurrent misses for one key share one store query, and a new key works at once', async () => {
    const resolver = createKeyResolver(store, { adminKeyHash: null, defaultRate: 1 });
    const unknown = hashApiKey('cck_will-be-created-later');
    const [x, y] = [resolver.resolve(unknown), resolver.resolve(unknown)];
    expect(x).toBe(y);
    expect(await x).toBeNull();
    const c = await addKey('cache-c', {});
    expect(await resolver.resolve(c.record.hash)).not.toBeNull();
  });
});

describe('configuration', () => {
  it('defaults: 100 per key, 20 per address, socket address, any origin', () => {
    expect(loadConfig({})).toMatchObject({
      rateLimit: 100,
      rateLimitAnon: 20,
      trustProxy: 0,
      corsOrigins: ['*'],
    });
  });

  it('reads the variables and rejects what is not an origin', () => {
    expect(
      loadConfig({
        CREDCHECK_RATE_LIMIT: '0',
        CREDCHECK_RATE_LIMIT_ANON: '5',
        CREDCHECK_TRUST_PROXY: '1',
        CREDCHECK_CORS_ORIGINS: ' chrome-extension://abc , https://portal.example:8443 ',
      }),
    ).toMatchObject({
      rateLimit: 0,
      rateLimitAnon: 5,
      trustProxy: 1,
      corsOrigins: ['chrome-extension://abc', 'https://portal.example:8443'],
    });
    expect(() => loadConfig({ CREDCHECK_CORS_ORIGINS: 'https://portal.example/' })).toThrow(ConfigError);
    expect(() => loadConfig({ CREDCHECK_RATE_LIMIT: '-1' })).toThrow(/CREDCHECK_RATE_LIMIT/);
    expect(() => loadConfig({ CREDCHECK_ADMIN_KEY: 'admin' })).toThrow(/CREDCHECK_ADMIN_KEY/);
    expect(loadConfig({ CREDCHECK_ADMIN_KEY: 'operator-chosen-secret-1' }).adminKey).toBe(
      'operator-chosen-secret-1',
    );
  });
});
