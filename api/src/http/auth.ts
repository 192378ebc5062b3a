import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { bearerToken, hashApiKey } from '../auth/api-key.ts';
import { createKeyResolver, type KeyResolver } from '../auth/key-resolver.ts';
import { burstOf, createRateLimiter } from '../auth/rate-limit.ts';
import { ANONYMOUS, can, type Permission, type Principal } from '../auth/roles.ts';
import type { ServerConfig } from '../config.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { problem } from './problem.ts';

export interface AuthDeps {
  /** SHA-256 hex of CREDCHECK_ADMIN_KEY; null when unset. */
  adminKeyHash: string | null;
  /** Requests per second per API key without its own limit (CREDCHECK_RATE_LIMIT); 0 = no limit. */
  rateLimit: number;
  /** Requests per second per client address without a key (CREDCHECK_RATE_LIMIT_ANON); 0 = no limit. */
  rateLimitAnon: number;
  /** Proxies in front whose X-Forwarded-For is trusted (CREDCHECK_TRUST_PROXY); 0 = the socket address. */
  trustProxy: number;
  /** How long a key lookup is trusted before the store is asked again; default 5 s. */
  keyCacheMs?: number;
}

/** What an app built without auth settings gets (tests, the OpenAPI writer): keys work, nothing is limited. */
const NO_LIMITS: AuthDeps = { adminKeyHash: null, rateLimit: 0, rateLimitAnon: 0, trustProxy: 0 };

export function authDepsFrom(config: ServerConfig): AuthDeps {
  return {
    adminKeyHash: config.adminKey ? hashApiKey(config.adminKey) : null,
    rateLimit: config.rateLimit,
    rateLimitAnon: config.rateLimitAnon,
    trustProxy: config.trustProxy,
  };
}

/**
 * Authentication and rate limiting for /v1, in one middleware because it sits on the hot lookup
 * path: `Authorization: Bearer <key>` becomes `c.get('principal')` (no header: the public role), then
 * one token is taken from the caller's bucket (per key; per client address without a key). A key
 * that is not in memory is also charged to the client address before the store is asked, so
 * guessing keys is limited like anonymous use.
 *
 * A key lookup is cached in memory (see createKeyResolver): revoking through `keys.revoke` stops a
 * key at once in this process; a key revoked by the CLI or another instance stops within
 * `keyCacheMs` (5 s by default).
 */
export function createAuth(deps: AppDeps): { middleware: MiddlewareHandler<AppEnv>; keys: KeyResolver } {
  const opts = deps.auth ?? NO_LIMITS;
  const keys = createKeyResolver(deps.store, {
    adminKeyHash: opts.adminKeyHash,
    defaultRate: opts.rateLimit,
    ...(opts.keyCacheMs !== undefined ? { ttlMs: opts.keyCacheMs } : {}),
  });
  const byKey = createRateLimiter();
  const byAddress = createRateLimiter();
  const limitText = new Map<number, string>();
  const limitFor = (rate: number) => {
    let text = limitText.get(rate);
    if (text === undefined) {
      text = String(burstOf(rate));
      limitText.set(rate, text);
    }
    return text;
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header('authorization');
    let principal: Principal = ANONYMOUS;
    let rate = opts.rateLimitAnon;
    if (header) {
      const token = bearerToken(header);
      if (token === null) {
        return unauthorized(c, 'invalid_request', {
          detail: 'The Authorization header must be "Bearer <API key>".',
          detailZh: 'Authorization 请求头的格式应为“Bearer <API 密钥>”。',
        });
      }
      const hash = hashApiKey(token);
      let found = keys.cached(hash);
      if (found === undefined) {
        // Only a key not in memory costs a store query: charge it to the caller's address like an
        // anonymous request, so that guessing keys cannot hammer the store or flush the cache.
        if (opts.rateLimitAnon > 0) {
          const left = byAddress.take(clientAddress(c, opts.trustProxy), opts.rateLimitAnon, Date.now());
          if (left < 0) return rateLimited(c, opts.rateLimitAnon, -left, limitFor(opts.rateLimitAnon), false);
        }
        found = await keys.load(hash);
      }
      if (found === null) {
        return unauthorized(c, 'invalid_token', {
          detail: 'The API key is unknown or has been revoked.',
          detailZh: 'API 密钥无效或已被吊销。',
        });
      }
      principal = found.principal;
      rate = found.rate;
    }
    c.set('principal', principal);
    if (rate === 0) return next();

    const left =
      principal.keyId === null
        ? byAddress.take(clientAddress(c, opts.trustProxy), rate, Date.now())
        : byKey.take(principal.keyId, rate, Date.now());
    const limit = limitFor(rate);
    if (left < 0) return rateLimited(c, rate, -left, limit, principal.keyId !== null);
    await next();
    // Set on the response in place: c.header() after the handler would make Hono rebuild it.
    try {
      const h = c.res.headers;
      h.set('RateLimit-Limit', limit);
      h.set('RateLimit-Remaining', String(left));
    } catch {
      // A response with immutable headers (one from fetch) is copied by Hono instead.
      c.header('RateLimit-Limit', limit);
      c.header('RateLimit-Remaining', String(left));
    }
  };
  return { middleware, keys };
}

