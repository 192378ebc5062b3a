import type { paths } from '../schema.d.ts';
import { chunk, mapLimit } from './batch.ts';
import { CredCheckError } from './errors.ts';
import { parseSse } from './sse.ts';
import {
  type ApiResponse,
  createTransport,
  defaultRetry,
  type RequestSpec,
  type RetryOptions,
} from './transport.ts';
import type {
  ApiPath,
  BatchLookupResponse,
  Change,
  DecisionBatchItem,
  DecisionBatchItemInput,
  DecisionBatchResult,
  DecisionResult,
  HttpMethod,
  QueryOf,
  RequestBody,
  ResponseBody,
} from './types.ts';
import { type WebCrypto, webCrypto } from './web-crypto.ts';

/** Codes per POST /v1/subjects/batch and items per POST /v1/decisions/batch, as the API caps them. */
export const LOOKUP_BATCH_MAX = 10_000;
export const DECISION_BATCH_MAX = 1_000;

export interface ClientOptions {
  /** Where the API is served, e.g. `https://credcheck.example.gov.cn` (no /v1). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; without one the public role applies. */
  apiKey?: string;
  /** Per attempt, in ms. Default 10,000. */
  timeout?: number;
  /** Retries of idempotent calls: a count, or the full options; false for none. */
  retry?: number | Partial<RetryOptions> | false;
  /** A fetch to use instead of the global one (tests, proxies, instrumented fetches). */
  fetch?: typeof globalThis.fetch;
  /**
   * What decide() tells the integrator to do when the API is unavailable: it never says "clear";
   * the result's `action` is this policy (null when unset, so the caller must choose).
   */
  onUnavailable?: 'block' | 'review';
  /** Makes idempotency keys; default `globalThis.crypto`. On Node 18 pass node:crypto's `webcrypto`. */
  crypto?: WebCrypto;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface WriteOptions extends CallOptions {
  /** The API returns the first result for a repeated key; sending one also lets the client retry. */
  idempotencyKey?: string;
}

export interface DecideOptions extends CallOptions {
  /** Default: a new random key per call, so that the client's own retries never decide twice. */
  idempotencyKey?: string;
  onUnavailable?: 'block' | 'review';
}

/**
 * What decide() returns when the API could not answer (network, timeout, 5xx or 429 after the
 * retries): never "clear". `action` is the integrator's policy for this case, if set.
 */
export interface UnavailableDecision {
  outcome: 'unavailable';
  cause: CredCheckError;
  action: 'block' | 'review' | null;
}

export type DecisionOrUnavailable = DecisionResult | UnavailableDecision;

/** decideMany(): an item of a chunk the API could not answer carries the cause instead. */
export type DecideManyItem = DecisionBatchItem | (UnavailableDecision & { index: number });

export interface DecideManyResult {
  decided: number;
  failed: number;
  unavailable: number;
  items: DecideManyItem[];
}

export interface BatchOptions extends CallOptions {
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Override the chunk size (at most the API's cap). */
  chunkSize?: number;
}

type Q<P extends ApiPath, M extends HttpMethod = 'get'> = QueryOf<P, M>;
type B<P extends ApiPath, M extends HttpMethod> = RequestBody<P, M>;
type R<P extends ApiPath, M extends HttpMethod = 'get'> = ResponseBody<P, M>;

/** A v4 UUID; randomUUID exists only in secure contexts, and intranet portals are often plain http. */
export function randomKey(given?: WebCrypto): string {
  const c = webCrypto(given);
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function normalizeRetry(retry: ClientOptions['retry']): RetryOptions {
  if (retry === false) return { ...defaultRetry, limit: 0 };
  if (typeof retry === 'number') return { ...defaultRetry, limit: retry };
  return { ...defaultRetry, ...retry };
}

export function createClient(options: ClientOptions) {
  const send = createTransport({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    timeout: options.timeout ?? 10_000,
    retry: normalizeRetry(options.retry),
    fetch: options.fetch,
  });

  const data = <T>(p: Promise<ApiResponse<T>>) => p.then((r) => r.data);

  function get<P extends ApiPath>(
    path: P,
    o: { pathParams?: Record<string, string | number>; query?: object } & CallOptions = {},
  ): Promise<R<P>> {
    return data(
      send<R<P>>({
        method: 'GET',
        path,
        pathParams: o.pathParams,
        query: o.query as Record<string, unknown> | undefined,
        retryable: true,
        responseType: 'json',
        signal: o.signal,
      }),
    );
  }

  /** A write: retried only when an Idempotency-Key goes with it. */
  function write<P extends ApiPath, M extends 'post' | 'put' | 'patch' | 'delete'>(
    method: M,
    path: P,
    body: unknown,
    o: { pathParams?: Record<string, string | number> } & WriteOptions = {},
  ): Promise<R<P, M>> {
    return data(
      send<R<P, M>>({
        method: method.toUpperCase() as RequestSpec['method'],
        path,
        pathParams: o.pathParams,
        body,
        headers: o.idempotencyKey ? { 'idempotency-key': o.idempotencyKey } : undefined,
        retryable: Boolean(o.idempotencyKey),
        responseType: method === 'delete' ? 'none' : 'json',
        signal: o.signal,
      }),
    );
  }

  const client = {
    /** The raw exchange, for what the named methods do not cover (ETags, headers). */
    request: send,

    health: (o?: CallOptions) => get('/healthz', o),
    /** Resolves while the server's index keeps up with its store; a 503 `not-ready` problem otherwise. */
    ready: (o?: CallOptions) => get('/readyz', o),
    /** Prometheus text. Sends the client's key: build the client with CREDCHECK_METRICS_TOKEN where the server sets one. */
    metrics: (o?: CallOptions) =>
      data(
        send<string>({
          method: 'GET',
          path: '/metrics',
          retryable: true,
          responseType: 'text',
          signal: o?.signal,
        }),
      ),
    jwks: (o?: CallOptions) => get('/.well-known/jwks.json', o),

    // Subjects
    lookup: (code: string, o?: CallOptions) => get('/v1/subjects/{code}', { ...o, pathParams: { code } }),
    /** Up to 10,000 codes; a read, so it is retried like a GET. */
    lookupBatch: (codes: string[], o?: CallOptions): Promise<BatchLookupResponse> =>
      data(
        send<BatchLookupResponse>({
          method: 'POST',
          path: '/v1/subjects/batch',
          body: { codes } satisfies B<'/v1/subjects/batch', 'post'>,
          retryable: true,
          responseType: 'json',
          signal: o?.signal,
        }),
      ),
    /** Any number of codes, in chunks of 10,000 with bounded concurrency; items in input order. */
    async lookupMany(codes: readonly string[], o: BatchOptions = {}): Promise<BatchLookupResponse> {
      const size = Math.min(o.chunkSize ?? LOOKUP_BATCH_MAX, LOOKUP_BATCH_MAX);
      const parts = chunk(codes, size);
      const pages = await mapLimit(parts, o.concurrency ?? 4, (part) =>
        client.lookupBatch(part, o.signal ? { signal: o.signal } : {}),
      );
      const merged: BatchLookupResponse = {
        dataVersion: 0,
        asOf: '',
        counts: { found: 0, notFound: 0, invalid: 0 },
        items: [],
      };
      pages.forEach((page, n) => {
        // Chunks may be answered on different data versions: report the oldest, the safe claim.
        merged.dataVersion = n === 0 ? page.dataVersion : Math.min(merged.dataVersion, page.dataVersion);
        merged.asOf = merged.asOf || page.asOf;
        merged.counts.found += page.counts.found;
        merged.counts.notFound += page.counts.notFound;
        merged.counts.invalid += page.counts.invalid;
        for (const item of page.items) merged.items.push({ ...item, index: item.index + n * size });
      });
      return merged;
    },
    search: (name: string, query: Omit<Q<'/v1/search'>, 'name'> = {}, o?: CallOptions) =>
      get('/v1/search', { ...o, query: { ...query, name } }),

    // Change feed and snapshot
    changes: (query: Q<'/v1/changes'> = {}, o?: CallOptions) => get('/v1/changes', { ...o, query }),
    /** The live feed (server-sent events) as an async iterable of changes; no timeout, no retries. */
    async *changesStream(query: Q<'/v1/changes/stream'> = {}, o?: CallOptions): AsyncGenerator<Change> {
      const res = await send<ReadableStream<Uint8Array> | null>({
        method: 'GET',
        path: '/v1/changes/stream',
        query,
        retryable: false,
        responseType: 'stream',
        timeout: false,
        signal: o?.signal,
      });
      if (!res.data) return;
      for await (const event of parseSse(res.data)) {
        if (event.event === 'change') yield JSON.parse(event.data) as Change;
      }
    },
    /** The binary snapshot (see @credcheck/sdk/snapshot to read it). */
    snapshot: (o?: CallOptions) =>
      data(
        send<ArrayBuffer>({
          method: 'GET',
          path: '/v1/snapshot',
          retryable: true,
          responseType: 'arrayBuffer',
          signal: o?.signal,
        }),
      ),
    snapshotDeltas: (query: Q<'/v1/snapshot/deltas'> = {}, o?: CallOptions) =>
      get('/v1/snapshot/deltas', { ...o, query }),
    snapshotDelta: (from: number, o?: CallOptions) =>
      data(
        send<ArrayBuffer>({
          method: 'GET',
          path: '/v1/snapshot/deltas/{from}',
          pathParams: { from },
          retryable: true,
          responseType: 'arrayBuffer',
          signal: o?.signal,
        }),
      ),

    // Decisions
    /**
     * A decision with its signed receipt. Fails closed: when the API cannot answer, the result is
     * `{ outcome: 'unavailable', cause, action }`, never "clear". Refusals (invalid code, unknown
     * scenario, key without the role) still throw a ProblemError: they are the caller's to fix.
     */
    async decide(body: B<'/v1/decisions', 'post'>, o: DecideOptions = {}): Promise<DecisionOrUnavailable> {
      try {
        return await write('post', '/v1/decisions', body, {
          ...o,
          idempotencyKey: o.idempotencyKey ?? randomKey(options.crypto),
        });
      } catch (err) {
        if (err instanceof CredCheckError && err.unavailable) {
          return {
            outcome: 'unavailable',
            cause: err,
            action: o.onUnavailable ?? options.onUnavailable ?? null,
          };
        }
        throw err;
      }
    },
    /** Up to 1,000 items; not retried (the batch takes no Idempotency-Key). */
    decideBatch: (body: B<'/v1/decisions/batch', 'post'>, o?: CallOptions): Promise<DecisionBatchResult> =>
      write('post', '/v1/decisions/batch', body, o),
    /**
     * Any number of items, in chunks of 1,000 with bounded concurrency; items in input order with
     * `index` into the input. A chunk the API could not answer yields unavailable items (fail closed).
     */
    async decideMany(
      items: readonly DecisionBatchItemInput[],
      o: BatchOptions & { scenario?: string; onUnavailable?: 'block' | 'review' } = {},
    ): Promise<DecideManyResult> {
      const size = Math.min(o.chunkSize ?? DECISION_BATCH_MAX, DECISION_BATCH_MAX);
      const parts = chunk(items, size);
      const pages = await mapLimit(parts, o.concurrency ?? 4, async (part, n): Promise<DecideManyItem[]> => {
        try {
          const page = await client.decideBatch(
            { ...(o.scenario ? { scenario: o.scenario } : {}), items: part },
            o.signal ? { signal: o.signal } : {},
          );
          return page.items.map((item) => ({ ...item, index: item.index + n * size }));
        } catch (err) {
          if (!(err instanceof CredCheckError && err.unavailable)) throw err;
          const action = o.onUnavailable ?? options.onUnavailable ?? null;
          return part.map((_, i) => ({ outcome: 'unavailable', cause: err, action, index: n * size + i }));
        }
      });
      const out: DecideManyResult = { decided: 0, failed: 0, unavailable: 0, items: pages.flat() };
      for (const item of out.items) {
        if ('error' in item) out.failed++;
        else if (item.outcome === 'unavailable') out.unavailable++;
        else out.decided++;
      }
      return out;
    },
    listDecisions: (query: Q<'/v1/decisions'> = {}, o?: CallOptions) => get('/v1/decisions', { ...o, query }),
    getDecision: (id: string, o?: CallOptions) => get('/v1/decisions/{id}', { ...o, pathParams: { id } }),
    sendFeedback: (id: string, body: B<'/v1/decisions/{id}/feedback', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/decisions/{id}/feedback', body, { ...o, pathParams: { id } }),
    listFeedback: (id: string, o?: CallOptions) =>
      get('/v1/decisions/{id}/feedback', { ...o, pathParams: { id } }),

    // Entries and due process
    createEntry: (body: B<'/v1/entries', 'post'>, o?: WriteOptions) => write('post', '/v1/entries', body, o),
    getEntry: (id: string, o?: CallOptions) => get('/v1/entries/{id}', { ...o, pathParams: { id } }),
    correctEntry: (id: string, body: B<'/v1/entries/{id}', 'patch'>, o?: WriteOptions) =>
      write('patch', '/v1/entries/{id}', body, { ...o, pathParams: { id } }),
    revokeEntry: (id: string, body: B<'/v1/entries/{id}/revoke', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/entries/{id}/revoke', body, { ...o, pathParams: { id } }),
    createObjection: (body: B<'/v1/objections', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/objections', body, o),
    listObjections: (query: Q<'/v1/objections'> = {}, o?: CallOptions) =>
      get('/v1/objections', { ...o, query }),
    getObjection: (id: string, o?: CallOptions) => get('/v1/objections/{id}', { ...o, pathParams: { id } }),
    resolveObjection: (id: string, body: B<'/v1/objections/{id}/resolve', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/objections/{id}/resolve', body, { ...o, pathParams: { id } }),
    createRepair: (body: B<'/v1/repairs', 'post'>, o?: WriteOptions) => write('post', '/v1/repairs', body, o),
    listRepairs: (query: Q<'/v1/repairs'> = {}, o?: CallOptions) => get('/v1/repairs', { ...o, query }),
    getRepair: (id: string, o?: CallOptions) => get('/v1/repairs/{id}', { ...o, pathParams: { id } }),
    decideRepair: (id: string, body: B<'/v1/repairs/{id}/decide', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/repairs/{id}/decide', body, { ...o, pathParams: { id } }),

    // Credit commitments (信用承诺)
    createCommitment: (body: B<'/v1/commitments', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/commitments', body, o),
    listCommitments: (query: Q<'/v1/commitments'> = {}, o?: CallOptions) =>
      get('/v1/commitments', { ...o, query }),
    getCommitment: (id: string, o?: CallOptions) => get('/v1/commitments/{id}', { ...o, pathParams: { id } }),
    breachCommitment: (id: string, body: B<'/v1/commitments/{id}/breach', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/commitments/{id}/breach', body, { ...o, pathParams: { id } }),

    // Credit reports (信用报告): each one records a decision (the caller needs `decide`), so never retried
    reportHtml: (code: string, query: Omit<Q<'/v1/reports/{code}'>, 'format'>, o?: CallOptions) =>
      data(
        send<string>({
          method: 'GET',
          path: '/v1/reports/{code}',
          pathParams: { code },
          query: { ...query, format: 'html' },
          retryable: false,
          responseType: 'text',
          signal: o?.signal,
        }),
      ),
    reportPdf: (code: string, query: Omit<Q<'/v1/reports/{code}'>, 'format'>, o?: CallOptions) =>
      data(
        send<ArrayBuffer>({
          method: 'GET',
          path: '/v1/reports/{code}',
          pathParams: { code },
          query: { ...query, format: 'pdf' },
          retryable: false,
          responseType: 'arrayBuffer',
          signal: o?.signal,
        }),
      ),

    // Clearances (false matches cleared by a person)
    createClearance: (body: B<'/v1/clearances', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/clearances', body, o),
    listClearances: (query: Q<'/v1/clearances'> = {}, o?: CallOptions) =>
      get('/v1/clearances', { ...o, query }),
    getClearance: (id: string, o?: CallOptions) => get('/v1/clearances/{id}', { ...o, pathParams: { id } }),
    revokeClearance: (id: string, body: B<'/v1/clearances/{id}/revoke', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/clearances/{id}/revoke', body, { ...o, pathParams: { id } }),

    // Statistics
    stats: (query: Omit<Q<'/v1/stats'>, 'format'> = {}, o?: CallOptions) =>
      get('/v1/stats', { ...o, query: { ...query, format: 'json' } }),
    statsCsv: (query: Omit<Q<'/v1/stats'>, 'format'> = {}, o?: CallOptions) =>
      data(
        send<string>({
          method: 'GET',
          path: '/v1/stats',
          query: { ...query, format: 'csv' },
          retryable: true,
          responseType: 'text',
          signal: o?.signal,
        }),
      ),

    // Console: entry lists, keys, audit log, file imports
    listEntries: (query: Q<'/v1/entries'> = {}, o?: CallOptions) => get('/v1/entries', { ...o, query }),
    listKeys: (o?: CallOptions) => get('/v1/keys', o),
    /** The answer carries the key itself, this once. */
    createKey: (body: B<'/v1/keys', 'post'>, o?: WriteOptions) => write('post', '/v1/keys', body, o),
    revokeKey: (id: string, o?: WriteOptions) =>
      write('post', '/v1/keys/{id}/revoke', undefined, { ...o, pathParams: { id } }),
    auditLog: (query: Q<'/v1/audit'> = {}, o?: CallOptions) => get('/v1/audit', { ...o, query }),
    verifyAudit: (body: { anchor?: { seq: number; hash: string } } = {}, o?: CallOptions) =>
      write('post', '/v1/audit/verify', body, o),
    /**
     * Uploads a list file; resolves with the import report when every row is valid. Rejected rows
     * throw a CredCheckError whose problem (`import-rows-rejected`) carries the report as `report`.
     */
    importFile: (
      file: Blob | ArrayBuffer | Uint8Array | string,
      query: Q<'/v1/imports'> & { format: 'csv' | 'xlsx' | 'json' | 'ndjson' },
      o: CallOptions & { timeout?: number } = {},
    ) =>
      data(
        send<R<'/v1/imports', 'post'>>({
          method: 'POST',
          path: '/v1/imports',
          query,
          rawBody: file,
          headers: { 'content-type': 'application/octet-stream' },
          retryable: false,
          responseType: 'json',
          signal: o.signal,
          timeout: o.timeout ?? 600_000,
        }),
      ),

    // Webhooks
    createWebhook: (body: B<'/v1/webhooks', 'post'>, o?: WriteOptions) =>
      write('post', '/v1/webhooks', body, o),
    listWebhooks: (query: Q<'/v1/webhooks'> = {}, o?: CallOptions) => get('/v1/webhooks', { ...o, query }),
    getWebhook: (id: string, o?: CallOptions) => get('/v1/webhooks/{id}', { ...o, pathParams: { id } }),
    updateWebhook: (id: string, body: B<'/v1/webhooks/{id}', 'patch'>, o?: CallOptions) =>
      write('patch', '/v1/webhooks/{id}', body, { ...o, pathParams: { id } }),
    deleteWebhook: (id: string, o?: CallOptions): Promise<void> =>
      write('delete', '/v1/webhooks/{id}', undefined, { ...o, pathParams: { id } }).then(() => undefined),
    setWatchList: (id: string, body: B<'/v1/webhooks/{id}/watch-list', 'put'>, o?: CallOptions) =>
      write('put', '/v1/webhooks/{id}/watch-list', body, { ...o, pathParams: { id } }),
    clearWatchList: (id: string, o?: CallOptions) =>
      data(
        send<R<'/v1/webhooks/{id}/watch-list', 'delete'>>({
          method: 'DELETE',
          path: '/v1/webhooks/{id}/watch-list',
          pathParams: { id },
          retryable: false,
          responseType: 'json',
          signal: o?.signal,
        }),
      ),
    listDeliveries: (id: string, query: Q<'/v1/webhooks/{id}/deliveries'> = {}, o?: CallOptions) =>
      get('/v1/webhooks/{id}/deliveries', { ...o, pathParams: { id }, query }),

    // Catalog
    listTypes: (query: Q<'/v1/list-types'> = {}, o?: CallOptions) => get('/v1/list-types', { ...o, query }),
    measures: (query: Q<'/v1/measures'> = {}, o?: CallOptions) => get('/v1/measures', { ...o, query }),
    scenarios: (o?: CallOptions) => get('/v1/scenarios', o),

    /** The caller's role, department and key label (the key itself is never returned). */
    me: (o?: CallOptions) => get('/v1/me', o),

    /** The source of the drop-in <credcheck-check> web component the API serves. */
    webComponentScript: (o?: CallOptions) =>
      data(
        send<string>({
          method: 'GET',
          path: '/sdk/credcheck-check.js',
          retryable: true,
          responseType: 'text',
          signal: o?.signal,
        }),
      ),
  };
  return client;
}

export type CredCheckClient = ReturnType<typeof createClient>;

type DefinedMethods<P extends ApiPath> = {
  [M in HttpMethod]: [NonNullable<paths[P][M]>] extends [never] ? never : M;
}[HttpMethod];
/** `GET /v1/subjects/{code}` and so on: every operation openapi.json defines. */
export type OperationKey = { [P in ApiPath]: `${Uppercase<DefinedMethods<P>>} ${P}` }[ApiPath];

/**
 * Which client method serves each operation. The type makes tsc fail when the API gains an
 * operation the client lacks; a test checks the same against openapi.json at run time.
 */
export const operations = {
  'GET /healthz': 'health',
  'GET /readyz': 'ready',
  'GET /metrics': 'metrics',
  'GET /.well-known/jwks.json': 'jwks',
  'GET /v1/subjects/{code}': 'lookup',
  'POST /v1/subjects/batch': 'lookupBatch',
  'GET /v1/search': 'search',
  'GET /v1/changes': 'changes',
  'GET /v1/changes/stream': 'changesStream',
  'GET /v1/snapshot': 'snapshot',
  'GET /v1/snapshot/deltas': 'snapshotDeltas',
  'GET /v1/snapshot/deltas/{from}': 'snapshotDelta',
  'POST /v1/decisions': 'decide',
  'GET /v1/decisions': 'listDecisions',
  'POST /v1/decisions/batch': 'decideBatch',
  'GET /v1/decisions/{id}': 'getDecision',
  'POST /v1/decisions/{id}/feedback': 'sendFeedback',
  'GET /v1/decisions/{id}/feedback': 'listFeedback',
  'POST /v1/entries': 'createEntry',
  'GET /v1/entries/{id}': 'getEntry',
  'PATCH /v1/entries/{id}': 'correctEntry',
  'POST /v1/entries/{id}/revoke': 'revokeEntry',
  'POST /v1/objections': 'createObjection',
  'GET /v1/objections': 'listObjections',
  'GET /v1/objections/{id}': 'getObjection',
  'POST /v1/objections/{id}/resolve': 'resolveObjection',
  'POST /v1/repairs': 'createRepair',
  'GET /v1/repairs': 'listRepairs',
  'GET /v1/repairs/{id}': 'getRepair',
  'POST /v1/repairs/{id}/decide': 'decideRepair',
  'POST /v1/commitments': 'createCommitment',
  'GET /v1/commitments': 'listCommitments',
  'GET /v1/commitments/{id}': 'getCommitment',
  'POST /v1/commitments/{id}/breach': 'breachCommitment',
  'GET /v1/reports/{code}': 'reportHtml',
  'POST /v1/clearances': 'createClearance',
  'GET /v1/clearances': 'listClearances',
  'GET /v1/clearances/{id}': 'getClearance',
  'POST /v1/clearances/{id}/revoke': 'revokeClearance',
  'GET /v1/stats': 'stats',
  'GET /v1/entries': 'listEntries',
  'GET /v1/keys': 'listKeys',
  'POST /v1/keys': 'createKey',
  'POST /v1/keys/{id}/revoke': 'revokeKey',
  'GET /v1/audit': 'auditLog',
  'POST /v1/audit/verify': 'verifyAudit',
  'POST /v1/imports': 'importFile',
  'POST /v1/webhooks': 'createWebhook',
  'GET /v1/webhooks': 'listWebhooks',
  'GET /v1/webhooks/{id}': 'getWebhook',
  'PATCH /v1/webhooks/{id}': 'updateWebhook',
  'DELETE /v1/webhooks/{id}': 'deleteWebhook',
  'PUT /v1/webhooks/{id}/watch-list': 'setWatchList',
  'DELETE /v1/webhooks/{id}/watch-list': 'clearWatchList',
  'GET /v1/webhooks/{id}/deliveries': 'listDeliveries',
  'GET /v1/list-types': 'listTypes',
  'GET /v1/measures': 'measures',
  'GET /v1/scenarios': 'scenarios',
  'GET /v1/me': 'me',
  'GET /sdk/credcheck-check.js': 'webComponentScript',
} as const satisfies Record<OperationKey, keyof CredCheckClient>;
