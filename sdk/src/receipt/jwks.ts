import { ReceiptError } from './errors.ts';
import { candidateKeys, type JwsHeader, type PublicJwk } from './jws.ts';

/** Finds the keys that may have signed a JWS; throws a ReceiptError when the set cannot be had. */
export type KeyLookup = (header: JwsHeader) => Promise<PublicJwk[]>;

export interface Jwks {
  keys: readonly PublicJwk[];
}

export function localKeys(jwks: Jwks): KeyLookup {
  if (!Array.isArray(jwks?.keys)) throw new TypeError('jwks must be a JSON Web Key Set: { keys: [...] }');
  return async (header) => candidateKeys(jwks.keys, header);
}

/** A fresh set is not refetched for an unknown kid sooner than this. */
const COOLDOWN_MS = 30_000;
/** A set older than this is refetched before use: new keys appear on rotation. */
const MAX_AGE_MS = 10 * 60_000;
const TIMEOUT_MS = 5_000;

/**
 * The set published at a URL, cached: fetched on first use, again when older than MAX_AGE_MS, and
 * again for a kid it lacks once COOLDOWN_MS have passed (so a forged kid cannot make it hammer the API).
 */
export function remoteKeys(url: string, fetchImpl: typeof globalThis.fetch = globalThis.fetch): KeyLookup {
  let cached: { keys: readonly PublicJwk[]; at: number } | null = null;
  let pending: Promise<readonly PublicJwk[]> | null = null;

  const load = () => {
    pending ??= fetchSet(url, fetchImpl)
      .then((keys) => {
        cached = { keys, at: Date.now() };
        return keys;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };

  return async (header) => {
    const age = cached ? Date.now() - cached.at : Number.POSITIVE_INFINITY;
    const keys = cached && age < MAX_AGE_MS ? cached.keys : await load();
    const found = candidateKeys(keys, header);
    if (found.length > 0 || (cached && Date.now() - cached.at < COOLDOWN_MS)) return found;
    return candidateKeys(await load(), header);
  };
}

async function fetchSet(url: string, fetchImpl: typeof globalThis.fetch): Promise<readonly PublicJwk[]> {
  let body: unknown;
  try {
    const res = await fetchImpl(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (err) {
    throw new ReceiptError('jwks-unavailable', `the JWKS could not be loaded: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const keys = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(keys))
    throw new ReceiptError('jwks-unavailable', 'the JWKS could not be loaded: no keys');
  return keys as PublicJwk[];
}
