import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../src/domain/model.ts';
import { changeView } from '../src/routes/changes.ts';
import { openPostgresStore } from '../src/store/postgres.ts';
import type { Store } from '../src/store/types.ts';
import type { RetryPolicy } from '../src/webhooks/retry.ts';
import { verifyWebhook } from '../src/webhooks/signature.ts';
import { orgRecord } from './helpers/records.ts';
import {
  PG_TEST_URL,
  postgresFactory,
  probePostgres,
  sqliteFactory,
  type TestStore,
} from './helpers/store-factory.ts';
import {
  issueKey,
  openWebhookApp,
  type Prepared,
  prepareWebhookStore,
  type WebhookApp,
} from './helpers/webhook-app.ts';
import { type Received, type Receiver, startReceiver, waitFor } from './helpers/webhook-receiver.ts';

/**
 * Deliveries to a real HTTP receiver on 127.0.0.1: signatures, filters, retries, dead letters and
 * a restart in the middle, on both stores.
 */

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;

/** Fast retries, so that a test sees three attempts in a fraction of a second. */
const RETRY: RetryPolicy = { maxAttempts: 3, baseMs: 20, capMs: 200 };

interface Payload {
  type: string;
  timestamp: string;
  data: { seq: number; type: string; subjectKey: string | null; data: Record<string, unknown> };
}
const payload = (r: Received) => JSON.parse(r.body) as Payload;

