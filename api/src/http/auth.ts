import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { bearerToken, hashApiKey } from '../auth/api-key.ts';
import { createKeyResolver, type KeyResolver } from '../auth/key-resolver.ts';
import { burstOf, createRateLimiter } from '../auth/rate-limit.ts';
import { ANONYMOUS, can, type Permission, type Principal } from '../auth/roles.ts';
import type { ServerConfig } from '../config.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { type ProblemInput, problem } from './problem.ts';

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

/** Who is calling and the rate-limit headers their answer carries; or why they are refused. */
export type Admission =
  | { ok: true; principal: Principal; headers: Record<string, string> | null }
  | { ok: false; refusal: Refusal };

export interface Refusal {
  slug: 'unauthorized' | 'rate-limited';
  input: ProblemInput;
  headers: Record<string, string>;
}

export interface Gate {
  /**
   * Admits or refuses from memory alone; undefined when the presented key is not in memory (only
   * the store can tell). Nothing is charged then, so the caller may go on to `admitLoading`.
   */
  admitSync(authorization: string | undefined, address: () => string, now: number): Admission | undefined;
  /** Like admitSync, asking the store for a key that is not in memory. */
  admit(authorization: string | undefined, address: () => string, now: number): Promise<Admission>;
}

/**
 * Authentication and rate limiting for /v1, in one gate because it sits on the hot lookup path:
 * `Authorization: Bearer <key>` becomes a principal (no header: the public role), then one token is
 * taken from the caller's bucket (per key; per client address without a key). A key that is not in
 * memory is also charged to the client address before the store is asked, so guessing keys is
 * limited like anonymous use.
 *
 * A key lookup is cached in memory (see createKeyResolver): revoking through `keys.revoke` stops a
 * key at once in this process; a key revoked by the CLI or another instance stops within
 * `keyCacheMs` (5 s by default). The middleware and the hot lookup lane share this gate, so they
 * cannot disagree on who may do what.
 */
export function createAuth(deps: AppDeps): {
  middleware: MiddlewareHandler<AppEnv>;
  keys: KeyResolver;
  gate: Gate;
} {
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
  // SHA-256 of a key costs more than the rest of the gate: remembered for the keys seen lately.
  const hashes = new Map<string, string>();
  const hashOf = (token: string) => {
    let hash = hashes.get(token);
    if (hash === undefined) {
      if (hashes.size >= 1000) hashes.delete(hashes.keys().next().value!);
      hash = hashApiKey(token);
      hashes.set(token, hash);
    }
    return hash;
  };

  const malformed: Admission = refuse('invalid_request', {
    detail: 'The Authorization header must be "Bearer <API key>".',
    detailZh: 'Authorization 请求头的格式应为“Bearer <API 密钥>”。',
  });
  const unknownKey: Admission = refuse('invalid_token', {
    detail: 'The API key is unknown or has been revoked.',
    detailZh: 'API 密钥无效或已被吊销。',
  });

  function charge(principal: Principal, rate: number, address: () => string, now: number): Admission {
    if (rate === 0) return { ok: true, principal, headers: null };
    const left =
      principal.keyId === null
        ? byAddress.take(address(), rate, now)
        : byKey.take(principal.keyId, rate, now);
    const limit = limitFor(rate);
    if (left < 0) return rateLimited(rate, -left, limit, principal.keyId !== null);
    return {
      ok: true,
      principal,
      headers: { 'RateLimit-Limit': limit, 'RateLimit-Remaining': String(left) },
    };
  }

  const gate: Gate = {
    admitSync(header, address, now) {
      if (!header) return charge(ANONYMOUS, opts.rateLimitAnon, address, now);
      const token = bearerToken(header);
      if (token === null) return malformed;
      const found = keys.cached(hashOf(token));
      if (found === undefined) return undefined;
      return found === null ? unknownKey : charge(found.principal, found.rate, address, now);
    },
    async admit(header, address, now) {
      const known = gate.admitSync(header, address, now);
      if (known !== undefined) return known;
      // Only a key not in memory costs a store query: charge it to the caller's address like an
      // anonymous request, so that guessing keys cannot hammer the store or flush the cache.
      if (opts.rateLimitAnon > 0) {
        const left = byAddress.take(address(), opts.rateLimitAnon, now);
        if (left < 0) return rateLimited(opts.rateLimitAnon, -left, limitFor(opts.rateLimitAnon), false);
      }
      const found = await keys.load(hashOf(bearerToken(header!)!));
      return found === null ? unknownKey : charge(found.principal, found.rate, address, Date.now());
    },
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    // Bound rather than a named arrow: the TypeScript loader's keep-names helper runs on every one.
    const address = clientAddress.bind(null, c, opts.trustProxy);
    const header = c.req.header('authorization');
    const admission =
      gate.admitSync(header, address, Date.now()) ?? (await gate.admit(header, address, Date.now()));
    if (!admission.ok)
      return problem(c, admission.refusal.slug, admission.refusal.input, admission.refusal.headers);
    c.set('principal', admission.principal);
    if (admission.headers === null) return next();
    await next();
    // Set on the response in place: c.header() after the handler would make Hono rebuild it.
    try {
      const h = c.res.headers;
      for (const name in admission.headers) h.set(name, admission.headers[name]!);
    } catch {
      // A response with immutable headers (one from fetch) is copied by Hono instead.
      for (const name in admission.headers) c.header(name, admission.headers[name]!);
    }
  };
  return { middleware, keys, gate };
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
export function addressOf(
  forwardedFor: string | undefined,
  socketAddress: string | undefined,
  trustProxy: number,
): string {
  if (trustProxy > 0 && forwardedFor) {
    const hops = forwardedFor.split(',');
    const hop = hops[Math.max(0, hops.length - trustProxy)]!.trim();
    if (hop) return hop;
  }
  return socketAddress ?? 'unknown';
}

export function clientAddress(c: Context, trustProxy: number): string {
  const env = c.env as { incoming?: unknown; server?: unknown } | undefined;
  // Requests made in-process (app.request in tests) have no socket.
  const socket = !env?.incoming && !env?.server ? 'in-process' : getConnInfo(c).remote.address;
  return addressOf(trustProxy > 0 ? c.req.header('x-forwarded-for') : undefined, socket, trustProxy);
}

function refuse(error: 'invalid_request' | 'invalid_token', input: ProblemInput): Admission {
  return {
    ok: false,
    refusal: {
      slug: 'unauthorized',
      input,
      headers: { 'WWW-Authenticate': `Bearer realm="credcheck", error="${error}"` },
    },
  };
}

function rateLimited(rate: number, wait: number, limit: string, keyed: boolean): Admission {
  const who = keyed ? 'this API key' : 'this client address';
  return {
    ok: false,
    refusal: {
      slug: 'rate-limited',
      input: {
        detail: `Too many requests for ${who}: at most ${rate} per second, in bursts of up to ${limit}. Retry after ${wait} s.`,
        detailZh: `请求过于频繁：每秒最多 ${rate} 次（瞬时最多 ${limit} 次）。请在 ${wait} 秒后重试。`,
        extra: { retryAfter: wait, rateLimit: rate },
      },
      headers: { 'Retry-After': String(wait), 'RateLimit-Limit': limit, 'RateLimit-Remaining': '0' },
    },
  };
}