/**
 * Lets the request through only when the caller's role has `permission`; otherwise a 403 problem
 * naming both. Apply after the auth middleware (outside /v1 there is no principal: the public role).
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal') ?? ANONYMOUS;
    if (can(principal, permission)) return next();
    const anonymous = principal.keyId === null;
    return problem(c, 'forbidden', {
      detail: `This request needs the "${permission}" permission, which the role "${principal.role}" does not have.${anonymous ? ' Send an API key of a role that has it: Authorization: Bearer <key>.' : ''}`,
      detailZh: `此操作需要“${permission}”权限，当前角色“${principal.role}”不具备该权限。${anonymous ? '请在 Authorization 请求头中提供具备该权限的 API 密钥。' : ''}`,
      extra: { permission, role: principal.role },
    });
  };
}

/**
 * The caller's address: the socket's, or with `trustProxy` = n, the n-th address from the right of
 * X-Forwarded-For (the one the outermost trusted proxy saw), since everything left of it can be forged.
 */
export function clientAddress(c: Context, trustProxy: number): string {
  if (trustProxy > 0) {
    const forwarded = c.req.header('x-forwarded-for');
    if (forwarded) {
      const hops = forwarded.split(',');
      const hop = hops[Math.max(0, hops.length - trustProxy)]!.trim();
      if (hop) return hop;
    }
  }
  const env = c.env as { incoming?: unknown; server?: unknown } | undefined;
  // Requests made in-process (app.request in tests) have no socket.
  if (!env?.incoming && !env?.server) return 'in-process';
  return getConnInfo(c).remote.address ?? 'unknown';
}

function unauthorized(
  c: Context,
  error: 'invalid_request' | 'invalid_token',
  text: { detail: string; detailZh: string },
): Response {
  return problem(c, 'unauthorized', text, {
    'WWW-Authenticate': `Bearer realm="credcheck", error="${error}"`,
  });
}

function rateLimited(c: Context, rate: number, wait: number, limit: string, keyed: boolean): Response {
  const who = keyed ? 'this API key' : 'this client address';
  return problem(
    c,
    'rate-limited',
    {
      detail: `Too many requests for ${who}: at most ${rate} per second, in bursts of up to ${limit}. Retry after ${wait} s.`,
      detailZh: `请求过于频繁：每秒最多 ${rate} 次（瞬时最多 ${limit} 次）。请在 ${wait} 秒后重试。`,
      extra: { retryAfter: wait, rateLimit: rate },
    },
    { 'Retry-After': String(wait), 'RateLimit-Limit': limit, 'RateLimit-Remaining': '0' },
  );
}
