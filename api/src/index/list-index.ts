import type { Change, Entry, ListKind, StoredStatus, Subject, SubjectType } from '../domain/model.ts';
import type { Store } from '../store/types.ts';
import { ChangeDataError, entryFromChange, subjectFromChange } from './change-data.ts';
import {
  DATE_BIT,
  ensureLength,
  IdColumn,
  InstantColumn,
  packDate,
  StringPool,
  TextColumn,
  unpackDate,
} from './columns.ts';
import { RowTable } from './row-table.ts';
import { type ColumnSink, type ColumnSource, SnapshotError } from './snapshot-file.ts';
import { hashString } from './string-hash.ts';

export interface IndexedSubject {
  subject: Subject;
  /** Every entry of the subject (any status), ordered by id like Store.listEntries. */
  entries: Entry[];
}

/** What a lookup shows of an entry: the bookkeeping fields (owner id, department, times) left unread. */
export type EntryFacts = Omit<Entry, 'subjectId' | 'department' | 'createdAt' | 'updatedAt'>;

/** What a lookup shows of a subject and its entries (ordered by id). */
export interface SubjectFacts {
  subject: Subject;
  entries: EntryFacts[];
}

/** What one batch of changes did to the index. */
export interface ApplyResult {
  /** Changes that altered the index; the rest were at or below its seq or older than what it holds. */
  applied: number;
  /** Rows of subjects that are new or whose name changed: what a name index must read again. */
  renamed: number[];
  /** Rows of subjects whose record or entries changed. */
  touched: number[];
  /** The index's seq afterwards. */
  seq: number;
}

/** The part of a Store the index reads. */
export type IndexSource = Pick<Store, 'scan' | 'currentSeq' | 'changesSince' | 'counts'>;

export interface LoadOptions {
  /**
   * Subjects per scan batch (default 500). Small batches die young: with 2,000 the rows a batch
   * holds outlive minor collections and raise resident memory by some 250 MB on a million entries.
   */
  batchSize?: number;
  /** Changes per changesSince page during catch-up (default 5,000). */
  pageSize?: number;
}

/** The change log and the index disagree (an entry of a subject the index never saw). */
export class IndexConsistencyError extends Error {
  /** What the batch did before the failing change (set by ListIndex.applyChanges). */
  partial?: ApplyResult;

  constructor(message: string) {
    super(message);
    this.name = 'IndexConsistencyError';
  }
}

const SUBJECT_TYPES: readonly SubjectType[] = ['org', 'person'];
const CODE_NONE = 0;
const CODE_KEY = 1;
const CODE_OTHER = 2;
const ENTRY_CHANGES: ReadonlySet<string> = new Set(['entry.created', 'entry.updated', 'entry.status']);

/** Pooled entry fields, one Uint32 each, in this order. */
const F_LIST_TYPE = 0;
const F_KIND = 1;
const F_DESIGNATOR = 2;
const F_DEPARTMENT = 3;
const F_STATUS = 4;
const F_DECIDED = 5;
const F_PUBLISHED = 6;
const F_VALID = 7;
const POOLED = 8;

/**
 * Every subject and its entries, held in memory so that hot reads never query the store. Rows are
 * numbered from 0 in arrival order and never removed (a revocation is a status, not a deletion).
 * Storage is by column: ids packed, text packed into a few large strings (TextColumn), repeated
 * values pooled, instants as numbers, lookups by key and id through typed hash tables; a row
 * becomes a Subject and its Entry objects only when read. The columns save to and load from an
 * index snapshot as they are (saveTo, loadFrom).
 */
export class ListIndex {
  private appliedSeq = 0;
  private pool = new StringPool();

