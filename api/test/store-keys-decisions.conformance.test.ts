import { generateResidentId } from '@credcheck/sdk/identifiers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey, issueApiKey } from '../src/auth/api-key.ts';
import type { ApiKeyRecord, DecisionRecord, Store } from '../src/store/types.ts';
import { usccFor } from './helpers/records.ts';
import { bothStores, type TestStore } from './helpers/store-factory.ts';

/**
 * API keys and decision records, the same suite on both stores (like store.conformance.test.ts):
 * PostgreSQL is skipped loudly when unreachable, and fails instead under CI.
 */

const factories = await bothStores('key/decision store tests');

function key(over: Partial<ApiKeyRecord> = {}, createdAt = '2026-11-23T04:00:00.000Z') {
  const { key, record } = issueApiKey(
    { role: 'implementer', department: null, label: '某银行信贷系统', rateLimit: null },
    createdAt,
  );
  return { key, record: { ...record, ...over } };
}

let decisionCounter = 0;
function decision(over: Partial<DecisionRecord> = {}): DecisionRecord {
  const n = ++decisionCounter;
  return {
    id: `dec_${String(n).padStart(20, '0')}`,
    at: '2026-11-23T04:00:00.000Z',
    keyId: 'key_0123456789abcdef0123',
    scenario: 'government-procurement',
    subjectId: `sub_${String(n % 7).padStart(20, '0')}`,
    subjectKey: usccFor(n),
    outcome: 'block',
    dataVersion: 42,
    catalogVersion: '2026.1',
    reference: `采购-2026-${n}`,
    receipt: `eyJhbGciOiJFZERTQSJ9.eyJpZCI6ImRlY18ifQ.sig${n}`,
    ...over,
  };
}

