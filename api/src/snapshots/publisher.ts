import { setImmediate as yieldToRequests } from 'node:timers/promises';
import type { Clock } from '../domain/clock.ts';
import { subjectStatusAt } from '../domain/status.ts';
import type { LiveIndex } from '../index/live-index.ts';
import type { SnapshotChunk } from './build-protocol.ts';
import { startBuildThread } from './build-thread.ts';

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
   * current(), but when no version is published yet, waits up to `ms` for the first one (a small
   * list is built within a few hundred milliseconds; a million subjects take seconds).
   */
  awaitCurrent(ms: number): Promise<PublishedSnapshot | null>;
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

/** Time the request loop gives the index walk before it yields to requests again. */
const SLICE_MS = 4;
/** Subjects per message to the build thread. */
const CHUNK = 4096;

/**
 * Publishes the hash-prefix snapshot of every listed organization (code and name, each in its
 * subject's status class) and the deltas between successive versions. Persons are left out: the
 * API holds their ID numbers only as an HMAC, a bare hash of an ID could be reversed by trying
 * them all, and a person's name is personal data; the extension asks the API about ID numbers.
 *
 * A version is built at most every `intervalMs` (the first when first asked for): the request loop
 * walks the in-memory index in slices of a few milliseconds and hands what it reads to a build
 * thread, which hashes, sorts and encodes. The last `keepSteps` deltas are kept, so a client that
 * syncs within that window downloads kilobytes, and one further behind downloads the whole
 * snapshot again.
 */
export function startSnapshotPublisher(opts: {
  index: LiveIndex;
  clock: Clock;
  intervalMs: number;
  keepSteps?: number;
  log?: (msg: string, level?: 'info' | 'warn' | 'error') => void;
}): SnapshotPublisher {
  const keepSteps = opts.keepSteps ?? 500;
  let current: PublishedSnapshot | null = null;
  const steps = new Map<number, SnapshotStep>();
  let running: Promise<void> | null = null;
  let stopped = false;
  const thread = startBuildThread();

  async function build(): Promise<void> {
    const dataVersion = opts.index.seq;
    const asOf = opts.clock.today();
    if (current && current.dataVersion === dataVersion && current.asOf === asOf) return;
    const started = performance.now();
    const list = opts.index.list;
    const id = thread.begin();
    let chunk: SnapshotChunk = { codes: [], names: [], statuses: [] };
    let sliceStart = performance.now();
    for (let row = 0; row < list.size; row++) {
      if ((row & 255) === 255 && performance.now() - sliceStart > SLICE_MS) {
        await yieldToRequests();
        if (stopped) return;
        sliceStart = performance.now();
      }
      if (list.typeAt(row) !== 'org') continue;
      const { subject, entries } = list.factsAt(row);
      if (entries.length === 0) continue;
      const status = subjectStatusAt(entries, asOf);
      if (status === 'clean') continue;
      chunk.codes.push(subject.code);
      chunk.names.push(subject.name);
      chunk.statuses.push(status);
      if (chunk.names.length === CHUNK) {
        thread.add(id, chunk);
        chunk = { codes: [], names: [], statuses: [] };
      }
    }
    thread.add(id, chunk);
    const version = Math.max(dataVersion, (current?.version ?? 0) + 1);
    const built = await thread.finish(id, version);
    if (stopped || built.unchanged) return;
    const published: PublishedSnapshot = {
      version,
      dataVersion,
      asOf,
      checksum: built.checksum,
      bytes: built.bytes,
      codes: built.codes,
      names: built.names,
    };
    if (current && built.delta !== null) {
      const from = current.version;
      steps.set(from, { from, to: version, bytes: built.delta });
      while (steps.size > keepSteps) steps.delete(steps.keys().next().value!);
    }
    current = published;
    opts.log?.(
      `snapshot ${version} published: ${built.codes} codes, ${built.names} names, ${published.bytes.length} bytes in ${Math.round(performance.now() - started)} ms`,
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
  /** Set by the first request for the snapshot: until then nobody syncs, and nothing is built. */
  let wanted = false;
  const timer = setInterval(() => {
    if (!stopped && wanted) void refresh();
  }, opts.intervalMs);
  timer.unref();

  return {
    current() {
      wanted = true;
      // The first version is built when first asked for, not at start:
      // a start competes with nothing, and an API without extension users never builds one.
      if (current === null && !stopped) void refresh();
      return current;
    },
    async awaitCurrent(ms) {
      const now = this.current();
      if (now !== null || running === null) return now;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((r) => (timer = setTimeout(r, ms)))]);
      clearTimeout(timer);
      return current;
    },
    stepsFrom(from) {
      if (current === null) return null;
      const out: SnapshotStep[] = [];
      for (let at = from; at !== current.version; ) {
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
      await thread.close();
    },
  };
}
