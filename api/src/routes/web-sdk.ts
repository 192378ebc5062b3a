import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.ts';

export const WEB_COMPONENT_PATH = '/sdk/credcheck-check.js';

// The script ships in the sdk package; the API serves that very file so the two never differ.
const scriptPath = createRequire(import.meta.url).resolve('@credcheck/sdk/web/credcheck-check.js');

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}
let asset: Asset | null = null;

function load(): Asset {
  if (asset) return asset;
  const body = new Uint8Array(readFileSync(scriptPath));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  asset = { body, etag };
  return asset;
}

/** True when an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

const script = createRoute({
  method: 'get',
  path: WEB_COMPONENT_PATH,
  tags: ['Integration'],
  summary: 'Drop-in <credcheck-check> web component for legacy web forms',
  description:
    'One script tag defines the custom element `<credcheck-check for="<id of the code input>" scenario="gov-procurement" name="receipt" key="…">`: it validates the code’s check character in the browser, asks POST /v1/decisions, shows the status and outcome in the badge language of the browser extension (疑似 for name-only matches, 查询不可用 / check unavailable when the API cannot be reached — never clear then), and writes the decision id into the hidden form field `name`. Plain ES5, no build step; browsers without custom elements get a text fallback. Cached for a day, revalidated by ETag.',
  request: {
    headers: z.object({ 'if-none-match': z.string().optional() }),
  },
  responses: {
    200: {
      description: 'The script',
      headers: z.object({ ETag: z.string(), 'Cache-Control': z.string() }),
      content: { 'text/javascript': { schema: z.string() } },
    },
    304: { description: 'Not modified since the ETag given in If-None-Match' },
  },
});

export function webSdkRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(script, (c) => {
    const { body, etag } = load();
    c.header('ETag', etag);
    // A day fresh, then revalidated (a 304 costs a few bytes): an upgrade reaches every form within a day.
    c.header('Cache-Control', 'public, max-age=86400, stale-while-revalidate=604800');
    // Any page may embed it; the script itself holds no data.
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(body, 200);
  });
  return app;
}