describe.each(factories)('$name store: API keys and decision records', (factory) => {
  const test = factory.skip ? it.skip : it;
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    if (factory.skip) return;
    t = await factory.create();
    store = t.store;
  });
  afterEach(async () => {
    await t?.dispose();
  });

  test('a key is found by the hash of its value, and only by that', async () => {
    const a = key();
    const b = key({ role: 'designator', department: '重庆市云阳县人民法院', rateLimit: 5 });
    await store.createApiKey(a.record);
    await store.createApiKey(b.record);
    expect(await store.findApiKeyByHash(hashApiKey(a.key))).toEqual(a.record);
    expect(await store.findApiKeyByHash(hashApiKey(b.key))).toEqual(b.record);
    expect(await store.findApiKeyByHash(hashApiKey(`${a.key}x`))).toBeNull();
    // The key itself is nowhere in what the store returns.
    expect(JSON.stringify(await store.listApiKeys())).not.toContain(a.key);
  });

  test('lists every key oldest first, revoked ones included', async () => {
    const late = key({}, '2026-11-23T06:00:00.000Z');
    const early = key({ role: 'admin', label: '运维' }, '2026-11-23T05:00:00+08:00');
    await store.createApiKey(late.record);
    await store.createApiKey(early.record);
    expect(await store.revokeApiKey(late.record.id, '2026-11-24T00:00:00.000Z')).toBe(true);
    const list = await store.listApiKeys();
    expect(list.map((k) => k.id)).toEqual([early.record.id, late.record.id]);
    // Instants come back as UTC with milliseconds in both stores.
    expect(list[0]!.createdAt).toBe('2026-11-22T21:00:00.000Z');
    expect(list[1]!.revokedAt).toBe('2026-11-24T00:00:00.000Z');
  });

  test('revoking: true once, false when already revoked or unknown; the key stays findable', async () => {
    const a = key();
    await store.createApiKey(a.record);
    expect(await store.revokeApiKey(a.record.id, '2026-11-24T01:02:03.004Z')).toBe(true);
    expect(await store.revokeApiKey(a.record.id, '2026-11-25T00:00:00.000Z')).toBe(false);
    expect(await store.revokeApiKey('key_ffffffffffffffffffff', '2026-11-25T00:00:00.000Z')).toBe(false);
    expect(await store.findApiKeyByHash(a.record.hash)).toMatchObject({
      revokedAt: '2026-11-24T01:02:03.004Z',
    });
    await expect(store.revokeApiKey(a.record.id, 'yesterday')).rejects.toThrow(/at must be an RFC 3339/);
  });

  test('a designator key must name a department, an implementer key may, public and admin keys may not', async () => {
    await expect(store.createApiKey(key({ role: 'designator' }).record)).rejects.toThrow(
      /designator key must name its department/,
    );
    for (const role of ['public', 'admin'] as const) {
      await expect(store.createApiKey(key({ role, department: '某局' }).record)).rejects.toThrow(
        new RegExp(`${role} key has no department`),
      );
    }
    await expect(store.createApiKey(key({ department: '' }).record)).rejects.toThrow(/department/);
    // A procurement centre or a bank branch checks as an implementer, with or without a department.
    const centre = key({ department: '某市公共资源交易中心' });
    const bank = key();
    await store.createApiKey(centre.record);
    await store.createApiKey(bank.record);
    expect(await store.findApiKeyByHash(hashApiKey(centre.key))).toEqual(centre.record);
    expect(await store.findApiKeyByHash(hashApiKey(bank.key))).toEqual(bank.record);

    // The schema holds the same rule for anyone writing by hand.
    const insert = (id: string, role: string, department: string | null) =>
      t.raw(
        `INSERT INTO api_keys (id, hash, hint, role, department, label, created_at)
         VALUES ('key_${id.repeat(20)}', '${id.repeat(64)}', 'cck_…', '${role}',
                 ${department === null ? 'NULL' : `'${department}'`}, 'x', '2026-11-23T00:00:00Z')`,
      );
    await expect(insert('a', 'designator', null)).rejects.toThrow(/api_keys_department/);
    await expect(insert('b', 'public', '某局')).rejects.toThrow(/api_keys_department/);
    await expect(insert('c', 'admin', '某局')).rejects.toThrow(/api_keys_department/);
    await insert('d', 'implementer', '某区政务服务中心');
    await insert('e', 'implementer', null);
    await insert('f', 'designator', '某局');
    expect((await store.listApiKeys()).map((k) => [k.role, k.department]).sort()).toEqual(
      [
        ['designator', '某局'],
        ['implementer', '某区政务服务中心'],
        ['implementer', '某市公共资源交易中心'],
        ['implementer', null],
        ['implementer', null],
      ].sort(),
    );
  });

  test('rejects malformed keys and duplicates', async () => {
    const bad: Array<[Partial<ApiKeyRecord>, RegExp]> = [
      [{ id: 'key_123' }, /id must be key_/],
      [{ hash: 'ABC' }, /hash must be 64/],
      [{ role: 'root' as never }, /unknown role/],
      [{ label: '' }, /label/],
      [{ rateLimit: -1 }, /rateLimit/],
      [{ rateLimit: 1.5 }, /rateLimit/],
      [{ createdAt: 'now' }, /createdAt/],
    ];
    for (const [over, message] of bad)
      await expect(store.createApiKey(key(over).record)).rejects.toThrow(message);
    const a = key();
    await store.createApiKey(a.record);
    await expect(store.createApiKey({ ...key().record, id: a.record.id })).rejects.toThrow();
    await expect(store.createApiKey({ ...key().record, hash: a.record.hash })).rejects.toThrow();
    expect(await store.listApiKeys()).toEqual([a.record]);
  });

  test('a rate limit of 0 (no limit) and null (server default) round-trip', async () => {
    const zero = key({ rateLimit: 0 });
    const none = key({ rateLimit: null });
    await store.createApiKey(zero.record);
    await store.createApiKey(none.record);
    expect((await store.findApiKeyByHash(zero.record.hash))?.rateLimit).toBe(0);
    expect((await store.findApiKeyByHash(none.record.hash))?.rateLimit).toBeNull();
  });

  test('decision records round-trip, nullable fields included', async () => {
    const full = decision({ at: '2026-11-23T12:00:00+08:00' });
    const bare = decision({
      keyId: null,
      subjectId: null,
      subjectKey: null,
      reference: null,
      outcome: 'clear',
      dataVersion: 0,
    });
    const person = decision({ subjectKey: `p:${'ab'.repeat(20)}`, outcome: 'review' });
    await store.recordDecisions([full, bare, person]);
    expect(await store.getDecision(full.id)).toEqual({ ...full, at: '2026-11-23T04:00:00.000Z' });
    expect(await store.getDecision(bare.id)).toEqual(bare);
    expect(await store.getDecision(person.id)).toEqual(person);
    expect(await store.getDecision('dec_unknown')).toBeNull();
    await store.recordDecisions([]);
  });

  test('a batch is written whole or not at all', async () => {
    const first = decision();
    await store.recordDecisions([first]);
    const batch = Array.from({ length: 50 }, () => decision());
    // The last record repeats a stored id: the database rejects it, and the 50 before it go too.
    await expect(store.recordDecisions([...batch, { ...decision(), id: first.id }])).rejects.toThrow();
    for (const r of batch) expect(await store.getDecision(r.id)).toBeNull();
    // A record the store itself rejects stops the batch before anything is written.
    await expect(store.recordDecisions([...batch, decision({ outcome: 'maybe' as never })])).rejects.toThrow(
      /outcome/,
    );
    expect(await store.getDecision(batch[0]!.id)).toBeNull();
    await store.recordDecisions(batch);
    expect(await store.getDecision(batch[49]!.id)).toEqual(batch[49]);
  });

  test('never stores a clear resident ID number as the subject key', async () => {
    let s = 7;
    const id = generateResidentId(() => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    });
    await expect(store.recordDecisions([decision({ subjectKey: id })])).rejects.toThrow(/never a clear ID/);
    const rejected: Array<[Partial<DecisionRecord>, RegExp]> = [
      [{ id: 'x_1' }, /dec_/],
      [{ at: '' }, /at must be/],
      [{ dataVersion: -1 }, /dataVersion/],
      [{ scenario: '' }, /scenario/],
      [{ receipt: '' }, /receipt/],
    ];
    for (const [over, message] of rejected) {
      await expect(store.recordDecisions([decision(over)])).rejects.toThrow(message);
    }
  });

  test('records a batch of 500 in one call', async () => {
    const batch = Array.from({ length: 500 }, (_, i) => decision({ outcome: i % 2 ? 'favour' : 'review' }));
    await store.recordDecisions(batch);
    for (const i of [0, 250, 499]) expect(await store.getDecision(batch[i]!.id)).toEqual(batch[i]);
  });

  test('keeps the first idempotent response per key and idempotency key, and only that one', async () => {
    const first = {
      keyId: 'key_0123456789abcdef0123',
      idemKey: 'retry-7f3a',
      requestHash: 'a'.repeat(64),
      response: '{"id":"dec_1"}',
      at: '2026-11-23T04:00:00.000Z',
    };
    expect(await store.getIdempotentResponse(first.keyId, first.idemKey)).toBeNull();
    expect(await store.putIdempotentResponse(first)).toBe(true);
    expect(await store.putIdempotentResponse({ ...first, response: '{"id":"dec_2"}' })).toBe(false);
    expect(await store.getIdempotentResponse(first.keyId, first.idemKey)).toEqual(first);
    // Another caller may use the same idempotency key for its own request.
    expect(await store.putIdempotentResponse({ ...first, keyId: 'key_fedcba98765432100123' })).toBe(true);
  });
});
