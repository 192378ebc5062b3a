import type { IncomingMessage, ServerResponse } from 'node:http';
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
  const answer = laneAnswer(deps, gate, corsFor);
  return (request, env) => {
    if (request.method !== 'GET') return undefined;
    const path = getPath(request);
    if (!path.startsWith(PREFIX) || request.url.includes('?')) return undefined;
    const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const headers = incoming ? laneHeaders(incoming.rawHeaders) : fetchHeaders(request.headers);
    // Two of a header the app would see joined: the app decides.
    if (headers === undefined) return undefined;
    const out = answer(path, headers, incoming ? incoming.socket.remoteAddress : 'in-process');
    if (out === undefined) return undefined;
    // One object with every header, built once: the adapter writes it as it is.
    return new Response(out.body, {
      status: out.status,
      headers: { ...out.headers, ...out.admitted, 'X-Request-Id': out.requestId, ...out.cors },
    });
  };
}

/**
 * The same lane one layer further down, on Node's own request and response: lookups skip the
 * adapter's Request and Response objects too, which the bare Hono endpoint of the benchmark pays
 * for (about 7 µs of a 33 µs request there). Only a path the adapter would hand to Hono unchanged is
 * taken: a code of letters and digits, nothing to decode, no query; anything else returns false and
 * goes to the adapter, whose lane above takes the rest. `record` counts the request as the app's
 * metrics wrapper does.
 */
export function nodeLookup(
  deps: AppDeps,
  gate: Gate,
  corsFor: (origin: string | undefined) => Record<string, string>,
  record: (method: string, path: string, started: number, status: number, requestId: string | null) => void,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const answer = laneAnswer(deps, gate, corsFor);
  return (req, res) => {
    if (req.method !== 'GET') return false;
    const path = req.url;
    if (path === undefined || !path.startsWith(PREFIX) || !plainCode(path)) return false;
    const started = performance.now();
    const headers = laneHeaders(req.rawHeaders);
    if (headers === undefined) return false;
    const out = answer(path, headers, req.socket.remoteAddress);
    if (out === undefined) return false;
    const list = headerList(out);
    if (list === null) return false;
    const body = out.body;
    if (body !== null) {
      list.push(
        'Content-Length',
        String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength),
      );
    }
    try {
      res.writeHead(out.status, list);
    } catch {
      // A header Node refuses: the adapter answers (and reports it) instead.
      return false;
    }
    if (body === null) res.end();
    else res.end(body);
    record('GET', path, started, out.status, out.requestId);
    return true;
  };
}

/** After the prefix: 1 to MAX_CODE letters and digits, and nothing else. */
function plainCode(path: string): boolean {
  const end = path.length;
  if (end === PREFIX.length || end - PREFIX.length > MAX_CODE) return false;
  for (let i = PREFIX.length; i < end; i++) {
    const c = path.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

/** The answer and the request's own headers, apart: the two lanes put them together each their way. */
interface LaneAnswer {
  status: number;
  body: string | Uint8Array<ArrayBuffer> | null;
  /** The answer's own (shared by every request a cached answer goes to). */
  headers: Readonly<Record<string, string>>;
  /** The rate limit's. */
  admitted: Record<string, string> | null;
  requestId: string;
  cors: Readonly<Record<string, string>>;
}

/** Names the lane adds to an answer's own headers; an answer that has one itself goes to the adapter. */
const ADDED = new Set([
  'ratelimit-limit',
  'ratelimit-remaining',
  'retry-after',
  'x-request-id',
  'access-control-allow-origin',
  'access-control-expose-headers',
  'vary',
  'content-length',
]);

/**
 * Header objects the lane has seen, as Node's flat [name, value, …] list: an object merged per
 * request (ten names, spread from four) came out as a dictionary of about a kilobyte that outlived
 * the young generation, and promoting it to the old one cost more than the rest of a lookup.
 */
const flat = new WeakMap<object, readonly string[] | null>();

function flatOf(headers: Readonly<Record<string, string>>, own: boolean): readonly string[] | null {
  let list = flat.get(headers);
  if (list === undefined) {
    const out: string[] = [];
    let refused = false;
    for (const name of Object.keys(headers)) {
      if (own && ADDED.has(name.toLowerCase())) {
        refused = true;
        break;
      }
      out.push(name, headers[name]!);
    }
    list = refused ? null : out;
    flat.set(headers, list);
  }
  return list;
}

/** Every header of the answer in one fresh flat list, or null for an answer the adapter should send. */
function headerList(out: LaneAnswer): string[] | null {
  const own = flatOf(out.headers, true);
  const cors = flatOf(out.cors, false);
  if (own === null || cors === null) return null;
  const list = own.concat(cors);
  list.push('X-Request-Id', out.requestId);
  const admitted = out.admitted;
  if (admitted !== null) {
    for (const name in admitted) list.push(name, admitted[name]!);
  }
  return list;
}

/** The lane's answer for a lookup path, or undefined for anything it leaves to the app. */
function laneAnswer(
  deps: AppDeps,
  gate: Gate,
  corsFor: (origin: string | undefined) => Record<string, string>,
): (path: string, headers: LaneHeaders, remoteAddress: string | undefined) => LaneAnswer | undefined {
  const trustProxy = deps.auth?.trustProxy ?? 0;

  return (path, headers, remoteAddress) => {
    const raw = path.slice(PREFIX.length);
    if (raw.length === 0 || raw.includes('/')) return undefined;
    const code = decodeParam(raw);
    if (code === undefined || code.length > MAX_CODE) return undefined;
    let result: Answer;
    let admitted: Record<string, string> | null = null;
    try {
      const admission = gate.admitSync(
        headers.authorization,
        // Inline, not a named closure: the loader's keep-names helper costs a call per request.
        () => addressOf(trustProxy > 0 ? headers.forwardedFor : undefined, remoteAddress, trustProxy),
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
    return {
      status: result.status,
      body: result.body,
      headers: result.headers,
      admitted,
      requestId: requestIdFrom(headers.requestId),
      cors: corsFor(headers.origin),
    };
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