/** The Standard Webhooks check written out independently of the server's code. */
function signatureOk(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${r.id}.${r.timestamp}.${r.body}`).digest('base64');
  return r.signature.split(' ').includes(`v1,${expected}`);
}

for (const factory of [
  { ...sqliteFactory(), skip: false },
  { ...postgresFactory(PG_TEST_URL), skip: skipPostgres },
]) {
  describe.skipIf(factory.skip)(`webhook delivery (${factory.name})`, () => {
    let db: TestStore;
    let store: Store;
    let prepared: Prepared;
    let w: WebhookApp;
    let receiver: Receiver;
    let bank: { key: string; id: string };
    let next = 1000;
    let tag = 0;

    /** Subscribes under a URL of its own, so a test sees only its own deliveries (got). */
    const subscribe = async (body: Record<string, unknown>, app = w) => {
      tag++;
      const res = await app.app.request('/v1/webhooks', {
        method: 'POST',
        headers: { authorization: `Bearer ${bank.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${receiver.url}?test=${tag}`, ...body }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string; secret: string; fromSeq: number };
    };
    const got = () => receiver.received.filter((r) => r.url.endsWith(`?test=${tag}`));
    const deliveries = async (id: string, query = '', app = w) => {
      const res = await app.app.request(`/v1/webhooks/${id}/deliveries?limit=200${query}`, {
        headers: { authorization: `Bearer ${bank.key}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()).items as Array<{
        id: string;
        seq: number;
        status: string;
        attempts: number;
        log: Array<{
          attempt: number;
          statusCode: number | null;
          error: string | null;
          nextAttemptAt: string | null;
        }>;
      }>;
    };
    /** Commits records as another process would and lets the index notice, as its refresher does. */
    const commit = async (records: ImportRecord[], app = w) => {
      const summary = await store.importRecords([records], { actor: 'test' });
      await app.runtime.refresh();
      return summary;
    };
    /** Fresh subjects, so each test's changes are its own. */
    const fresh = (count: number, variant = 0) =>
      Array.from({ length: count }, () => orgRecord(next++, variant));

    beforeAll(async () => {
      db = await factory.create();
      store = db.store;
      prepared = await prepareWebhookStore(store);
      bank = await issueKey(store, 'implementer');
      w = await openWebhookApp(store, prepared, { webhooks: { retry: RETRY, timeoutMs: 2000, pollMs: 50 } });
      receiver = await startReceiver();
    });
    afterEach(async () => {
      receiver.reply = () => ({ status: 204 });
      receiver.onRequest = null;
      for (const s of await store.listWebhooks(bank.id)) await store.deleteWebhook(s.id, 'test');
    });
    afterAll(async () => {
      await w?.runtime.stop();
      await receiver?.close();
      await db?.dispose();
    });

    it('delivers the changes of watched subjects only, signed per Standard Webhooks, as the change feed shows them', async () => {
      const [watched, unwatched] = fresh(2);
      const s = await subscribe({ watchList: [watched!.subject.code!.toLowerCase()] });
      await commit([watched!, unwatched!]);
      await waitFor(() => got().length >= 2, 5000, 'two deliveries');
      await new Promise((r) => setTimeout(r, 200));
      expect(got()).toHaveLength(2);
      const changes = (await store.changesSince(s.fromSeq, 100)).filter(
        (c) => c.subjectKey === watched!.subject.key,
      );
      const sorted = [...got()].sort((a, b) => payload(a).data.seq - payload(b).data.seq);
      expect(sorted.map((r) => payload(r).data.seq)).toEqual(changes.map((c) => c.seq));
      for (const [i, r] of sorted.entries()) {
        expect(signatureOk(s.secret, r)).toBe(true);
        expect(verifyWebhook(s.secret, r, r.body)).toBe(true);
        expect(verifyWebhook(s.secret, r, r.body.replace('"seq"', '"Seq"'))).toBe(false);
        expect(Math.abs(Number(r.timestamp) - Date.now() / 1000)).toBeLessThan(60);
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.id).toMatch(/^msg_[0-9a-f]{24}$/);
        expect(payload(r)).toEqual({
          type: changes[i]!.type,
          timestamp: changes[i]!.at,
          data: JSON.parse(JSON.stringify(changeView(changes[i]!, 'staff'))),
        });
      }
      const log = await deliveries(s.id);
      expect(log.map((d) => d.id).sort()).toEqual(sorted.map((r) => r.id).sort());
      expect(
        log.every((d) => d.status === 'delivered' && d.attempts === 1 && d.log[0]!.statusCode === 204),
      ).toBe(true);
    });

    it('filters by list type: entry changes on those lists only', async () => {
      // variant 0 of orgRecord(n) lists n on LIST_TYPES[n % 4]: find one tax violator and one other.
      const records = fresh(4);
      const tax = records.find((r) => r.entry.listType === 'major-tax-violation')!;
      const s = await subscribe({ listTypes: ['major-tax-violation'] });
      await commit(records);
      await waitFor(() => got().length >= 1, 5000, 'the tax-violation delivery');
      await new Promise((r) => setTimeout(r, 200));
      expect(got().map((r) => [payload(r).data.type, payload(r).data.subjectKey])).toEqual([
        ['entry.created', tax.subject.key],
      ]);
      expect(payload(got()[0]!).data.data.listType).toBe('major-tax-violation');
      expect((await deliveries(s.id)).length).toBe(1);
    });

    it('a receiver failing with 500 twice and then 200 gets three attempts with the same webhook-id', async () => {
      const [record] = fresh(1);
      const s = await subscribe({ watchList: [record!.subject.code], listTypes: [record!.entry.listType] });
      receiver.reply = () =>
        got().length <= 2 ? { status: 500, body: 'temporarily broken' } : { status: 200 };
      await commit([record!]);
      await waitFor(async () => (await deliveries(s.id))[0]?.status === 'delivered', 5000, 'delivered');
      expect(got().map((r) => r.status)).toEqual([500, 500, 200]);
      expect(new Set(got().map((r) => r.id)).size).toBe(1);
      expect(new Set(got().map((r) => r.body)).size).toBe(1);
      for (const r of got()) expect(signatureOk(s.secret, r)).toBe(true);
      const [d] = await deliveries(s.id);
      expect(d!.id).toBe(got()[0]!.id);
      expect(d!.attempts).toBe(3);
      expect(d!.log.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
        [1, 500, 'HTTP 500: temporarily broken'],
        [2, 500, 'HTTP 500: temporarily broken'],
        [3, 200, null],
      ]);
      expect(d!.log.map((a) => a.nextAttemptAt === null)).toEqual([false, false, true]);
    });

    it('gives up after the configured attempts (dead), and at once on a 4xx; both in the delivery log', async () => {
      const [flaky, rejected] = fresh(2, 1);
      const s = await subscribe({
        watchList: [flaky!.subject.code, rejected!.subject.code],
        listTypes: [flaky!.entry.listType, rejected!.entry.listType],
      });
      receiver.reply = (r) =>
        payload(r).data.subjectKey === flaky!.subject.key ? { status: 503 } : { status: 410, body: 'gone' };
      await commit([flaky!, rejected!]);
      await waitFor(
        async () => (await deliveries(s.id, '&status=dead')).length === 2,
        5000,
        'two dead deliveries',
      );
      const byKey = (key: string) => got().filter((r) => payload(r).data.subjectKey === key);
      expect(byKey(flaky!.subject.key).map((r) => r.status)).toEqual([503, 503, 503]);
      expect(byKey(rejected!.subject.key).map((r) => r.status)).toEqual([410]);
      const dead = await deliveries(s.id, '&status=dead');
      expect(dead.map((d) => d.attempts).sort()).toEqual([1, 3]);
      expect((await deliveries(s.id, '&status=pending')).length).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(got()).toHaveLength(4);
    });

    it('honours Retry-After on 429', async () => {
      const [record] = fresh(1);
      const s = await subscribe({ watchList: [record!.subject.code], listTypes: [record!.entry.listType] });
      receiver.reply = () =>
        got().length === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 };
      await commit([record!]);
      await waitFor(async () => (await deliveries(s.id))[0]?.status === 'delivered', 5000, 'delivered');
      const [first, second] = got();
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    });

    it('a paused subscription queues deliveries and sends them on resume', async () => {
      const [record] = fresh(1);
      const s = await subscribe({ watchList: [record!.subject.code] });
      const patch = (status: string) =>
        w.app.request(`/v1/webhooks/${s.id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${bank.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ status }),
        });
      expect((await patch('paused')).status).toBe(200);
      await commit([record!]);
      await waitFor(async () => (await deliveries(s.id)).length === 2, 5000, 'queued rows');
      await new Promise((r) => setTimeout(r, 200));
      expect(got()).toHaveLength(0);
      expect((await patch('active')).status).toBe(200);
      await waitFor(() => got().length === 2, 5000, 'deliveries after resume');
    });

    it('a restart mid-way (and a crashed claimer) loses nothing and sends no outbox row twice', async () => {
      const records = fresh(15);
      const s = await subscribe({ watchList: records.map((r) => r.subject.code) });
      // A slow receiver, so that the stop lands while deliveries are under way.
      receiver.reply = () => ({ status: 200, delayMs: 25 });
      let stopping: Promise<void> | null = null;
      receiver.onRequest = () => {
        if (got().length === 5) stopping = w.runtime.stop();
      };
      await commit(records);
      await waitFor(() => stopping !== null, 5000, 'the stop');
      await stopping;
      const sentBefore = got().length;
      expect(sentBefore).toBeGreaterThanOrEqual(5);
      expect(sentBefore).toBeLessThan(30);

      // A process that claimed rows and died: its lease must run out before anyone else sends them.
      const now = Date.now();
      const claimedAt = performance.now();
      const crashed = await store.claimWebhookDeliveries(
        'crashed-process',
        new Date(now).toISOString(),
        new Date(now + 300).toISOString(),
        3,
      );
      expect(crashed.length).toBe(3);

      w = await openWebhookApp(store, prepared, { webhooks: { retry: RETRY, timeoutMs: 2000, pollMs: 50 } });
      await waitFor(
        async () => (await deliveries(s.id, '&status=pending')).length === 0,
        10_000,
        'everything delivered',
      );
      const all = await deliveries(s.id);
      expect(all).toHaveLength(30);
      expect(all.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
      // Exactly once per outbox row, under the row's id.
      const ids = got().map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(all.map((d) => d.id).sort());
      const late = got().filter((r) => crashed.some((c) => c.id === r.id));
      expect(late).toHaveLength(3);
      for (const r of late) expect(r.at - claimedAt).toBeGreaterThanOrEqual(250);
    });

    it.skipIf(factory.name !== 'postgres')(
      'two API processes on one database deliver each row once between them',
      async () => {
        const second = openPostgresStore(PG_TEST_URL, { schema: db.schema!, maxConnections: 4 });
        const other = await openWebhookApp(second, prepared, {
          webhooks: { retry: RETRY, timeoutMs: 2000, pollMs: 50 },
        });
        try {
          const records = fresh(20);
          const s = await subscribe({ watchList: records.map((r) => r.subject.code) });
          receiver.reply = () => ({ status: 200, delayMs: 20 });
          // Written through the second process's connection; each process's index learns of it.
          await second.importRecords([records], { actor: 'test' });
          await Promise.all([w.runtime.refresh(), other.runtime.refresh()]);
          await waitFor(
            async () => (await deliveries(s.id, '&status=delivered')).length === 40,
            10_000,
            'all delivered',
          );
          const ids = got().map((r) => r.id);
          expect(ids).toHaveLength(40);
          expect(new Set(ids).size).toBe(40);
        } finally {
          await other.runtime.stop();
          await second.close();
        }
      },
    );
  });
}
