import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

const NO_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Reads a request body once, straight from Node's socket stream, refusing it past `maxSize`
 * (413), and hands it to Hono's body cache so that validators and handlers parse it without
 * going through a WHATWG Request and stream. On the decision path that build-up cost more than
 * the decision itself. Outside Node (app.request in tests) Hono's own body limit applies.
 */
export function readBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (c: Context) =>
    problem(c, 'payload-too-large', {
      detail: `The request body exceeds ${maxSize} bytes.`,
      detailZh: `请求体超过 ${maxSize} 字节的上限。`,
    });
  const fallback = bodyLimit({ maxSize, onError: tooLarge });

  return async (c, next) => {
    if (NO_BODY.has(c.req.method)) return next();
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (incoming === undefined || incoming.readableEnded) return fallback(c, next);
    const declared = Number(c.req.header('content-length'));
    if (declared > maxSize) return tooLarge(c);

    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of incoming as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxSize) return tooLarge(c);
        chunks.push(chunk);
      }
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
