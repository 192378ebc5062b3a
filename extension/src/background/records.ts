/**
 * Full records from the API, cached: subjects by code and name searches per data version (a
 * record fetched at one version is reused until the API or the snapshot moves on), the measure
 * catalog per API URL. ID numbers are sent but never cached: the extension keeps no ID numbers.
 */
import { normalizeName } from '@credcheck/sdk/names';
import type { ApiClient } from './api-client.ts';
import type { ApiMeasure, BatchItem, BatchResponse, SearchHit, SearchResponse } from './api-types.ts';

/** The batch endpoint takes at most 10,000 codes; smaller requests keep each answer quick. */
const BATCH = 1000;
const MAX_CACHED = 5000;
/** Even within one data version, a record is asked again after this long (the day may change). */
const TTL_MS = 10 * 60_000;
const CATALOG_TTL_MS = 60 * 60_000;
const SEARCH_CONCURRENCY = 4;

interface Cached<T> {
  value: T;
  dataVersion: number;
  at: number;
}

export interface FoundRecord {
  item: Extract<BatchItem, { result: 'found' }> | null;
  /** The API's answer when it was not a found subject. */
  result: BatchItem['result'];
  dataVersion: number;
}

export class Records {
  private apiUrl = '';
  private dataVersion = -1;
  private readonly codes = new Map<string, Cached<FoundRecord>>();
  private readonly names = new Map<string, Cached<SearchHit | null>>();
  private catalog: { apiUrl: string; at: number; measures: Promise<ApiMeasure[]> } | null = null;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Forgets records of another API or an older data version. */
  useVersion(apiUrl: string, dataVersion: number | null): void {
    if (apiUrl !== this.apiUrl) {
      this.apiUrl = apiUrl;
      this.codes.clear();
      this.names.clear();
      this.dataVersion = -1;
    }
    if (dataVersion !== null && dataVersion > this.dataVersion) {
      this.dataVersion = dataVersion;
      this.codes.clear();
      this.names.clear();
    }
  }

  private fresh<T>(c: Cached<T> | undefined): c is Cached<T> {
    return c !== undefined && c.dataVersion >= this.dataVersion && this.now() - c.at < TTL_MS;
  }

  private remember<K, T>(map: Map<K, Cached<T>>, key: K, value: T, dataVersion: number): void {
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value as K);
    map.set(key, { value, dataVersion, at: this.now() });
  }

  /** Looks codes (USCCs) up, from the cache where it can. */
  async lookupCodes(api: ApiClient, codes: readonly string[]): Promise<Map<string, FoundRecord>> {
    const out = new Map<string, FoundRecord>();
    const missing: string[] = [];
    for (const code of new Set(codes)) {
      const c = this.codes.get(code);
      if (this.fresh(c)) out.set(code, c.value);
      else missing.push(code);
    }
    for (const [code, record] of await this.batch(api, missing)) {
      out.set(code, record);
      this.remember(this.codes, code, record, record.dataVersion);
    }
    return out;
  }

  /** Looks resident ID numbers up; nothing about them is kept. */
  lookupIds(api: ApiClient, ids: readonly string[]): Promise<Map<string, FoundRecord>> {
    return this.batch(api, [...new Set(ids)]);
  }

  private async batch(api: ApiClient, keys: readonly string[]): Promise<Map<string, FoundRecord>> {
    const out = new Map<string, FoundRecord>();
    for (let i = 0; i < keys.length; i += BATCH) {
      const chunk = keys.slice(i, i + BATCH);
      const res = await api.postJson<BatchResponse>('/v1/subjects/batch', { codes: chunk });
      this.useVersion(this.apiUrl, res.dataVersion);
      for (const item of res.items) {
        const key = chunk[item.index];
        if (key === undefined) continue;
        out.set(key, {
          item: item.result === 'found' ? item : null,
          result: item.result,
          dataVersion: res.dataVersion,
        });
      }
    }
    return out;
  }

  /**
   * The listed organization whose name is exactly `name` once normalized, or null when the API
   * knows none (the local hit was a hash-prefix collision, or a similar name only).
   */
  async searchExact(api: ApiClient, names: readonly string[]): Promise<Map<string, SearchHit | null>> {
    const out = new Map<string, SearchHit | null>();
    const missing: string[] = [];
    for (const name of new Set(names)) {
      const c = this.names.get(name);
      if (this.fresh(c)) out.set(name, c.value);
      else missing.push(name);
    }
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const name = missing[next++]!;
        const res = await api.getJson<SearchResponse>(`/v1/search?name=${encodeURIComponent(name)}&limit=10`);
        const hit =
          res.hits.find(
            (h) => (h.match === 'exact' || h.match === 'normalized') && normalizeName(h.name) === name,
          ) ?? null;
        out.set(name, hit);
        this.remember(this.names, name, hit, res.dataVersion);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEARCH_CONCURRENCY, missing.length) }, worker));
    return out;
  }

  /** Every measure of the API's catalog (small, changes rarely). */
  measures(api: ApiClient): Promise<ApiMeasure[]> {
    const apiUrl = api.target.apiUrl;
    if (!this.catalog || this.catalog.apiUrl !== apiUrl || this.now() - this.catalog.at > CATALOG_TTL_MS) {
      const measures = api.getJson<{ items: ApiMeasure[] }>('/v1/measures').then((r) => r.items);
      this.catalog = { apiUrl, at: this.now(), measures };
      // A failed fetch is not cached: the next card asks again.
      measures.catch(() => {
        if (this.catalog?.measures === measures) this.catalog = null;
      });
    }
    return this.catalog.measures;
  }
}
