import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * How much more of a refused body is read, and for how long, before the 413 goes out. A client
 * that asked to close the connection (or any client, once the server closes) would otherwise have
 * its unread upload answered by a TCP reset, which throws away the 413 before it can be read.
 */
const LINGER_BYTES = 16 * 1024 * 1024;
const LINGER_MS = 5000;

/**
 * Reads a request body once, straight from Node's socket stream, refusing it past `maxSize`
 * (413), and hands it to Hono's body cache so that validators and handlers parse it without
 * going through a WHATWG Request and stream. On the decision path that build-up cost more than
 * the decision itself. Outside Node (app.request in tests) Hono's own body limit applies.
 */
export function readBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (c: Context, drained = true) =>
    problem(
      c,
      'payload-too-large',
      {
        detail: `The request body exceeds ${maxSize} bytes.`,
        detailZh: `请求体超过 ${maxSize} 字节的上限。`,
      },
      // The rest of the body is still on its way: the connection cannot carry another request.
      drained ? undefined : { Connection: 'close' },
    );
  const fallback = bodyLimit({ maxSize, onError: (c) => tooLarge(c) });

  return async (c, next) => {
    if (NO_BODY.has(c.req.method)) return next();
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming === undefined || incoming.readableEnded) return fallback(c, next);
    const declared = Number(c.req.header('content-length'));
    // Far too large to be worth reading: refused at once (the client may see a reset).
    if (declared - maxSize > LINGER_BYTES) return tooLarge(c, false);

    const chunks: Buffer[] = [];
    let size = 0;
    // Set once the body is over the limit: the rest is read and dropped (see LINGER_BYTES) until then.
    let lingerUntil = declared > maxSize ? performance.now() + LINGER_MS : null;
    try {
      for await (const chunk of incoming as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (lingerUntil !== null) {
          if (size > maxSize + LINGER_BYTES || performance.now() > lingerUntil) return tooLarge(c, false);
          continue;
        }
        if (size > maxSize) {
          lingerUntil = performance.now() + LINGER_MS;
          chunks.length = 0;
          continue;
        }
        chunks.push(chunk);
      }
      if (lingerUntil !== null) return tooLarge(c);
    } catch {
      // The client hung up, or its chunked framing broke, mid-body: its mistake (a 4xx in the log
      // and the metrics), not the store's; whatever it sent is dropped unread.
      return problem(c, 'malformed-body', {
        detail: 'The request body ended before all of it arrived.',
        detailZh: '请求体未完整送达，连接已中断。',
      });
    }
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    // Hono keeps promises of the parsed body here (its type says otherwise).
    const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
    cache.arrayBuffer = Promise.resolve(body.buffer.slice(body.byteOffset, body.byteOffset + size));
    // Hono's json() parses the cached text; without it, it would rebuild a Request to read one.
    cache.text = Promise.resolve(body.toString('utf8'));
    return next();
  };
}
