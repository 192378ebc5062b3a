/**
 * An HTTP proxy in front of the real API that can misbehave the way networks and servers do:
 * unavailable (503), corrupted or truncated bodies, a 410 for the delta query, or no connection
 * at all. It also records which paths were asked, so a test can tell a delta sync from a whole
 * download.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | 'none'
  | 'unavailable'
  | 'corrupt-delta'
  | 'truncate-delta'
  | 'truncate-snapshot'
  | 'gone'
  | 'wrong-checksum';

export interface FaultyProxy {
  url: string;
  fault: Fault;
  requests: string[];
  /** Stops accepting connections (fetch fails) until `reopen`. */
  close(): Promise<void>;
  reopen(): Promise<void>;
  stop(): Promise<void>;
}

const problem = (status: number, type: string) =>
  JSON.stringify({ type: `/problems/${type}`, title: type, status, detail: type, detailZh: type });

export async function startFaultyProxy(target: string): Promise<FaultyProxy> {
  const upstream = new URL(target);
  let server: Server;
  let port = 0;
  const state: FaultyProxy = {
    url: '',
    fault: 'none',
    requests: [],
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
    reopen: () => listen(),
    stop: () =>
      new Promise((r) => {
        if (!server.listening) return r();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };

  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const path = req.url ?? '/';
    state.requests.push(`${req.method} ${path}`);
    const fault = state.fault;
    if (fault === 'unavailable') {
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '5' });
      res.end(problem(503, 'service-unavailable'));
      return;
    }
    if (fault === 'gone' && path.startsWith('/v1/snapshot/deltas?')) {
      // Once: the whole download that follows is then asked for its steps as usual.
      state.fault = 'none';
      res.writeHead(410, { 'content-type': 'application/problem+json' });
      res.end(problem(410, 'snapshot-too-old'));
      return;
    }
    const up = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path,
        method: req.method,
        headers: { ...req.headers, host: upstream.host },
      },
      (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          let body = Buffer.concat(chunks);
          const isStep = /^\/v1\/snapshot\/deltas\/\d+/.test(path);
          if (isStep && fault === 'corrupt-delta' && body.length > 0) {
            body = Buffer.from(body);
            body[body.length - 1] = body[body.length - 1]! ^ 0xff;
          }
          if (isStep && fault === 'truncate-delta') body = body.subarray(0, Math.floor(body.length / 2));
          if (path === '/v1/snapshot' && fault === 'truncate-snapshot')
            body = body.subarray(0, Math.floor(body.length / 2));
          if (fault === 'wrong-checksum' && path.startsWith('/v1/snapshot/deltas?')) {
            const json = JSON.parse(body.toString('utf8')) as { checksum: string };
            json.checksum = '0'.repeat(64);
            body = Buffer.from(JSON.stringify(json));
          }
          const headers = { ...upRes.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(upRes.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  };

  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer(handler);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        state.url = `http://127.0.0.1:${port}`;
        resolve();
      });
    });
  await listen();
  return state;
}
