import { isUtf8 } from 'node:buffer';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
/** The only way an unpaired surrogate gets into a JSON body: an escape of one (UTF-8 cannot carry it). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses text that is not text before any route reads it: a query string whose percent-escapes
 * are not UTF-8 (the router would pass `%ED%A0%80` on undecoded, as if it were the value), and a
 * JSON body with bytes that are not UTF-8 or escaped unpaired surrogates (`"\uD800"`). Those would
 * be stored as U+FFFD while the answer (from memory) still showed the original, so what was
 * accepted would not be what is kept.
 */
export function wellFormedRequest(opts: { fileUploads?: string[] } = {}): MiddlewareHandler<AppEnv> {
  const files = new Set(opts.fileUploads ?? []);
  return async (c, next) => {
    const url = c.req.url;
    const q = url.indexOf('?');
    if (q >= 0 && url.includes('%', q) && !decodable(url.slice(q + 1))) {
      return problem(c, 'validation-failed', {
        detail: 'The query string has percent-escapes that are not UTF-8 text.',
        detailZh: '查询字符串中的百分号编码不是有效的 UTF-8 文本。',
        errors: [{ field: 'query', message: 'percent-escapes are not UTF-8 text' }],
      });
    }
    // A file upload is the file itself, read by the import's own parser (encodings, damage and all):
    // decoding a 100 MB upload here only to look at it would double its memory.
    if (files.has(c.req.path) || !JSON_TYPE.test(c.req.header('content-type') ?? '')) return next();
    // The raw bytes (cached by readBody on the Node server) must be UTF-8 before anything decodes them.
    if (!isUtf8(await c.req.arrayBuffer())) {
      return refuse(c, 'is not valid UTF-8', '不是有效的 UTF-8 编码');
    }
    const text = await c.req.text();
    if (SURROGATE_ESCAPE.test(text) && !wellFormed(text)) {
      return refuse(
        c,
        'contains an unpaired UTF-16 surrogate escape (such as \\uD800), which is not text',
        '含有不成对的 UTF-16 代理项转义（如 \\uD800），不是有效文本',
      );
    }
    return next();
  };
}

function decodable(query: string): boolean {
  try {
    decodeURIComponent(query);
    return true;
  } catch {
    return false;
  }
}

function refuse(c: Parameters<MiddlewareHandler<AppEnv>>[0], what: string, whatZh: string) {
  return problem(c, 'malformed-body', {
    detail: `The request body ${what}. Send JSON text in UTF-8.`,
    detailZh: `请求体${whatZh}。请以 UTF-8 编码发送 JSON 文本。`,
  });
}

/** Whether every string and member name of the JSON text is well-formed Unicode (unparsable: left to the validator). */
function wellFormed(text: string): boolean {
  let ok = true;
  try {
    JSON.parse(text, (key, value) => {
      if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value))) ok = false;
      return value;
    });
  } catch {
    return true;
  }
  return ok;
}
