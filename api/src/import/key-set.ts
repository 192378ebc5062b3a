/**
 * The natural keys seen in one import, with the line of each: an open-addressing table of 96-bit
 * fingerprints in typed arrays. A million keys take about 32 MB and no string is retained (the
 * cells are slices of megabyte-long decoded chunks; keeping them would keep every chunk alive).
 * Three independent 32-bit hashes make a false "duplicate" about as likely as 1 in 10^17 for a
 * million rows.
 */
export class KeySet {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 12) {
    let size = 1;
    while (size < initialCapacity * 2) size <<= 1;
    this.slots = new Uint32Array(size * 4);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Records the key at `line` and returns 0, or returns the line it was first seen on. */
  addOrGet(a: string, b: string, c: string, d: string, line: number): number {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    let h3 = 0x2f1c6a3d;
    for (let k = 0; k < 4; k++) {
      const part = k === 0 ? a : k === 1 ? b : k === 2 ? c : d;
      for (let i = 0; i < part.length; i++) {
        const ch = part.charCodeAt(i);
        h1 = Math.imul(h1 ^ ch, 0x01000193);
        h2 = Math.imul(h2 ^ ch, 0x5bd1e995);
        h2 ^= h2 >>> 15;
        h3 = Math.imul(h3 + ch, 0xcc9e2d51);
        h3 = (h3 << 13) | (h3 >>> 19);
      }
      // A separator that no character equals, so ("ab","c") and ("a","bc") differ.
      h1 = Math.imul(h1 ^ 0x10000, 0x01000193);
      h2 = Math.imul(h2 ^ 0x10000, 0x5bd1e995);
      h3 = Math.imul(h3 + 0x10000, 0xcc9e2d51);
    }
    h1 = fmix(h1);
    h2 = fmix(h2);
    h3 = fmix(h3);
    // Line 0 never occurs (the header is line 1), so a zero line marks an empty slot.
    const slots = this.slots;
    let i = h1 & this.mask;
    for (;;) {
      const at = i * 4;
      const seenLine = slots[at + 3]!;
      if (seenLine === 0) break;
      if (slots[at] === h1 >>> 0 && slots[at + 1] === h2 >>> 0 && slots[at + 2] === h3 >>> 0) return seenLine;
      i = (i + 1) & this.mask;
    }
    const at = i * 4;
    slots[at] = h1;
    slots[at + 1] = h2;
    slots[at + 2] = h3;
    slots[at + 3] = line;
    if (++this.count * 2 > this.mask) this.grow();
    return 0;
  }

  private grow(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    this.slots = new Uint32Array(size * 4);
    this.mask = size - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 3] === 0) continue;
      let i = old[at]! & this.mask;
      while (this.slots[i * 4 + 3] !== 0) i = (i + 1) & this.mask;
      this.slots.set(old.subarray(at, at + 4), i * 4);
    }
  }
}

/** Murmur3's finalizer: spreads every input bit over the whole word. */
function fmix(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
