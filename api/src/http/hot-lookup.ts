import type { IncomingMessage } from 'node:http';
import { getPath } from 'hono/utils/url';
import { answerLookup, lookupContext, visibilityOf } from '../routes/subjects.ts';
import { addressOf, type Gate } from './auth.ts';
import type { AppDeps } from './env.ts';
import { type Answer, problemAnswer } from './problem.ts';
import { requestIdFrom } from './request-id.ts';

const PREFIX = '/v1/subjects/';
/** Longer codes are refused by the route's validation; the lane leaves them to it. */
const MAX_CODE = 64;

/**
 * GET /v1/subjects/{code} without Hono's middleware chain: the gate (key, role, rate limit), the
 * request id and the CORS headers applied in one synchronous step, and the answer built by the
 * route's own `answerLookup`. Lookups are the hottest path (an extension scanning a page, a bank
 * screening a portfolio), and the chain of async middleware with a Headers object per response
 * cost more than the lookup itself: with this lane a lookup on a million entries takes about 40
 * instead of 60 µs of server CPU (test/bench/http.bench.ts, same machine).
 *
 * Anything the lane does not handle exactly like the app is left to the app (undefined): other
 * methods and paths, a query string, a code the route's validation would refuse, a key not in
 * memory yet (the app asks the store; the next request finds it), or a failure of the lane itself.
 * A test sends the same requests through both and compares the answers.
 */
export function hotLookup(
  deps: AppDeps,
  gate: Gate,
  corsFor: (origin: string | undefined) => Record<string, string>,
): (request: Request, env: unknown) => Response | undefined {
  const trustProxy = deps.auth?.trustProxy ?? 0;

  return (request, env) => {
    if (request.method !== 'GET') return undefined;
    const path = getPath(request);
    if (!path.startsWith(PREFIX) || request.url.includes('?')) return undefined;
    const raw = path.slice(PREFIX.length);
    if (raw.length === 0 || raw.includes('/')) return undefined;
    const code = decodeParam(raw);
    if (code === undefined || code.length > MAX_CODE) return undefined;

    const headers = request.headers;
    const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const address = () =>
      addressOf(
        trustProxy > 0 ? (headers.get('x-forwarded-for') ?? undefined) : undefined,
        incoming ? incoming.socket.remoteAddress : 'in-process',
        trustProxy,
      );
    let result: Answer;
    try {
      const admission = gate.admitSync(headers.get('authorization') ?? undefined, address, Date.now());
      if (admission === undefined) return undefined;
      if (!admission.ok) {
        const { slug, input, headers: refusalHeaders } = admission.refusal;
        result = problemAnswer(slug, input, path, refusalHeaders);
      } else {
        const ctx = lookupContext(deps, visibilityOf(admission.principal));
        result = answerLookup(ctx, code, headers.get('if-none-match'), path);
        if (admission.headers !== null) Object.assign(result.headers, admission.headers);
      }
    } catch {
      // The app answers again and reports the failure through its error handler.
      return undefined;
    }
    result.headers['X-Request-Id'] = requestIdFrom(headers.get('x-request-id'));
    Object.assign(result.headers, corsFor(headers.get('origin') ?? undefined));
    return new Response(result.body, { status: result.status, headers: result.headers });
  };
}

/** As Hono decodes a path parameter; undefined for an encoding it would not accept either. */
function decodeParam(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
