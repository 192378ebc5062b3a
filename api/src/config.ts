import { readFileSync } from 'node:fs';
import { loadDefaultDueProcess } from './domain/default-due-process.ts';
import { loadDefaultHolidays } from './domain/default-holidays.ts';
import {
  createDueProcessRules,
  DueProcessDataError,
  type DueProcessRules,
  parseDueProcessOverride,
} from './domain/due-process-rules.ts';
import { parseDuration } from './domain/duration.ts';
import { HolidayDataError, parseHolidayData } from './domain/holidays.ts';
import { createWorkingCalendar, type WorkingCalendar } from './domain/working-days.ts';

/** Configuration comes only from environment variables; this is the one place that reads them. */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  adminKey: string | null;
  /** Pinned "now" for demos and tests (CREDCHECK_NOW). */
  now: string | null;
  /** Seed the demo data set into an empty store on start. */
  demo: boolean;
  bodyLimit: number;
  /** Largest file accepted by POST /v1/imports, in bytes (CREDCHECK_IMPORT_LIMIT). */
  importLimit: number;
  /** Requests per second per API key without its own limit; 0 = no limit. */
  rateLimit: number;
  /** Requests per second per client address without a key; 0 = no limit. */
  rateLimitAnon: number;
  /** Proxies in front whose X-Forwarded-For is trusted for the client address; 0 = the socket address. */
  trustProxy: number;
  /** Origins allowed to call the API from a browser; `*` = any. */
  corsOrigins: string[];
  /** How often the in-memory index polls the change log for writes of other processes. */
  refreshMs: number;
  /** How often a new hash-prefix snapshot for the extension may be published; 0 = none. */
  snapshotMs: number;
  /** CREDCHECK_HOLIDAYS: the operator's holiday file over the shipped one, if any. */
  holidaysFile: string | null;
  /** Working days for deadlines: the shipped holiday arrangement with CREDCHECK_HOLIDAYS over it. */
  calendar: WorkingCalendar;
  /** Publication, objection and repair rules: the shipped ones with CREDCHECK_DUE_PROCESS over them. */
  dueProcess: DueProcessRules;
  /** Decisions without feedback for this long are overdue (CREDCHECK_FEEDBACK_DUE). */
  feedbackDueMs: number;
  /** Webhook delivery (CREDCHECK_WEBHOOK_*). */
  webhooks: { allowHttp: boolean; maxAttempts: number; retryMs: number; timeoutMs: number };
  /** Bearer token /metrics asks for (CREDCHECK_METRICS_TOKEN); null = open. */
  metricsToken: string | null;
  /** Log line format (CREDCHECK_LOG): human text, or one JSON object per line with request lines. */
  logFormat: 'text' | 'json';
  /** How long a shutdown waits for requests in flight before closing their connections (CREDCHECK_SHUTDOWN_MS). */
  shutdownMs: number;
  /** PostgreSQL connections each process's pool may open (CREDCHECK_PG_POOL). */
  pgPool: number;
  /** How long (ms) a request waits for a PostgreSQL connection before answering 503 (CREDCHECK_PG_WAIT_MS). */
  pgWaitMs: number;
  /** Bytes of serialized lookup answers kept per process (CREDCHECK_LOOKUP_CACHE_MB). */
  lookupCacheBytes: number;
}

