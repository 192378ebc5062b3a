/** Column storage for the list index: typed arrays and shared strings instead of an object a row. */

import { type ColumnSink, type ColumnSource, SnapshotError } from './snapshot-file.ts';

type Typed = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array | Float32Array;

/** `array`, or a copy at least `length` long (doubling, so appends stay amortized O(1)). */
export function ensureLength<T extends Typed>(array: T, length: number): T {
  if (length <= array.length) return array;
  let next = Math.max(16, array.length);
  while (next < length) next *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(next);
  bigger.set(array);
  return bigger;
}

/**
 * Low-cardinality strings (list types, statuses, designators, divisions, dates) stored once and
 * referred to by number; 0 stands for null.
 */
export class StringPool {
  private readonly values: Array<string | null> = [null];
  private readonly ids = new Map<string, number>();

  id(value: string | null): number {
    if (value === null) return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  value(id: number): string | null {
    return this.values[id] ?? null;
  }

  get size(): number {
    return this.values.length - 1;
  }

  saveTo(out: ColumnSink, name: string): void {
    out.strings(name, this.values, this.values.length);
  }

  static loadFrom(src: ColumnSource, name: string): StringPool {
    const values = src.strings(name);
    if (values[0] !== null) throw new SnapshotError(`${name} must start with null`);
    const pool = new StringPool();
    for (let i = 1; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string' || pool.id(v) !== i) throw new SnapshotError(`${name} holds a bad value`);
    }
    return pool;
  }
}

/**
 * Shares equal copies of strings that repeat (reasons, legal bases, representatives' names). It
 * remembers at most `limit` values, and gives up on a column whose values turn out to be unique
 * (case numbers as legal bases), where the lookups would only cost time and the map memory.
 */
export class Interner {
  private readonly seen = new Map<string, string>();
  private hits = 0;
  private misses = 0;
  private enabled = true;

  constructor(private readonly limit: number) {}