  private subjectCount = 0;
  private subjectIds: IdColumn;
  private keys: TextColumn;
  private types: Uint8Array;
  /** CODE_NONE, CODE_KEY (the code is the key, as for every organization) or CODE_OTHER (in otherCodes). */
  private codeKinds: Uint8Array;
  private otherCodes = new Map<number, string>();
  private masks: TextColumn;
  private names: TextColumn;
  /** Null where the normalized name is the name itself. */
  private normNames: TextColumn;
  private legalReps: TextColumn;
  private legalRepKeys: TextColumn;
  private divisions: Uint32Array;
  private subjectSeqs: Float64Array;
  /** First entry row + 1 of each subject (0: none); entries chain through `nextEntry`. */
  private firstEntry: Int32Array;
  private byKey: RowTable;
  private bySubjectId: RowTable;

  private entryCountValue = 0;
  private entryIds: IdColumn;
  private entrySubject: Int32Array;
  private nextEntry: Int32Array;
  /** POOLED numbers an entry: StringPool ids, or packed dates (DATE_BIT set). */
  private pooled: Uint32Array;
  private bases: TextColumn;
  private reasons: TextColumn;
  private entrySeqs: Float64Array;
  private created: InstantColumn;
  private updated: InstantColumn;
  private byEntryId: RowTable;

  constructor(expected: { subjects?: number; entries?: number } = {}) {
    const subjects = Math.max(0, Math.floor(expected.subjects ?? 0));
    const entries = Math.max(0, Math.floor(expected.entries ?? 0));
    // Sized up front from the store's counts: growing by doubling would leave up to half unused.
    this.subjectIds = new IdColumn('sub_', subjects);
    this.keys = new TextColumn(subjects);
    this.codeKinds = new Uint8Array(subjects);
    this.masks = new TextColumn(subjects);
    this.names = new TextColumn(subjects);
    this.normNames = new TextColumn(subjects);
    this.legalReps = new TextColumn(subjects);
    this.legalRepKeys = new TextColumn(subjects);
    this.entryIds = new IdColumn('ent_', entries);
    this.bases = new TextColumn(entries);
    this.reasons = new TextColumn(entries);
    this.created = new InstantColumn(entries);
    this.updated = new InstantColumn(entries);
    this.byKey = new RowTable(subjects);
    this.bySubjectId = new RowTable(subjects);
    this.byEntryId = new RowTable(entries);
    this.types = new Uint8Array(subjects);
    this.divisions = new Uint32Array(subjects);
    this.subjectSeqs = new Float64Array(subjects);
    this.firstEntry = new Int32Array(subjects);
    this.entrySubject = new Int32Array(entries);
    this.nextEntry = new Int32Array(entries);
    this.pooled = new Uint32Array(entries * POOLED);
    this.entrySeqs = new Float64Array(entries);
  }

  /**
   * Builds an index from a store: notes the store's seq, scans every subject with its entries,
   * then replays the changes logged since that seq (writes that raced the scan), so the result is
   * exactly the store as of the index's seq.
   */
  static async load(store: IndexSource, opts: LoadOptions = {}): Promise<ListIndex> {
    const start = await store.currentSeq();
    const counts = await store.counts();
    const index = new ListIndex(counts);
    for await (const batch of store.scan(opts.batchSize ?? 500)) {
      for (const { subject, entries } of batch) {
        const put = index.putSubject(subject);
        const row = put === null ? index.rowOfId(subject.id) : put.row;
        for (const entry of entries) index.putEntry(entry, entry.subjectId === subject.id ? row : undefined);
      }
    }
    index.appliedSeq = start;
    await index.catchUp(store, opts);
    return index;
  }

