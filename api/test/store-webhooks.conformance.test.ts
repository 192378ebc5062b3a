import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-key.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/types.ts';
import {
  type ClaimedDelivery,
  type NewSubscription,
  outboxIdOf,
  type WebhookSubscription,
} from '../src/store/webhook-store.ts';
import { planDeliveries } from '../src/webhooks/routing.ts';
import { orgRecord, usccFor } from './helpers/records.ts';
import { bothStores, PG_TEST_URL, type TestStore } from './helpers/store-factory.ts';

/**
 * Webhook subscriptions and the persistent outbox, the same suite on both stores: routing under
 * the dispatch lock, leases that concurrent claimers never share, attempts and the delivery log.
 * PostgreSQL is skipped loudly when unreachable, and fails instead under CI.
 */

const factories = await bothStores('webhook store tests');

const BANK = 'key_00000000000000000b01';
const OTHER = 'key_00000000000000000b02';
const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

let counter = 0;
function subscription(over: Partial<NewSubscription> = {}): NewSubscription {
  return {
    id: `wh_${(++counter).toString(16).padStart(20, '0')}`,
    ownerKeyId: BANK,
    url: 'https://loans.example-bank.cn/hook',
    description: null,
    listTypes: null,
    watchList: null,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    ...over,
  };
}

