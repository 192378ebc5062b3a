// A tiny static server for the portal pages the extension is tested on: content scripts only run
// on http(s) origins, never on file:// pages.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface PageServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `pages` (path → HTML) and, below them, the files of `dir` if given, on 127.0.0.1. */
export async function servePages(pages: Map<string, string>, dir?: string): Promise<PageServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const page = pages.get(path);
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store' });
      res.end(page);
      return;
    }
    if (dir) {
      const file = normalize(join(dir, path));
      if (file.startsWith(dir + sep) && existsSync(file) && statSync(file).isFile()) {
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        res.end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        // Chromium keeps connections alive; the server would otherwise wait for them.
        server.closeAllConnections();
      }),
  };
}