  /**
   * Hands every column to `out` by reference (no copy): the index must not change until the
   * caller is done with them.
   */
  saveTo(out: ColumnSink): void {
    const n = this.subjectCount;
    const m = this.entryCountValue;
    out.number('seq', this.appliedSeq);
    out.number('subjects', n);
    out.number('entries', m);
    this.pool.saveTo(out, 'pool');
    this.subjectIds.saveTo(out, 'subjectIds', n);
    this.keys.saveTo(out, 'keys', n);
    out.typed('types', this.types.subarray(0, n));
    out.typed('codeKinds', this.codeKinds.subarray(0, n));
    const others = [...this.otherCodes];
    out.typed(
      'otherCodes.rows',
      Int32Array.from(others, ([row]) => row),
    );
    out.strings(
      'otherCodes.values',
      others.map(([, code]) => code),
      others.length,
    );
    this.masks.saveTo(out, 'masks', n);
    this.names.saveTo(out, 'names', n);
    this.normNames.saveTo(out, 'normNames', n);
    this.legalReps.saveTo(out, 'legalReps', n);
    this.legalRepKeys.saveTo(out, 'legalRepKeys', n);
    out.typed('divisions', this.divisions.subarray(0, n));
    out.typed('subjectSeqs', this.subjectSeqs.subarray(0, n));
    out.typed('firstEntry', this.firstEntry.subarray(0, n));
    this.byKey.saveTo(out, 'byKey');
    this.bySubjectId.saveTo(out, 'bySubjectId');
    this.entryIds.saveTo(out, 'entryIds', m);
    out.typed('entrySubject', this.entrySubject.subarray(0, m));
    out.typed('nextEntry', this.nextEntry.subarray(0, m));
    out.typed('pooled', this.pooled.subarray(0, m * POOLED));
    this.bases.saveTo(out, 'bases', m);
    this.reasons.saveTo(out, 'reasons', m);
    out.typed('entrySeqs', this.entrySeqs.subarray(0, m));
    this.created.saveTo(out, 'created', m);
    this.updated.saveTo(out, 'updated', m);
    this.byEntryId.saveTo(out, 'byEntryId');
  }

  /**
   * The index saveTo wrote, with space for `room` more subjects and entries before any column is
   * reallocated; throws SnapshotError when a column is missing or inconsistent.
   */
  static loadFrom(src: ColumnSource, room = 0): ListIndex {
    const n = src.number('subjects');
    const m = src.number('entries');
    const seq = src.number('seq');
    if (
      !Number.isSafeInteger(n) ||
      !Number.isSafeInteger(m) ||
      !Number.isSafeInteger(seq) ||
      n < 0 ||
      m < 0
    ) {
      throw new SnapshotError('bad index counts');
    }
    const index = new ListIndex();
    index.appliedSeq = seq;
    index.subjectCount = n;
    index.entryCountValue = m;
    index.pool = StringPool.loadFrom(src, 'pool');
    index.subjectIds = IdColumn.loadFrom(src, 'subjectIds', 'sub_', n, room);
    index.keys = TextColumn.loadFrom(src, 'keys', n, room);
    index.types = src.typed('types', Uint8Array, n, room);
    index.codeKinds = src.typed('codeKinds', Uint8Array, n, room);
    const otherRows = src.typed('otherCodes.rows', Int32Array);
    const otherValues = src.strings('otherCodes.values', otherRows.length);
    for (let i = 0; i < otherRows.length; i++) {
      const row = otherRows[i] as number;
      const code = otherValues[i];
      if (row < 0 || row >= n || typeof code !== 'string' || index.codeKinds[row] !== CODE_OTHER) {
        throw new SnapshotError('bad code');
      }
      index.otherCodes.set(row, code);
    }
    index.masks = TextColumn.loadFrom(src, 'masks', n, room);
    index.names = TextColumn.loadFrom(src, 'names', n, room);
    index.normNames = TextColumn.loadFrom(src, 'normNames', n, room);
    index.legalReps = TextColumn.loadFrom(src, 'legalReps', n, room);
    index.legalRepKeys = TextColumn.loadFrom(src, 'legalRepKeys', n, room);
    index.divisions = src.typed('divisions', Uint32Array, n, room);
    index.subjectSeqs = src.typed('subjectSeqs', Float64Array, n, room);
    index.firstEntry = src.typed('firstEntry', Int32Array, n, room);
    index.byKey = RowTable.loadFrom(src, 'byKey', n);
    index.bySubjectId = RowTable.loadFrom(src, 'bySubjectId', n);
    index.entryIds = IdColumn.loadFrom(src, 'entryIds', 'ent_', m, room);
    index.entrySubject = src.typed('entrySubject', Int32Array, m, room);
    index.nextEntry = src.typed('nextEntry', Int32Array, m, room);
    index.pooled = src.typed('pooled', Uint32Array, m * POOLED, room * POOLED);
    index.bases = TextColumn.loadFrom(src, 'bases', m, room);
    index.reasons = TextColumn.loadFrom(src, 'reasons', m, room);
    index.entrySeqs = src.typed('entrySeqs', Float64Array, m, room);
    index.created = InstantColumn.loadFrom(src, 'created', m, room);
    index.updated = InstantColumn.loadFrom(src, 'updated', m, room);
    index.byEntryId = RowTable.loadFrom(src, 'byEntryId', m);
    index.checkLinks();
    return index;
  }

