import { monitorEventLoopDelay } from 'node:perf_hooks';
import { applyDelta, buildSnapshot, encodeSnapshot, type SnapshotItem } from '@credcheck/sdk/snapshot';
import { afterAll, describe, expect, it } from 'vitest';
import type { SnapshotChunk } from '../src/snapshots/build-protocol.ts';
import { startBuildThread } from '../src/snapshots/build-thread.ts';
import { usccFor } from './helpers/records.ts';

const STATUSES = ['black', 'red', 'suspended', 'expired'] as const;

/** n listed organizations in chunks as the publisher sends them; every 7th has no code. */
function chunks(n: number, size: number, shift = 0): SnapshotChunk[] {
  const out: SnapshotChunk[] = [];
  for (let start = 0; start < n; start += size) {
    const chunk: SnapshotChunk = { codes: [], names: [], statuses: [] };
    for (let i = start; i < Math.min(n, start + size); i++) {
      chunk.codes.push(i % 7 === 0 ? null : usccFor(i + 1));
      chunk.names.push(`测试${i + 1}号企业管理有限公司`);
      chunk.statuses.push(STATUSES[(i + shift) % STATUSES.length]!);
    }
    out.push(chunk);
  }
  return out;
}

function itemsOf(cs: SnapshotChunk[]): SnapshotItem[] {
  return cs.flatMap((c) =>
    c.names.flatMap((name, i) => {
      const status = c.statuses[i]!;
      const code = c.codes[i];
      const named: SnapshotItem = { kind: 'name', key: name, status };
      return code ? [{ kind: 'code', key: code, status } satisfies SnapshotItem, named] : [named];
    }),
  );
}

/** The publisher's build thread: the snapshot the sdk builds, made off the request loop. */
describe('snapshot build thread', () => {
  const thread = startBuildThread();
  afterAll(() => thread.close());

  it('builds the bytes the sdk builds, a delta from the last version, and says when nothing changed', async () => {
    const first = chunks(5000, 1024);
    let id = thread.begin();
    for (const c of first) thread.add(id, c);
    const one = await thread.finish(id, 1);
    if (one.unchanged) throw new Error('first build cannot be unchanged');
    const expected = buildSnapshot(itemsOf(first), { version: 1 });
    expect(Buffer.from(one.bytes).equals(Buffer.from(encodeSnapshot(expected)))).toBe(true);
    expect(one.checksum).toBe(expected.checksumHex);
    expect(one.delta).toBeNull();
    expect(one.codes).toBe(5000 - Math.ceil(5000 / 7));
    expect(one.names).toBe(5000);

    const second = chunks(5000, 1024, 1);
    id = thread.begin();
    for (const c of second) thread.add(id, c);
    const two = await thread.finish(id, 2);
    if (two.unchanged) throw new Error('statuses moved: not unchanged');
    expect(applyDelta(expected, two.delta!).checksumHex).toBe(two.checksum);

    id = thread.begin();
    for (const c of second) thread.add(id, c);
    // The same content at the same version (the checksum covers the version too).
    expect(await thread.finish(id, 2)).toEqual({ build: id, unchanged: true });
  });

  it('refuses to finish a build it never began instead of leaving the caller waiting', async () => {
    const id = thread.begin();
    await expect(thread.finish(id + 1, 9)).rejects.toThrow(/no such build/);
  });

  it('keeps the request loop free while it hashes, sorts and encodes 600,000 keys', async () => {
    const all = chunks(300_000, 4096);
    const id = thread.begin();
    for (const c of all) thread.add(id, c);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const built = await thread.finish(id, 10);
    const took = performance.now() - started;
    delay.disable();
    expect(built.unchanged).toBe(false);
    // On the loop, this work blocked it for about as long as it took (over half a second at a
    // million keys); off it, the loop only waits for the reply.
    expect(took).toBeGreaterThan(100);
    expect(delay.max / 1e6).toBeLessThan(Math.max(60, took / 4));
  }, 60_000);
});
