import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';

/** Where `npm run build -w @credcheck/console` writes the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

/**
 * The console talks to /v1 on this origin only and loads nothing from elsewhere: no inline
 * script, no CDN, no web font. React sets styles through the CSSOM, which style-src allows.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>CredCheck 控制台未构建 / console not built</title></head>
<body>
<h1>控制台尚未构建 / The console has not been built</h1>
<p>在仓库根目录运行 <code>npm start</code>（会先构建控制台），或运行 <code>npm run build -w @credcheck/console</code> 后刷新本页。</p>
<p>Run <code>npm start</code> from the repository root (it builds the console first), or
<code>npm run build -w @credcheck/console</code>, then reload this page. The API under <code>/v1</code> works without it.</p>
</body></html>`;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

async function fileIn(dir: string, rel: string): Promise<Buffer | null> {
  // normalize() resolves `..`; anything that still leaves the folder is refused.
  const path = normalize(join(dir, rel));
  if (!path.startsWith(dir.endsWith(sep) ? dir : dir + sep)) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

/**
 * The web console at /console/: static files from console/dist, hashed assets cached for a year,
 * any other path answered with index.html so that the console's own routes survive a reload.
 */
export function consoleRoutes(dist: string = CONSOLE_DIST) {
  const app = new Hono<AppEnv>();
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.get('/console/*', async (c) => {
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path.slice('/console/'.length));
    } catch {
      rel = '';
    }
    const ext = extname(rel);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    const file = rel && !rel.includes('\0') ? await fileIn(dist, rel) : null;
    if (file) {
      c.header('Content-Type', TYPES[ext] ?? 'application/octet-stream');
      c.header(
        'Cache-Control',
        rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      return c.body(new Uint8Array(file), 200);
    }
    // A missing script or stylesheet is a 404, never index.html served as JavaScript.
    if (ext && ext !== '.html') {
      c.header('Content-Type', 'text/plain; charset=utf-8');
      return c.body('Not found', 404);
    }
    const index = await fileIn(dist, 'index.html');
    c.header('Content-Type', TYPES['.html']!);
    c.header('Cache-Control', 'no-cache');
    return index ? c.body(new Uint8Array(index), 200) : c.body(NOT_BUILT, 503);
  });
  return app;
}