  /** Row numbers stored in the columns point inside the index, so no read can go astray. */
  private checkLinks(): void {
    const n = this.subjectCount;
    const m = this.entryCountValue;
    const poolSize = this.pool.size;
    for (let row = 0; row < n; row++) {
      const first = this.firstEntry[row] as number;
      if (
        first < 0 ||
        first > m ||
        (this.types[row] as number) > 1 ||
        (this.divisions[row] as number) > poolSize
      ) {
        throw new SnapshotError('bad subject row');
      }
    }
    for (let e = 0; e < m; e++) {
      const subject = this.entrySubject[e] as number;
      const next = this.nextEntry[e] as number;
      if (
        subject < 0 ||
        subject >= n ||
        next < 0 ||
        next > m ||
        this.bases.lengthOf(e) < 0 ||
        this.reasons.lengthOf(e) < 0
      ) {
        throw new SnapshotError('bad entry row');
      }
    }
    for (let i = 0; i < m * POOLED; i++) {
      const v = this.pooled[i] as number;
      if (v < DATE_BIT && v > poolSize) throw new SnapshotError('bad pooled value');
    }
  }

  /** The change-log sequence the index reflects. */
  get seq(): number {
    return this.appliedSeq;
  }

  /** Number of subjects. */
  get size(): number {
    return this.subjectCount;
  }

  get entryCount(): number {
    return this.entryCountValue;
  }

  /** A subject and its entries by subject key (USCC, or `p:<hmac>` for a person). */
  get(key: string): IndexedSubject | undefined {
    const row = this.rowOfKey(key);
    return row < 0 ? undefined : this.recordAt(row);
  }

  /**
   * Like `get`, reading only what a lookup shows: the hot path of GET /v1/subjects/{code} and of
   * batches, where the unread fields cost more than the rest of the record.
   */
  facts(key: string): SubjectFacts | undefined {
    const row = this.rowOfKey(key);
    return row < 0 ? undefined : this.factsAt(row);
  }

  /** `facts` of the subject in `row` (0 ≤ row < size). */
  factsAt(row: number): SubjectFacts {
    const entries: EntryFacts[] = [];
    for (let e = (this.firstEntry[row] as number) - 1; e >= 0; e = (this.nextEntry[e] as number) - 1) {
      entries.push(this.entryFactsAt(e));
    }
    if (entries.length > 1) entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { subject: this.subjectAt(row), entries };
  }

  getById(id: string): IndexedSubject | undefined {
    const row = this.rowOfId(id);
    return row < 0 ? undefined : this.recordAt(row);
  }

  has(key: string): boolean {
    return this.rowOfKey(key) >= 0;
  }

  /** Row of the subject with this key, or -1. */
  rowOfKey(key: string): number {
    return this.byKey.find(hashString(key), (row) => this.keys.equals(row, key));
  }

  /** Row of the subject with this id, or -1. */
  rowOfId(id: string): number {
    return this.bySubjectId.find(hashString(id), (row) => this.subjectIds.equals(row, id));
  }

