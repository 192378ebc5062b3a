import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Entry } from '../domain/model.ts';
import { SUBJECT_COLUMNS } from './rows.ts';
import { Batcher, RecordBuilder, type ScanBatch } from './scan.ts';

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
/** ENTRY_COLUMNS (rows.ts), with the instants written as RFC 3339 text by the server. */
const ENTRY_COPY_COLUMNS = `id, subject_id, list_type, kind, designator, department, basis, reason, decided_on, published_on,
  valid_until, status, seq, to_char(created_at AT TIME ZONE 'UTC', ${ISO}), to_char(updated_at AT TIME ZONE 'UTC', ${ISO})`;
const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i;

/**
 * Store.scan for PostgreSQL: two COPY … TO STDOUT streams, subjects by id and entries by subject
 * id, on two connections that share one snapshot (pg_export_snapshot), merged as they arrive. The
 * server sorts on its own core while this process parses, and the scan sees the store exactly as
 * of one moment; a consumer that stops early closes both connections.
 */
export async function* scanPostgres(
  connect: () => Promise<pg.PoolClient>,
  size: number,
): AsyncGenerator<ScanBatch> {
  const clients: pg.PoolClient[] = [];
  let finished = false;
  try {
    const first = await connect();
    clients.push(first);
    await first.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await first.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const snapshot = rows[0]!.id;
    if (!SNAPSHOT_ID.test(snapshot)) throw new Error(`unexpected snapshot id ${snapshot}`);
    const second = await connect();
    clients.push(second);
    await second.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await second.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
    // The entries' sort stays in memory, not in temporary files.
    await second.query(`SET LOCAL work_mem = '128MB'`);

    const subjects = new CopyRows(
      first.query(copyTo(`COPY (SELECT ${SUBJECT_COLUMNS} FROM subjects ORDER BY id) TO STDOUT`)),
    );
    const entries = new CopyRows(
      second.query(
        copyTo(`COPY (SELECT ${ENTRY_COPY_COLUMNS} FROM entries ORDER BY subject_id, id) TO STDOUT`),
      ),
    );
    const build = new RecordBuilder();
    const batcher = new Batcher(size);
    for (;;) {
      const s = subjects.row ?? (await subjects.fill());
      if (s === null) break;
      subjects.advance();
      const subject = build.subject(s);
      const list: Entry[] = [];
      for (;;) {
        const e = entries.row ?? (await entries.fill());
        if (e === null || (e[1] as string) > subject.id) break;
        // An entry sorting before its subject has none (the foreign key forbids it): passed over.
        if (e[1] === subject.id) list.push(build.entry(e));
        entries.advance();
      }
      const full = batcher.add(subject, list);
      if (full) yield full;
    }
    const rest = batcher.rest();
    if (rest) yield rest;
    // Each COPY must be read to its end before its connection takes another statement.
    while ((entries.row ?? (await entries.fill())) !== null) entries.advance();
    for (const c of clients) await c.query('COMMIT');
    finished = true;
  } finally {
    // A connection left in the middle of a COPY cannot go back to the pool.
    for (const c of clients) c.release(finished ? undefined : true);
  }
}

/** Rows of a COPY … TO STDOUT stream in text format, parsed a network chunk at a time. */
class CopyRows {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | null = null;
  private rows: Array<Array<string | null>> = [];
  private at = 0;

  constructor(stream: NodeJS.ReadableStream) {
    this.chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** The current row, or undefined when the parsed ones are used up (then call fill). */
  get row(): Array<string | null> | undefined {
    return this.rows[this.at];
  }

  advance(): void {
    this.at++;
  }

  /** Parses the next chunk(s); the current row afterwards, or null at the end of the stream. */
  async fill(): Promise<Array<string | null> | null> {
    while (this.at >= this.rows.length) {
      const { value, done } = await this.chunks.next();
      this.rows = [];
      this.at = 0;
      if (done) {
        if (this.pending && this.pending.length > 0) this.rows = parseLines(this.pending.toString('utf8'));
        this.pending = null;
        if (this.rows.length === 0) return null;
        break;
      }
      const data = this.pending ? Buffer.concat([this.pending, value]) : value;
      // A line never ends inside a UTF-8 sequence: decoding up to the last newline is safe.
      const end = data.lastIndexOf(10);
      if (end < 0) {
        this.pending = data;
        continue;
      }
      this.pending = end + 1 < data.length ? Buffer.from(data.subarray(end + 1)) : null;
      this.rows = parseLines(data.toString('utf8', 0, end));
    }
    return this.rows[this.at] ?? null;
  }
}

const ESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function parseLines(text: string): Array<Array<string | null>> {
  const out: Array<Array<string | null>> = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const fields: Array<string | null> = line.split('\t');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as string;
      if (f === '\\N') fields[i] = null;
      else if (f.includes('\\')) fields[i] = f.replace(/\\(.)/g, (_, c: string) => ESCAPED[c] ?? c);
    }
    out.push(fields);
  }
  return out;
}
