import { webcrypto } from 'node:crypto';
import { type CredCheckClient, createClient, type WebCrypto } from '../client/index.ts';
import type { ParsedArgs } from './args.ts';
import type { Io } from './io.ts';

export const DEFAULT_API_URL = 'http://localhost:8787';
/** The flags every client command takes. */
export const CONNECTION_FLAGS = ['api', 'key', 'timeout'] as const;
export const CONNECTION_USAGE = `Connection: --api <url> (or CREDCHECK_API_URL, default ${DEFAULT_API_URL}),
  --key <api key> (or CREDCHECK_API_KEY; without one the public role applies), --timeout <ms> (10000).`;

/** The client the flags and environment describe; flags win over the environment. */
export function connect(parsed: ParsedArgs, io: Io): CredCheckClient {
  const baseUrl = parsed.values.get('api') ?? io.env.CREDCHECK_API_URL ?? DEFAULT_API_URL;
  const apiKey = parsed.values.get('key') ?? io.env.CREDCHECK_API_KEY;
  const timeout = Number(parsed.values.get('timeout') ?? 10_000);
  return createClient({
    baseUrl,
    ...(apiKey ? { apiKey } : {}),
    timeout: timeout > 0 ? timeout : 10_000,
    // Node 18 has no global Web Crypto; the CLI is Node-only, so it may hand over node:crypto's.
    crypto: webcrypto as WebCrypto,
  });
}
