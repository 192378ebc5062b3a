import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../src/audit/verify.ts';
import { issueApiKey } from '../src/auth/api-key.ts';
import { loadDefaultCatalog } from '../src/domain/default-catalog.ts';
import type { ImportRecord } from '../src/domain/model.ts';
import { auditHash, chainAudit, GENESIS_HASH } from '../src/store/audit-chain.js';
import { openPostgresStore } from '../src/store/postgres.ts';
import type { AuditRecord, DecisionRecord, Store } from '../src/store/types.ts';
import { orgRecord, usccFor } from './helpers/records.ts';
import { bothStores, PG_TEST_URL, type TestStore } from './helpers/store-factory.ts';

/**
 * The audit log, the same suite on both stores (like store.conformance.test.ts): every write
 * appends its record in its own transaction, the chain stays one line under concurrent writers,
 * and verify finds the first broken link of a log altered behind the store's back.
 */

const factories = await bothStores('audit store tests');

const clock = { now: () => new Date('2026-11-23T08:00:00.000Z') };

let decisionCounter = 0;
function decision(over: Partial<DecisionRecord> = {}): DecisionRecord {
  const n = ++decisionCounter;
  return {
    id: `dec_audit${String(n).padStart(16, '0')}`,
    at: '2026-11-23T04:00:00.000Z',
    keyId: 'key_0123456789abcdef0123',
    scenario: 'government-procurement',
    subjectId: `sub_${String(n % 7).padStart(20, '0')}`,
    subjectKey: usccFor(n),
    outcome: 'block',
    dataVersion: 42,
    catalogVersion: '2026.1',
    reference: null,
    receipt: `eyJhbGciOiJFZERTQSJ9.eyJpZCI6ImRlY18ifQ.sig${n}`,
    ...over,
  };
}

function newKey() {
  return issueApiKey(
    { role: 'implementer', department: null, label: '某银行信贷系统', rateLimit: null },
    '2026-11-23T04:00:00.000Z',
  ).record;
}

async function allAudit(store: Store): Promise<AuditRecord[]> {
  return store.readAudit(0, 100_000);
}

describe('audit chain format (credcheck-audit/1)', () => {
  it('hashes a record as documented in audit-chain.js: vectors computed independently (Python hashlib)', () => {
    const first = {
      seq: 1,
      at: '2026-11-23T04:00:00.000Z',
      actor: 'key_0123456789abcdef0123',
      action: 'decision',
      target: 'dec_00000000000000000001',
      detail: '{"subject":"p:abc","scenario":"政府采购","outcome":"block","dataVersion":42}',
      prevHash: GENESIS_HASH,
    };
    expect(auditHash(first)).toBe('e3d4a75a84f870ef0d555268d2391b87acc40281cfa0fd82dd3d443ca8e1e859');
    const { rows, head } = chainAudit({ seq: 0, hash: GENESIS_HASH }, [
      [first.at, first.actor, first.action, first.target, first.detail],
      ['2026-11-23T04:00:01.000Z', 'cli', 'key.revoked', 'key_0123456789abcdef0123', '{}'],
    ]);
    expect(rows.map((r) => r[0])).toEqual([1, 2]);
    expect(rows[1]![6]).toBe(rows[0]![7]);
    expect(head).toEqual({
      seq: 2,
      hash: '5853fdefff488dffabbab9d1815cd3a781f7855b405e6163cdc8c50f02620283',
    });
  });

  it('refuses values that would not be stored as hashed', () => {
    const at = '2026-11-23T04:00:00.000Z';
    const genesis = { seq: 0, hash: GENESIS_HASH };
    expect(() => chainAudit(genesis, [[at, 'a\0b', 'x', 'y', '{}']])).toThrow(/actor/);
    expect(() => chainAudit(genesis, [[at, 'a', 'x', '\uD800', '{}']])).toThrow(/target/);
    expect(() => chainAudit(genesis, [['2026-11-23T04:00:00Z', 'a', 'x', 'y', '{}']])).toThrow(/at/);
    expect(() => chainAudit(genesis, [[at, '', 'x', 'y', '{}']])).toThrow(/actor/);
  });
});

