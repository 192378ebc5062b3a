import { type ColumnSink, type ColumnSource, SnapshotError } from './snapshot-file.ts';

/** Saves a Map from numbers to row lists (the fuzzy indexes' overlays) as three typed arrays. */
export function saveOverlay(out: ColumnSink, name: string, overlay: Map<number, number[]>): void {
  const keys = new Uint32Array(overlay.size);
  const offsets = new Uint32Array(overlay.size + 1);
  let total = 0;
  for (const list of overlay.values()) total += list.length;
  const rows = new Uint32Array(total);
  let k = 0;
  let at = 0;
  for (const [key, list] of overlay) {
    keys[k] = key;
    offsets[k++] = at;
    rows.set(list, at);
    at += list.length;
  }
  offsets[k] = at;
  out.typed(`${name}.keys`, keys);
  out.typed(`${name}.offsets`, offsets);
  out.typed(`${name}.rows`, rows);
}

export function loadOverlay(src: ColumnSource, name: string, rowLimit: number): Map<number, number[]> {
  const keys = src.typed(`${name}.keys`, Uint32Array);
  const offsets = src.typed(`${name}.offsets`, Uint32Array, keys.length + 1);
  const rows = src.typed(`${name}.rows`, Uint32Array);
  const overlay = new Map<number, number[]>();
  for (let k = 0; k < keys.length; k++) {
    const from = offsets[k] as number;
    const to = offsets[k + 1] as number;
    if (!(from <= to && to <= rows.length)) throw new SnapshotError(`${name}: bad offsets`);
    const list = Array.from(rows.subarray(from, to));
    for (const row of list) if (row >= rowLimit) throw new SnapshotError(`${name}: row out of range`);
    overlay.set(keys[k] as number, list);
  }
  if (offsets[keys.length] !== rows.length) throw new SnapshotError(`${name}: bad offsets`);
  return overlay;
}
