import { describe, expect, it } from 'vitest';
import type { Catalog } from '../src/domain/catalog.ts';
import { createAnswerCache } from '../src/lookup/answer-cache.ts';

const v = (seq: number, today = '2026-11-23', catalog: Catalog | null = null) => ({ seq, today, catalog });
const ok = (body: string) => ({ status: 200, body, headers: { 'content-type': 'application/json' } });
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('createAnswerCache', () => {
  it('keeps an answer for its data version, as UTF-8, and counts hits and misses', () => {
    const cache = createAnswerCache(1 << 20);
    expect(cache.get('a', v(1))).toBeUndefined();
    const put = cache.put('a', v(1), ok('{"name":"重庆远禾"}'), 'W/"x"');
    expect(text(put.body)).toBe('{"name":"重庆远禾"}');
    const hit = cache.get('a', v(1));
    expect(hit).toBe(put);
    expect(hit?.etag).toBe('W/"x"');
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('empties itself when the data version, the date or the catalog changes', () => {
    const cache = createAnswerCache(1 << 20);
    const catalog = {} as Catalog;
    cache.put('a', v(1, '2026-11-23', catalog), ok('1'), null);
    expect(cache.get('a', v(1, '2026-11-23', catalog))).toBeDefined();
    expect(cache.get('a', v(2, '2026-11-23', catalog))).toBeUndefined();
    cache.put('a', v(2, '2026-11-23', catalog), ok('2'), null);
    expect(cache.get('a', v(2, '2026-11-24', catalog))).toBeUndefined();
    cache.put('a', v(2, '2026-11-24', catalog), ok('3'), null);
    expect(cache.get('a', v(2, '2026-11-24', { ...catalog } as Catalog))).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it('says which sizes it would keep, so that a batch copies no part it would drop', () => {
    expect(createAnswerCache(1000).keeps(900)).toBe(true);
    expect(createAnswerCache(1000).keeps(1001)).toBe(false);
    expect(createAnswerCache(0).keeps(1)).toBe(false);
  });

  it('never holds more bytes than its budget: the oldest answers go first', () => {
    const body = 'x'.repeat(90);
    const cache = createAnswerCache(1000);
    for (let i = 0; i < 50; i++) {
      cache.put(`k${i}`, v(1), ok(body), null);
      expect(cache.stats().bytes).toBeLessThanOrEqual(1000);
    }
    const { entries } = cache.stats();
    expect(entries).toBeGreaterThan(5);
    expect(cache.get('k0', v(1))).toBeUndefined();
    expect(cache.get('k49', v(1))).toBeDefined();
    // Replacing a key does not count it twice.
    for (let i = 0; i < 20; i++) cache.put('k49', v(1), ok(body), null);
    expect(cache.stats().entries).toBe(entries);
  });

  it('returns but does not keep an answer larger than the budget, nor anything with a budget of 0', () => {
    const small = createAnswerCache(100);
    expect(text(small.put('big', v(1), ok('y'.repeat(200)), null).body)).toBe('y'.repeat(200));
    expect(small.get('big', v(1))).toBeUndefined();
    const none = createAnswerCache(0);
    none.put('a', v(1), ok('1'), null);
    expect(none.get('a', v(1))).toBeUndefined();
    expect(none.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
