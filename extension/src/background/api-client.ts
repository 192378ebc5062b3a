/**
 * The background's only way to the API: JSON and binary requests with the key, a timeout, and
 * errors that say whether the API was unreachable (work offline) or answered with a problem.
 */

/** The API could not be reached, timed out or is unavailable (503): the caller works offline. */
export class ApiUnreachable extends Error {
  override readonly name = 'ApiUnreachable';
}

/** The API answered with an error status; `detail` is the problem's message when it sent one. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  /** For a 429: how long the API asked to wait. */
  retryAfterMs: number | null = null;
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export type Fetch = typeof fetch;

export interface ApiTarget {
  apiUrl: string;
  apiKey: string;
  /** Problem messages in this language when the API gives both. */
  locale?: 'zh_CN' | 'en';
}

const JSON_TIMEOUT_MS = 15_000;
const RATE_LIMIT_RETRIES = 4;
const MAX_RETRY_AFTER_MS = 5_000;

/** Retry-After in seconds (or an HTTP date), kept between 0.2 and 5 s; 1 s when absent. */
export function retryAfterMs(header: string | null): number {
  if (!header) return 1000;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(200, ms)) : 1000;
}
const BINARY_TIMEOUT_MS = 60_000;

export class ApiClient {
  constructor(
    readonly target: ApiTarget,
    private readonly fetchImpl: Fetch = (...args) => fetch(...args),
  ) {}

  /**
   * A URL on this API only: a step `href` from a sync answer is resolved against the API and
   * refused when it points anywhere else, so a tampered answer cannot send the key elsewhere.
   */
  url(pathOrHref: string): string {
    const base = new URL(`${this.target.apiUrl}/`);
    if (pathOrHref.startsWith('//'))
      throw new ApiProblem(0, `refused a link to another host: ${pathOrHref}`, null);
    // A path is under the API URL, which may itself have a path (behind a reverse proxy).
    const url = pathOrHref.startsWith('/') ? new URL(pathOrHref.slice(1), base) : new URL(pathOrHref, base);
    if (url.origin !== base.origin)
      throw new ApiProblem(0, `refused a link to another origin: ${url.origin}`, null);
    return url.href;
  }

  async getJson<T>(path: string): Promise<T> {
    const res = await this.send(path, { method: 'GET' }, JSON_TIMEOUT_MS);
    return (await this.readJson(res)) as T;
  }

  async postJson<T>(path: string, body: unknown): Promise<T> {
    const res = await this.send(
      path,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      JSON_TIMEOUT_MS,
    );
    return (await this.readJson(res)) as T;
  }

  async getBytes(path: string): Promise<{ bytes: Uint8Array; headers: Headers }> {
    const res = await this.send(path, { method: 'GET' }, BINARY_TIMEOUT_MS);
    try {
      return { bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
    } catch (err) {
      // A connection cut mid-body: as unreachable as no answer at all.
      throw new ApiUnreachable(`download interrupted: ${messageOf(err)}`);
    }
  }

  /**
   * Reads are retried after a 429 as the API asks (Retry-After, at most a few seconds, a few
   * times): a sync of many small delta steps without a key can outrun the anonymous rate limit.
   */
  private async send(path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendOnce(path, init, timeoutMs);
      } catch (err) {
        const wait = err instanceof ApiProblem && err.status === 429 ? err.retryAfterMs : null;
        if (wait === null || init.method !== 'GET' || attempt >= RATE_LIMIT_RETRIES) throw err;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async sendOnce(path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    if (!this.target.apiUrl) throw new ApiUnreachable('no API URL configured');
    const headers = new Headers(init.headers);
    headers.set('accept', 'application/json, application/octet-stream, application/problem+json');
    if (this.target.apiKey) headers.set('authorization', `Bearer ${this.target.apiKey}`);
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(path), {
        ...init,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (err) {
      if (err instanceof ApiProblem) throw err;
      throw new ApiUnreachable(`API unreachable: ${messageOf(err)}`);
    }
    if (res.ok) return res;
    const body = await res.json().catch(() => null);
    if (res.status === 503 || res.status === 502 || res.status === 504) {
      throw new ApiUnreachable(
        `API unavailable (${res.status}): ${problemMessage(body, this.target.locale) ?? res.statusText}`,
      );
    }
    const problem = new ApiProblem(
      res.status,
      problemMessage(body, this.target.locale) ?? `HTTP ${res.status}`,
      body,
    );
    if (res.status === 429) problem.retryAfterMs = retryAfterMs(res.headers.get('retry-after'));
    throw problem;
  }

  private async readJson(res: Response): Promise<unknown> {
    try {
      return await res.json();
    } catch (err) {
      throw new ApiUnreachable(`unreadable answer: ${messageOf(err)}`);
    }
  }
}

function problemMessage(body: unknown, locale: ApiTarget['locale']): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const p = body as { detail?: unknown; detailZh?: unknown; title?: unknown };
  const zh = typeof p.detailZh === 'string' ? p.detailZh : undefined;
  const en = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : undefined;
  return locale === 'en' ? (en ?? zh) : (zh ?? en);
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
