import { type ColumnSink, type ColumnSource, SnapshotError } from './snapshot-file.ts';

const EMPTY = 0;
const TOMBSTONE = -1;
const MAX_LOAD = 0.75;

/**
 * Open-addressing hash table from a key's hash to row numbers, in two typed arrays (8 bytes a
 * slot): a Map<string, number> over 750k names costs several times more. The table never holds
 * the keys; the caller checks each candidate row against its own data, so one table serves keys
 * that are substrings of stored names (a base name, a branch's parent) without building them.
 * Several rows may share a key.
 */
export class RowTable {
  /** row + 1, EMPTY or TOMBSTONE. */
  private slots: Int32Array;
  private hashes: Uint32Array;
  private mask: number;
  private used = 0;
  private live = 0;

  constructor(expectedRows = 0) {
    const capacity = capacityFor(expectedRows);
    this.slots = new Int32Array(capacity);
    this.hashes = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.live;
  }

  insert(row: number, hash: number): void {
    if (this.used + 1 > this.slots.length * MAX_LOAD) this.resize(capacityFor((this.live + 1) * 1.5));
    let i = hash & this.mask;
    for (;;) {
      const slot = this.slots[i] as number;
      if (slot === EMPTY || slot === TOMBSTONE) {
        if (slot === EMPTY) this.used++;
        this.slots[i] = row + 1;
        this.hashes[i] = hash;
        this.live++;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Removes `row` stored under `hash`; false when it was not there. */
  remove(row: number, hash: number): boolean {
    let i = hash & this.mask;
    for (;;) {
      const slot = this.slots[i] as number;
      if (slot === EMPTY) return false;
      if (slot === row + 1 && this.hashes[i] === hash) {
        this.slots[i] = TOMBSTONE;
        this.live--;
        return true;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** The first row under `hash` that `matches` accepts, or -1. */
  find(hash: number, matches: (row: number) => boolean): number {
    let i = hash & this.mask;
    for (;;) {
      const slot = this.slots[i] as number;
      if (slot === EMPTY) return -1;
      if (slot > 0 && this.hashes[i] === hash && matches(slot - 1)) return slot - 1;
      i = (i + 1) & this.mask;
    }
  }

  /** Appends to `out` every row under `hash` that `matches` accepts. */
  collect(hash: number, matches: (row: number) => boolean, out: number[]): void {
    let i = hash & this.mask;
    for (;;) {
      const slot = this.slots[i] as number;
      if (slot === EMPTY) return;
      if (slot > 0 && this.hashes[i] === hash && matches(slot - 1)) out.push(slot - 1);
      i = (i + 1) & this.mask;
    }
  }

  saveTo(out: ColumnSink, name: string): void {
    out.typed(`${name}.slots`, this.slots);
    out.typed(`${name}.hashes`, this.hashes);
    out.number(`${name}.used`, this.used);
    out.number(`${name}.live`, this.live);
  }

  /** A table as saved; `rows` bounds the row numbers it may hold. */
  static loadFrom(src: ColumnSource, name: string, rows: number): RowTable {
    const slots = src.typed(`${name}.slots`, Int32Array);
    const hashes = src.typed(`${name}.hashes`, Uint32Array, slots.length);
    const used = src.number(`${name}.used`);
    const live = src.number(`${name}.live`);
    const capacity = slots.length;
    if (capacity < 16 || (capacity & (capacity - 1)) !== 0 || !(live <= used && used < capacity)) {
      throw new SnapshotError(`${name}: not a row table`);
    }
    let filled = 0;
    let occupied = 0;
    for (let i = 0; i < capacity; i++) {
      const slot = slots[i] as number;
      if (slot > rows || slot < TOMBSTONE) throw new SnapshotError(`${name}: row out of range`);
      if (slot > 0) filled++;
      if (slot !== EMPTY) occupied++;
    }
    if (filled !== live || occupied !== used) throw new SnapshotError(`${name}: counts do not match`);
    const table = new RowTable();
    table.slots = slots;
    table.hashes = hashes;
    table.mask = capacity - 1;
    table.used = used;
    table.live = live;
    return table;
  }

  private resize(capacity: number): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(capacity);
    this.hashes = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.used = 0;
    this.live = 0;
    for (let j = 0; j < oldSlots.length; j++) {
      const slot = oldSlots[j] as number;
      if (slot > 0) this.insert(slot - 1, oldHashes[j] as number);
    }
  }
}

function capacityFor(rows: number): number {
  let capacity = 16;
  while (capacity * MAX_LOAD < rows) capacity *= 2;
  return capacity;
}
