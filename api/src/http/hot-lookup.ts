import type { IncomingMessage } from 'node:http';
import { getPath } from 'hono/utils/url';
import { cachedLookupAnswer, lookupContext, visibilityOf } from '../routes/subjects.ts';
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

    const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const headers = incoming ? laneHeaders(incoming.rawHeaders) : fetchHeaders(request.headers);
    // Two of a header the app would see joined: the app decides.
    if (headers === undefined) return undefined;
    let result: Answer;
    let admitted: Record<string, string> | null = null;
    try {
      const admission = gate.admitSync(
        headers.authorization,
        // Inline, not a named closure: the loader's keep-names helper costs a call per request.
        () =>
          addressOf(
            trustProxy > 0 ? headers.forwardedFor : undefined,
            incoming ? incoming.socket.remoteAddress : 'in-process',
            trustProxy,
          ),
        Date.now(),
      );
      if (admission === undefined) return undefined;
      if (!admission.ok) {
        const { slug, input, headers: refusalHeaders } = admission.refusal;
        result = problemAnswer(slug, input, path, refusalHeaders);
      } else {
        const ctx = lookupContext(deps, visibilityOf(admission.principal));
        result = cachedLookupAnswer(ctx, deps.lookupAnswers, code, headers.ifNoneMatch, path);
        admitted = admission.headers;
      }
    } catch {
      // The app answers again and reports the failure through its error handler.
      return undefined;
    }
    // One object with every header, built once: the adapter writes it as it is.
    const responseHeaders = {
      ...result.headers,
      ...admitted,
      'X-Request-Id': requestIdFrom(headers.requestId),
      ...corsFor(headers.origin),
    };
    return new Response(result.body, { status: result.status, headers: responseHeaders });
  };
}

/** The request headers the lane reads. */
interface LaneHeaders {
  authorization: string | undefined;
  ifNoneMatch: string | undefined;
  requestId: string | undefined;
  origin: string | undefined;
  forwardedFor: string | undefined;
}

const LANE_HEADERS: Record<string, keyof LaneHeaders> = {
  authorization: 'authorization',
  'if-none-match': 'ifNoneMatch',
  'x-request-id': 'requestId',
  origin: 'origin',
  'x-forwarded-for': 'forwardedFor',
};

/**
 * Straight from Node's raw header list: asking the adapter's Request for its headers makes it build
 * a whole fetch Request, which cost more than the rest of a cached lookup. Undefined when one of
 * the lane's headers comes twice (the app would see them joined with a comma).
 */
function laneHeaders(raw: readonly string[]): LaneHeaders | undefined {
  const out: LaneHeaders = {
    authorization: undefined,
    ifNoneMatch: undefined,
    requestId: undefined,
    origin: undefined,
    forwardedFor: undefined,
  };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length > 15) continue;
    const field = LANE_HEADERS[name] ?? LANE_HEADERS[name.toLowerCase()];
    if (field === undefined) continue;
    if (out[field] !== undefined) return undefined;
    out[field] = trimOws(raw[i + 1]!);
  }
  return out;
}

/** As fetch's Headers gives a value: without surrounding spaces and tabs (and nothing else). */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

const isOws = (c: number) => c === 0x20 || c === 0x09;

function fetchHeaders(headers: Headers): LaneHeaders {
  return {
    authorization: headers.get('authorization') ?? undefined,
    ifNoneMatch: headers.get('if-none-match') ?? undefined,
    requestId: headers.get('x-request-id') ?? undefined,
    origin: headers.get('origin') ?? undefined,
    forwardedFor: headers.get('x-forwarded-for') ?? undefined,
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
