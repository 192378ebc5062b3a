// kill -9 of the API while webhooks are being delivered to a slow receiver. What the README
// promises (Webhooks: "Persistent outbox"): a crash loses no delivery; a delivery in flight when
// the process died goes out again after its lease (timeout + 30 s) under the same webhook-id, so
// a receiver that drops repeats by webhook-id sees each change once. That is at-least-once per
// webhook-id, and exactly that is asserted: every change arrives, each under one id only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFor } from '../../api/test/helpers/records.ts';
import { type Receiver, startReceiver, waitFor } from '../../api/test/helpers/webhook-receiver.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';

const ADMIN = 'cck_webhook-kill-admin-key-for-this-test-only';
const DESIGNATIONS = 40;
/** The receiver answers each attempt this late, so that many are in flight when the API dies. */
const RECEIVER_DELAY_MS = 2500;
const TIMEOUT_MS = 5000;
/** The worker's lease margin (worker.ts): a dead process's leases end after timeout + 30 s. */
const LEASE_MS = TIMEOUT_MS + 30_000;

describe('kill -9 of the API during webhook delivery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'credcheck-webhook-kill-'));
  const env = {
    DATA_DIR: dataDir,
    CREDCHECK_DEMO: '0',
    CREDCHECK_ADMIN_KEY: ADMIN,
    CREDCHECK_RATE_LIMIT: '0',
    CREDCHECK_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    CREDCHECK_WEBHOOK_RETRY_MS: '500',
  };
  let receiver: Receiver;
  let api: ApiProcess;

  const post = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify(body),
    });
  const get = async (path: string) => {
    const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status, path).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    receiver.reply = () => ({ status: 204, delayMs: RECEIVER_DELAY_MS });
    api = await startApiProcess(env);
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(
    'after a restart every change arrives, each under one webhook-id (repeats only of that id)',
    async () => {
      const created = await post('/v1/webhooks', { url: receiver.url, description: 'kill -9 test' });
      expect(created.status).toBe(201);
      const hook = (await created.json()) as { id: string };
      const first = (await get('/readyz')).dataVersion as number;

      for (let i = 0; i < DESIGNATIONS; i++) {
        const res = await post('/v1/entries', {
          code: usccFor(770_000 + i),
          name: `推送测试${i}有限公司`,
          listType: 'wage-arrears-migrant-workers',
          department: 'dept-webhook',
          basis: `（2026）推送第${i}号`,
          reason: '拖欠工资',
          decidedOn: '2026-11-20',
        });
        expect(res.status).toBe(201);
      }
      const last = (await get('/readyz')).dataVersion as number;
      const expected = last - first;
      expect(expected).toBeGreaterThanOrEqual(DESIGNATIONS);

      // Some delivered and recorded, some on the wire, the rest still queued: now the process dies.
      await waitFor(() => receiver.received.length >= 10, 60_000, 'the first deliveries');
      process.kill(api.pid, 'SIGKILL');
      await waitFor(
        async () =>
          !(await fetch(`${api.url}/healthz`).then(
            () => true,
            () => false,
          )),
        10_000,
        'the process to be gone',
      );
      const killedAt = Date.now();
      const beforeRestart = receiver.received.length;
      const seqOf = (body: string) => (JSON.parse(body) as { data: { seq: number } }).data.seq;
      const sentBefore = new Set(receiver.received.map((r) => seqOf(r.body))).size;
      const onTheWire = new Set(receiver.received.map((r) => r.id));
      // The crash must have left work behind, or there is nothing to prove.
      expect(sentBefore).toBeLessThan(expected);
      await api.stop();

      api = await startApiProcess(env);
      const deliveries = async () =>
        (await get(`/v1/webhooks/${hook.id}/deliveries?limit=200`)).items as Array<{
          id: string;
          seq: number;
          status: string;
          attempts: number;
        }>;
      // Done when the delivery log says so: the attempts the dead process had on the wire are
      // sent again once their lease runs out.
      await waitFor(
        async () => {
          const all = await deliveries();
          return all.length === expected && all.every((d) => d.status === 'delivered');
        },
        LEASE_MS + 90_000,
        `${expected} deliveries recorded as delivered`,
      );
      const idsBySeq = new Map<number, Set<string>>();
      const seqsById = new Map<string, Set<number>>();
      for (const r of receiver.received) {
        const seq = seqOf(r.body);
        idsBySeq.set(seq, (idsBySeq.get(seq) ?? new Set()).add(r.id));
        seqsById.set(r.id, (seqsById.get(r.id) ?? new Set()).add(seq));
      }
      const repeats = receiver.received.length - seqsById.size;
      console.log(
        `webhooks: ${expected} changes; ${beforeRestart} attempts received before the kill (${expected - sentBefore} changes still queued), ${receiver.received.length} in all; ` +
          `${repeats} repeat(s) under the same webhook-id; all delivered ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`,
      );

      // Every change after the subscription, and nothing else.
      expect([...idsBySeq.keys()].sort((a, b) => a - b)).toEqual(
        Array.from({ length: expected }, (_, i) => first + 1 + i),
      );
      // No change twice under different ids; no id for two changes.
      for (const [seq, ids] of idsBySeq) expect(ids.size, `seq ${seq}`).toBe(1);
      for (const [id, s] of seqsById) expect(s.size, id).toBe(1);
      // Only what the dead process had sent comes twice; what was queued comes once.
      const repeated = new Set(
        receiver.received.map((r) => r.id).filter((id, i, all) => all.indexOf(id) !== i),
      );
      for (const id of repeated) expect(onTheWire.has(id), id).toBe(true);
      // Each delivery is signed per the Standard Webhooks headers, repeats included.
      for (const r of receiver.received) expect(r.signature).toMatch(/^v1,/);

      // The delivery log agrees: one delivery per change, under the id the receiver saw.
      for (const d of await deliveries()) expect(idsBySeq.get(d.seq)).toEqual(new Set([d.id]));
    },
    LEASE_MS + 240_000,
  );
});
