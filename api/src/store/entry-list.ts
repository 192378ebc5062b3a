import type { Entry, EntryStatus, ListKind, Subject, SubjectType } from '../domain/model.ts';
import {
  ENTRY_COLUMNS,
  type EntryRow,
  SUBJECT_COLUMNS,
  type SubjectRow,
  toEntry,
  toSubject,
} from './rows.ts';

/**
 * Listing entries page by page for the console (GET /v1/entries): filters, one sort column, keyset
 * paging. Both dialects run the same SQL (only placeholders differ), walking an index that is
 * already in the requested order (migration 10), so that a page deep in a million rows costs what
 * the first one does.
 */

export const ENTRY_SORTS = ['publishedOn', 'decisionDate', 'validUntil', 'code', 'name'] as const;
export type EntrySort = (typeof ENTRY_SORTS)[number];

export interface EntryListFilter {
  /** Only this department's entries (forced for a designator). */
  department?: string;
  listType?: string;
  kind?: ListKind;
  subjectType?: SubjectType;
  /** The status at `today` (`expired` follows from validity, as entryStatusAt says). */
  status?: EntryStatus;
  /** A code prefix (USCC, upper case) or a substring of the normalized name. */
  q?: { codePrefix: string | null; nameContains: string | null };
  /** YYYY-MM-DD: what `status` is judged at. */
  today: string;
}

/** Where the previous page ended: its last row's sort value, subject and entry id. */
export interface EntryListCursor {
  value: string;
  subjectId: string;
  entryId: string;
}

export interface EntryListQuery extends EntryListFilter {
  sort: EntrySort;
  order: 'asc' | 'desc';
  limit: number;
  after?: EntryListCursor;
}

export interface EntryListRow {
  entry: Entry;
  subject: Subject;
  /** The cursor that continues after this row. */
  cursor: EntryListCursor;
}

export interface EntryListStore {
  /** At most `limit` rows after `after`, in the requested order. */
  listEntryPage(query: EntryListQuery): Promise<EntryListRow[]>;
  /**
   * How many entries the filter matches. Exact unless counting would read more than `exactUpTo`
   * rows: then an estimate from the planner (PostgreSQL) or the index (SQLite), flagged inexact.
   */
  countEntries(filter: EntryListFilter, exactUpTo: number): Promise<{ total: number; exact: boolean }>;
}

/**
 * The sort value of each column, as indexed (migration 10): missing dates become values that sort
 * where the console shows them (unpublished first, open-ended validity last), so that row-value
 * comparisons never meet a NULL. `code` sorts by the subject key: the USCC of an organization, a
 * keyed hash for a person (whose ID number is never stored).
 */
const SORT_VALUE: Record<EntrySort, string> = {
  publishedOn: "COALESCE(e.published_on, '')",
  decisionDate: 'e.decided_on',
  validUntil: "COALESCE(e.valid_until, '9999-12-31')",
  code: 's.key',
  name: 's.norm_name',
};
const BY_SUBJECT = new Set<EntrySort>(['code', 'name']);