describe.each(factories)('$name store: webhooks', (factory) => {
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

  const dispatchAll = async (now = at(0)) => {
    let enqueued = 0;
    for (;;) {
      const r = await store.dispatchWebhooks(2, now, planDeliveries);
      enqueued += r.enqueued;
      if (!r.more) return { enqueued, cursor: r.cursor };
    }
  };
  const outbox = async (s: WebhookSubscription) =>
    (await store.listWebhookDeliveries(s.id, { limit: 1000 })).map((d) => d.seq).sort((a, b) => a - b);
  const seqsOf = async (key: string, types?: string[]) =>
    (await store.changesSince(0, 10_000))
      .filter((c) => c.subjectKey === key && (!types || types.includes(c.type)))
      .map((c) => c.seq);

  test('subscriptions: created after the log’s end, listed per key, paused, filtered, deleted — all audited', async () => {
    await store.importRecords([[orgRecord(1)]], { actor: 'test' });
    const seq = await store.currentSeq();
    const a = await store.createWebhook(
      subscription({ watchList: [usccFor(1), usccFor(2), usccFor(1)], listTypes: ['b', 'a', 'b'] }),
      BANK,
    );
    expect(a).toMatchObject({
      ownerKeyId: BANK,
      fromSeq: seq,
      status: 'active',
      watchListSize: 2,
      listTypes: ['a', 'b'],
      description: null,
    });
    expect(a).not.toHaveProperty('secret');
    const b = await store.createWebhook(subscription(), BANK);
    await store.createWebhook(subscription({ ownerKeyId: OTHER }), OTHER);
    expect((await store.listWebhooks(BANK)).map((s) => s.id)).toEqual([a.id, b.id]);
    expect(await store.getWebhook(b.id)).toEqual(b);
    expect(b.watchListSize).toBeNull();

    const paused = await store.updateWebhook(a.id, { status: 'paused' }, BANK);
    expect(paused).toMatchObject({ status: 'paused', watchListSize: 2, listTypes: ['a', 'b'] });
    const edited = await store.updateWebhook(
      a.id,
      { url: 'https://other.example-bank.cn/h?token=x', listTypes: null, description: '贷后' },
      BANK,
    );
    expect(edited).toMatchObject({
      url: 'https://other.example-bank.cn/h?token=x',
      listTypes: null,
      description: '贷后',
    });
    expect(await store.updateWebhook('wh_ffffffffffffffffffff', { status: 'active' }, BANK)).toBeNull();

    expect((await store.replaceWebhookWatchList(a.id, [usccFor(3)], BANK))!.watchListSize).toBe(1);
    expect((await store.replaceWebhookWatchList(a.id, [], BANK))!.watchListSize).toBe(0);
    expect((await store.replaceWebhookWatchList(a.id, null, BANK))!.watchListSize).toBeNull();
    expect(await store.replaceWebhookWatchList('wh_ffffffffffffffffffff', [], BANK)).toBeNull();

    expect(await store.deleteWebhook(b.id, BANK)).toBe(true);
    expect(await store.deleteWebhook(b.id, BANK)).toBe(false);
    expect(await store.getWebhook(b.id)).toBeNull();

    const audit = (await store.readAudit(0, 1000)).filter((r) => r.action.startsWith('webhook.'));
    expect(audit.map((r) => [r.action, r.actor])).toEqual([
      ['webhook.created', BANK],
      ['webhook.created', BANK],
      ['webhook.created', OTHER],
      ['webhook.paused', BANK],
      ['webhook.updated', BANK],
      ['webhook.watch-list.replaced', BANK],
      ['webhook.watch-list.replaced', BANK],
      ['webhook.watch-list.replaced', BANK],
      ['webhook.deleted', BANK],
    ]);
    // Neither the secret, the codes nor a URL's query string go into the append-only log.
    const text = JSON.stringify(audit);
    expect(text).not.toContain('whsec_');
    expect(text).not.toContain(usccFor(1));
    expect(text).not.toContain('token=x');
    expect(JSON.parse(audit[0]!.detail)).toEqual({
      url: 'https://loans.example-bank.cn/hook',
      listTypes: ['a', 'b'],
      watchListSize: 2,
    });
  });

  test('dispatch routes each change once by watch list, list type and creation point; the cursor persists', async () => {
    const watched = await store.createWebhook(subscription({ watchList: [usccFor(1), usccFor(4)] }), BANK);
    const taxOnly = await store.createWebhook(subscription({ listTypes: ['major-tax-violation'] }), BANK);
    const both = await store.createWebhook(
      subscription({ watchList: [usccFor(1), usccFor(2)], listTypes: ['major-tax-violation'] }),
      BANK,
    );
    const everything = await store.createWebhook(subscription(), BANK);
    // orgRecord(n) lists n on: 1 major-tax-violation, 2 wage-arrears, 3 a-grade-taxpayer, 4 judgment debtor.
    await store.importRecords([[orgRecord(1), orgRecord(2), orgRecord(3)]], { actor: 'test' });
    const late = await store.createWebhook(subscription(), BANK);
    await store.importRecords([[orgRecord(4)]], { actor: 'test' });

    const { cursor } = await dispatchAll();
    expect(cursor).toBe(await store.currentSeq());
    expect(await store.webhookDispatchCursor()).toBe(cursor);
    const all = (await store.changesSince(0, 1000)).filter((c) => c.seq > watched.fromSeq).map((c) => c.seq);
    expect(await outbox(watched)).toEqual([...(await seqsOf(usccFor(1))), ...(await seqsOf(usccFor(4)))]);
    expect(await outbox(taxOnly)).toEqual(await seqsOf(usccFor(1), ['entry.created']));
    expect(await outbox(both)).toEqual(await seqsOf(usccFor(1), ['entry.created']));
    expect(await outbox(everything)).toEqual(all);
    expect(await outbox(late)).toEqual(await seqsOf(usccFor(4)));

    // Routed once: another run finds nothing new, and the rows carry the deterministic ids.
    expect((await dispatchAll()).enqueued).toBe(0);
    const rows = await store.listWebhookDeliveries(everything.id, { limit: 1000 });
    expect(rows.every((d) => d.id === outboxIdOf(everything.id, d.seq))).toBe(true);
    expect(rows.every((d) => d.status === 'pending' && d.attempts === 0 && d.nextAttemptAt === at(0))).toBe(
      true,
    );
  });

  test('concurrent dispatchers route every change exactly once', async () => {
    const s = await store.createWebhook(subscription(), BANK);
    await store.importRecords([Array.from({ length: 30 }, (_, i) => orgRecord(i + 1))], { actor: 'test' });
    const runs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        let n = 0;
        for (;;) {
          const r = await store.dispatchWebhooks(5, at(0), planDeliveries);
          n += r.enqueued;
          if (!r.more) return n;
        }
      }),
    );
    const seqs = await outbox(s);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(seqs.length);
    expect(seqs).toEqual((await store.changesSince(0, 1000)).map((c) => c.seq).filter((q) => q > s.fromSeq));
  });

  test('nobody subscribed: the cursor jumps to the log’s end without reading it', async () => {
    await store.importRecords([[orgRecord(1), orgRecord(2)]], { actor: 'test' });
    expect(await store.dispatchWebhooks(1, at(0), planDeliveries)).toEqual({
      cursor: await store.currentSeq(),
      enqueued: 0,
      more: false,
    });
  });

  test('claims lease rows to one owner; concurrent claimers get disjoint rows; an expired lease is taken over', async () => {
    const s = await store.createWebhook(subscription(), BANK);
    await store.importRecords([Array.from({ length: 10 }, (_, i) => orgRecord(i + 1))], { actor: 'test' });
    await dispatchAll();
    const total = (await outbox(s)).length;
    expect(total).toBe(20);

    const claims = await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map((owner) => store.claimWebhookDeliveries(owner, at(1), at(60_000), 6)),
    );
    const ids = claims.flat().map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(total);
    const first = claims[0]![0]!;
    expect(first).toMatchObject({
      subscriptionId: s.id,
      attempts: 0,
      url: s.url,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    expect(JSON.parse(first.payload)).toMatchObject({ type: first.type, data: { seq: first.seq } });

    // Leased: nobody else gets them until the lease ends; then another owner does.
    expect(await store.claimWebhookDeliveries('w5', at(30_000), at(90_000), 100)).toEqual([]);
    const taken = await store.claimWebhookDeliveries('w5', at(60_000), at(120_000), 100);
    expect(taken.length).toBe(total);
    // The first owner lost them: its late result changes nothing, though the attempt is logged.
    expect(
      await store.recordWebhookAttempt({
        deliveryId: first.id,
        owner: 'w1',
        attempt: 1,
        at: at(61_000),
        statusCode: 200,
        latencyMs: 12,
        error: null,
        status: 'delivered',
        nextAttemptAt: null,
      }),
    ).toBe(false);
    const row = (await store.listWebhookDeliveries(s.id, { limit: 1000 })).find((d) => d.id === first.id)!;
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row.log).toHaveLength(1);

    // A stopping process gives back what it holds, at once.
    expect(await store.releaseWebhookDeliveries('w5')).toBe(total);
    expect((await store.claimWebhookDeliveries('w6', at(60_001), at(120_000), 100)).length).toBe(total);
  });

  test('attempts: retry not before its time, delivered and dead rows never claimed again, all in the log', async () => {
    const s = await store.createWebhook(subscription({ watchList: [usccFor(1)] }), BANK);
    await store.importRecords([[orgRecord(1)]], { actor: 'test' });
    await dispatchAll();
    const claim = (ms: number) => store.claimWebhookDeliveries('w1', at(ms), at(ms + 30_000), 10);
    const [subjectRow, entryRow] = await claim(0);
    const record = (d: ClaimedDelivery, ms: number, over: Record<string, unknown>) =>
      store.recordWebhookAttempt({
        deliveryId: d.id,
        owner: 'w1',
        attempt: d.attempts + 1,
        at: at(ms),
        statusCode: 500,
        latencyMs: 7.6,
        error: 'HTTP 500: boom',
        status: 'pending',
        nextAttemptAt: at(ms + 5000),
        ...over,
      });
    expect(await record(subjectRow!, 10, {})).toBe(true);
    expect(
      await record(entryRow!, 10, {
        status: 'dead',
        statusCode: 404,
        error: 'HTTP 404',
        nextAttemptAt: null,
      }),
    ).toBe(true);
    expect(await store.nextWebhookAttemptAt()).toBe(at(5010));
    expect(await claim(5000)).toEqual([]);
    const [again] = await claim(5010);
    expect(again).toMatchObject({ id: subjectRow!.id, attempts: 1 });
    expect(
      await record(again!, 5020, { statusCode: 204, error: null, status: 'delivered', nextAttemptAt: null }),
    ).toBe(true);
    expect(await claim(1_000_000)).toEqual([]);
    expect(await store.nextWebhookAttemptAt()).toBeNull();

    const log = await store.listWebhookDeliveries(s.id, { limit: 10 });
    expect(log.map((d) => [d.seq, d.status, d.attempts])).toEqual([
      [entryRow!.seq, 'dead', 1],
      [subjectRow!.seq, 'delivered', 2],
    ]);
    expect(log[1]).toMatchObject({ deliveredAt: at(5020), nextAttemptAt: null });
    expect(log[1]!.log).toEqual([
      {
        attempt: 1,
        at: at(10),
        statusCode: 500,
        latencyMs: 8,
        error: 'HTTP 500: boom',
        nextAttemptAt: at(5010),
      },
      { attempt: 2, at: at(5020), statusCode: 204, latencyMs: 8, error: null, nextAttemptAt: null },
    ]);
    expect(
      (await store.listWebhookDeliveries(s.id, { limit: 10, status: 'dead' })).map((d) => d.seq),
    ).toEqual([entryRow!.seq]);
    expect(
      (await store.listWebhookDeliveries(s.id, { limit: 10, beforeSeq: entryRow!.seq })).map((d) => d.seq),
    ).toEqual([subjectRow!.seq]);
  });

  test('a paused subscription queues without delivering; a revoked key’s subscriptions get nothing', async () => {
    const key = issueApiKey(
      { role: 'implementer', department: null, label: '某银行', rateLimit: null },
      at(0),
    );
    await store.createApiKey(key.record);
    const paused = await store.createWebhook(subscription(), BANK);
    const revoked = await store.createWebhook(subscription({ ownerKeyId: key.record.id }), key.record.id);
    await store.updateWebhook(paused.id, { status: 'paused' }, BANK);
    await store.revokeApiKey(key.record.id, at(0));
    await store.importRecords([[orgRecord(1)]], { actor: 'test' });
    await dispatchAll();
    expect((await outbox(paused)).length).toBe(2);
    expect(await outbox(revoked)).toEqual([]);
    expect(await store.claimWebhookDeliveries('w1', at(1), at(30_000), 10)).toEqual([]);
    expect(await store.nextWebhookAttemptAt()).toBeNull();
    await store.updateWebhook(paused.id, { status: 'active' }, BANK);
    expect((await store.claimWebhookDeliveries('w1', at(1), at(30_000), 10)).length).toBe(2);
  });

  test('deleting a subscription takes its watch list, outbox rows and delivery log with it', async () => {
    const s = await store.createWebhook(subscription({ watchList: [usccFor(1)] }), BANK);
    await store.importRecords([[orgRecord(1)]], { actor: 'test' });
    await dispatchAll();
    const [d] = await store.claimWebhookDeliveries('w1', at(1), at(30_000), 1);
    await store.deleteWebhook(s.id, BANK);
    // An attempt under way when it was deleted finds nothing to update or log.
    expect(
      await store.recordWebhookAttempt({
        deliveryId: d!.id,
        owner: 'w1',
        attempt: 1,
        at: at(2),
        statusCode: 200,
        latencyMs: 1,
        error: null,
        status: 'delivered',
        nextAttemptAt: null,
      }),
    ).toBe(false);
    expect(await store.listWebhookDeliveries(s.id, { limit: 10 })).toEqual([]);
    expect(await store.claimWebhookDeliveries('w2', at(60_000), at(90_000), 10)).toEqual([]);
  });

  test('rejects malformed calls the same way', async () => {
    await expect(store.createWebhook(subscription({ id: 'wh_x' }), BANK)).rejects.toThrow(/wh_/);
    await expect(store.createWebhook(subscription({ secret: 'plain' }), BANK)).rejects.toThrow(/whsec_/);
    await expect(store.createWebhook(subscription({ watchList: [''] }), BANK)).rejects.toThrow(/watchList/);
    await expect(
      store.updateWebhook('wh_00000000000000000001', { status: 'gone' as never }, BANK),
    ).rejects.toThrow(/status/);
    await expect(store.dispatchWebhooks(0, at(0), planDeliveries)).rejects.toThrow(/limit/);
  });
});

