// @vitest-environment node
// The background is a service worker: no DOM, and Node's own fetch and URL as in a worker.
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import { SnapshotDb } from '../src/background/snapshot-db.ts';
import { Syncer } from '../src/background/sync.ts';
import { type FaultyProxy, startFaultyProxy } from './helpers/faulty-proxy.ts';
import { type ListedApi, startListedApi } from './helpers/listed-api.ts';

/** The server's current version and checksum, straight from the API. */
/** The server's current version and checksum (waiting out a 503 while it publishes its first snapshot). */
async function serverState(api: ListedApi): Promise<{ version: number; checksum: string }> {
  const until = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${api.url}/v1/snapshot/deltas?from=0`);
    const body = (await res.json()) as { version?: number };
    if (body.version !== undefined) {
      const sync = await fetch(`${api.url}/v1/snapshot/deltas?from=${body.version}`);
      const state = (await sync.json()) as { version: number; checksum?: string };
      if (sync.ok && state.checksum) return state as { version: number; checksum: string };
    }
    if (Date.now() > until)
      throw new Error(`no snapshot from ${api.url}: ${res.status} ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const nodeFetch: typeof fetch = (...args) => fetch(...args);

describe('snapshot sync against a real API', () => {
  let api: ListedApi;
  let other: ListedApi;
  let proxy: FaultyProxy;
  let otherProxy: FaultyProxy;
  let factory: IDBFactory;
  const rand = seededRandom(99);
  let added = 0;

  /** Lists one more organization and waits until the API published it. */
  async function listOneMore(): Promise<string> {
    const before = (await serverState(api)).version;
    const code = generateUSCC(rand);
    added++;
    await api.designate({
      code,
      name: `新增测试第${added}建材有限公司`,
      listType: 'gov-procurement-serious-violation',
      kind: 'black',
      validUntil: '',
    });
    await api.waitForVersionAfter(before);
    return code;
  }

  beforeAll(async () => {
    [api, other] = await Promise.all([startListedApi(1), startListedApi(2)]);
    proxy = await startFaultyProxy(api.url);
    otherProxy = await startFaultyProxy(other.url);
    // The publisher builds its first version when first asked for.
    await Promise.all([api.waitForVersionAfter(-1), other.waitForVersionAfter(-1)]);
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    await otherProxy?.stop();
    await Promise.all([api?.stop(), other?.stop()]);
  });

  beforeEach(() => {
    proxy.fault = 'none';
    proxy.requests.length = 0;
    otherProxy.requests.length = 0;
  });

  it('downloads the whole snapshot first, then applies deltas whose result matches the checksum', async () => {
    factory = new IDBFactory();
    const syncer = new Syncer(new SnapshotDb(factory), nodeFetch);
    const first = await syncer.sync(proxy.url, '');
    expect(first.lastError).toBeNull();
    expect(proxy.requests[0]).toBe('GET /v1/snapshot');
    const server = await serverState(api);
    expect(first.checksum).toBe(server.checksum);
    expect(first.version).toBe(server.version);
    expect(first.codes).toBe(4); // the four organizations; the person is never in the snapshot
    expect(first.dataVersion).toBeGreaterThan(0);
    expect(first.asOf).toBe('2026-11-23');

    const copy = (await syncer.current(proxy.url))!;
    const [black, black2, red, expired, person] = api.rows;
    expect(copy.snapshot.lookupCode(black!.code)).toBe('black');
    expect(copy.snapshot.lookupCode(black2!.code)).toBe('black');
    expect(copy.snapshot.lookupCode(red!.code)).toBe('red');
    expect(copy.snapshot.lookupCode(expired!.code)).toBe('expired');
    expect(copy.snapshot.lookupCode(person!.code)).toBeUndefined();
    expect(copy.snapshot.lookupName(black!.name)).toBe('black');

    const code = await listOneMore();
    proxy.requests.length = 0;
    const second = await syncer.sync(proxy.url, '');
    expect(second.lastError).toBeNull();
    expect(proxy.requests).not.toContain('GET /v1/snapshot');
    expect(proxy.requests.some((r) => /^GET \/v1\/snapshot\/deltas\/\d+$/.test(r))).toBe(true);
    expect(second.checksum).toBe((await serverState(api)).checksum);
    expect(second.codes).toBe(5);
    expect((await syncer.current(proxy.url))!.snapshot.lookupCode(code)).toBe('black');

    // A new worker (service worker restart) finds the same copy in IndexedDB.
    const restarted = new Syncer(new SnapshotDb(factory), nodeFetch);
    expect((await restarted.state(proxy.url)).checksum).toBe(second.checksum);
  }, 60_000);

  for (const fault of ['corrupt-delta', 'truncate-delta', 'wrong-checksum'] as const) {
    it(`keeps the last good copy when a delta sync fails (${fault})`, async () => {
      const syncer = new Syncer(new SnapshotDb(factory), nodeFetch);
      const good = await syncer.sync(proxy.url, '');
      expect(good.lastError).toBeNull();
      const code = await listOneMore();
      proxy.fault = fault;
      const failed = await syncer.sync(proxy.url, '');
      expect(failed.lastError).toMatch(/snapshot|checksum|corrupt|truncated/i);
      expect(failed.offline).toBe(false);
      expect(failed.checksum).toBe(good.checksum);
      expect(failed.version).toBe(good.version);
      expect(proxy.requests).not.toContain('GET /v1/snapshot');
      expect((await syncer.current(proxy.url))!.snapshot.lookupCode(code)).toBeUndefined();
      // What is stored is the good copy, not a half-patched one.
      const stored = await new Syncer(new SnapshotDb(factory), nodeFetch).state(proxy.url);
      expect(stored.checksum).toBe(good.checksum);

      proxy.fault = 'none';
      const healed = await syncer.sync(proxy.url, '');
      expect(healed.lastError).toBeNull();
      expect(healed.checksum).toBe((await serverState(api)).checksum);
      expect((await syncer.current(proxy.url))!.snapshot.lookupCode(code)).toBe('black');
    }, 60_000);
  }

  it('keeps the copy and says offline on 503 and when the API cannot be reached', async () => {
    const syncer = new Syncer(new SnapshotDb(factory), nodeFetch);
    const good = await syncer.sync(proxy.url, '');
    proxy.fault = 'unavailable';
    const unavailable = await syncer.sync(proxy.url, '');
    expect(unavailable.offline).toBe(true);
    expect(unavailable.lastError).toMatch(/503/);
    expect(unavailable.checksum).toBe(good.checksum);
    expect(unavailable.syncedAt).toBe(good.syncedAt);

    proxy.fault = 'none';
    await proxy.close();
    try {
      const down = await syncer.sync(proxy.url, '');
      expect(down.offline).toBe(true);
      expect(down.lastError).toMatch(/unreachable/i);
      expect(down.checksum).toBe(good.checksum);
    } finally {
      await proxy.reopen();
    }
  }, 60_000);

  it('keeps no copy from a truncated whole download', async () => {
    const syncer = new Syncer(new SnapshotDb(new IDBFactory()), nodeFetch);
    proxy.fault = 'truncate-snapshot';
    const failed = await syncer.sync(proxy.url, '');
    expect(failed.lastError).toMatch(/truncated|corrupt/);
    expect(failed.checksum).toBeNull();
    expect(await syncer.current(proxy.url)).toBeNull();
  }, 60_000);

  it('downloads the whole snapshot when the API no longer keeps deltas from the copy (410)', async () => {
    const syncer = new Syncer(new SnapshotDb(factory), nodeFetch);
    await syncer.sync(proxy.url, '');
    await listOneMore();
    proxy.requests.length = 0;
    proxy.fault = 'gone';
    const state = await syncer.sync(proxy.url, '');
    expect(state.lastError).toBeNull();
    expect(proxy.requests.filter((r) => r === 'GET /v1/snapshot')).toHaveLength(1);
    expect(state.checksum).toBe((await serverState(api)).checksum);
  }, 60_000);

  it("never patches one server's copy with another server's deltas", async () => {
    const db = new SnapshotDb(factory);
    const syncer = new Syncer(db, nodeFetch);
    const first = await syncer.sync(proxy.url, '');
    expect(first.checksum).not.toBeNull();
    const second = await syncer.sync(otherProxy.url, '');
    expect(second.lastError).toBeNull();
    // The other server is asked for its whole snapshot first, never for steps from our version.
    expect(otherProxy.requests[0]).toBe('GET /v1/snapshot');
    expect(second.checksum).toBe((await serverState(other)).checksum);
    expect(second.checksum).not.toBe(first.checksum);
    const copy = (await syncer.current(otherProxy.url))!;
    expect(copy.snapshot.lookupCode(other.rows[0]!.code)).toBe('black');
    expect(copy.snapshot.lookupCode(api.rows[0]!.code)).toBeUndefined();
    // Once the new server's copy is proven, the old one is gone.
    expect(await db.load(proxy.url)).toBeNull();
  }, 60_000);

  it('runs a sync for a newly set API after the one in progress, never merging the two', async () => {
    const syncer = new Syncer(new SnapshotDb(new IDBFactory()), nodeFetch);
    const [a, b] = await Promise.all([syncer.sync(proxy.url, ''), syncer.sync(otherProxy.url, '')]);
    expect(a.checksum, `first API: ${a.lastError}`).toBe((await serverState(api)).checksum);
    expect(b.checksum, `second API: ${b.lastError}`).toBe((await serverState(other)).checksum);
    expect((await syncer.state(otherProxy.url)).checksum).toBe(b.checksum);
  }, 60_000);

  it('coalesces concurrent syncs into one', async () => {
    const syncer = new Syncer(new SnapshotDb(new IDBFactory()), nodeFetch);
    const [a, b] = await Promise.all([syncer.sync(proxy.url, ''), syncer.sync(proxy.url, '')]);
    expect(a).toEqual(b);
    expect(proxy.requests.filter((r) => r === 'GET /v1/snapshot')).toHaveLength(1);
  }, 60_000);
});
