import type { ApiPath, HttpMethod, Problem, QueryOf, RequestBody, ResponseBody } from '@credcheck/sdk/client';

/** Paths that define method M (openapi-typescript marks the others `never`). */
export type PathWith<M extends HttpMethod> = {
  [P in ApiPath]: [NonNullable<import('@credcheck/sdk/client').paths[P][M]>] extends [never] ? never : P;
}[ApiPath];

/**
 * The body of a route that may not exist yet in this build of the contract (another helper adds
 * it): typed from the SDK once it does, unknown until then.
 */
export type MaybeResponse<P extends string, M extends HttpMethod> = P extends ApiPath
  ? ResponseBody<P, M>
  : unknown;

/** A failed call: the RFC 9457 problem when the API sent one, otherwise a network or HTTP failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem ? `${problem.status} ${problem.type}: ${problem.detail}` : `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
}

export interface RawBody {
  body: Blob | ArrayBuffer | string;
  contentType: string;
}

export function buildUrl(base: string, path: string, opts: CallOptions = {}): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = opts.params?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(v);
  });
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const q = qs.toString();
  return `${base}${filled}${q ? `?${q}` : ''}`;
}

/** Reads a problem body when the answer is one; anything else becomes null. */
export async function problemOf(res: Response): Promise<Problem | null> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return null;
  try {
    const body = (await res.json()) as Partial<Problem>;
    return typeof body.type === 'string' && typeof body.status === 'number' ? (body as Problem) : null;
  } catch {
    return null;
  }
}

/**
 * The console's API helper: same-origin fetch, typed by the SDK's generated `paths`, with the key
 * of the signed-in user (none on the public page).
 */
export function createApi(getKey: () => string | null, base = '', fetchImpl: typeof fetch = fetch) {
  async function call(
    method: string,
    path: string,
    opts: CallOptions,
    json?: unknown,
    raw?: RawBody,
  ): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const key = getKey();
    if (key) headers.Authorization = `Bearer ${key}`;
    let body: BodyInit | undefined;
    if (raw) {
      headers['Content-Type'] = raw.contentType;
      body = raw.body;
    } else if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    }
    let res: Response;
    try {
      res = await fetchImpl(buildUrl(base, path, opts), {
        method,
        headers,
        body,
        signal: opts.signal,
        credentials: 'omit',
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, null);
    }
    if (!res.ok) throw new ApiError(res.status, await problemOf(res));
    if (res.status === 204) return undefined;
    return res.json();
  }

  return {
    get<P extends PathWith<'get'>>(
      path: P,
      opts: CallOptions & { query?: QueryOf<P, 'get'> } = {},
    ): Promise<ResponseBody<P, 'get'>> {
      return call('GET', path, opts) as Promise<ResponseBody<P, 'get'>>;
    },
    post<P extends PathWith<'post'>>(
      path: P,
      body: RequestBody<P, 'post'>,
      opts: CallOptions = {},
    ): Promise<ResponseBody<P, 'post'>> {
      return call('POST', path, opts, body) as Promise<ResponseBody<P, 'post'>>;
    },
    patch<P extends PathWith<'patch'>>(
      path: P,
      body: RequestBody<P, 'patch'>,
      opts: CallOptions = {},
    ): Promise<ResponseBody<P, 'patch'>> {
      return call('PATCH', path, opts, body) as Promise<ResponseBody<P, 'patch'>>;
    },
    /** For uploads (imports) and for routes another helper is still adding: typed by the caller. */
    request<T>(
      method: string,
      path: string,
      opts: CallOptions = {},
      json?: unknown,
      raw?: RawBody,
    ): Promise<T> {
      return call(method, path, opts, json, raw) as Promise<T>;
    },
  };
}

export type Api = ReturnType<typeof createApi>;