  recordAt(row: number): IndexedSubject {
    return { subject: this.subjectAt(row), entries: this.entriesAt(row) };
  }

  keyAt(row: number): string {
    return this.keys.get(row) as string;
  }

  idAt(row: number): string {
    return this.subjectIds.get(row);
  }

  nameAt(row: number): string {
    return this.names.get(row) as string;
  }

  normNameAt(row: number): string {
    return this.normNames.get(row) ?? (this.names.get(row) as string);
  }

  typeAt(row: number): SubjectType {
    return SUBJECT_TYPES[this.types[row] as number] as SubjectType;
  }

  codeAt(row: number): string | null {
    const kind = this.codeKinds[row];
    return kind === CODE_KEY
      ? this.keyAt(row)
      : kind === CODE_OTHER
        ? (this.otherCodes.get(row) ?? null)
        : null;
  }

  subjectAt(row: number): Subject {
    const key = this.keyAt(row);
    const name = this.nameAt(row);
    const kind = this.codeKinds[row];
    return {
      id: this.subjectIds.get(row),
      type: this.typeAt(row),
      key,
      code: kind === CODE_KEY ? key : kind === CODE_OTHER ? (this.otherCodes.get(row) ?? null) : null,
      idMasked: this.masks.get(row),
      name,
      normName: this.normNames.get(row) ?? name,
      legalRep: this.legalReps.get(row),
      legalRepKey: this.legalRepKeys.get(row),
      division: this.pool.value(this.divisions[row] as number),
      seq: this.subjectSeqs[row] as number,
    };
  }

