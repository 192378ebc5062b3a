import type { Catalog } from '../domain/catalog.ts';
import type { Change, Entry, ImportRecord, ImportSummary, Subject } from '../domain/model.ts';

export interface ImportOptions {
  actor: string;
  /** Validate against the store and count what would change, then roll back. */
  dryRun?: boolean;
  /** Called after each chunk with the number of rows written so far. */
  onProgress?: (rowsDone: number) => void;
}

/**
 * The one persistence contract. SQLite (default) and PostgreSQL implement it and pass the same
 * conformance suite (api/test/store.conformance.test.ts).
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  /** Sets the value only if the key has none yet; returns the value that holds afterwards. */
  initSetting(key: string, value: string): Promise<string>;

  /** Replaces the measure catalog in one transaction and logs a `catalog.replaced` change. */
  replaceCatalog(catalog: Catalog, actor: string): Promise<void>;
  getCatalog(): Promise<Catalog | null>;

  findSubjectByKey(key: string): Promise<Subject | null>;
  findSubjectById(id: string): Promise<Subject | null>;
  listEntries(subjectId: string): Promise<Entry[]>;
  /** Changes to one entity, oldest first (an entry's status history). */
  historyOf(entityId: string): Promise<Change[]>;

  currentSeq(): Promise<number>;
  changesSince(seq: number, limit: number): Promise<Change[]>;
  counts(): Promise<{ subjects: number; entries: number }>;
  /** Streams every subject with its entries, in subject-id order, for building the in-memory index. */
  scan(batchSize: number): AsyncIterable<Array<{ subject: Subject; entries: Entry[] }>>;

  /**
   * Writes all records or none (one transaction). Idempotent: a record equal to what is stored
   * changes nothing and logs nothing. Chunks arrive as an async iterable so that a million rows
   * need not be held in memory.
   *
   * Records apply in order, as if one at a time, whatever the chunking: a record whose subject or
   * entry content equals the current one changes nothing there; a later record with the same
   * natural key updates the earlier one, so the last wins and each version is logged. Every
   * created or changed subject or entry appends one change (`subject.upserted`, `entry.created`,
   * `entry.updated`) whose data is the entity after it, and the entity's seq is that change's seq;
   * changes are numbered in record order, a record's subject before its entry. In the summary,
   * `unchanged` counts the records whose entry changed nothing (rows − entriesCreated − entriesUpdated).
   */
  importRecords(
    chunks: AsyncIterable<ImportRecord[]> | Iterable<ImportRecord[]>,
    opts: ImportOptions,
  ): Promise<ImportSummary>;
}

/** What every store accepts besides its location. */
export interface StoreOptions {
  /** Source of the instants written (change `at`, entry `createdAt`/`updatedAt`); defaults to the system clock. */
  clock?: { now(): Date };
}
