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
import { NameIndex } from './name-index.ts';

/**
 * The list index and the name index over it, kept in step: every batch of changes applied to the
 * list index re-indexes the names of the subjects it added or renamed.
 */
export class LiveIndex {
  private constructor(
    readonly list: ListIndex,
    readonly names: NameIndex,
  ) {}

  static async load(
    store: IndexSource,
    opts: LoadOptions & { nameTypes?: readonly SubjectType[] } = {},
  ): Promise<LiveIndex> {
    const list = await ListIndex.load(store, opts);
    const names = NameIndex.build(list, opts.nameTypes ? { types: opts.nameTypes } : {});
    return new LiveIndex(list, names);
  }

  get seq(): number {
    return this.list.seq;
  }

  applyChanges(changes: readonly Change[]): ApplyResult {
    let result: ApplyResult;
    try {
      result = this.list.applyChanges(changes);
    } catch (err) {
      // The changes before the bad one are in the list index: their names must follow.
      if (err instanceof ChangeDataError || err instanceof IndexConsistencyError) {
        if (err.partial) this.names.update(err.partial.renamed);
      }
      throw err;
    }
    if (result.renamed.length > 0) this.names.update(result.renamed);
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
    const pageSize = opts.pageSize ?? 5000;
    const renamed = new Set<number>();
    const touched = new Set<number>();
    let applied = 0;
    try {
      for (;;) {
        const from = this.list.seq;
        const page = await store.changesSince(from, pageSize);
        let result: ApplyResult;
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
      if (renamed.size > 0) this.names.update(renamed);
    }
    return { applied, renamed: [...renamed], touched: [...touched], seq: this.list.seq };
  }
}