describe.each(factories)('$name store: audit log', (factory) => {
  const test = factory.skip ? it.skip : it;
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    if (factory.skip) return;
    t = await factory.create({ clock });
    store = t.store;
  });
  afterEach(async () => {
    await t?.dispose();
  });

  test('starts empty, with the genesis head', async () => {
    expect(await store.auditHead()).toEqual({ seq: 0, hash: GENESIS_HASH });
    expect(await allAudit(store)).toEqual([]);
    expect(await verifyAuditLog(store)).toEqual({
      checked: 0,
      last: { seq: 0, hash: GENESIS_HASH },
      broken: null,
    });
  });

  test('every write appends one record: who, what, on what, with a compact detail', async () => {
    const catalog = loadDefaultCatalog();
    await store.replaceCatalog(catalog, 'admin');
    await store.initSetting('store-id', 'abc');
    await store.initSetting('store-id', 'ignored');
    await store.initSetting('receipt-signing-key:1', '{"secret":"private"}', {
      actor: 'cli',
      action: 'signing-key.created',
      target: 'kid-1',
      detail: { previous: null },
    });
    const key = newKey();
    await store.createApiKey(key, 'cli');
    expect(await store.revokeApiKey(key.id, '2026-11-23T05:00:00Z', 'cli')).toBe(true);
    expect(await store.revokeApiKey(key.id, '2026-11-23T06:00:00Z', 'cli')).toBe(false);
    const records = [orgRecord(1), orgRecord(2), orgRecord(2)];
    const summary = await store.importRecords([records], { actor: 'importer' });
    await store.importRecords([records], { actor: 'importer', dryRun: true });
    const person = decision({ keyId: null, subjectKey: 'p:0123abcd', outcome: 'review', dataVersion: 7 });
    await store.recordDecisions([decision(), person]);

    const log = await allAudit(store);
    expect(log.map((r) => [r.seq, r.actor, r.action])).toEqual([
      [1, 'admin', 'catalog.replaced'],
      [2, 'system', 'setting.created'],
      [3, 'cli', 'signing-key.created'],
      [4, 'cli', 'key.created'],
      [5, 'cli', 'key.revoked'],
      [6, 'import:importer', 'import'],
      [7, 'key_0123456789abcdef0123', 'decision'],
      [8, 'anonymous', 'decision'],
    ]);
    expect(log[0]).toMatchObject({ target: catalog.version, at: '2026-11-23T08:00:00.000Z' });
    expect(JSON.parse(log[0]!.detail)).toEqual({
      seq: 1,
      listTypes: catalog.listTypes.length,
      measures: catalog.measures.length,
      scenarios: catalog.scenarios.length,
    });
    expect(log[1]).toMatchObject({ target: 'store-id', detail: '{}' });
    expect(log[2]).toMatchObject({ target: 'kid-1', detail: '{"previous":null}' });
    expect(log[3]!.target).toBe(key.id);
    expect(JSON.parse(log[3]!.detail)).toEqual({
      role: 'implementer',
      department: null,
      label: '某银行信贷系统',
      rateLimit: null,
    });
    expect(log[4]).toMatchObject({ target: key.id, detail: '{"revokedAt":"2026-11-23T05:00:00.000Z"}' });
    expect(log[5]!.target).toBe(`seq:${summary.seq}`);
    expect(JSON.parse(log[5]!.detail)).toEqual({
      rows: 3,
      subjectsCreated: 2,
      subjectsUpdated: 0,
      entriesCreated: 2,
      entriesUpdated: 0,
      unchanged: 1,
      statusKept: 0,
      seq: summary.seq,
    });
    expect(log[7]).toMatchObject({ target: person.id, at: person.at });
    expect(JSON.parse(log[7]!.detail)).toEqual({
      subject: 'p:0123abcd',
      scenario: 'government-procurement',
      outcome: 'review',
      dataVersion: 7,
    });
    // Neither secrets nor receipts nor key hashes go into the log.
    const text = JSON.stringify(log);
    expect(text).not.toContain('private');
    expect(text).not.toContain(key.hash);
    expect(text).not.toContain('eyJ');

    const head = await store.auditHead();
    expect(head).toEqual({ seq: 8, hash: log[7]!.hash });
    expect(await verifyAuditLog(store, { pageSize: 3 })).toEqual({ checked: 8, last: head, broken: null });
  });

  test('a failed write leaves no audit record', async () => {
    const key = newKey();
    await store.createApiKey(key);
    const head = await store.auditHead();
    await expect(store.createApiKey(key)).rejects.toThrow();
    await expect(store.createApiKey({ ...newKey(), hash: key.hash })).rejects.toThrow();
    const d = decision();
    await store.recordDecisions([d]);
    const afterDecision = await store.auditHead();
    expect(afterDecision.seq).toBe(head.seq + 1);
    // The second record of the batch repeats a stored id: the whole batch, audit included, goes.
    await expect(store.recordDecisions([decision(), d])).rejects.toThrow();
    async function* failing(): AsyncGenerator<ImportRecord[]> {
      yield [orgRecord(1)];
      throw new Error('source broke');
    }
    await expect(store.importRecords(failing(), { actor: 'importer' })).rejects.toThrow('source broke');
    await expect(store.replaceCatalog({ version: 'x' } as never, 'admin')).rejects.toThrow();
    expect(await store.auditHead()).toEqual(afterDecision);
    expect((await allAudit(store)).map((r) => r.action)).toEqual(['key.created', 'decision']);
    expect((await verifyAuditLog(store)).broken).toBeNull();
  });

  test('the chain stays one line under concurrent writers', async () => {
    const writes: Array<Promise<unknown>> = [];
    const batches = 40;
    for (let i = 0; i < batches; i++) {
      writes.push(store.recordDecisions(Array.from({ length: 5 }, () => decision())));
      if (i % 4 === 0) writes.push(store.createApiKey(newKey()));
      if (i % 10 === 0) writes.push(store.initSetting(`setting-${i}`, 'v'));
    }
    await Promise.all(writes);
    const expected = batches * 5 + batches / 4 + batches / 10;
    const log = await allAudit(store);
    expect(log.map((r) => r.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    expect(await verifyAuditLog(store, { pageSize: 50 })).toMatchObject({ checked: expected, broken: null });
  });

  (factory.name === 'postgres' ? test : it.skip)(
    'two processes on one PostgreSQL schema extend one chain',
    async () => {
      const other = openPostgresStore(PG_TEST_URL, { schema: t.schema!, clock, maxConnections: 4 });
      try {
        const writes: Array<Promise<unknown>> = [];
        for (let i = 0; i < 30; i++) {
          writes.push((i % 2 ? store : other).recordDecisions(Array.from({ length: 3 }, () => decision())));
          if (i % 5 === 0) writes.push((i % 2 ? other : store).createApiKey(newKey()));
        }
        await Promise.all(writes);
      } finally {
        await other.close();
      }
      expect(await verifyAuditLog(store, { pageSize: 7 })).toMatchObject({ checked: 96, broken: null });
    },
  );

  test('the triggers refuse to change or remove a record, and the head only moves forward', async () => {
    await store.createApiKey(newKey());
    await store.createApiKey(newKey());
    await expect(t.raw(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(t.raw('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow(/append-only/);
    await expect(t.raw('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.raw('UPDATE audit_head SET seq = 1')).rejects.toThrow(/only moves forward/);
    await expect(t.raw('DELETE FROM audit_head')).rejects.toThrow(/audit_head/);
    if (factory.name === 'postgres') {
      await expect(t.raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
      await expect(t.raw('TRUNCATE audit_head')).rejects.toThrow(/append-only/);
    }
    expect((await verifyAuditLog(store)).checked).toBe(2);
  });

  describe('verify finds the first broken link of a log altered behind the store', () => {
    const dropTriggers = () =>
      factory.name === 'sqlite'
        ? 'DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_head_forward_only;'
        : 'DROP TRIGGER audit_log_no_update_delete ON audit_log; DROP TRIGGER audit_head_forward ON audit_head;';

    async function fiveRecords() {
      for (let i = 0; i < 5; i++) await store.createApiKey(newKey());
      await t.raw(dropTriggers());
      return allAudit(store);
    }

    test('an edited record: hash mismatch at its seq', async () => {
      await fiveRecords();
      await t.raw(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`);
      const v = await verifyAuditLog(store);
      expect(v.broken).toMatchObject({ kind: 'hash', seq: 3 });
      expect(v.checked).toBe(2);
    });

    test('an edited record with its hash recomputed: prev_hash mismatch at the next seq', async () => {
      const log = await fiveRecords();
      const r = { ...log[2]!, actor: 'mallory' };
      await t.raw(`UPDATE audit_log SET actor = 'mallory', hash = '${auditHash(r)}' WHERE seq = 3`);
      const v = await verifyAuditLog(store);
      expect(v.broken).toEqual({ kind: 'prev-hash', seq: 4, expected: auditHash(r), found: log[2]!.hash });
    });

    test('a removed record: gap at the seq after it', async () => {
      await fiveRecords();
      await t.raw('DELETE FROM audit_log WHERE seq = 2');
      expect((await verifyAuditLog(store)).broken).toEqual({ kind: 'gap', seq: 3, expectedSeq: 2 });
    });

    test('records cut off the end, or a head row that does not match', async () => {
      const log = await fiveRecords();
      await t.raw('DELETE FROM audit_log WHERE seq >= 4');
      expect((await verifyAuditLog(store)).broken).toEqual({ kind: 'truncated', seq: 4, headSeq: 5 });
      await t.raw(`UPDATE audit_head SET seq = 3, hash = '${'f'.repeat(64)}'`);
      expect((await verifyAuditLog(store)).broken).toEqual({
        kind: 'head',
        seq: 3,
        expected: log[2]!.hash,
        found: 'f'.repeat(64),
      });
      // A consistent rewrite of the end, head included, needs the head kept elsewhere (anchor).
      await t.raw(`UPDATE audit_head SET seq = 3, hash = '${log[2]!.hash}'`);
      expect((await verifyAuditLog(store)).broken).toBeNull();
      expect((await verifyAuditLog(store, { anchor: { seq: 5, hash: log[4]!.hash } })).broken).toEqual({
        kind: 'anchor',
        seq: 5,
        expected: log[4]!.hash,
        found: null,
      });
    });
  });
});
