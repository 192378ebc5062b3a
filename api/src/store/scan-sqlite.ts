import Database from 'better-sqlite3';
import type { Entry } from '../domain/model.ts';
import { ENTRY_COLUMNS, SUBJECT_COLUMNS } from './rows.ts';
import { Batcher, RecordBuilder, type ScanBatch } from './scan.ts';

/**
 * Store.scan for SQLite: subjects in id order, each with its entries, in batches of `size`.
 *
 * The scan reads through a connection of its own, inside one read transaction: it sees the store
 * as of one moment, its statements may stay open while the consumer awaits (the store's own
 * connection refuses writes while one of its statements is open), and writers go on meanwhile.
 * Subjects come from their primary key in id order; entries from one pass over their table
 * sorted by SQLite's sorter (which spills to temporary files, not to this process's heap), merged
 * with the subjects as both stream. Fetching each subject's entries through the subject_id index
 * instead costs a B-tree descent per entry, twice the time over a million of them.
 *
 * A database in memory cannot be opened twice: it is read page by page on the store's own
 * connection, no statement open across a yield.
 */
export async function* scanSqlite(db: Database.Database, size: number): AsyncGenerator<ScanBatch> {
  if (db.memory) {
    yield* pagedScan(db, size);
    return;
  }
  const own = new Database(db.name, { readonly: true, fileMustExist: true });
  const statements: Array<IterableIterator<unknown[]>> = [];
  try {
    own.exec('BEGIN');
    const subjects = own
      .prepare(`SELECT ${SUBJECT_COLUMNS} FROM subjects ORDER BY id`)
      .raw()
      .iterate() as IterableIterator<unknown[]>;
    statements.push(subjects);
    const entries = own
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM entries NOT INDEXED ORDER BY subject_id, id`)
      .raw()
      .iterate() as IterableIterator<unknown[]>;
    statements.push(entries);
    const build = new RecordBuilder();
    const batcher = new Batcher(size);
    let next = entries.next();
    for (const row of subjects) {
      const subject = build.subject(row);
      const list: Entry[] = [];
      // An entry sorting before its subject has none (the foreign key forbids it): passed over.
      while (!next.done && (next.value[1] as string) <= subject.id) {
        if (next.value[1] === subject.id) list.push(build.entry(next.value));
        next = entries.next();
      }
      const full = batcher.add(subject, list);
      if (full) yield full;
    }
    const rest = batcher.rest();
    if (rest) yield rest;
  } finally {
    for (const s of statements) s.return?.();
    own.close();
  }
}

async function* pagedScan(db: Database.Database, size: number): AsyncGenerator<ScanBatch> {
  const subjectsAfter = db
    .prepare(`SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE id > ? ORDER BY id LIMIT ?`)
    .raw();
  const entriesBetween = db
    .prepare(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE subject_id > ? AND subject_id <= ? ORDER BY subject_id, id`,
    )
    .raw();
  const build = new RecordBuilder();
  let after = '';
  for (;;) {
    const subjects = subjectsAfter.all(after, size) as unknown[][];
    if (subjects.length === 0) return;
    const last = subjects[subjects.length - 1]![0] as string;
    const grouped = new Map<string, Entry[]>();
    for (const row of entriesBetween.all(after, last) as unknown[][]) {
      const entry = build.entry(row);
      const list = grouped.get(entry.subjectId);
      if (list) list.push(entry);
      else grouped.set(entry.subjectId, [entry]);
    }
    yield subjects.map((row) => {
      const subject = build.subject(row);
      return { subject, entries: grouped.get(subject.id) ?? [] };
    });
    if (subjects.length < size) return;
    after = last;
  }
}
