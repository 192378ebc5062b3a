import type { Store } from '../../src/store/types.ts';

/** Everything a store holds, read through the Store interface, for "nothing changed" comparisons. */
export async function snapshot(store: Store) {
  const subjects = [];
  for await (const batch of store.scan(500)) subjects.push(...batch);
  return {
    counts: await store.counts(),
    seq: await store.currentSeq(),
    changes: await store.changesSince(0, 1_000_000),
    catalog: await store.getCatalog(),
    subjects,
  };
}

/** A clock that moves one second per call, so that every write gets a distinct, predictable instant. */
export function steppingClock(start = '2026-11-23T04:00:00.000Z') {
  let t = Date.parse(start);
  return {
    now: () => {
      const d = new Date(t);
      t += 1000;
      return d;
    },
  };
}
