import { applyDelta, decodeSnapshot } from '@credcheck/sdk/snapshot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotSyncSchema } from '../src/routes/snapshot.ts';
import { orgRecord, personRecord, usccFor } from './helpers/records.ts';
import { sqliteFactory } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/** GET /v1/snapshot and its deltas: what the extension syncs for its local check. */
describe('hash-prefix snapshot feed', () => {
  let t: TestApp;
  const orgs = Array.from({ length: 30 }, (_, i) => orgRecord(i + 1, i % 3));
  const person = personRecord(31);

  beforeAll(async () => {
    // An hour between publications: every version in this test is published by an explicit refresh.
    t = await openTestApp(sqliteFactory(), { records: [...orgs, person], snapshotMs: 3_600_000 });
    await t.runtime.deps.snapshots!.refresh();
  });
  afterAll(() => t.close());

  const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

  it('holds every listed organization by code and name in the status class a lookup shows; no persons', async () => {
    const res = await t.app.request('/v1/snapshot');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const copy = decodeSnapshot(await bytesOf(res));
    expect(res.headers.get('etag')).toBe(`"${copy.checksumHex}"`);
    expect(Number(res.headers.get('x-snapshot-version'))).toBe(copy.version);
    for (const r of orgs) {
      const lookup = await (await t.app.request(`/v1/subjects/${r.subject.code}`)).json();
      expect(copy.lookupCode(r.subject.code!), r.subject.code!).toBe(lookup.status);
      expect(copy.lookupName(r.subject.name)).toBeDefined();
    }
    expect(copy.lookupName(person.subject.name)).toBeUndefined();
    expect(copy.codes.size).toBe(orgs.length);
    expect(copy.lookupCode(usccFor(99_999))).toBeUndefined();
    const again = await t.app.request('/v1/snapshot', {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('brings an old copy up to date with small deltas that prove the result whole', async () => {
    let copy = decodeSnapshot(await bytesOf(await t.app.request('/v1/snapshot')));
    const first = copy.version;
    const added = orgRecord(40);
    await t.importMore([added]);
    await t.runtime.deps.snapshots!.refresh();
    await t.importMore([orgRecord(41), { ...orgs[0]!, entry: { ...orgs[0]!.entry, status: 'revoked' } }]);
    await t.runtime.deps.snapshots!.refresh();

    const res = await t.app.request(`/v1/snapshot/deltas?from=${first}`);
    expect(res.status).toBe(200);
    const sync = SnapshotSyncSchema.parse(await res.json());
    expect(sync.steps).toHaveLength(2);
    for (const step of sync.steps) {
      const d = await t.app.request(step.href);
      expect(d.headers.get('cache-control')).toContain('immutable');
      const bytes = await bytesOf(d);
      expect(bytes.length).toBe(step.bytes);
      copy = applyDelta(copy, bytes);
    }
    expect(copy.version).toBe(sync.version);
    expect(copy.checksumHex).toBe(sync.checksum);
    expect(copy.lookupCode(added.subject.code!)).toBe(
      (await (await t.app.request(`/v1/subjects/${added.subject.code}`)).json()).status,
    );

    const upToDate = SnapshotSyncSchema.parse(
      await (await t.app.request(`/v1/snapshot/deltas?from=${sync.version}`)).json(),
    );
    expect(upToDate.steps).toEqual([]);
  });

  it('builds the first version when first asked for, not at start', async () => {
    const fresh = await openTestApp(sqliteFactory(), { records: orgs.slice(0, 3), snapshotMs: 3_600_000 });
    try {
      await new Promise((r) => setTimeout(r, 50));
      expect(fresh.runtime.deps.snapshots!.stepsFrom(0)).toBeNull();
      // A few subjects are hashed within the first request; a million take a few seconds (503 meanwhile).
      expect((await fresh.app.request('/v1/snapshot')).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('sends a copy it cannot patch to the full download, and refuses bad parameters', async () => {
    const gone = await t.app.request('/v1/snapshot/deltas?from=1');
    expect(gone.status).toBe(410);
    expect((await gone.json()).type).toBe('/problems/snapshot-too-old');
    expect((await t.app.request('/v1/snapshot/deltas?from=-3')).status).toBe(400);
    expect((await t.app.request('/v1/snapshot/deltas')).status).toBe(400);
    expect((await t.app.request('/v1/snapshot/deltas/1')).status).toBe(404);
  });
});
