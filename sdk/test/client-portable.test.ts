import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';
import { randomKey } from '../src/client/client.ts';

// The client core must run in browsers and Node 18: fetch and Web Crypto only, never Node's modules or
// globals, and Web Crypto through web-crypto.ts alone (it takes a `crypto` option where Node 18 has none).
const dirs = ['client', 'receipt', 'webhooks'];

it('imports nothing but its own modules and ky, and uses no Node globals', () => {
  for (const dir of dirs) {
    const base = new URL(`../src/${dir}/`, import.meta.url);
    for (const file of readdirSync(base)) {
      const text = readFileSync(new URL(file, base), 'utf8');
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
        expect(spec!.startsWith('.') || spec === 'ky', `${dir}/${file}: ${spec}`).toBe(true);
      }
      expect(text, `${dir}/${file}`).not.toMatch(/\b(Buffer|process\.|require\(|__dirname)/);
      if (file !== 'web-crypto.ts')
        expect(text, `${dir}/${file}`).not.toMatch(/\bcrypto\.(subtle|get|random)/);
    }
  }
});

afterEach(() => vi.unstubAllGlobals());

it('makes idempotency keys without crypto.randomUUID (plain-http intranet pages lack it)', () => {
  const { getRandomValues } = globalThis.crypto;
  vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(globalThis.crypto) });
  const keys = new Set(Array.from({ length: 100 }, randomKey));
  expect(keys.size).toBe(100);
  for (const k of keys)
    expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
