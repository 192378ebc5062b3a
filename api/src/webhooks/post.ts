import type { AttemptResult } from './retry.ts';
import { signWebhook } from './signature.ts';

export interface Delivery {
  id: string;
  url: string;
  secret: string;
  payload: string;
}

/** Same-origin 307/308 redirects followed at most; any other redirect is an answer, not a way on. */
const MAX_REDIRECTS = 3;
/** Of a failing answer's body, this much is kept in the delivery log. */
const SNIPPET_BYTES = 300;
const USER_AGENT = 'CredCheck-Webhooks/1';

/**
 * One attempt: POST the body with the Standard Webhooks headers, signed for this attempt's
 * timestamp, within `timeoutMs` for everything (redirects included). Redirects to another origin
 * are never followed, so a receiver cannot point our signed request (and its network position)
 * elsewhere; a 307/308 to the same origin is, since it keeps the method and body.
 */
export async function postWebhook(d: Delivery, timeoutMs: number, nowMs: number): Promise<AttemptResult> {
  const timestamp = Math.floor(nowMs / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': d.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(d.secret, d.id, timestamp, d.payload),
  };
  const signal = AbortSignal.timeout(timeoutMs);
  let url = new URL(d.url);
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetch(url, { method: 'POST', headers, body: d.payload, redirect: 'manual', signal });
      if (res.status >= 200 && res.status < 300) {
        await res.body?.cancel().catch(() => {});
        return { ok: true, status: res.status };
      }
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location');
        await res.body?.cancel().catch(() => {});
        const next = location ? safeUrl(location, url) : null;
        if (
          (res.status === 307 || res.status === 308) &&
          next?.origin === url.origin &&
          hop < MAX_REDIRECTS
        ) {
          url = next;
          continue;
        }
        return {
          ok: false,
          status: res.status,
          error: `HTTP ${res.status}: redirect to ${next ? next.origin : '(no location)'} not followed`,
          retryAfter: null,
        };
      }
      const snippet = await readSnippet(res);
      return {
        ok: false,
        status: res.status,
        error: `HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`,
        retryAfter: res.headers.get('retry-after'),
      };
    }
  } catch (err) {
    return { ok: false, status: null, error: describeError(err, signal, timeoutMs), retryAfter: null };
  }
}

function safeUrl(location: string, base: URL): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}

async function readSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body cut off is no reason to lose the status.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8', 0, Math.min(size, SNIPPET_BYTES)).replace(/\s+/g, ' ').trim();
}

/** fetch wraps network failures in "fetch failed"; the cause says what happened. */
function describeError(err: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `no answer within ${timeoutMs} ms`;
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause;
  if (cause?.code || cause?.message) return [cause.code, cause.message].filter(Boolean).join(': ');
  return e.message ?? String(err);
}
