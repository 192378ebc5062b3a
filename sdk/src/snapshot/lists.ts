import { BitReader, BitWriter, corrupt, readRice, riceChoice, truncated, writeRice } from './bits.ts';

/**
 * The part snapshots and deltas share: a table of lists (count as u32, Rice parameter as u8, five
 * bytes each) right after the fixed header, then one bit stream with every list Rice-coded in
 * table order, zero-padded to a whole byte and nothing after it.
 */

export const LIST_ENTRY_BYTES = 5;

/** Writes `lists` (each strictly increasing, below 2^bits) into `header` at `tableAt` plus a body. */
export function encodeLists(
  header: Uint8Array,
  tableAt: number,
  lists: Float64Array[],
  bits: number,
): Uint8Array {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const choices = lists.map((list) => riceChoice(list, list.length, bits));
  const bodyBits = choices.reduce((sum, c) => sum + c.cost, 0);
  const writer = new BitWriter(bodyBits);
  lists.forEach((list, i) => {
    const { k } = choices[i]!;
    view.setUint32(tableAt + i * LIST_ENTRY_BYTES, list.length);
    view.setUint8(tableAt + i * LIST_ENTRY_BYTES + 4, k);
    writeRice(writer, list, list.length, k);
  });
  const body = writer.finish();
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** Reads `count` lists whose table starts at `tableAt` and whose body starts at `bodyAt`. */
export function decodeLists(
  bytes: Uint8Array,
  tableAt: number,
  count: number,
  bodyAt: number,
  bits: number,
): Float64Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table: Array<{ n: number; k: number }> = [];
  // Every Rice code takes at least k + 1 bits: a count the bytes cannot hold is refused before
  // anything is allocated for it, so a corrupt count costs neither memory nor time.
  let minimumBits = 0;
  for (let i = 0; i < count; i++) {
    const n = view.getUint32(tableAt + i * LIST_ENTRY_BYTES);
    const k = view.getUint8(tableAt + i * LIST_ENTRY_BYTES + 4);
    if (k > bits) throw corrupt(`Rice parameter ${k} exceeds the prefix width ${bits}`);
    if (n === 0 && k !== 0) throw corrupt('an empty list carries a Rice parameter');
    if (n > 2 ** bits) throw corrupt(`list of ${n} distinct values cannot fit below 2^${bits}`);
    minimumBits += n * (k + 1);
    table.push({ n, k });
  }
  const reader = new BitReader(bytes, bodyAt);
  if (minimumBits > reader.remaining()) throw truncated();
  const lists = table.map(({ n, k }) => {
    const out = new Float64Array(n);
    readRice(reader, out, n, k, bits);
    return out;
  });
  reader.expectEnd();
  return lists;
}

/**
 * Merges sorted lists into one sorted sequence tagged with the index of the list each value came
 * from. A value in two lists is corrupt: canonical snapshots and deltas never repeat a prefix.
 */
export function mergeTagged(lists: Float64Array[]): { values: Float64Array; tags: Uint8Array } {
  const total = lists.reduce((sum, l) => sum + l.length, 0);
  const values = new Float64Array(total);
  const tags = new Uint8Array(total);
  const at = new Array<number>(lists.length).fill(0);
  for (let out = 0; out < total; out++) {
    let best = -1;
    let bestValue = Number.POSITIVE_INFINITY;
    for (let l = 0; l < lists.length; l++) {
      const list = lists[l]!;
      const i = at[l]!;
      if (i >= list.length) continue;
      const v = list[i]!;
      if (v < bestValue) {
        bestValue = v;
        best = l;
      } else if (v === bestValue) throw corrupt('one prefix appears in two lists');
    }
    values[out] = bestValue;
    tags[out] = best;
    at[best]!++;
  }
  return { values, tags };
}

/** Splits a tagged sorted sequence into one list per tag (the inverse of mergeTagged). */
export function splitByTag(values: Float64Array, tags: Uint8Array, tagCount: number): Float64Array[] {
  const counts = new Array<number>(tagCount).fill(0);
  for (const t of tags) counts[t]!++;
  const lists = counts.map((c) => new Float64Array(c));
  const at = new Array<number>(tagCount).fill(0);
  for (let i = 0; i < values.length; i++) {
    const t = tags[i]!;
    lists[t]![at[t]!++] = values[i]!;
  }
  return lists;
}