describe.each(factories)('$name store: change notifications', (factory) => {
  it.skipIf(factory.skip)(
    'another connection’s commit to the change log calls the watcher soon after',
    async () => {
      let open: () => Store;
      let cleanup: () => Promise<void>;
      if (factory.name === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), 'credcheck-notify-'));
        const file = join(dir, 'credcheck.db');
        open = () => openSqliteStore(file);
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      } else {
        const t = await factory.create();
        open = () => openPostgresStore(PG_TEST_URL, { schema: t.schema!, maxConnections: 2 });
        cleanup = () => t.dispose();
      }
      const listener = open();
      const writer = open();
      try {
        await listener.migrate();
        await writer.migrate();
        let calls = 0;
        let notified: () => void = () => {};
        const stop = await listener.watchChanges(() => {
          calls++;
          notified();
        });
        await new Promise((r) => setTimeout(r, 100));
        const before = calls;
        const seen = new Promise<void>((resolve) => {
          notified = resolve;
        });
        const started = Date.now();
        await writer.importRecords([[orgRecord(1)]], { actor: 'test' });
        await seen;
        expect(calls).toBeGreaterThan(before);
        expect(Date.now() - started).toBeLessThan(1000);
        await stop();
      } finally {
        await listener.close();
        await writer.close();
        await cleanup();
      }
    },
  );
});