  intern(value: string): string;
  intern(value: string | null): string | null;
  intern(value: string | null): string | null {
    if (value === null || !this.enabled) return value;
    const known = this.seen.get(value);
    if (known !== undefined) {
      this.hits++;
      return known;
    }
    if (++this.misses >= 50_000 && this.hits < this.misses / 4) {
      this.enabled = false;
      this.seen.clear();
      return value;
    }
    if (this.seen.size < this.limit) this.seen.set(value, value);
    return value;
  }
}

/**
 * A `YYYY-MM-DD` date as the number yyyymmdd with the top bit set, so that it can share a Uint32
 * column with StringPool ids (which stay far below 2^31); -1 when the text is not such a date.
 */
export function packDate(text: string): number {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return -1;
  let n = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return (n | 0x80000000) >>> 0;
}

export const DATE_BIT = 0x80000000;

/** Few distinct dates exist (days of a few decades), and reads of entries repeat them all the time. */
const DATE_TEXT = new Map<number, string>();

export function unpackDate(packed: number): string {
  let text = DATE_TEXT.get(packed);
  if (text === undefined) {
    text = formatPackedDate(packed);
    if (DATE_TEXT.size >= 65_536) DATE_TEXT.clear();
    DATE_TEXT.set(packed, text);
  }
  return text;
}

function formatPackedDate(packed: number): string {
  const n = packed & 0x7fffffff;
  const y = Math.floor(n / 10000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const ODD = 0xffffffff;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function hexWord(id: string, from: number, digits: number): number {
  let word = 0;
  for (let i = from; i < from + digits; i++) {
    const v = hexValue(id.charCodeAt(i));
    if (v < 0) return -1;
    word = word * 16 + v;
  }
  return word;
}

/**
 * Record ids (`sub_` or `ent_` + 20 hex digits, see store/ids.ts) packed into 12 bytes instead of a
 * 40-byte string; an id of any other shape is kept as it is, so nothing depends on the format.
 */
export class IdColumn {
  private words: Uint32Array;
  private readonly odd = new Map<number, string>();
  /** The prefix's char codes, then room for the 20 hex digits `get` writes. */
  private readonly chars: number[];

  constructor(
    private readonly prefix: string,
    expectedRows = 0,
  ) {
    this.words = new Uint32Array(expectedRows * 3);
    this.chars = [...Array.from(prefix, (c) => c.charCodeAt(0)), ...new Array<number>(20).fill(0)];
  }

  set(row: number, id: string): void {
    this.words = ensureLength(this.words, (row + 1) * 3);
    const w = this.pack(id);
    const at = row * 3;
    if (w === null) {
      this.words[at + 2] = ODD;
      this.odd.set(row, id);
      return;
    }
    this.words[at] = w[0];
    this.words[at + 1] = w[1];
    this.words[at + 2] = w[2];
    this.odd.delete(row);
  }

  get(row: number): string {
    const at = row * 3;
    const w2 = this.words[at + 2] as number;
    if (w2 === ODD) return this.odd.get(row) as string;
    // Char codes into one reused array, made a string in one call: a flat string, where appending
    // digit by digit made twenty concatenations per id and a rope JSON.stringify had to flatten
    // (ids were a tenth of a 10,000-code batch).
    const chars = this.chars;
    const w0 = this.words[at] as number;
    const w1 = this.words[at + 1] as number;
    let i = this.prefix.length;
    for (let shift = 28; shift >= 0; shift -= 4) chars[i++] = HEX_CODES[(w0 >>> shift) & 15]!;
    for (let shift = 28; shift >= 0; shift -= 4) chars[i++] = HEX_CODES[(w1 >>> shift) & 15]!;
    for (let shift = 12; shift >= 0; shift -= 4) chars[i++] = HEX_CODES[(w2 >>> shift) & 15]!;
    return String.fromCharCode.apply(null, chars);
  }

  equals(row: number, id: string): boolean {
    const at = row * 3;
    if (this.words[at + 2] === ODD) return this.odd.get(row) === id;
    const w = this.pack(id);
    return (
      w !== null && this.words[at] === w[0] && this.words[at + 1] === w[1] && this.words[at + 2] === w[2]
    );
  }

  /** The first `rows` ids. */
  saveTo(out: ColumnSink, name: string, rows: number): void {
    out.typed(`${name}.words`, this.words.subarray(0, rows * 3));
    saveOdd(out, name, this.odd, rows);
  }

  static loadFrom(src: ColumnSource, name: string, prefix: string, rows: number, room = 0): IdColumn {
    const column = new IdColumn(prefix);
    column.words = src.typed(`${name}.words`, Uint32Array, rows * 3, room * 3);
    loadOdd(src, name, column.odd, rows);
    for (let row = 0; row < rows; row++) {
      if (column.words[row * 3 + 2] === ODD && !column.odd.has(row)) {
        throw new SnapshotError(`${name}: row ${row} has no id`);
      }
    }
    return column;
  }

  private pack(id: string): [number, number, number] | null {
    const p = this.prefix.length;
    if (id.length !== p + 20 || !id.startsWith(this.prefix)) return null;
    const w0 = hexWord(id, p, 8);
    const w1 = hexWord(id, p + 8, 8);
    const w2 = hexWord(id, p + 16, 4);
    if (w0 < 0 || w1 < 0 || w2 < 0) return null;
    return [w0, w1, w2];
  }
}

/**
 * RFC 3339 instants as epoch milliseconds (8 bytes instead of a 24-character string), written back
 * in `toISOString` form; a value that does not parse is kept as given.
 */
export class InstantColumn {
  private ms: Float64Array;
  private readonly odd = new Map<number, string>();
  /** An import stamps all its rows with one instant, so most values repeat: skip re-parsing them. */
  private readonly parsed = new Map<string, number>();
  private lastText = '';
  private lastMs = Number.NaN;
  private lastReadMs = Number.NaN;
  private lastReadText = '';

  constructor(expectedRows = 0) {
    this.ms = new Float64Array(expectedRows);
  }

  set(row: number, instant: string): void {
    this.ms = ensureLength(this.ms, row + 1);
    let t = instant === this.lastText ? this.lastMs : this.parsed.get(instant);
    if (t === undefined) {
      t = Date.parse(instant);
      if (this.parsed.size >= 4096) this.parsed.clear();
      this.parsed.set(instant, t);
    }
    this.lastText = instant;
    this.lastMs = t;
    if (Number.isNaN(t)) {
      this.ms[row] = Number.NaN;
      this.odd.set(row, instant);
    } else {
      this.ms[row] = t;
      this.odd.delete(row);
    }
  }

  /** The first `rows` instants. */
  saveTo(out: ColumnSink, name: string, rows: number): void {
    out.typed(`${name}.ms`, this.ms.subarray(0, rows));
    saveOdd(out, name, this.odd, rows);
  }

  static loadFrom(src: ColumnSource, name: string, rows: number, room = 0): InstantColumn {
    const column = new InstantColumn();
    column.ms = src.typed(`${name}.ms`, Float64Array, rows, room);
    loadOdd(src, name, column.odd, rows);
    return column;
  }

  get(row: number): string {
    const t = this.ms[row] as number;
    if (Number.isNaN(t)) return this.odd.get(row) as string;
    // Rows written by one import share their instant: one formatting serves them all.
    if (t !== this.lastReadMs) {
      this.lastReadMs = t;
      this.lastReadText = new Date(t).toISOString();
    }
    return this.lastReadText;
  }
}

/** Values kept beside a column because they do not fit its packed form (rarely any). */
function saveOdd(out: ColumnSink, name: string, odd: Map<number, string>, rows: number): void {
  const kept = [...odd].filter(([row]) => row < rows);
  out.typed(
    `${name}.oddRows`,
    Int32Array.from(kept, ([row]) => row),
  );
  out.strings(
    `${name}.oddValues`,
    kept.map(([, value]) => value),
    kept.length,
  );
}

function loadOdd(src: ColumnSource, name: string, odd: Map<number, string>, rows: number): void {
  const at = src.typed(`${name}.oddRows`, Int32Array);
  const values = src.strings(`${name}.oddValues`, at.length);
  for (let i = 0; i < at.length; i++) {
    const row = at[i] as number;
    const value = values[i];
    if (row < 0 || row >= rows || typeof value !== 'string')
      throw new SnapshotError(`${name}: bad odd value`);
    odd.set(row, value);
  }
}

const CHUNK_BITS = 14;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const NULL_TEXT = 0xffffffff;

/**
 * Per-row text (or null) without a string object per row: rows are packed by the 16,384 into one
 * string per chunk, each row an offset and a length into it (8 bytes a row, not a 40-byte header
 * and an 8-byte pointer), and equal values within a chunk share their text (a reason repeated on
 * every entry is stored once a chunk). Rows past the last full chunk are kept as they come; a
 * value rewritten in a packed chunk is kept beside it until there are enough to repack. A read
 * builds the string (a slice of the chunk); comparisons build nothing.
 */
export class TextColumn {
  private chunks: string[] = [];
  private starts: Uint32Array;
  private lens: Uint32Array;
  private sealed = 0;
  private tail: Array<string | null> = [];
  private readonly changed = new Map<number, string | null>();

  constructor(expectedRows = 0) {
    this.starts = new Uint32Array(expectedRows);
    this.lens = new Uint32Array(expectedRows);
  }

  /** Rows written so far (rows beyond read as null). */
  get length(): number {
    return this.sealed + this.tail.length;
  }

  get(row: number): string | null {
    if (row >= this.sealed) return this.tail[row - this.sealed] ?? null;
    if (this.changed.size > 0) {
      const v = this.changed.get(row);
      if (v !== undefined) return v;
    }
    const len = this.lens[row] as number;
    if (len === NULL_TEXT) return null;
    const start = this.starts[row] as number;
    return (this.chunks[row >>> CHUNK_BITS] as string).slice(start, start + len);
  }

  /** Whether the row holds exactly `value`, without building its string. */
  equals(row: number, value: string | null): boolean {
    if (row >= this.sealed) return (this.tail[row - this.sealed] ?? null) === value;
    if (this.changed.size > 0) {
      const v = this.changed.get(row);
      if (v !== undefined) return v === value;
    }
    const len = this.lens[row] as number;
    if (value === null) return len === NULL_TEXT;
    return (
      len === value.length &&
      (this.chunks[row >>> CHUNK_BITS] as string).startsWith(value, this.starts[row] as number)
    );
  }

  /** Whether the row's text holds `part` at `from` (false for null). */
  includesAt(row: number, from: number, part: string): boolean {
    if (row >= this.sealed || (this.changed.size > 0 && this.changed.has(row))) {
      const v = this.get(row);
      return v !== null && from + part.length <= v.length && v.startsWith(part, from);
    }
    const len = this.lens[row] as number;
    return (
      len !== NULL_TEXT &&
      from + part.length <= len &&
      (this.chunks[row >>> CHUNK_BITS] as string).startsWith(part, (this.starts[row] as number) + from)
    );
  }

  /** Length of the row's text, -1 for null. */
  lengthOf(row: number): number {
    if (row >= this.sealed || (this.changed.size > 0 && this.changed.has(row))) {
      return this.get(row)?.length ?? -1;
    }
    const len = this.lens[row] as number;
    return len === NULL_TEXT ? -1 : len;
  }

  /** Writes a row: the next one, a later one (the rows between read as null) or one written before. */
  set(row: number, value: string | null): void {
    if (row >= this.sealed) {
      const i = row - this.sealed;
      while (this.tail.length < i) this.tail.push(null);
      this.tail[i] = value;
      while (this.tail.length >= CHUNK_ROWS) this.seal();
      return;
    }
    if (this.equals(row, value)) return;
    this.changed.set(row, value);
    if (this.changed.size > Math.max(4096, this.sealed >>> 4)) this.repack();
  }

  saveTo(out: ColumnSink, name: string, rows: number): void {
    if (rows < this.sealed) throw new Error(`${name}: cannot save fewer rows than are packed`);
    out.number(`${name}.sealed`, this.sealed);
    out.strings(`${name}.chunks`, this.chunks, this.chunks.length);
    out.typed(`${name}.starts`, this.starts.subarray(0, this.sealed));
    out.typed(`${name}.lens`, this.lens.subarray(0, this.sealed));
    out.strings(`${name}.tail`, this.tail, rows - this.sealed);
    const changed = [...this.changed];
    out.typed(
      `${name}.changedRows`,
      Int32Array.from(changed, ([row]) => row),
    );
    out.strings(
      `${name}.changedValues`,
      changed.map(([, value]) => value),
      changed.length,
    );
  }

  /** What saveTo wrote for `rows` rows, with space for `room` more before anything is reallocated. */
  static loadFrom(src: ColumnSource, name: string, rows: number, room = 0): TextColumn {
    const sealed = src.number(`${name}.sealed`);
    if (!Number.isSafeInteger(sealed) || sealed % CHUNK_ROWS !== 0 || sealed < 0 || sealed > rows) {
      throw new SnapshotError(`${name}: bad packed row count`);
    }
    const chunks = src.strings(`${name}.chunks`, sealed / CHUNK_ROWS);
    const starts = src.typed(`${name}.starts`, Uint32Array, sealed, room);
    const lens = src.typed(`${name}.lens`, Uint32Array, sealed, room);
    for (let row = 0; row < sealed; row++) {
      const chunk = chunks[row >>> CHUNK_BITS];
      const len = lens[row] as number;
      if (typeof chunk !== 'string' || (len !== NULL_TEXT && (starts[row] as number) + len > chunk.length)) {
        throw new SnapshotError(`${name}: row ${row} lies outside its chunk`);
      }
    }
    const tail = src.strings(`${name}.tail`, rows - sealed);
    const changedRows = src.typed(`${name}.changedRows`, Int32Array);
    const changedValues = src.strings(`${name}.changedValues`, changedRows.length);
    const column = new TextColumn();
    column.chunks = chunks as string[];
    column.starts = starts;
    column.lens = lens;
    column.sealed = sealed;
    column.tail = tail;
    for (let i = 0; i < changedRows.length; i++) {
      const row = changedRows[i] as number;
      const value = changedValues[i];
      if (row < 0 || row >= sealed || value === undefined)
        throw new SnapshotError(`${name}: bad rewritten row`);
      column.changed.set(row, value);
    }
    return column;
  }

  private seal(): void {
    const base = this.sealed;
    this.starts = ensureLength(this.starts, base + CHUNK_ROWS);
    this.lens = ensureLength(this.lens, base + CHUNK_ROWS);
    this.chunks.push(pack(this.tail, CHUNK_ROWS, this.starts, this.lens, base));
    this.tail = this.tail.slice(CHUNK_ROWS);
    this.sealed = base + CHUNK_ROWS;
  }

  /** Folds the rewritten rows into their chunks. */
  private repack(): void {
    const touched = new Set<number>();
    for (const row of this.changed.keys()) touched.add(row >>> CHUNK_BITS);
    for (const c of touched) {
      const base = c << CHUNK_BITS;
      const values: Array<string | null> = new Array(CHUNK_ROWS);
      for (let i = 0; i < CHUNK_ROWS; i++) values[i] = this.get(base + i);
      this.chunks[c] = pack(values, CHUNK_ROWS, this.starts, this.lens, base);
    }
    this.changed.clear();
  }
}

/** Packs `count` values into one string, writing each one's place to starts/lens from `base`. */
function pack(
  values: ReadonlyArray<string | null>,
  count: number,
  starts: Uint32Array,
  lens: Uint32Array,
  base: number,
): string {
  const parts: string[] = [];
  let at = 0;
  // Equal values share their text, until the values turn out to be mostly distinct.
  let seen: Map<string, number> | null = new Map();
  for (let i = 0; i < count; i++) {
    const v = values[i] ?? null;
    if (v === null) {
      starts[base + i] = 0;
      lens[base + i] = NULL_TEXT;
      continue;
    }
    lens[base + i] = v.length;
    if (seen !== null) {
      const known = seen.get(v);
      if (known !== undefined) {
        starts[base + i] = known;
        continue;
      }
      if ((i & 1023) === 1023 && seen.size > i * 0.75) seen = null;
      else seen.set(v, at);
    }
    starts[base + i] = at;
    parts.push(v);
    at += v.length;
  }
  return parts.join('');
}
