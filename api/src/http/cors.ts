import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

const EXPOSE = ['ETag', 'Retry-After', 'X-Request-Id', 'RateLimit-Limit', 'RateLimit-Remaining'];

/**
 * CORS for the browser extension (its background worker calls from chrome-extension://<id> or
 * moz-extension://<uuid>) and for portals embedding checks. Keys travel in the Authorization
 * header, never in cookies, so credentials mode stays off and `*` is safe as the default.
 *
 * Preflights are answered by hono/cors. On other requests the two headers are added to the
 * response after the handler: hono/cors touches `c.res` before the handler runs, which makes Hono
 * rebuild every response and costs @hono/node-server its fast path (it halved the requests per
 * second of a constant-JSON endpoint in a local measurement).
 */
export function apiCors(origins: readonly string[] = ['*']): MiddlewareHandler {
  const preflight = cors({
    origin: origins.includes('*') ? '*' : [...origins],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match'],
    exposeHeaders: EXPOSE,
    // Browsers cap this (Chromium at 2 h); 10 min spares most preflights of a scanning extension.
    maxAge: 600,
  });
  const headersFor = corsHeaders(origins);

  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    const add = headersFor(c.req.header('origin'));
    try {
      const h = c.res.headers;
      for (const name in add) {
        if (name === 'Vary') h.append(name, add[name]!);
        else h.set(name, add[name]!);
      }
    } catch {
      // A response with immutable headers (one from fetch) is copied by Hono instead.
      for (const name in add) c.header(name, add[name]!, { append: name === 'Vary' });
    }
  };
}

/**
 * The CORS headers of an answer (not a preflight) to a request from `origin`, as one object per
 * outcome made once: the middleware and the hot lookup lane both add them.
 */
export function corsHeaders(
  origins: readonly string[] = ['*'],
): (origin: string | undefined) => Record<string, string> {
  const expose = EXPOSE.join(',');
  if (origins.includes('*')) {
    const any = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': expose };
    return () => any;
  }
  const varyOnly = { Vary: 'Origin' };
  const allowed = new Map(
    origins.map((o) => [
      o,
      { 'Access-Control-Allow-Origin': o, 'Access-Control-Expose-Headers': expose, Vary: 'Origin' },
    ]),
  );
  return (origin) => (origin === undefined ? varyOnly : (allowed.get(origin) ?? varyOnly));
}
