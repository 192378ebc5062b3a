import type { Change, SubjectType } from '../domain/model.ts';
import type { Store } from '../store/types.ts';
import { ChangeDataError } from './change-data.ts';
import {
  type ApplyResult,
  IndexConsistencyError,
  type IndexSource,
  ListIndex,
  type LoadOptions,
} from './list-index.ts';
import { type NameHit, NameIndex, type SearchOptions } from './name-index.ts';

/**
 * The list index and the name index over it, kept in step: every batch of changes applied to the
 * list index re-indexes the names of the subjects it added or renamed.
 *
 * The name index may still be under construction (a start from a scan builds it in the
 * background): key lookups through `list` work at once, `search` waits for the names, and the
 * rows renamed meanwhile are re-indexed as soon as the build ends.
 */
export class LiveIndex {
  private nameIndex: NameIndex | null = null;
  private readonly namesBuilt: Promise<NameIndex>;
  /** Rows added or renamed while the name index was being built. */
  private pendingRenamed: Set<number> | null = null;
  /** Set while someone reads the index's columns without copying them (a snapshot being written). */
  private hold: Promise<void> | null = null;
  private changeCount = 0;
  /** Called once whenever the seq moves (change feed streams wait on it). */
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly list: ListIndex,
    names: NameIndex | ((list: ListIndex) => Promise<NameIndex>),
  ) {
    if (names instanceof NameIndex) {
      this.nameIndex = names;
      this.namesBuilt = Promise.resolve(names);
    } else {
      this.pendingRenamed = new Set();
      this.namesBuilt = names(list).then((built) => {
        const renamed = this.pendingRenamed ?? new Set<number>();
        this.pendingRenamed = null;
        if (renamed.size > 0) built.update(renamed);
        this.nameIndex = built;
        return built;
      });
      // A failed build surfaces in search() and whenNamesReady(), not as an unhandled rejection.
      this.namesBuilt.catch(() => {});
    }
  }

  static async load(
    store: IndexSource,
    opts: LoadOptions & { nameTypes?: readonly SubjectType[] } = {},
  ): Promise<LiveIndex> {
    const list = await ListIndex.load(store, opts);
    const names = NameIndex.build(list, opts.nameTypes ? { types: opts.nameTypes } : {});
    return new LiveIndex(list, names);
  }

  /**
   * A live index over a list index and its name index, or a function that builds the name
   * index (then key lookups serve at once and searches wait for the build).
   */
  static from(list: ListIndex, names: NameIndex | ((list: ListIndex) => Promise<NameIndex>)): LiveIndex {
    return new LiveIndex(list, names);
  }

  get seq(): number {
    return this.list.seq;
  }

  /** Whether name search answers without waiting. */
  get namesReady(): boolean {
    return this.nameIndex !== null;
  }

  /** The name index; throws while it is still being built (see namesReady, whenNamesReady). */
  get names(): NameIndex {
    if (this.nameIndex === null) {
      throw new Error('the name index is still being built: use search() or whenNamesReady()');
    }
    return this.nameIndex;
  }

  /** Resolves with the name index once it is built (rejects if the build failed). */
  whenNamesReady(): Promise<NameIndex> {
    return this.namesBuilt;
  }

  /** Name search; waits for the name index when it is still being built. */
  async search(query: string, opts: SearchOptions = {}): Promise<NameHit[]> {
    const names = this.nameIndex ?? (await this.namesBuilt);
    return names.search(query, opts);
  }

  /** Counts every batch of changes applied, so a reader of the columns can tell that they moved. */
  get changes(): number {
    return this.changeCount;
  }

  /**
   * Runs `fn` while catch-ups wait, for readers of the columns that must see them unchanged
   * (writing a snapshot). applyChanges is synchronous and cannot wait: `changes` tells the reader
   * whether one ran meanwhile.
   */
  async holdChanges<T>(fn: () => Promise<T>): Promise<T> {
    while (this.hold) await this.hold;
    let release!: () => void;
    this.hold = new Promise((resolve) => {
      release = resolve;
    });
    try {
      return await fn();
    } finally {
      this.hold = null;
      release();
    }
  }

  applyChanges(changes: readonly Change[]): ApplyResult {
    let result: ApplyResult;
    this.changeCount++;
    try {
      result = this.list.applyChanges(changes);
    } catch (err) {
      // The changes before the bad one are in the list index: their names must follow.
      if (err instanceof ChangeDataError || err instanceof IndexConsistencyError) {
        if (err.partial) this.rename(err.partial.renamed);
      }
      throw err;
    }
    if (result.renamed.length > 0) this.rename(result.renamed);
    this.wakeWaiters();
    return result;
  }

  /**
   * Pulls and applies changes page by page until the index is at the store's current seq. Names
   * are re-indexed once at the end, so a large import costs one rebuild of the name index, not one
   * per page; searches meanwhile see the names as they were.
   */
  async catchUp(
    store: Pick<Store, 'changesSince'>,
    opts: Pick<LoadOptions, 'pageSize'> = {},
  ): Promise<ApplyResult> {
    while (this.hold) await this.hold;
    const pageSize = opts.pageSize ?? 5000;
    const renamed = new Set<number>();
    const touched = new Set<number>();
    let applied = 0;
    try {
      for (;;) {
        const from = this.list.seq;
        const page = await store.changesSince(from, pageSize);
        // A snapshot may have started writing while the page was on its way.
        while (this.hold) await this.hold;
        let result: ApplyResult;
        this.changeCount++;
        try {
          result = this.list.applyChanges(page);
        } catch (err) {
          if (err instanceof ChangeDataError || err instanceof IndexConsistencyError) {
            for (const row of err.partial?.renamed ?? []) renamed.add(row);
          }
          throw err;
        }
        applied += result.applied;
        for (const row of result.renamed) renamed.add(row);
        for (const row of result.touched) touched.add(row);
        if (page.length < pageSize || this.list.seq === from) break;
      }
    } finally {
      if (renamed.size > 0) this.rename(renamed);
      this.wakeWaiters();
    }
    return { applied, renamed: [...renamed], touched: [...touched], seq: this.list.seq };
  }

  /**
   * Resolves true once the index is past `seq`, or false after `timeoutMs` (or at once when
   * `signal` aborts). The live change stream waits here instead of polling the store.
   */
  whenPast(seq: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.list.seq > seq) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (moved: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', abort);
        resolve(moved);
      };
      const wake = () => {
        if (this.list.seq > seq) done(true);
      };
      const abort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private rename(rows: Iterable<number>): void {
    if (this.nameIndex) this.nameIndex.update(rows);
    else if (this.pendingRenamed) for (const row of rows) this.pendingRenamed.add(row);
  }
}
