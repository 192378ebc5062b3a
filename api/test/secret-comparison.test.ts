import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashApiKey, hashesEqual, issueApiKey } from '../src/auth/api-key.ts';
import { createKeyResolver, ENV_ADMIN_KEY_ID } from '../src/auth/key-resolver.ts';
import { redactSecrets } from '../src/http/redact-secrets.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/types.ts';

/**
 * Keys compare in constant time (issue 9 item 6): CREDCHECK_ADMIN_KEY through timingSafeEqual on
 * two SHA-256 digests of equal length, whatever was presented; store keys by a lookup of their
 * hash, never of the key. Comparing the strings (`===`) or the raw keys would fail here.
 */

const compared = vi.hoisted(() => [] as Array<[number, number]>);
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.push([a.byteLength, b.byteLength]);
    return real.timingSafeEqual(a, b);
  };
  return { ...real, default: { ...real, timingSafeEqual }, timingSafeEqual };
});

const ADMIN = 'cck_admin-key-for-the-comparison-test-0123';

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'credcheck-compare-'));
  store = openSqliteStore(join(dir, 'keys.db'));
  await store.migrate();
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  compared.length = 0;
});

describe('the admin key from the environment', () => {
  const resolver = () => createKeyResolver(store, { adminKeyHash: hashApiKey(ADMIN), defaultRate: 0 });

  it('is recognized through timingSafeEqual on two 32-byte digests', () => {
    const found = resolver().cached(hashApiKey(ADMIN));
    expect(found?.principal).toMatchObject({ role: 'admin', keyId: ENV_ADMIN_KEY_ID });
    expect(compared).toEqual([[32, 32]]);
  });

  it.each([
    ['one character off at the end', `${ADMIN.slice(0, -1)}4`],
    ['one character off at the start', `x${ADMIN.slice(1)}`],
    ['a prefix of it', ADMIN.slice(0, 10)],
    ['longer than it', `${ADMIN}${ADMIN}`],
    ['empty', ''],
  ])('refuses a key %s with the same comparison: digests of equal length', (_, presented) => {
    const found = resolver().cached(hashApiKey(presented));
    expect(found?.principal.role).not.toBe('admin');
    expect(compared).toEqual([[32, 32]]);
  });

  it('hashesEqual never compares digests of different lengths (timingSafeEqual would throw)', () => {
    expect(hashesEqual(hashApiKey(ADMIN), hashApiKey(ADMIN).slice(0, 62))).toBe(false);
    expect(hashesEqual(hashApiKey(ADMIN), 'not hex at all')).toBe(false);
    expect(compared).toEqual([]);
  });
});

describe('keys in the store', () => {
  it('are found by the SHA-256 of the key: the store never sees the key, nor keeps it', async () => {
    const issued = issueApiKey(
      { role: 'implementer', department: null, label: 'compare', rateLimit: null },
      '2026-11-23T00:00:00.000Z',
    );
    await store.createApiKey(issued.record);
    const asked: string[] = [];
    const spying: Store = Object.create(store);
    spying.findApiKeyByHash = (hash) => {
      asked.push(hash);
      return store.findApiKeyByHash(hash);
    };
    const resolver = createKeyResolver(spying, { adminKeyHash: null, defaultRate: 0 });
    expect((await resolver.resolve(hashApiKey(issued.key)))?.principal.keyId).toBe(issued.record.id);
    expect(await resolver.resolve(hashApiKey(`${issued.key}x`))).toBeNull();
    expect(asked).toEqual([hashApiKey(issued.key), hashApiKey(`${issued.key}x`)]);
    const stored = await store.findApiKeyByHash(hashApiKey(issued.key));
    expect(JSON.stringify(stored)).not.toContain(issued.key.slice(8));
  });
});

describe('redactSecrets (what a problem answer may quote)', () => {
  it('keeps a key’s public hint and nothing more', () => {
    const key = 'cck_AbCdEfGh-ijklmnop_0123456789qrstuv';
    expect(redactSecrets(`/v1/decisions/${key}`)).toBe('/v1/decisions/cck_AbCd…');
    expect(redactSecrets(`Unrecognized key: "${key}", and "${key}"`)).toBe(
      'Unrecognized key: "cck_AbCd…", and "cck_AbCd…"',
    );
  });

  it('drops a webhook secret after its prefix', () => {
    expect(redactSecrets('url http://u:whsec_ab+/cd==@host/')).toBe('url http://u:whsec_…@host/');
  });

  it('leaves text without a secret as it is (the same string)', () => {
    const text = '/v1/subjects/91310110MA1G8XKQ3L';
    expect(redactSecrets(text)).toBe(text);
  });
});
