/**
 * SHA-256 (FIPS 180-4) in plain JavaScript, synchronous, for browsers and Node alike.
 *
 * Why not Web Crypto: `crypto.subtle.digest` is async only, so a page scan could not look a code up
 * synchronously, and each call is a round trip through the event loop: building a snapshot of a
 * million codes took seconds that way against well under a second here (measured in
 * test/bench/snapshot.bench.ts). Codes and names fit in one or two 64-byte blocks, so the cost is
 * the compression function itself; the buffers below are reused so a lookup allocates nothing.
 */

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const W = new Int32Array(64);

/** Runs the compression function over `blocks` 64-byte blocks of `m` starting at `offset`. */
function compress(h: Int32Array, m: Uint8Array, offset: number, blocks: number): void {
  let h0 = h[0]!;
  let h1 = h[1]!;
  let h2 = h[2]!;
  let h3 = h[3]!;
  let h4 = h[4]!;
  let h5 = h[5]!;
  let h6 = h[6]!;
  let h7 = h[7]!;
  for (let block = 0, off = offset; block < blocks; block++, off += 64) {
    for (let i = 0, j = off; i < 16; i++, j += 4) {
      W[i] = (m[j]! << 24) | (m[j + 1]! << 16) | (m[j + 2]! << 8) | m[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15]!;
      const w2 = W[i - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let hh = h7;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  h[4] = h4;
  h[5] = h5;
  h[6] = h6;
  h[7] = h7;
}

function digestBytes(h: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const w = h[i]!;
    out[i * 4] = w >>> 24;
    out[i * 4 + 1] = w >>> 16;
    out[i * 4 + 2] = w >>> 8;
    out[i * 4 + 3] = w;
  }
  return out;
}

/** Incremental SHA-256 for long inputs (the checksum over a whole set). */
export class Sha256 {
  private readonly h = Int32Array.from(IV);
  private readonly block = new Uint8Array(64);
  private filled = 0;
  private length = 0;
  private done = false;

  update(data: Uint8Array): this {
    if (this.done) throw new Error('Sha256: update after digest');
    let i = 0;
    const n = data.length;
    this.length += n;
    if (this.filled > 0) {
      const take = Math.min(64 - this.filled, n);
      this.block.set(data.subarray(0, take), this.filled);
      this.filled += take;
      i = take;
      if (this.filled < 64) return this;
      compress(this.h, this.block, 0, 1);
      this.filled = 0;
    }
    const whole = (n - i) >>> 6;
    if (whole > 0) {
      compress(this.h, data, i, whole);
      i += whole * 64;
    }
    if (i < n) {
      this.block.set(data.subarray(i), 0);
      this.filled = n - i;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error('Sha256: digest called twice');
    this.done = true;
    const bits = this.length * 8;
    const block = this.block;
    block.fill(0, this.filled);
    block[this.filled] = 0x80;
    if (this.filled >= 56) {
      compress(this.h, block, 0, 1);
      block.fill(0);
    }
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    block[56] = hi >>> 24;
    block[57] = hi >>> 16;
    block[58] = hi >>> 8;
    block[59] = hi;
    block[60] = lo >>> 24;
    block[61] = lo >>> 16;
    block[62] = lo >>> 8;
    block[63] = lo;
    compress(this.h, block, 0, 1);
    return digestBytes(this.h);
  }
}

/** SHA-256 of bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Sha256().update(data).digest();
}

/** Scratch for hashing short strings: UTF-8 bytes plus padding, grown on demand. */
let scratch = new Uint8Array(256);
const state = new Int32Array(8);

/** UTF-8 encodes `text` into `scratch`, pads it as SHA-256 wants and returns the block count. */
function encodePadded(text: string): number {
  const need = text.length * 3 + 72;
  if (scratch.length < need) scratch = new Uint8Array(need * 2);
  const out = scratch;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >>> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          out[n++] = 0xf0 | (c >>> 18);
          out[n++] = 0x80 | ((c >>> 12) & 0x3f);
          out[n++] = 0x80 | ((c >>> 6) & 0x3f);
          out[n++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      // A lone surrogate becomes U+FFFD, as TextEncoder does.
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      out[n++] = 0xe0 | (c >>> 12);
      out[n++] = 0x80 | ((c >>> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  const bits = n * 8;
  const blocks = (n + 9 + 63) >>> 6;
  const end = blocks * 64;
  out[n] = 0x80;
  out.fill(0, n + 1, end - 4);
  out[end - 4] = bits >>> 24;
  out[end - 3] = bits >>> 16;
  out[end - 2] = bits >>> 8;
  out[end - 1] = bits;
  return blocks;
}

/**
 * The first 64 bits of SHA-256(UTF-8 of `text`) as two unsigned 32-bit words, written to
 * `out[0]` and `out[1]`. What a hash-prefix lookup needs, without allocating a digest.
 */
export function sha256Head(text: string, out: Uint32Array): void {
  const blocks = encodePadded(text);
  state.set(IV);
  compress(state, scratch, 0, blocks);
  out[0] = state[0]!;
  out[1] = state[1]!;
}

/** SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Text(text: string): Uint8Array {
  const blocks = encodePadded(text);
  state.set(IV);
  compress(state, scratch, 0, blocks);
  return digestBytes(state);
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}
