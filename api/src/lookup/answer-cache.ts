import type { Catalog } from '../domain/catalog.ts';
import type { Answer } from '../http/problem.ts';

/** CREDCHECK_LOOKUP_CACHE_MB's default: some 25,000 answers of a subject with two entries. */
export const DEFAULT_LOOKUP_CACHE_BYTES = 32 * 1024 * 1024;

/** What every cached answer was computed on: a change to any of these empties the cache. */
export interface AnswerVersion {
  /** The index's data version: every lookup answer carries it, so any change alters them all. */
  seq: number;
  /** Statuses (expiry, objection deadlines) are judged at this date. */
  today: string;
  /** List-type names in the answers come from the catalog in force. */
  catalog: Catalog | null;
}

export interface CachedAnswer {
  status: number;
  /** UTF-8, so that a hit needs neither serialization nor encoding. */
  body: Uint8Array<ArrayBuffer> | null;
  headers: Readonly<Record<string, string>>;
  /** The 200 answer's ETag, to answer If-None-Match from the cache too. */
  etag: string | null;
}

export interface AnswerCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

export interface AnswerCache {
  get(key: string, version: AnswerVersion): CachedAnswer | undefined;
  /** Whether an answer of this many bytes would be kept: a caller can spare making a copy to keep. */
  keeps(bytes: number): boolean;
  /** Keeps the answer unless it alone exceeds the budget; returns what to send. */
  put(key: string, version: AnswerVersion, answer: Answer, etag: string | null): CachedAnswer;
  stats(): AnswerCacheStats;
}

/**
 * GET /v1/subjects/{code} answers of the current data version, serialized once (and, under keys of
 * their own, the found items of batches: lookup/batch-answer.ts). Building a lookup
 * answer (entries' statuses at today's date, masking, JSON) costs several times what the rest of
 * the request does, and the same subjects are asked for again and again: the bidders of a portal,
 * a bank's borrowers. Bounded by bytes of body (first in, first out: a subject asked for again
 * after being dropped is simply built again), and emptied whenever the data version, the date or
 * the catalog changes, so an answer is never older than what an uncached lookup would give.
 */
export function createAnswerCache(budgetBytes: number): AnswerCache {
  const answers = new Map<string, CachedAnswer>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  let current: AnswerVersion = { seq: -1, today: '', catalog: null };
  const encoder = new TextEncoder();

  const sameVersion = (v: AnswerVersion) =>
    v.seq === current.seq && v.today === current.today && v.catalog === current.catalog;
  const follow = (v: AnswerVersion) => {
    if (sameVersion(v)) return;
    answers.clear();
    bytes = 0;
    current = { seq: v.seq, today: v.today, catalog: v.catalog };
  };

  return {
    get(key, version) {
      follow(version);
      const found = answers.get(key);
      if (found === undefined) misses++;
      else hits++;
      return found;
    },
    put(key, version, answer, etag) {
      const body = typeof answer.body === 'string' ? encoder.encode(answer.body) : answer.body;
      const cached: CachedAnswer = { status: answer.status, body, headers: answer.headers, etag };
      // Keys are at most a short path (the lane refuses long ones): counted with the body.
      const size = sizeOf(key, cached);
      if (budgetBytes <= 0 || size > budgetBytes) return cached;
      follow(version);
      const old = answers.get(key);
      if (old !== undefined) {
        answers.delete(key);
        bytes -= sizeOf(key, old);
      }
      while (bytes + size > budgetBytes && answers.size > 0) {
        const [oldestKey, oldest] = answers.entries().next().value as [string, CachedAnswer];
        answers.delete(oldestKey);
        bytes -= sizeOf(oldestKey, oldest);
      }
      answers.set(key, cached);
      bytes += size;
      return cached;
    },
    keeps: (size) => budgetBytes > 0 && size <= budgetBytes,
    stats: () => ({ hits, misses, entries: answers.size, bytes }),
  };
}

function sizeOf(key: string, answer: CachedAnswer): number {
  return (answer.body?.byteLength ?? 0) + key.length * 2;
}
