import type { Entry, ListKind, StoredStatus, Subject, SubjectType } from '../domain/model.ts';

/** Shared by both stores' scan: rows to records, subject-id ranges, batches of a fixed size. */

export type ScanBatch = Array<{ subject: Subject; entries: Entry[] }>;

const SHARED_LIMIT = 4096;

/**
 * Hands out one copy of each value of a column that repeats (list types, statuses, designators,
 * dates, import instants): a scan holds hundreds of thousands of entries at once, and a separate
 * copy of each of these in each of them would double what they cost.
 */
class Shared {
  private readonly seen = new Map<string, string>();

  get<T extends string | null>(value: T): T {
    if (value === null) return value;
    const known = this.seen.get(value);
    if (known !== undefined) return known as T;
    if (this.seen.size < SHARED_LIMIT) this.seen.set(value, value);
    return value;
  }
}

/**
 * Builds subjects and entries from rows of SUBJECT_COLUMNS and ENTRY_COLUMNS (rows.ts) as arrays
 * in that column order, text as the store returns it; `instant` turns the store's instants into
 * RFC 3339 text.
 */
export class RecordBuilder {
  private readonly columns = Array.from({ length: 16 }, () => new Shared());

  constructor(private readonly instant: (value: unknown) => string = (v) => v as string) {}

  subject(r: readonly unknown[]): Subject {
    const c = this.columns;
    return {
      id: r[0] as string,
      type: c[0]!.get(r[1] as string) as SubjectType,
      key: r[2] as string,
      code: r[3] as string | null,
      idMasked: r[4] as string | null,
      name: r[5] as string,
      normName: r[6] === r[5] ? (r[5] as string) : (r[6] as string),
      legalRep: r[7] as string | null,
      legalRepKey: r[8] as string | null,
      division: c[1]!.get(r[9] as string | null),
      seq: Number(r[10]),
    };
  }

  entry(r: readonly unknown[]): Entry {
    const c = this.columns;
    return {
      id: r[0] as string,
      subjectId: r[1] as string,
      listType: c[2]!.get(r[2] as string),
      kind: c[3]!.get(r[3] as string) as ListKind,
      designator: c[4]!.get(r[4] as string),
      department: c[5]!.get(r[5] as string),
      basis: r[6] as string,
      reason: c[6]!.get(r[7] as string),
      decidedOn: c[7]!.get(r[8] as string),
      publishedOn: c[8]!.get(r[9] as string | null),
      validUntil: c[9]!.get(r[10] as string | null),
      status: c[10]!.get(r[11] as string) as StoredStatus,
      seq: Number(r[12]),
      createdAt: c[11]!.get(this.instant(r[13])),
      updatedAt: c[12]!.get(this.instant(r[14])),
    };
  }
}

/** Collects subjects with their entries into batches of exactly `size`, the last one smaller. */
export class Batcher {
  private batch: ScanBatch = [];

  constructor(private readonly size: number) {}

  /** The batch once it is full. */
  add(subject: Subject, entries: Entry[]): ScanBatch | null {
    this.batch.push({ subject, entries });
    if (this.batch.length < this.size) return null;
    const full = this.batch;
    this.batch = [];
    return full;
  }

  rest(): ScanBatch | null {
    const last = this.batch;
    this.batch = [];
    return last.length > 0 ? last : null;
  }
}