  entriesAt(row: number): Entry[] {
    const out: Entry[] = [];
    for (let e = (this.firstEntry[row] as number) - 1; e >= 0; e = (this.nextEntry[e] as number) - 1) {
      out.push(this.entryAt(e));
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Every subject with its entries, in row order (for snapshots and exports). */
  *records(): IterableIterator<IndexedSubject> {
    for (let row = 0; row < this.subjectCount; row++) yield this.recordAt(row);
  }

  /**
   * Applies change-log rows in seq order. Idempotent: a change at or below the index's seq is
   * ignored, and so is one older than the entity the index holds (the initial scan may have read
   * a newer state than the seq it started from). Each change is validated before it touches the
   * index; a malformed one throws ChangeDataError and leaves the seq just before it.
   */
  applyChanges(changes: readonly Change[]): ApplyResult {
    const ordered = isOrdered(changes) ? changes : [...changes].sort((a, b) => a.seq - b.seq);
    const renamed = new Set<number>();
    const touched = new Set<number>();
    let applied = 0;
    const result = (): ApplyResult => ({
      applied,
      renamed: [...renamed],
      touched: [...touched],
      seq: this.appliedSeq,
    });
    try {
      for (const change of ordered) {
        if (change.seq <= this.appliedSeq) continue;
        if (change.type === 'subject.upserted') {
          const put = this.putSubject(subjectFromChange(change));
          if (put !== null) {
            applied++;
            touched.add(put.row);
            if (put.renamed) renamed.add(put.row);
          }
        } else if (ENTRY_CHANGES.has(change.type)) {
          const moved = this.putEntry(entryFromChange(change));
          if (moved !== null) {
            applied++;
            for (const row of moved) touched.add(row);
          }
        }
        // catalog.replaced (and any type added later) does not concern list data; only the seq moves.
        this.appliedSeq = change.seq;
      }
    } catch (err) {
      if (err instanceof ChangeDataError || err instanceof IndexConsistencyError) err.partial = result();
      throw err;
    }
    return result();
  }

  /** Pulls and applies changes from the store until the index is at its current seq. */
  async catchUp(
    store: Pick<Store, 'changesSince'>,
    opts: Pick<LoadOptions, 'pageSize'> = {},
  ): Promise<ApplyResult> {
    const pageSize = opts.pageSize ?? 5000;
    const renamed = new Set<number>();
    const touched = new Set<number>();
    let applied = 0;
    for (;;) {
      const from = this.appliedSeq;
      const page = await store.changesSince(from, pageSize);
      const result = this.applyChanges(page);
      applied += result.applied;
      for (const row of result.renamed) renamed.add(row);
      for (const row of result.touched) touched.add(row);
      // Another caller may have applied the same page meanwhile; stop when nothing moves.
      if (page.length < pageSize || this.appliedSeq === from) break;
    }
    return { applied, renamed: [...renamed], touched: [...touched], seq: this.appliedSeq };
  }

  /** Inserts or replaces a subject; null when the index already holds this state or a newer one. */
  private putSubject(subject: Subject): { row: number; renamed: boolean } | null {
    let row = this.rowOfId(subject.id);
    const keyRow = this.rowOfKey(subject.key);
    if (keyRow >= 0 && keyRow !== row) {
      throw new IndexConsistencyError(
        `subject ${subject.id} has key ${subject.key}, which subject ${this.subjectIds.get(keyRow)} already holds`,
      );
    }
    let renamed = true;
    if (row < 0) {
      row = this.subjectCount++;
      this.subjectIds.set(row, subject.id);
      this.bySubjectId.insert(row, hashString(subject.id));
      this.byKey.insert(row, hashString(subject.key));
      this.types = ensureLength(this.types, row + 1);
      this.divisions = ensureLength(this.divisions, row + 1);
      this.subjectSeqs = ensureLength(this.subjectSeqs, row + 1);
      this.firstEntry = ensureLength(this.firstEntry, row + 1);
    } else {
      if (subject.seq <= (this.subjectSeqs[row] as number)) return null;
      if (!this.keys.equals(row, subject.key)) {
        this.byKey.remove(row, hashString(this.keyAt(row)));
        this.byKey.insert(row, hashString(subject.key));
      }
      renamed = !this.names.equals(row, subject.name) || this.normNameAt(row) !== subject.normName;
    }
    this.codeKinds = ensureLength(this.codeKinds, row + 1);
    this.keys.set(row, subject.key);
    this.types[row] = subject.type === 'person' ? 1 : 0;
    // The code of an organization is its key: not stored twice.
    if (subject.code === null) this.codeKinds[row] = CODE_NONE;
    else if (subject.code === subject.key) this.codeKinds[row] = CODE_KEY;
    else this.codeKinds[row] = CODE_OTHER;
    if (subject.code !== null && subject.code !== subject.key) this.otherCodes.set(row, subject.code);
    else this.otherCodes.delete(row);
    this.masks.set(row, subject.idMasked);
    this.names.set(row, subject.name);
    this.normNames.set(row, subject.normName === subject.name ? null : subject.normName);
    this.legalReps.set(row, subject.legalRep);
    this.legalRepKeys.set(row, subject.legalRepKey);
    this.divisions[row] = this.pool.id(subject.division);
    this.subjectSeqs[row] = subject.seq;
    return { row, renamed };
  }

  /**
   * Inserts or replaces an entry, moving it when its subject changed. Returns the subject rows it
   * touched, or null when the index already holds this state or a newer one.
   */
  private putEntry(entry: Entry, knownSubjectRow?: number): number[] | null {
    const subjectRow = knownSubjectRow ?? this.rowOfId(entry.subjectId);
    if (subjectRow < 0) {
      throw new IndexConsistencyError(
        `entry ${entry.id} belongs to subject ${entry.subjectId}, which the index lacks`,
      );
    }
    let row = this.byEntryId.find(hashString(entry.id), (r) => this.entryIds.equals(r, entry.id));
    const touched = [subjectRow];
    if (row < 0) {
      row = this.entryCountValue++;
      this.entryIds.set(row, entry.id);
      this.byEntryId.insert(row, hashString(entry.id));
      this.entrySubject = ensureLength(this.entrySubject, row + 1);
      this.nextEntry = ensureLength(this.nextEntry, row + 1);
      this.pooled = ensureLength(this.pooled, (row + 1) * POOLED);
      this.entrySeqs = ensureLength(this.entrySeqs, row + 1);
      this.link(row, subjectRow);
    } else {
      if (entry.seq <= (this.entrySeqs[row] as number)) return null;
      const previous = this.entrySubject[row] as number;
      if (previous !== subjectRow) {
        this.unlink(row, previous);
        this.link(row, subjectRow);
        touched.push(previous);
      }
    }
    const at = row * POOLED;
    this.pooled[at + F_LIST_TYPE] = this.pool.id(entry.listType);
    this.pooled[at + F_KIND] = this.pool.id(entry.kind);
    this.pooled[at + F_DESIGNATOR] = this.pool.id(entry.designator);
    this.pooled[at + F_DEPARTMENT] = this.pool.id(entry.department);
    this.pooled[at + F_STATUS] = this.pool.id(entry.status);
    this.pooled[at + F_DECIDED] = this.dateId(entry.decidedOn);
    this.pooled[at + F_PUBLISHED] = this.dateId(entry.publishedOn);
    this.pooled[at + F_VALID] = this.dateId(entry.validUntil);
    this.bases.set(row, entry.basis);
    this.reasons.set(row, entry.reason);
    this.entrySeqs[row] = entry.seq;
    this.created.set(row, entry.createdAt);
    this.updated.set(row, entry.updatedAt);
    return touched;
  }

  private link(entryRow: number, subjectRow: number): void {
    this.entrySubject[entryRow] = subjectRow;
    this.nextEntry[entryRow] = this.firstEntry[subjectRow] as number;
    this.firstEntry[subjectRow] = entryRow + 1;
  }

  private unlink(entryRow: number, subjectRow: number): void {
    let prev = -1;
    for (let e = (this.firstEntry[subjectRow] as number) - 1; e >= 0; e = (this.nextEntry[e] as number) - 1) {
      if (e === entryRow) {
        const next = this.nextEntry[e] as number;
        if (prev < 0) this.firstEntry[subjectRow] = next;
        else this.nextEntry[prev] = next;
        return;
      }
      prev = e;
    }
  }

  private dateId(date: string | null): number {
    if (date === null) return 0;
    const packed = packDate(date);
    return packed >= 0 ? packed : this.pool.id(date);
  }

  private entryFactsAt(row: number): EntryFacts {
    const at = row * POOLED;
    return {
      id: this.entryIds.get(row),
      listType: this.pooledField(at, F_LIST_TYPE) as string,
      kind: this.pooledField(at, F_KIND) as ListKind,
      designator: this.pooledField(at, F_DESIGNATOR) as string,
      basis: this.bases.get(row) as string,
      reason: this.reasons.get(row) as string,
      decidedOn: this.pooledField(at, F_DECIDED) as string,
      publishedOn: this.pooledField(at, F_PUBLISHED),
      validUntil: this.pooledField(at, F_VALID),
      status: this.pooledField(at, F_STATUS) as StoredStatus,
      seq: this.entrySeqs[row] as number,
    };
  }

  /**
   * A method, not a closure made per entry: the TypeScript loader's keep-names helper would cost a
   * call on every one (a tenth of a 10,000-code batch).
   */
  private pooledField(at: number, f: number): string | null {
    const v = this.pooled[at + f] as number;
    return v >= DATE_BIT ? unpackDate(v) : this.pool.value(v);
  }

  private entryAt(row: number): Entry {
    return {
      ...this.entryFactsAt(row),
      subjectId: this.subjectIds.get(this.entrySubject[row] as number),
      department: this.pool.value(this.pooled[row * POOLED + F_DEPARTMENT] as number) as string,
      createdAt: this.created.get(row),
      updatedAt: this.updated.get(row),
    };
  }
}

function isOrdered(changes: readonly Change[]): boolean {
  for (let i = 1; i < changes.length; i++)
    if ((changes[i] as Change).seq <= (changes[i - 1] as Change).seq) return false;
  return true;
}
