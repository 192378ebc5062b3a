import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Store } from '../store/types.ts';
import { ListIndex } from './list-index.ts';
import { LiveIndex } from './live-index.ts';
import { NameIndex } from './name-index.ts';
import {
  ColumnSet,
  SNAPSHOT_FORMAT_VERSION,
  SnapshotError,
  SnapshotReader,
  scopedSink,
  scopedSource,
  writeSnapshotFile,
} from './snapshot-file.ts';

export interface StartupOptions {
  /** Folder of the index snapshot (created when missing); null or unset: always scan, never save. */
  snapshotDir?: string | null;
  log?: (msg: string) => void;
  /**
   * From this many subjects on (default 100,000), name indexing that a start would wait for (a
   * build after a scan, thousands of names changed since the snapshot) is done in the
   * background instead: key lookups serve at once and LiveIndex.search waits for the names.
   * Below it the start does it first (well under a second).
   */
  backgroundNamesFrom?: number;
}

export interface StartedIndex {
  index: LiveIndex;
  /** Where the index came from: a snapshot caught up with the change log, or a scan of the store. */
  source: 'snapshot' | 'scan';
  /** Milliseconds until key lookups were ready (the name index may still be building after a scan). */
  ms: number;
  /** Writes a snapshot of the index as it stands (waits for the name index first); for shutdown. */
  saveSnapshot(): Promise<void>;
  /**
   * Settles once the background work of the start is done: the name index built and, when the
   * snapshot was missing or stale, a new one written. Never rejects (failures are logged).
   */
  settled: Promise<void>;
}

/** Store setting that tells one store from another, so that a snapshot is never applied to a stranger. */
export const STORE_ID_SETTING = 'store-id';
export const SNAPSHOT_FILE_NAME = 'index.snapshot';

/** What a snapshot says about itself (the directory's `meta`). */
interface SnapshotMeta {
  kind: 'credcheck-index';
  storeId: string;
  dialect: Store['dialect'];
  /** The change-log seq the snapshot reflects. */
  seq: number;
  /** The change at `seq` (at, type, entity), to notice a store whose log was rewound and rewritten. */
  seqMark: string | null;
  subjects: number;
  entries: number;
  /** NameIndex.fingerprint() of the saved name index. */
  names: string;
  writtenAt: string;
}

/**
 * Catching up costs some 40 µs a change on a million entries (reading and parsing the change,
 * applying it, the name index's rebuild), a scan some 16 µs an entry: beyond a quarter of the
 * entries' count in changes, a scan is the faster way.
 */
const MAX_LAG_PER_ENTRY = 0.25;
const MIN_LAG_LIMIT = 100_000;
/** Rows renamed while catching up that the name index takes in before the start returns (beyond: in the background). */
const RENAMES_INLINE = 2000;
const BACKGROUND_NAMES_FROM = 100_000;
/** A snapshot this far behind (changes per entry, or at least this many) is rewritten after start. */
const STALE_PER_ENTRY = 0.05;
const MIN_STALE = 20_000;

/**
 * Builds the in-memory index for serving: from the snapshot in `snapshotDir` when there is one of
 * this store that the change log can bring up to date, otherwise by scanning the store. A
 * snapshot that does not fit (another store, another format, corrupt, truncated, ahead of the
 * store) is logged and ignored: the index served is always the store's. After a scan the name
 * index is built in the background (key lookups serve at once, LiveIndex.search waits for it),
 * then a new snapshot is written.
 */
export async function loadLiveIndex(store: Store, opts: StartupOptions = {}): Promise<StartedIndex> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const file = opts.snapshotDir ? join(opts.snapshotDir, SNAPSHOT_FILE_NAME) : null;
  const storeId = await store.initSetting(STORE_ID_SETTING, randomUUID());
  const backgroundFrom = opts.backgroundNamesFrom ?? BACKGROUND_NAMES_FROM;

  let index: LiveIndex | null = null;
  let source: StartedIndex['source'] = 'snapshot';
  let stale = false;
  if (file) {
    const restored = await fromSnapshot(store, file, storeId, log, backgroundFrom);
    if (restored) {
      index = restored.index;
      const entries = index.list.entryCount;
      stale = restored.caughtUp > Math.max(MIN_STALE, entries * STALE_PER_ENTRY) || !restored.namesSaved;
    }
  }
  if (index === null) {
    source = 'scan';
    const t = performance.now();
    const list = await ListIndex.load(store);
    log(
      `index: scanned ${list.size} subjects, ${list.entryCount} entries (seq ${list.seq}) in ${Math.round(performance.now() - t)} ms`,
    );
    index = LiveIndex.from(
      list,
      list.size < backgroundFrom ? NameIndex.build(list) : (l) => NameIndex.buildInSteps(l),
    );
    stale = file !== null;
  }
  const ms = performance.now() - started;
  const live = index;
  if (!live.namesReady) {
    const t = performance.now();
    live.whenNamesReady().then(
      (names) =>
        log(
          `index: name index of ${names.size} names ready after ${Math.round(performance.now() - t)} ms more`,
        ),
      (err) => log(`index: name index build failed, name search will fail: ${message(err)}`),
    );
  }

  let writing: Promise<void> = Promise.resolve();
  const saveSnapshot = (): Promise<void> => {
    if (!file) return Promise.resolve();
    const run = writing.then(() => writeSnapshot(store, live, file, storeId, log));
    writing = run.catch(() => {});
    return run;
  };
  const settled = (async () => {
    try {
      await live.whenNamesReady();
      if (stale) await saveSnapshot();
    } catch (err) {
      log(`index: no snapshot written: ${message(err)}`);
    }
  })();
  return { index: live, source, ms, saveSnapshot, settled };
}

