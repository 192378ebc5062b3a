import { loadOverlay, saveOverlay } from './overlay.ts';
import { lowerBound, sortPairs } from './radix-sort.ts';
import { type ColumnSink, type ColumnSource, SnapshotError } from './snapshot-file.ts';

/** A bigram as one number: two UTF-16 code units. */
export function bigramAt(s: string, i: number): number {
  return ((s.charCodeAt(i) << 16) | s.charCodeAt(i + 1)) >>> 0;
}

/** The distinct bigrams of a string, ascending. */
export function distinctBigrams(s: string): Uint32Array {
  const n = Math.max(0, s.length - 1);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = bigramAt(s, i);
  out.sort();
  let w = 0;
  for (let i = 0; i < n; i++) if (i === 0 || out[i] !== out[i - 1]) out[w++] = out[i] as number;
  return out.subarray(0, w);
}

export interface BigramIndexOptions {
  /**
   * Posting lists longer than this are not stored, only counted: bigrams such as 有限 or 公司 occur
   * in most names, say nothing about which company is meant and would dominate memory.
   */
  maxStoredPostings: number;
}

/**
 * Inverted index from character bigrams to rows, in compressed sparse rows (three typed arrays),
 * with document frequencies for weighting. Rows added later go to an overlay until the next
 * rebuild; renamed rows leave stale postings behind, which the caller's scoring drops.
 */
export class BigramIndex {
  private keys = new Uint32Array(0);
  private counts = new Uint32Array(0);
  private offsets = new Uint32Array(1);
  private postings = new Uint32Array(0);
  private readonly overlay = new Map<number, number[]>();
  private overlayLength = 0;
  private rowsIndexed = 0;
  /** Sum of the weights of each row's bigrams, as of when the row was indexed. */
  private rowWeights = new Float32Array(0);

  constructor(private readonly opts: BigramIndexOptions) {}

  build(rowCount: number, textOf: (row: number) => string | undefined): void {
    let total = 0;
    let indexed = 0;
    for (let row = 0; row < rowCount; row++) {
      const text = textOf(row);
      if (text !== undefined) {
        total += Math.max(0, text.length - 1);
        indexed++;
      }
    }
    const grams = new Uint32Array(total);
    const rows = new Uint32Array(total);
    let n = 0;
    for (let row = 0; row < rowCount; row++) {
      const text = textOf(row);
      if (text === undefined) continue;
      for (const gram of distinctBigrams(text)) {
        grams[n] = gram;
        rows[n++] = row;
      }
    }
    sortPairs(grams, rows, n);

    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || grams[i] !== grams[i - 1]) distinct++;
    const keys = new Uint32Array(distinct);
    const counts = new Uint32Array(distinct);
    for (let i = 0, k = -1; i < n; i++) {
      if (i === 0 || grams[i] !== grams[i - 1]) keys[++k] = grams[i] as number;
      counts[k] = (counts[k] as number) + 1;
    }
    const offsets = new Uint32Array(distinct + 1);
    let stored = 0;
    for (let k = 0; k < distinct; k++) {
      offsets[k] = stored;
      if ((counts[k] as number) <= this.opts.maxStoredPostings) stored += counts[k] as number;
    }
    offsets[distinct] = stored;
    const postings = new Uint32Array(stored);
    for (let i = 0, k = -1, w = 0; i < n; i++) {
      if (i === 0 || grams[i] !== grams[i - 1]) k++;
      if ((counts[k] as number) <= this.opts.maxStoredPostings) postings[w++] = rows[i] as number;
    }
    this.keys = keys;
    this.counts = counts;
    this.offsets = offsets;
    this.postings = postings;
    this.overlay.clear();
    this.overlayLength = 0;
    this.rowsIndexed = indexed;

