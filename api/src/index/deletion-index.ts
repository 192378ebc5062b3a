import { loadOverlay, saveOverlay } from './overlay.ts';
import { lowerBound, sortPairs } from './radix-sort.ts';
import { type ColumnSink, type ColumnSource, SnapshotError } from './snapshot-file.ts';
import { hashString, hashWithout } from './string-hash.ts';

/** Rows read for one variant at most: a crowded variant means a short, common key, not a typo. */
const MAX_BUCKET = 128;

/**
 * Symmetric-delete index for edit distance 1: every key is stored under its own hash and the hash
 * of each string made by deleting one of its characters. Two keys one substitution, insertion,
 * deletion or adjacent swap apart then share at least one of those hashes, so a query looks up its
 * own variants and gets a short list of candidates to verify. Only 32-bit hashes and row numbers
 * are kept (8 bytes per variant, sorted arrays); rows added later go to a small overlay until the
 * next rebuild. Candidates are not verified here: hash collisions and renamed rows are the
 * caller's to drop.
 */
export class DeletionIndex {
  private hashes = new Uint32Array(0);
  private rows = new Uint32Array(0);
  private length = 0;
  private readonly overlay = new Map<number, number[]>();
  private overlayLength = 0;

  constructor(private readonly minLength: number) {}

  /** Replaces the contents with the keys of rows [0, rowCount). */
  build(rowCount: number, keyOf: (row: number) => string | undefined): void {
    let total = 0;
    for (let row = 0; row < rowCount; row++) {
      const key = keyOf(row);
      if (key !== undefined && key.length >= this.minLength) total += key.length + 1;
    }
    const hashes = new Uint32Array(total);
    const rows = new Uint32Array(total);
    let n = 0;
    for (let row = 0; row < rowCount; row++) {
      const key = keyOf(row);
      if (key === undefined || key.length < this.minLength) continue;
      hashes[n] = hashString(key);
      rows[n++] = row;
      for (let i = 0; i < key.length; i++) {
        // Deleting either of two equal neighbours gives the same string: store it once.
        if (i > 0 && key.charCodeAt(i) === key.charCodeAt(i - 1)) continue;
        hashes[n] = hashWithout(key, i);
        rows[n++] = row;
      }
    }
    sortPairs(hashes, rows, n);
    this.hashes = hashes;
    this.rows = rows;
    this.length = n;
    this.overlay.clear();
    this.overlayLength = 0;
  }

  /** Adds a row's key without rebuilding (the overlay). */
  add(row: number, key: string): void {
    if (key.length < this.minLength) return;
    const put = (hash: number) => {
      const list = this.overlay.get(hash);
      if (list) list.push(row);
      else this.overlay.set(hash, [row]);
      this.overlayLength++;
    };
    put(hashString(key));
    for (let i = 0; i < key.length; i++) {
      if (i > 0 && key.charCodeAt(i) === key.charCodeAt(i - 1)) continue;
      put(hashWithout(key, i));
    }
  }

  /** Variants held in the overlay, to decide when a rebuild pays. */
  get pending(): number {
    return this.overlayLength;
  }

  get variants(): number {
    return this.length + this.overlayLength;
  }

  saveTo(out: ColumnSink, name: string): void {
    out.typed(`${name}.hashes`, this.hashes.subarray(0, this.length));
    out.typed(`${name}.rows`, this.rows.subarray(0, this.length));
    saveOverlay(out, `${name}.overlay`, this.overlay);
  }

  /** Restores what saveTo wrote; `rowLimit` bounds the rows it may name. */
  loadFrom(src: ColumnSource, name: string, rowLimit: number): void {
    const hashes = src.typed(`${name}.hashes`, Uint32Array);
    const rows = src.typed(`${name}.rows`, Uint32Array, hashes.length);
    for (let i = 0; i < rows.length; i++) {
      if ((rows[i] as number) >= rowLimit) throw new SnapshotError(`${name}: row out of range`);
      if (i > 0 && (hashes[i] as number) < (hashes[i - 1] as number))
        throw new SnapshotError(`${name}: not sorted`);
    }
    const overlay = loadOverlay(src, `${name}.overlay`, rowLimit);
    this.hashes = hashes;
    this.rows = rows;
    this.length = rows.length;
    this.overlay.clear();
    this.overlayLength = 0;
    for (const [hash, list] of overlay) {
      this.overlay.set(hash, list);
      this.overlayLength += list.length;
    }
  }

  /** Pushes onto `out` the rows whose key may be within one edit of `key` (with repeats). */
  candidates(key: string, out: number[]): void {
    if (key.length < this.minLength - 1) return;
    this.lookup(hashString(key), out);
    for (let i = 0; i < key.length; i++) {
      if (i > 0 && key.charCodeAt(i) === key.charCodeAt(i - 1)) continue;
      this.lookup(hashWithout(key, i), out);
    }
  }

  private lookup(hash: number, out: number[]): void {
    let i = lowerBound(this.hashes, this.length, hash);
    for (let taken = 0; i < this.length && this.hashes[i] === hash && taken < MAX_BUCKET; i++, taken++) {
      out.push(this.rows[i] as number);
    }
    const extra = this.overlay.get(hash);
    if (extra) for (let j = 0; j < extra.length && j < MAX_BUCKET; j++) out.push(extra[j] as number);
  }
}
