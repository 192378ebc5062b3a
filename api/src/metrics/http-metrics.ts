import type { Logger } from '../logging/logger.ts';
import type { CounterChild, HistogramChild, Registry } from './registry.ts';
import { createRouteMatcher, type RouteSpec } from './route-matcher.ts';

/** From half a millisecond (a lookup) to 5 s (a large batch, a scan-heavy export). */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Any other method is counted as `other`, so that a client cannot invent label values. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'other'] as const;

interface RouteStats {
  route: string;
  /** Made on the first request, so that routes never called add no series. */
  latency: HistogramChild | null;
  /** By method index × 1000 + status, so that the request path builds no key string. */
  counts: Map<number, CounterChild>;
}

export type Handler = () => Response | Promise<Response>;

/** Wraps the app's fetch; `record` counts a request answered outside it (the node lookup lane). */
export interface Observer {
  (request: Request, handle: Handler): Response | Promise<Response>;
  record(method: string, path: string, started: number, status: number, requestId: string | null): void;
}

/**
 * Counts every request and its latency by route template, and writes the request log line, around
 * the app's outermost fetch (the hot lookup lane included). Latency is the time until the Response
 * exists: a streamed body (the change stream) is not waited for.
 */
export function observeRequests(registry: Registry, routes: readonly RouteSpec[], logger: Logger): Observer {
  const requests = registry.counter(
    'credcheck_http_requests_total',
    'HTTP requests answered, by method, route template and status',
    ['method', 'route', 'status'],
  );
  const duration = registry.histogram(
    'credcheck_http_request_duration_seconds',
    'Seconds until the response was ready (headers; a streamed body is not waited for), by route template',
    LATENCY_BUCKETS,
    ['route'],
  );
  const statsOf = (route: string): RouteStats => ({ route, latency: null, counts: new Map() });
  const match = createRouteMatcher(routes, statsOf);
  const other = statsOf('other');
  const logRequests = logger.logsRequests;

  const record = (
    method: string,
    path: string,
    started: number,
    status: number,
    requestId: string | null,
  ) => {
    const seconds = (performance.now() - started) / 1000;
    const stats = match(method, path) ?? other;
    let m = METHODS.indexOf(method as (typeof METHODS)[number]);
    if (m < 0) m = METHODS.length - 1;
    const key = m * 1000 + status;
    let counter = stats.counts.get(key);
    if (counter === undefined) {
      counter = requests.labels(METHODS[m]!, stats.route, String(status));
      stats.counts.set(key, counter);
    }
    counter.inc();
    stats.latency ??= duration.labels(stats.route);
    stats.latency.observe(seconds);
    if (logRequests) {
      logger.request({ requestId, method: METHODS[m]!, route: stats.route, status, ms: seconds * 1000 });
    }
  };
  const done = (request: Request, started: number, status: number, response: Response | null) =>
    record(
      request.method,
      pathOf(request.url),
      started,
      status,
      response?.headers.get('x-request-id') ?? null,
    );

  const observe = (request: Request, handle: Handler): Response | Promise<Response> => {
    const started = performance.now();
    let result: Response | Promise<Response>;
    try {
      result = handle();
    } catch (err) {
      done(request, started, 500, null);
      throw err;
    }
    if (result instanceof Response) {
      done(request, started, result.status, result);
      return result;
    }
    return result.then(
      (response) => {
        done(request, started, response.status, response);
        return response;
      },
      (err: unknown) => {
        done(request, started, 500, null);
        throw err;
      },
    );
  };
  return Object.assign(observe, { record });
}

/**
 * The path of a request URL without its query, cheaper than Hono's getPath: labels need no
 * percent-decoding (templates are plain ASCII; an encoded static segment counts as `other`).
 */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const query = url.indexOf('?', start);
  return query < 0 ? url.slice(start) : url.slice(start, query);
}