    const rowWeights = new Float32Array(rowCount);
    for (let i = 0, k = -1, w = 0; i < n; i++) {
      if (i === 0 || grams[i] !== grams[i - 1]) {
        k++;
        w = this.weightOf(counts[k] as number);
      }
      const row = rows[i] as number;
      rowWeights[row] = (rowWeights[row] as number) + w;
    }
    this.rowWeights = rowWeights;
  }

  saveTo(out: ColumnSink, name: string): void {
    out.typed(`${name}.keys`, this.keys);
    out.typed(`${name}.counts`, this.counts);
    out.typed(`${name}.offsets`, this.offsets);
    out.typed(`${name}.postings`, this.postings);
    out.typed(`${name}.rowWeights`, this.rowWeights);
    out.number(`${name}.rowsIndexed`, this.rowsIndexed);
    saveOverlay(out, `${name}.overlay`, this.overlay);
  }

  /** Restores what saveTo wrote; `rowLimit` bounds the rows it may name. */
  loadFrom(src: ColumnSource, name: string, rowLimit: number): void {
    const keys = src.typed(`${name}.keys`, Uint32Array);
    const counts = src.typed(`${name}.counts`, Uint32Array, keys.length);
    const offsets = src.typed(`${name}.offsets`, Uint32Array, keys.length + 1);
    const postings = src.typed(`${name}.postings`, Uint32Array);
    const rowWeights = src.typed(`${name}.rowWeights`, Float32Array);
    const rowsIndexed = src.number(`${name}.rowsIndexed`);
    for (let k = 0; k < keys.length; k++) {
      if (k > 0 && (keys[k] as number) <= (keys[k - 1] as number))
        throw new SnapshotError(`${name}: not sorted`);
      if ((offsets[k + 1] as number) < (offsets[k] as number))
        throw new SnapshotError(`${name}: bad offsets`);
    }
    if (offsets[0] !== 0 || offsets[keys.length] !== postings.length)
      throw new SnapshotError(`${name}: bad offsets`);
    for (let i = 0; i < postings.length; i++) {
      if ((postings[i] as number) >= rowLimit) throw new SnapshotError(`${name}: row out of range`);
    }
    const overlay = loadOverlay(src, `${name}.overlay`, rowLimit);
    this.keys = keys;
    this.counts = counts;
    this.offsets = offsets;
    this.postings = postings;
    this.rowWeights = rowWeights;
    this.rowsIndexed = rowsIndexed;
    this.overlay.clear();
    this.overlayLength = 0;
    for (const [gram, list] of overlay) {
      this.overlay.set(gram, list);
      this.overlayLength += list.length;
    }
  }

  add(row: number, text: string): void {
    const grams = distinctBigrams(text);
    for (const gram of grams) {
      const list = this.overlay.get(gram);
      if (list) list.push(row);
      else this.overlay.set(gram, [row]);
      this.overlayLength++;
    }
    this.rowsIndexed++;
    if (row >= this.rowWeights.length) {
      const bigger = new Float32Array(Math.max(row + 1, Math.ceil(this.rowWeights.length * 1.5)));
      bigger.set(this.rowWeights);
      this.rowWeights = bigger;
    }
    let total = 0;
    for (const gram of grams) total += this.weight(gram);
    this.rowWeights[row] = total;
  }

  /** Inverse document frequency: a bigram in few names says more about which one is meant. */
  weight(gram: number): number {
    return this.weightOf(this.df(gram));
  }

  /** The sum of weight() over the row's distinct bigrams when it was indexed. */
  rowWeight(row: number): number {
    return this.rowWeights[row] ?? 0;
  }

  private weightOf(df: number): number {
    return Math.log(1 + this.rowsIndexed / (1 + df));
  }

  get pending(): number {
    return this.overlayLength;
  }

  get postingCount(): number {
    return this.postings.length + this.overlayLength;
  }

  /** Rows indexed (the N of an inverse document frequency). */
  get documents(): number {
    return this.rowsIndexed;
  }

  /** How many rows contain the bigram. */
  df(gram: number): number {
    const k = this.slot(gram);
    return (k < 0 ? 0 : (this.counts[k] as number)) + (this.overlay.get(gram)?.length ?? 0);
  }

  /**
   * Adds `weight` to `sums[row]` for each row holding the bigram, pushing onto `touched` the rows
   * whose sum was zero, unless more than `limit` rows hold it (then returns false and reads
   * nothing: the list is too common to be worth reading).
   */
  accumulate(gram: number, limit: number, weight: number, sums: Float32Array, touched: number[]): boolean {
    const k = this.slot(gram);
    const extra = this.overlay.get(gram);
    const stored = k < 0 ? 0 : (this.counts[k] as number);
    if (stored + (extra?.length ?? 0) > limit || stored > this.opts.maxStoredPostings) return false;
    if (k >= 0) {
      const end = this.offsets[k + 1] as number;
      for (let i = this.offsets[k] as number; i < end; i++) {
        const row = this.postings[i] as number;
        if (sums[row] === 0) touched.push(row);
        sums[row] = (sums[row] as number) + weight;
      }
    }
    if (extra) {
      for (const row of extra) {
        if (sums[row] === 0) touched.push(row);
        sums[row] = (sums[row] as number) + weight;
      }
    }
    return true;
  }

  private slot(gram: number): number {
    const k = lowerBound(this.keys, this.keys.length, gram);
    return k < this.keys.length && this.keys[k] === gram ? k : -1;
  }
}
