import { readFileSync } from 'node:fs';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';

const standaloneUrl = new URL('../../static/scalar/standalone.js', import.meta.url);
let standalone: Buffer | null = null;

/** Interactive docs that work on an intranet: the script is served from here, no CDN and no web fonts. */
export function docsRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/docs/standalone.js', (c) => {
    standalone ??= readFileSync(standaloneUrl);
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(new Uint8Array(standalone));
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      cdn: '/docs/standalone.js',
      pageTitle: 'CredCheck API',
      withDefaultFonts: false,
      hideClientButton: true,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
    } as Parameters<typeof Scalar>[0]),
  );
  return app;
}