interface Built {
  text: string;
  values: unknown[];
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function whereOf(f: EntryListFilter): Built {
  const parts: string[] = [];
  const values: unknown[] = [];
  if (f.department !== undefined) {
    parts.push('e.department = ?');
    values.push(f.department);
  }
  if (f.listType !== undefined) {
    parts.push('e.list_type = ?');
    values.push(f.listType);
  }
  if (f.kind !== undefined) {
    parts.push('e.kind = ?');
    values.push(f.kind);
  }
  if (f.subjectType !== undefined) {
    parts.push('s.type = ?');
    values.push(f.subjectType);
  }
  switch (f.status) {
    case undefined:
      break;
    case 'expired':
      parts.push("e.status IN ('active', 'suspended') AND e.valid_until < ?");
      values.push(f.today);
      break;
    case 'active':
    case 'suspended':
      parts.push('e.status = ? AND (e.valid_until IS NULL OR e.valid_until >= ?)');
      values.push(f.status, f.today);
      break;
    default:
      parts.push('e.status = ?');
      values.push(f.status);
  }
  if (f.q) {
    const any: string[] = [];
    if (f.q.codePrefix) {
      // A range, not LIKE, so that the unique index on the key serves it.
      any.push('(s.key >= ? AND s.key < ?)');
      values.push(f.q.codePrefix, `${f.q.codePrefix}\u{10ffff}`);
    }
    if (f.q.nameContains) {
      any.push("s.norm_name LIKE ? ESCAPE '\\'");
      values.push(`%${likeEscape(f.q.nameContains)}%`);
    }
    if (any.length > 0) parts.push(`(${any.join(' OR ')})`);
  }
  return { text: parts.length ? parts.join(' AND ') : 'TRUE', values };
}

/**
 * The page's SQL. The join order is the index walk: entries first for a date column, subjects
 * first (by key or normalized name) for code and name, and for a query `q`. SQLite's CROSS JOIN
 * fixes that order; PostgreSQL reaches it itself from the ORDER BY … LIMIT.
 */
export function pageSql(q: EntryListQuery, dialect: 'sqlite' | 'postgres'): Built {
  const where = whereOf(q);
  const value = SORT_VALUE[q.sort];
  const cmp = q.order === 'asc' ? '>' : '<';
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const bySubject = BY_SUBJECT.has(q.sort);
  const parts = [where.text];
  const values = [...where.values];
  if (q.after) {
    if (bySubject) {
      // (value, subject, entry) > cursor, spelled so that the (value, id) part is an index range.
      parts.push(`(${value}, s.id) ${cmp}= (?, ?) AND ((${value}, s.id) ${cmp} (?, ?) OR e.id ${cmp} ?)`);
      values.push(q.after.value, q.after.subjectId, q.after.value, q.after.subjectId, q.after.entryId);
    } else if (dialect === 'postgres') {
      parts.push(`(${value}, e.id) ${cmp} (?, ?)`);
      values.push(q.after.value, q.after.entryId);
    } else {
      // Not a row value: SQLite ranges over an indexed expression only when it stands alone (ties
      // on the value are then skipped in the index, which holds the id too).
      parts.push(`${value} ${cmp}= ? AND (${value} ${cmp} ? OR e.id ${cmp} ?)`);
      values.push(q.after.value, q.after.value, q.after.entryId);
    }
  }
  const join = dialect === 'sqlite' ? 'CROSS JOIN' : 'JOIN';
  // A name or code query matches few subjects: find them first and sort what they have, rather
  // than walk the sort order through a million entries looking for them.
  // Reached from a subject, its entries come by subject id: SQLite would otherwise take the
  // department's index and read the department whole for every subject.
  const bySubjectId = dialect === 'sqlite' ? ' INDEXED BY entries_subject_id' : '';
  const from =
    bySubject || q.q !== undefined
      ? `subjects s ${join} entries e${bySubjectId} ON e.subject_id = s.id`
      : `entries e ${join} subjects s ON s.id = e.subject_id`;
  const order = bySubject ? `${value} ${dir}, s.id ${dir}, e.id ${dir}` : `${value} ${dir}, e.id ${dir}`;
  const cols = (alias: string, list: string) =>
    list
      .split(', ')
      .map((c) => `${alias}.${c} AS ${alias}_${c}`)
      .join(', ');
  values.push(q.limit);
  return {
    text: `SELECT ${cols('e', ENTRY_COLUMNS)}, ${cols('s', SUBJECT_COLUMNS)}, ${value} AS sort_value
  FROM ${from}
 WHERE ${parts.join(' AND ')}
 ORDER BY ${order}
 LIMIT ?`,
    values,
  };
}

/** Whether the filter narrows more than the department (which an index counts by itself). */
export function isNarrowed(f: EntryListFilter): boolean {
  return (
    f.listType !== undefined ||
    f.kind !== undefined ||
    f.subjectType !== undefined ||
    f.status !== undefined ||
    f.q !== undefined
  );
}

/** The matches, counted up to `limit` at most (all of them without one). */
export function countSql(
  f: EntryListFilter,
  limit?: number,
  dialect: 'sqlite' | 'postgres' = 'postgres',
): Built {
  const where = whereOf(f);
  const needsSubject = f.subjectType !== undefined || f.q !== undefined;
  // As for a page: a query `q` is looked for among subjects, then their entries (see pageSql).
  const from =
    f.q !== undefined && dialect === 'sqlite'
      ? 'subjects s CROSS JOIN entries e INDEXED BY entries_subject_id ON e.subject_id = s.id'
      : needsSubject
        ? 'entries e JOIN subjects s ON s.id = e.subject_id'
        : 'entries e';
  if (limit === undefined) {
    return { text: `SELECT count(*) AS n FROM ${from} WHERE ${where.text}`, values: where.values };
  }
  return {
    text: `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where.text} LIMIT ?) capped`,
    values: [...where.values, limit],
  };
}

/** The rows an estimate is made for (PostgreSQL asks its planner how many it expects). */
export function matchSql(f: EntryListFilter): Built {
  const where = whereOf(f);
  return {
    text: `SELECT 1 FROM entries e JOIN subjects s ON s.id = e.subject_id WHERE ${where.text}`,
    values: where.values,
  };
}

/**
 * How many of the first `sample` entries of the department (or of all) match the rest of the
 * filter: SQLite's estimate is that share of the department's count.
 */
export function sampleSql(f: EntryListFilter, sample: number): Built {
  const { department, ...rest } = f;
  const scope = department === undefined ? 'TRUE' : 'department = ?';
  const where = whereOf(rest);
  return {
    text: `SELECT count(*) AS n, sum(CASE WHEN ${where.text} THEN 1 ELSE 0 END) AS hits
  FROM (SELECT * FROM entries WHERE ${scope} LIMIT ?) e JOIN subjects s ON s.id = e.subject_id`,
    values: [...where.values, ...(department === undefined ? [] : [department]), sample],
  };
}

/** `?` placeholders as PostgreSQL's `$n` (the SQL above has no other question mark). */
export function numberedPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

export function toListRow(row: Record<string, unknown>): EntryListRow {
  const pick = (alias: string, list: string) =>
    Object.fromEntries(list.split(', ').map((c) => [c, row[`${alias}_${c}`]]));
  const entry = toEntry(pick('e', ENTRY_COLUMNS) as unknown as EntryRow);
  const subject = toSubject(pick('s', SUBJECT_COLUMNS) as unknown as SubjectRow);
  return {
    entry,
    subject,
    cursor: { value: String(row.sort_value), subjectId: subject.id, entryId: entry.id },
  };
}
