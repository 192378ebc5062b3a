import type { Context, MiddlewareHandler } from 'hono';
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
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const preflight = cors({
    origin: any ? '*' : [...origins],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-None-Match'],
    exposeHeaders: EXPOSE,
    // Browsers cap this (Chromium at 2 h); 10 min spares most preflights of a scanning extension.
    maxAge: 600,
  });
  const expose = EXPOSE.join(',');

  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    if (any) {
      setHeaders(c, 'Access-Control-Allow-Origin', '*', expose);
      return;
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && allowed.has(origin))
      setHeaders(c, 'Access-Control-Allow-Origin', origin, expose);
    appendHeader(c, 'Vary', 'Origin');
  };
}

function setHeaders(c: Context, name: string, value: string, expose: string): void {
  try {
    const h = c.res.headers;
    h.set(name, value);
    h.set('Access-Control-Expose-Headers', expose);
  } catch {
    // A response with immutable headers (one from fetch) is copied by Hono instead.
    c.header(name, value);
    c.header('Access-Control-Expose-Headers', expose);
  }
}

function appendHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.append(name, value);
  } catch {
    c.header(name, value, { append: true });
  }
}
