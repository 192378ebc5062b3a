import type { Store } from '../store/types.ts';
import { hashesEqual } from './api-key.ts';
import type { Principal } from './roles.ts';

/** What a presented key stands for: who is calling, and how fast they may. */
export interface ResolvedKey {
  principal: Principal;
  /** Requests per second; 0 = no limit. */
  rate: number;
}

export interface KeyResolverOptions {
  /** SHA-256 hex of CREDCHECK_ADMIN_KEY; null when unset. */
  adminKeyHash: string | null;
  /** Requests per second of a key without its own limit; 0 = no limit. */
  defaultRate: number;
  /** How long a lookup (found, unknown or revoked) is trusted; default 5 s. */
  ttlMs?: number;
  /** Lookups kept at most (default 10,000); the oldest goes first. */
  maxEntries?: number;
  now?: () => number;
}

export interface KeyResolver {
  /** The answer held in memory for this hash; undefined when only the store can tell. */
  cached(hash: string): ResolvedKey | null | undefined;
  /** Asks the store (concurrent calls for one hash share one query) and remembers the answer. */
  load(hash: string): Promise<ResolvedKey | null>;
  /**
   * The key with this hash, or null when it is unknown or revoked. Answers from memory when it
   * can (synchronously), else from the store; concurrent misses for one hash share one query.
   */
  resolve(hash: string): ResolvedKey | null | Promise<ResolvedKey | null>;
  /**
   * Revokes in the store (audited as by `actor`) and forgets the key at once here; false when
   * unknown or already revoked.
   */
  revoke(id: string, at: string, actor?: string): Promise<boolean>;
}

/** The key id CREDCHECK_ADMIN_KEY acts under (in decision records and logs). */
export const ENV_ADMIN_KEY_ID = 'key_env_admin';

/**
 * Resolves key hashes with a small in-memory cache, so that a request does not query the store.
 * A key revoked through `revoke` stops at once in this process; one revoked elsewhere (the
 * `credcheck keys revoke` command, another instance) stops when its cached lookup expires, within
 * `ttlMs`. A new key works at once everywhere (it was never cached).
 */
export function createKeyResolver(store: Store, opts: KeyResolverOptions): KeyResolver {
  const ttl = opts.ttlMs ?? 5000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const admin: ResolvedKey = {
    principal: { role: 'admin', department: null, keyId: ENV_ADMIN_KEY_ID, label: 'CREDCHECK_ADMIN_KEY' },
    rate: opts.defaultRate,
  };
  const cache = new Map<string, { value: ResolvedKey | null; expires: number }>();
  const pending = new Map<string, Promise<ResolvedKey | null>>();
  // Bumped by revoke: a lookup that started before it must not cache what it read.
  let generation = 0;

  async function query(hash: string): Promise<ResolvedKey | null> {
    const started = generation;
    try {
      const rec = await store.findApiKeyByHash(hash);
      const value: ResolvedKey | null =
        rec && rec.revokedAt === null
          ? {
              principal: { role: rec.role, department: rec.department, keyId: rec.id, label: rec.label },
              rate: rec.rateLimit ?? opts.defaultRate,
            }
          : null;
      if (started === generation) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
        cache.set(hash, { value, expires: now() + ttl });
      }
      return value;
    } finally {
      pending.delete(hash);
    }
  }

  function cached(hash: string): ResolvedKey | null | undefined {
    if (opts.adminKeyHash !== null && hashesEqual(hash, opts.adminKeyHash)) return admin;
    const hit = cache.get(hash);
    if (hit === undefined) return undefined;
    if (hit.expires > now()) return hit.value;
    cache.delete(hash);
    return undefined;
  }

  function load(hash: string): Promise<ResolvedKey | null> {
    let p = pending.get(hash);
    if (!p) {
      p = query(hash);
      pending.set(hash, p);
    }
    return p;
  }

  return {
    cached,
    load,
    resolve(hash) {
      const hit = cached(hash);
      return hit === undefined ? load(hash) : hit;
    },

    async revoke(id, at, actor) {
      const revoked = await store.revokeApiKey(id, at, actor);
      generation++;
      for (const [hash, entry] of cache) if (entry.value?.principal.keyId === id) cache.delete(hash);
      return revoked;
    },
  };
}