export const CONFIG_VARS = [
  ['PORT', '8787', 'HTTP port'],
  ['HOST', '0.0.0.0', 'Interface to listen on'],
  ['DATA_DIR', './data', 'Folder of the embedded SQLite file (credcheck.db)'],
  ['DATABASE_URL', '(unset)', 'PostgreSQL connection string; when set, PostgreSQL is used instead of SQLite'],
  [
    'CREDCHECK_ADMIN_KEY',
    '(unset)',
    'An admin API key with this value exists (at least 16 characters, e.g. from `openssl rand -base64 24`); it is cut out of every problem answer',
  ],
  ['CREDCHECK_NOW', '(unset)', 'Pins today’s date (YYYY-MM-DD or RFC 3339) for demos and tests'],
  ['CREDCHECK_DEMO', '1 with SQLite, 0 with PostgreSQL', 'Seed the demo data set when the store is empty'],
  ['CREDCHECK_BODY_LIMIT', '10485760', 'Largest accepted request body in bytes'],
  ['CREDCHECK_IMPORT_LIMIT', '268435456', 'Largest list file accepted by POST /v1/imports, in bytes'],
  [
    'CREDCHECK_RATE_LIMIT',
    '100',
    'Requests per second per API key, in bursts of up to twice that; a key’s own limit wins; 0 = no limit',
  ],
  [
    'CREDCHECK_RATE_LIMIT_ANON',
    '20',
    'Requests per second per client address without a key, in bursts of up to twice that; 0 = no limit',
  ],
  [
    'CREDCHECK_TRUST_PROXY',
    '0',
    'Reverse proxies in front of the API whose X-Forwarded-For gives the client address (1 = one); 0 = the socket address',
  ],
  [
    'CREDCHECK_CORS_ORIGINS',
    '*',
    'Comma-separated origins that may call /v1 from a browser (e.g. chrome-extension://<id>, https://portal.example.gov.cn); * = any',
  ],
  [
    'CREDCHECK_REFRESH_MS',
    '1000',
    "How often (ms) the in-memory index polls for changes written by other processes (imports, other API nodes), besides being told at once (PostgreSQL LISTEN/NOTIFY; SQLite: the file's change counter, read every 25 ms)",
  ],
  [
    'CREDCHECK_SNAPSHOT_MS',
    '60000',
    'How often (ms) at most a new hash-prefix snapshot for the extension’s local check is published when the data changed; 0 = none',
  ],
  [
    'CREDCHECK_HOLIDAYS',
    '(unset)',
    'JSON file of holiday arrangements in the format of api/holidays/cn.json; each year it lists replaces the shipped year, other years are added (e.g. next year’s notice once published)',
  ],
  [
    'CREDCHECK_DUE_PROCESS',
    '(unset)',
    'JSON file of due-process rules in the format of api/catalog/due-process.json (publication deadline, objection verification days, credit-repair rules per list type); its defaults and each list type it names replace the shipped ones',
  ],
  [
    'CREDCHECK_FEEDBACK_DUE',
    'P7D',
    'How long after a decision its feedback (执行反馈) is due, as an ISO 8601 duration (P7D, PT36H); older decisions without feedback are listed as missing and counted overdue',
  ],
  [
    'CREDCHECK_WEBHOOK_ALLOW_HTTP',
    '0',
    'Accept webhook targets on plain http:// beyond localhost (1 = yes, for receivers on a closed network); https is always accepted',
  ],
  [
    'CREDCHECK_WEBHOOK_MAX_ATTEMPTS',
    '12',
    'Attempts per webhook delivery (network errors, timeouts, 408, 429 and 5xx are retried) before it is marked dead in its delivery log',
  ],
  [
    'CREDCHECK_WEBHOOK_RETRY_MS',
    '30000',
    'Delay (ms) before the first retry of a webhook delivery; each next one doubles, with jitter, up to 6 hours (a receiver’s Retry-After is a floor)',
  ],
  ['CREDCHECK_WEBHOOK_TIMEOUT_MS', '10000', 'Time (ms) a webhook receiver has to answer one attempt'],
  [
    'CREDCHECK_METRICS_TOKEN',
    '(unset)',
    'When set, GET /metrics asks for `Authorization: Bearer <token>`; unset, it is open (counts only, no personal data)',
  ],
  [
    'CREDCHECK_LOG',
    'text',
    'Log format: `text` (human lines, no line per request) or `json` (one JSON object per line: server messages and one line per request with its request id, method, route template, status and ms; never keys, query strings or bodies)',
  ],
  [
    'CREDCHECK_SHUTDOWN_MS',
    '10000',
    'On SIGTERM/SIGINT: how long (ms) requests in flight may take to finish before their connections are closed; /readyz answers 503 meanwhile',
  ],
  [
    'CREDCHECK_PG_POOL',
    '10',
    'PostgreSQL connections each API process may open for queries (one more listens for changes); instances × (this + 1) must stay under the server’s max_connections',
  ],
  [
    'CREDCHECK_PG_WAIT_MS',
    '5000',
    'How long (ms) a request waits for one of the pool’s PostgreSQL connections (all busy) or for a new one to open; past it the request answers 503 with Retry-After instead of queueing past the caller’s timeout',
  ],
  [
    'CREDCHECK_LOOKUP_CACHE_MB',
    '32',
    'Megabytes of GET /v1/subjects/{code} answers each process keeps serialized for the current data version (emptied on every change, date or catalog); 0 = none',
  ],
] as const;

export class ConfigError extends Error {}