interface Restored {
  index: LiveIndex;
  caughtUp: number;
  namesSaved: boolean;
}

async function fromSnapshot(
  store: Store,
  file: string,
  storeId: string,
  log: (msg: string) => void,
  backgroundFrom: number,
): Promise<Restored | null> {
  const t = performance.now();
  let reader: SnapshotReader<SnapshotMeta>;
  try {
    reader = await SnapshotReader.open<SnapshotMeta>(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      log(`index: no snapshot at ${file}: scanning the store`);
    else log(`index: snapshot ${file} unusable (${message(err)}): scanning the store`);
    return null;
  }
  let closed = false;
  try {
    const meta = reader.meta;
    const current = await store.currentSeq();
    const problem = await mismatch(store, meta, storeId, current);
    if (problem) {
      log(`index: snapshot ${file} not used (${problem}): scanning the store`);
      return null;
    }
    reader.startVerifying();
    // Each change since the snapshot adds at most one subject or entry: with that much room,
    // catching up reallocates no column.
    const list = ListIndex.loadFrom(scopedSource(reader, 'list.'), current - meta.seq);
    if (list.seq !== meta.seq)
      throw new SnapshotError(`list index at seq ${list.seq}, directory says ${meta.seq}`);
    const namesSaved = meta.names === NameIndex.fingerprint();
    const names = namesSaved ? NameIndex.loadFrom(list, scopedSource(reader, 'names.')) : null;
    await reader.verify();
    // Closed now: closing later would give the background work below its turn before the start returns.
    closed = true;
    await reader.close();
    const readMs = performance.now() - t;

    const caught = await list.catchUp(store);
    let index: LiveIndex;
    if (names && (caught.renamed.length <= RENAMES_INLINE || list.size < backgroundFrom)) {
      names.update(caught.renamed);
      index = LiveIndex.from(list, names);
    } else if (!names && list.size < backgroundFrom) {
      log('index: the saved name index was built by other name rules: rebuilding it');
      index = LiveIndex.from(list, NameIndex.build(list));
    } else {
      // Many new or renamed names cost a rebuild of the fuzzy indexes: key lookups need not wait for it.
      if (!names)
        log('index: the saved name index was built by other name rules: rebuilding it in the background');
      index = LiveIndex.from(list, async (l) => {
        if (!names) return NameIndex.buildInSteps(l);
        await new Promise((resolve) => setImmediate(resolve));
        names.update(caught.renamed);
        return names;
      });
    }
    const caughtUp = caught.seq - meta.seq;
    log(
      `index: loaded snapshot (seq ${meta.seq}, ${mb(reader.bytes)}) in ${Math.round(readMs)} ms, caught up ${caughtUp} changes in ${Math.round(performance.now() - t - readMs)} ms: ${list.size} subjects, ${list.entryCount} entries`,
    );
    return { index, caughtUp, namesSaved };
  } catch (err) {
    log(`index: snapshot ${file} unusable (${message(err)}): scanning the store`);
    return null;
  } finally {
    if (!closed) await reader.close().catch(() => {});
  }
}

/** Why a snapshot with this directory cannot serve this store, or null when it can. */
async function mismatch(
  store: Store,
  meta: SnapshotMeta,
  storeId: string,
  current: number,
): Promise<string | null> {
  if (meta?.kind !== 'credcheck-index') return 'not an index snapshot';
  if (meta.storeId !== storeId) return `snapshot of another store (${meta.storeId}, this is ${storeId})`;
  if (meta.dialect !== store.dialect) return `snapshot of a ${meta.dialect} store`;
  if (!Number.isSafeInteger(meta.seq) || meta.seq < 0) return 'no valid seq';
  if (meta.seq > current)
    return `snapshot at seq ${meta.seq} is ahead of the store (${current}): restored from a backup?`;
  if ((await seqMark(store, meta.seq)) !== meta.seqMark) {
    return `the store's change ${meta.seq} is not the one the snapshot saw: the change log was rewritten`;
  }
  const lag = current - meta.seq;
  const limit = Math.max(MIN_LAG_LIMIT, meta.entries * MAX_LAG_PER_ENTRY);
  if (lag > limit) return `${lag} changes behind (a scan is faster beyond ${limit})`;
  return null;
}

async function seqMark(store: Store, seq: number): Promise<string | null> {
  if (seq === 0) return null;
  const [change] = await store.changesSince(seq - 1, 1);
  return change && change.seq === seq ? `${change.at} ${change.type} ${change.entityId}` : null;
}

async function writeSnapshot(
  store: Store,
  index: LiveIndex,
  file: string,
  storeId: string,
  log: (msg: string) => void,
): Promise<void> {
  const names = await index.whenNamesReady();
  await index.holdChanges(async () => {
    const t = performance.now();
    const before = index.changes;
    const list = index.list;
    const meta: SnapshotMeta = {
      kind: 'credcheck-index',
      storeId,
      dialect: store.dialect,
      seq: list.seq,
      seqMark: await seqMark(store, list.seq),
      subjects: list.size,
      entries: list.entryCount,
      names: NameIndex.fingerprint(),
      writtenAt: new Date().toISOString(),
    };
    const columns = new ColumnSet();
    list.saveTo(scopedSink(columns, 'list.'));
    names.saveTo(scopedSink(columns, 'names.'));
    const bytes = await writeSnapshotFile(file, meta, columns, () => {
      if (index.changes !== before)
        throw new SnapshotError('the index changed while the snapshot was written');
    });
    log(
      `index: snapshot written to ${file} (format ${SNAPSHOT_FORMAT_VERSION}, seq ${meta.seq}, ${mb(bytes)}) in ${Math.round(performance.now() - t)} ms`,
    );
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
