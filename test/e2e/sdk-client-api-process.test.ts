import { createClient, ProblemError, verifyReceipt, verifyWebhook } from '@credcheck/sdk/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../api/src/demo/dataset.ts';
import { DEMO_SEED, DEMO_SUBJECTS } from '../../api/src/demo/seed.ts';
import { signWebhook } from '../../api/src/webhooks/signature.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';

const ADMIN = 'cck_sdk-contract-admin-key-for-this-test-only';

/** The SDK client against a real API process over HTTP: the contract both sides keep. */
describe('@credcheck/sdk/client against a real API process', () => {
  let api: ApiProcess;
  let listed: string[];
  let client: ReturnType<typeof createClient>;

  beforeAll(async () => {
    api = await startApiProcess({ CREDCHECK_ADMIN_KEY: ADMIN });
    client = createClient({ baseUrl: api.url, apiKey: ADMIN, timeout: 15_000 });
    listed = [];
    for (const row of generateDataset({ seed: DEMO_SEED, subjects: DEMO_SUBJECTS, today: '2026-11-23' })) {
      if (row.subject_type === 'org' && !listed.includes(row.uscc)) listed.push(row.uscc);
      if (listed.length === 30) break;
    }
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('looks a code up, one and in batches, keeping the order across chunks', async () => {
    const one = await client.lookup(listed[0]!);
    expect(one.subject.code).toBe(listed[0]);
    const codes = [...listed, 'not-a-code', '91110108MA0U94MT1P'];
    const many = await client.lookupMany(codes, { chunkSize: 7, concurrency: 2 });
    expect(many.items.map((i) => i.index)).toEqual(codes.map((_, i) => i));
    expect(many.counts.found).toBeGreaterThanOrEqual(listed.length);
    expect(many.counts.invalid).toBe(1);
    expect(many.items[listed.length]!.result).toBe('invalid');
  });

  it('searches by name', async () => {
    const one = await client.lookup(listed[1]!);
    const res = await client.search(one.subject.name, { limit: 5 });
    expect(res.hits.some((h) => h.code === listed[1])).toBe(true);
  });

  it('answers an invalid code with a typed problem', async () => {
    const err = await client.lookup('not-a-code').catch((e) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect(err.status).toBe(400);
    expect(err.type).toBe('/problems/invalid-code');
    expect(err.detailZh).toBeTruthy();
  });

  it('decides, and the receipt verifies against /.well-known/jwks.json with the decision it attests', async () => {
    const d = await client.decide({
      scenario: 'gov-procurement',
      subject: { code: listed[0]! },
      reference: 'SDK-1',
    });
    if (d.outcome === 'unavailable') throw d.cause;
    const { claims } = await verifyReceipt(d.receipt, { jwksUrl: `${api.url}/.well-known/jwks.json` });
    expect(claims).toMatchObject({
      jti: d.id,
      outcome: d.outcome,
      scenario: 'gov-procurement',
      reference: 'SDK-1',
    });
    expect(claims.measures).toEqual(d.measures.map((m) => m.code));
    const jwks = await client.jwks();
    expect((await verifyReceipt(d.receipt, { jwks })).claims.jti).toBe(d.id);
    expect((await client.getDecision(d.id)).receipt).toBe(d.receipt);
  });

  it('replays a decision sent again with the same Idempotency-Key', async () => {
    const body = { scenario: 'gov-procurement', subject: { code: listed[2]! } };
    const a = await client.decide(body, { idempotencyKey: 'sdk-contract-1' });
    const b = await client.decide(body, { idempotencyKey: 'sdk-contract-1' });
    expect(a.outcome).not.toBe('unavailable');
    expect(b).toEqual(a);
  });

  it('decides in batches with indexes into the input', async () => {
    const items = listed.slice(0, 5).map((code, i) => ({ subject: { code }, reference: `B-${i}` }));
    const res = await client.decideMany(items, { scenario: 'loan', chunkSize: 2, concurrency: 2 });
    expect(res.decided + res.failed).toBe(5);
    expect(res.unavailable).toBe(0);
    expect(res.items.map((i) => i.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads the catalog and the change feed', async () => {
    const scenarios = await client.scenarios();
    expect(scenarios.items.some((s) => s.code === 'gov-procurement')).toBe(true);
    const page = await client.changes({ since: 0, limit: 5 });
    expect(page.changes.length).toBeGreaterThan(0);
  });

  it('follows the live change feed (server-sent events) and downloads the snapshot', async () => {
    const first = await client.changes({ since: 0, limit: 3 });
    const seen: number[] = [];
    for await (const change of client.changesStream({ since: 0 })) {
      seen.push(change.seq);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(first.changes.map((c) => c.seq));
    const snapshot = await client.snapshot();
    expect(snapshot.byteLength).toBeGreaterThan(100);
  });

  it('fails closed when nothing listens at the address', async () => {
    const down = createClient({ baseUrl: 'http://127.0.0.1:9', retry: 0, onUnavailable: 'review' });
    const d = await down.decide({ scenario: 'gov-procurement', subject: { code: listed[0]! } });
    expect(d).toMatchObject({ outcome: 'unavailable', action: 'review' });
  });

  it("verifies a delivery signed by the API's own webhook signer", async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef01234567').toString('base64')}`;
    const page = await client.changes({ since: 0, limit: 1 });
    const change = page.changes[0]!;
    const body = JSON.stringify({ type: change.type, timestamp: change.at, data: change });
    const ts = Math.floor(Date.now() / 1000);
    const event = await verifyWebhook({
      secret,
      body,
      headers: {
        'webhook-id': 'msg_x',
        'webhook-timestamp': String(ts),
        'webhook-signature': signWebhook(secret, 'msg_x', ts, body),
      },
    });
    expect(event.data).toEqual(change);
  });
});
