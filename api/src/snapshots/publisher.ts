import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { encodeDelta, encodeSnapshot, type PrefixSnapshot, SnapshotBuilder } from '@credcheck/sdk/snapshot';
import type { Clock } from '../domain/clock.ts';
import { subjectStatusAt } from '../domain/status.ts';
import type { LiveIndex } from '../index/live-index.ts';

/** One published version of the snapshot the extension syncs (sdk/src/snapshot/README.md). */
export interface PublishedSnapshot {
  /** Snapshot version: grows with every published change of content (≥ the data version). */
  version: number;
  /** The change-log sequence it was built from. */
  dataVersion: number;
  /** The day its status classes hold for (an entry that expires overnight changes class). */
  asOf: string;
  checksum: string;
  bytes: Uint8Array;
  codes: number;
  names: number;
}

/** The encoded delta from one published version to the next. */
export interface SnapshotStep {
  from: number;
  to: number;
  bytes: Uint8Array;
}

export interface SnapshotPublisher {
  current(): PublishedSnapshot | null;
  /**
   * The steps from `from` to the current version, oldest first; [] when `from` is current,
   * null when `from` is unknown or older than the steps kept (the client downloads it whole).
   */
  stepsFrom(from: number): SnapshotStep[] | null;
  step(from: number): SnapshotStep | undefined;
  /** Publishes a new version if the data or the day moved since the last one; resolves when done. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** Subjects hashed between two yields to the request loop: about 30 ms of work. */
const SLICE = 8000;

/**
 * Publishes the hash-prefix snapshot of every listed organization (code and name, each in its
 * subject's status class) and the deltas between successive versions. Persons are left out: the
 * API holds their ID numbers only as an HMAC, a bare hash of an ID could be reversed by trying
 * them all, and a person's name is personal data; the extension asks the API about ID numbers.
 *
 * A version is built at most every `intervalMs` (the first when first asked for), from the
 * in-memory index, in slices that leave the request loop free; the last `keepSteps` deltas are
 * kept, so a client that syncs within that window downloads kilobytes, and one further behind
 * downloads the whole snapshot again.
 */
export function startSnapshotPublisher(opts: {
  index: LiveIndex;
  clock: Clock;
  intervalMs: number;
  keepSteps?: number;
  log?: (msg: string, level?: 'info' | 'warn' | 'error') => void;
}): SnapshotPublisher {
  const keepSteps = opts.keepSteps ?? 500;
  let current: { published: PublishedSnapshot; snapshot: PrefixSnapshot } | null = null;
  const steps = new Map<number, SnapshotStep>();
  let running: Promise<void> | null = null;
  let stopped = false;

  async function build(): Promise<void> {
    const dataVersion = opts.index.seq;
    const asOf = opts.clock.today();
    if (current && current.published.dataVersion === dataVersion && current.published.asOf === asOf) return;
    const started = performance.now();
    const list = opts.index.list;
    const builder = new SnapshotBuilder();
    let codes = 0;
    let names = 0;
    for (let row = 0; row < list.size; row++) {
      if (row % SLICE === SLICE - 1) {
        await yieldToRequests();
        if (stopped) return;
      }
      if (list.typeAt(row) !== 'org') continue;
      const { subject, entries } = list.factsAt(row);
      if (entries.length === 0) continue;
      const status = subjectStatusAt(entries, asOf);
      if (status === 'clean') continue;
      if (subject.code !== null) {
        builder.add({ kind: 'code', key: subject.code, status });
        codes++;
      }
      builder.add({ kind: 'name', key: subject.name, status });
      names++;
    }
    const version = Math.max(dataVersion, (current?.published.version ?? 0) + 1);
    const snapshot = builder.finish(version);
    if (current && snapshot.checksumHex === current.snapshot.checksumHex) return;
    const published: PublishedSnapshot = {
      version,
      dataVersion,
      asOf,
      checksum: snapshot.checksumHex,
      bytes: encodeSnapshot(snapshot),
      codes,
      names,
    };
    if (current) {
      const from = current.published.version;
      steps.set(from, { from, to: version, bytes: encodeDelta(current.snapshot, snapshot) });
      while (steps.size > keepSteps) steps.delete(steps.keys().next().value!);
    }
    current = { published, snapshot };
    opts.log?.(
      `snapshot ${version} published: ${codes} codes, ${names} names, ${published.bytes.length} bytes in ${Math.round(performance.now() - started)} ms`,
    );
  }

  const refresh = () => {
    running ??= build()
      .catch((err: Error) => opts.log?.(`snapshot not published (will retry): ${err.message}`, 'warn'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void refresh();
  }, opts.intervalMs);
  timer.unref();

  return {
    current() {
      // The first version is built when first asked for (or at the first tick), not at start:
      // a start competes with nothing, and an API without extension users never builds one.
      if (current === null && !stopped) void refresh();
      return current?.published ?? null;
    },
    stepsFrom(from) {
      if (current === null) return null;
      const out: SnapshotStep[] = [];
      for (let at = from; at !== current.published.version; ) {
        const s = steps.get(at);
        if (s === undefined) return null;
        out.push(s);
        at = s.to;
      }
      return out;
    },
    step: (from) => steps.get(from),
    refresh,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
