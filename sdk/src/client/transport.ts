import ky, { TimeoutError as KyTimeoutError } from 'ky';
import { CredCheckError, ProblemError, synthesizeProblem } from './errors.ts';
import type { Problem } from './types.ts';

/**
 * One HTTP exchange with retries. Only fetch, URL and timers are used (through ky), so the client
 * core runs in browsers and other runtimes as well as in Node.
 */

export interface RetryOptions {
  /** Retries after the first attempt (0 = none). Default 2. */
  limit: number;
  /** Backoff before retry n (from 0) is baseDelayMs·2ⁿ, at most maxDelayMs. Default 250 ms. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this ends the retries (the error carries it). Default 60 s. */
  maxRetryAfterMs: number;
}

export const defaultRetry: RetryOptions = {
  limit: 2,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  /** Per attempt, in ms. Default 10 s. */
  timeout: number;
  retry: RetryOptions;
  fetch?: typeof globalThis.fetch | undefined;
}

export type ResponseType = 'json' | 'text' | 'arrayBuffer' | 'stream' | 'none';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path template as openapi.json names it, e.g. `/v1/subjects/{code}`. */
  path: string;
  pathParams?: Record<string, string | number> | undefined;
  query?: Record<string, unknown> | undefined;
  body?: unknown;
  /** Sent as it is instead of `body` as JSON (a file upload); set its Content-Type in `headers`. */
  rawBody?: Blob | ArrayBuffer | Uint8Array | string | undefined;
  headers?: Record<string, string> | undefined;
  /** Whether repeating the request is safe: the caller decides (GET, or a write with an Idempotency-Key). */
  retryable: boolean;
  responseType: ResponseType;
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeout; false for streams. */
  timeout?: number | false | undefined;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

/** Statuses after which the same request may succeed. */
const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);

export function buildUrl(baseUrl: string, spec: Pick<RequestSpec, 'path' | 'pathParams' | 'query'>): URL {
  const path = spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = spec.pathParams?.[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name} for ${spec.path}`);
    return encodeURIComponent(String(value));
  });
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(spec.query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
  }
  return url;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export function backoffDelay(retry: RetryOptions, attempt: number): number {
  return Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (body && typeof body.type === 'string' && typeof body.status === 'number') {
      return {
        ...body,
        type: body.type,
        status: body.status,
        title: body.title ?? res.statusText,
        detail: body.detail ?? body.title ?? res.statusText,
        detailZh: body.detailZh ?? body.detail ?? '',
      };
    }
  } catch {
    // not JSON: described below from the status line and text
  }
  return synthesizeProblem(res.status, res.statusText, text);
}

async function readBody(res: Response, type: ResponseType): Promise<unknown> {
  switch (type) {
    case 'json':
      return res.status === 204 || res.status === 304 ? null : res.json();
    case 'text':
      return res.text();
    case 'arrayBuffer':
      return res.arrayBuffer();
    case 'stream':
      return res.body;
    case 'none':
      await res.body?.cancel().catch(() => {});
      return null;
  }
}

export function createTransport(options: TransportOptions) {
  const http = ky.create({
    retry: 0,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  return async function send<T>(spec: RequestSpec): Promise<ApiResponse<T>> {
    const url = buildUrl(options.baseUrl, spec);
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (spec.responseType === 'stream') headers.accept = 'text/event-stream';
    if (spec.responseType === 'arrayBuffer') headers.accept = 'application/octet-stream';
    if (spec.responseType === 'text') headers.accept = '*/*';
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    Object.assign(headers, spec.headers);
    const limit = spec.retryable ? options.retry.limit : 0;
    const where = { method: spec.method, url: url.toString() };

    for (let attempt = 0; ; attempt++) {
      const attempts = attempt + 1;
      let res: Response;
      try {
        res = await http(url, {
          method: spec.method,
          headers,
          ...(spec.rawBody !== undefined
            ? { body: spec.rawBody as BodyInit }
            : spec.body === undefined
              ? {}
              : { json: spec.body }),
          timeout: spec.timeout ?? options.timeout,
          ...(spec.signal ? { signal: spec.signal } : {}),
        });
      } catch (err) {
        if (spec.signal?.aborted) throw err;
        const timedOut = err instanceof KyTimeoutError;
        if (attempt < limit) {
          await sleep(backoffDelay(options.retry, attempt), spec.signal);
          continue;
        }
        throw new CredCheckError(
          timedOut ? 'timeout' : 'network',
          timedOut
            ? `${spec.method} ${url.pathname} timed out after ${spec.timeout ?? options.timeout} ms`
            : `${spec.method} ${url.pathname} could not reach the API: ${(err as Error).message}`,
          { ...where, attempts, cause: err },
        );
      }

      if (res.ok || res.status === 304) {
        try {
          const data = (await readBody(res, spec.responseType)) as T;
          return { data, status: res.status, headers: res.headers };
        } catch (err) {
          throw new CredCheckError('invalid-response', `${spec.method} ${url.pathname}: unreadable body`, {
            ...where,
            attempts,
            cause: err,
          });
        }
      }

      const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
      const problem = await readProblem(res);
      const error = new ProblemError(problem, {
        ...where,
        attempts,
        retryAfter: retryAfter === null ? null : Math.ceil(retryAfter / 1000),
      });
      if (attempt >= limit || !TRANSIENT.has(res.status)) throw error;
      const honoured = (res.status === 429 || res.status === 503) && retryAfter !== null;
      if (honoured && retryAfter > options.retry.maxRetryAfterMs) throw error;
      await sleep(honoured ? retryAfter : backoffDelay(options.retry, attempt), spec.signal);
    }
  };
}

export type Send = ReturnType<typeof createTransport>;
