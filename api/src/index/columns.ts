/** Column storage for the list index: typed arrays and shared strings instead of an object a row. */

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

export function unpackDate(packed: number): string {
  const n = packed & 0x7fffffff;
  const y = Math.floor(n / 10000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

const HEX = '0123456789abcdef';
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

function hexOf(word: number, digits: number): string {
  let out = '';
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += HEX[(word >>> shift) & 15];
  return out;
}

/**
 * Record ids (`sub_` or `ent_` + 20 hex digits, see store/ids.ts) packed into 12 bytes instead of a
 * 40-byte string; an id of any other shape is kept as it is, so nothing depends on the format.
 */
export class IdColumn {
  private words: Uint32Array;
  private readonly odd = new Map<number, string>();

  constructor(
    private readonly prefix: string,
    expectedRows = 0,
  ) {
    this.words = new Uint32Array(expectedRows * 3);
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
    return (
      this.prefix + hexOf(this.words[at] as number, 8) + hexOf(this.words[at + 1] as number, 8) + hexOf(w2, 4)
    );
  }

  equals(row: number, id: string): boolean {
    const at = row * 3;
    if (this.words[at + 2] === ODD) return this.odd.get(row) === id;
    const w = this.pack(id);
    return (
      w !== null && this.words[at] === w[0] && this.words[at + 1] === w[1] && this.words[at + 2] === w[2]
    );
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

  get(row: number): string {
    const t = this.ms[row] as number;
    return Number.isNaN(t) ? (this.odd.get(row) as string) : new Date(t).toISOString();
  }
}
