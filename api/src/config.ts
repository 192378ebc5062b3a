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
}

export const CONFIG_VARS = [
  ['PORT', '8787', 'HTTP port'],
  ['HOST', '0.0.0.0', 'Interface to listen on'],
  ['DATA_DIR', './data', 'Folder of the embedded SQLite file (credcheck.db)'],
  ['DATABASE_URL', '(unset)', 'PostgreSQL connection string; when set, PostgreSQL is used instead of SQLite'],
  ['CREDCHECK_ADMIN_KEY', '(unset)', 'An admin API key with this value exists'],
  ['CREDCHECK_NOW', '(unset)', 'Pins today’s date (YYYY-MM-DD or RFC 3339) for demos and tests'],
  ['CREDCHECK_DEMO', '1 with SQLite, 0 with PostgreSQL', 'Seed the demo data set when the store is empty'],
  ['CREDCHECK_BODY_LIMIT', '10485760', 'Largest accepted request body in bytes'],
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

export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  const databaseUrl = env.DATABASE_URL || null;
  const demoRaw = env.CREDCHECK_DEMO;
  return {
    port: intVar(env, 'PORT', 8787, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './data',
    databaseUrl,
    adminKey: env.CREDCHECK_ADMIN_KEY || null,
    now: env.CREDCHECK_NOW || null,
    demo:
      demoRaw === undefined || demoRaw === '' ? databaseUrl === null : demoRaw === '1' || demoRaw === 'true',
    bodyLimit: intVar(env, 'CREDCHECK_BODY_LIMIT', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  };
}