function intVar(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

/** A key anyone could guess, or one too short to be told apart from ordinary words, is refused. */
export const MIN_ADMIN_KEY_LENGTH = 16;

function adminKey(raw: string | undefined): string | null {
  if (!raw) return null;
  if (raw.length < MIN_ADMIN_KEY_LENGTH || /\s/.test(raw)) {
    throw new ConfigError(
      `CREDCHECK_ADMIN_KEY must be at least ${MIN_ADMIN_KEY_LENGTH} characters without spaces (got ${raw.length}): use a long random value, e.g. from \`openssl rand -base64 24\``,
    );
  }
  return raw;
}

export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  const databaseUrl = env.DATABASE_URL || null;
  const demoRaw = env.CREDCHECK_DEMO;
  return {
    port: intVar(env, 'PORT', 8787, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './data',
    databaseUrl,
    adminKey: adminKey(env.CREDCHECK_ADMIN_KEY),
    now: env.CREDCHECK_NOW || null,
    demo:
      demoRaw === undefined || demoRaw === '' ? databaseUrl === null : demoRaw === '1' || demoRaw === 'true',
    bodyLimit: intVar(env, 'CREDCHECK_BODY_LIMIT', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    importLimit: intVar(env, 'CREDCHECK_IMPORT_LIMIT', 256 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
    rateLimit: intVar(env, 'CREDCHECK_RATE_LIMIT', 100, 0, 1_000_000),
    rateLimitAnon: intVar(env, 'CREDCHECK_RATE_LIMIT_ANON', 20, 0, 1_000_000),
    trustProxy: intVar(env, 'CREDCHECK_TRUST_PROXY', 0, 0, 10),
    corsOrigins: corsOrigins(env.CREDCHECK_CORS_ORIGINS),
    refreshMs: intVar(env, 'CREDCHECK_REFRESH_MS', 1000, 50, 3_600_000),
    snapshotMs: intVar(env, 'CREDCHECK_SNAPSHOT_MS', 60_000, 0, 86_400_000),
    holidaysFile: env.CREDCHECK_HOLIDAYS || null,
    calendar: workingCalendar(env.CREDCHECK_HOLIDAYS || null),
    dueProcess: dueProcessRules(env.CREDCHECK_DUE_PROCESS || null),
    feedbackDueMs: feedbackDue(env.CREDCHECK_FEEDBACK_DUE),
    webhooks: {
      allowHttp: env.CREDCHECK_WEBHOOK_ALLOW_HTTP === '1' || env.CREDCHECK_WEBHOOK_ALLOW_HTTP === 'true',
      maxAttempts: intVar(env, 'CREDCHECK_WEBHOOK_MAX_ATTEMPTS', 12, 1, 100),
      retryMs: intVar(env, 'CREDCHECK_WEBHOOK_RETRY_MS', 30_000, 10, 86_400_000),
      timeoutMs: intVar(env, 'CREDCHECK_WEBHOOK_TIMEOUT_MS', 10_000, 100, 300_000),
    },
    metricsToken: env.CREDCHECK_METRICS_TOKEN || null,
    logFormat: logFormat(env.CREDCHECK_LOG),
    shutdownMs: intVar(env, 'CREDCHECK_SHUTDOWN_MS', 10_000, 0, 3_600_000),
    pgPool: intVar(env, 'CREDCHECK_PG_POOL', 10, 1, 1000),
    pgWaitMs: intVar(env, 'CREDCHECK_PG_WAIT_MS', 5000, 10, 600_000),
    lookupCacheBytes: intVar(env, 'CREDCHECK_LOOKUP_CACHE_MB', 32, 0, 65_536) * 1024 * 1024,
  };
}

function logFormat(raw: string | undefined): 'text' | 'json' {
  if (raw === undefined || raw === '' || raw === 'text') return 'text';
  if (raw === 'json') return 'json';
  throw new ConfigError(`CREDCHECK_LOG must be text or json, got "${raw}"`);
}

/** Read at start so that a bad holiday file stops the server with the file and the line or field. */
function workingCalendar(file: string | null): WorkingCalendar {
  const shipped = loadDefaultHolidays();
  if (file === null) return createWorkingCalendar(shipped);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`CREDCHECK_HOLIDAYS: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return createWorkingCalendar(shipped, parseHolidayData(text));
  } catch (err) {
    if (err instanceof HolidayDataError) throw new ConfigError(`CREDCHECK_HOLIDAYS: ${file}: ${err.message}`);
    throw err;
  }
}

function feedbackDue(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 7 * 86_400_000;
  const ms = parseDuration(raw);
  if (ms === null) {
    throw new ConfigError(
      `CREDCHECK_FEEDBACK_DUE must be an ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. P7D, PT36H), got "${raw}"`,
    );
  }
  return ms;
}

/** Read at start, like the holidays, so that a bad rules file stops the server with the field at fault. */
function dueProcessRules(file: string | null): DueProcessRules {
  const shipped = loadDefaultDueProcess();
  if (file === null) return createDueProcessRules(shipped);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`CREDCHECK_DUE_PROCESS: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return createDueProcessRules(shipped, parseDueProcessOverride(text));
  } catch (err) {
    if (err instanceof DueProcessDataError)
      throw new ConfigError(`CREDCHECK_DUE_PROCESS: ${file}: ${err.message}`);
    throw err;
  }
}

/** An origin is `scheme://host[:port]`, exactly as a browser sends it: no path, no trailing slash. */
function corsOrigins(raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (list.length === 0 || list.includes('*')) return ['*'];
  for (const o of list) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/i.test(o)) {
      throw new ConfigError(
        `CREDCHECK_CORS_ORIGINS: "${o}" is not an origin (scheme://host[:port], no path or trailing slash)`,
      );
    }
  }
  return list;
}
