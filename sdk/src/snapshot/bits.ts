import { SnapshotError } from './errors.ts';

/**
 * Bit-level writer and reader (most significant bit first) and the Golomb-Rice code of sorted
 * value lists. Values are integers below 2^48 held in doubles (exact up to 2^53); the 32-bit
 * operators only ever see pieces of at most 32 bits.
 */

const TWO_32 = 0x100000000;

export class BitWriter {
  private readonly bytes: Uint8Array;
  private byte = 0;
  private bit = 0;

  /** `totalBits` is exact: the caller knows the cost of what it writes (see riceCost). */
  constructor(totalBits: number) {
    this.bytes = new Uint8Array(Math.ceil(totalBits / 8));
  }

  /** Writes the low `n` bits of `value` (0 ≤ n ≤ 32, value < 2^n). */
  writeBits(value: number, n: number): void {
    const bytes = this.bytes;
    let need = n;
    while (need > 0) {
      const avail = 8 - this.bit;
      const take = need < avail ? need : avail;
      // value / 2^(need-take), truncated: the next `take` bits, without a 32-bit shift overflow.
      const chunk = Math.floor(value / 2 ** (need - take)) & ((1 << take) - 1);
      bytes[this.byte] = bytes[this.byte]! | (chunk << (avail - take));
      need -= take;
      this.bit += take;
      if (this.bit === 8) {
        this.bit = 0;
        this.byte++;
      }
    }
  }

  /** `count` zero bits then a one: the unary quotient of a Rice code. */
  writeUnary(count: number): void {
    const total = this.bit + count;
    this.byte += Math.floor(total / 8);
    this.bit = total % 8;
    this.writeBits(1, 1);
  }

  /** A value below 2^48 in `n` bits (n ≤ 48). */
  writeWide(value: number, n: number): void {
    if (n > 32) {
      this.writeBits(Math.floor(value / TWO_32), n - 32);
      this.writeBits(value % TWO_32, 32);
    } else this.writeBits(value, n);
  }

  finish(): Uint8Array {
    const used = this.byte + (this.bit > 0 ? 1 : 0);
    if (used !== this.bytes.length)
      throw new Error(`BitWriter: wrote ${used} bytes, sized for ${this.bytes.length}`);
    return this.bytes;
  }
}

export class BitReader {
  private byte: number;
  private bit = 0;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.byte = start;
  }

  /** Bits not read yet. */
  remaining(): number {
    return (this.bytes.length - this.byte) * 8 - this.bit;
  }

  readBits(n: number): number {
    const bytes = this.bytes;
    let value = 0;
    let need = n;
    while (need > 0) {
      if (this.byte >= bytes.length) throw truncated();
      const avail = 8 - this.bit;
      const take = need < avail ? need : avail;
      const chunk = (bytes[this.byte]! >>> (avail - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk;
      need -= take;
      this.bit += take;
      if (this.bit === 8) {
        this.bit = 0;
        this.byte++;
      }
    }
    return value;
  }

  readWide(n: number): number {
    if (n > 32) {
      const hi = this.readBits(n - 32);
      return hi * TWO_32 + this.readBits(32);
    }
    return this.readBits(n);
  }

  /**
   * Zero bits up to the next one bit. More than `max` zeros cannot be a valid code here, so the
   * read stops there: a run of zeros in corrupt input costs at most `max` / 8 steps.
   */
  readUnary(max: number): number {
    const bytes = this.bytes;
    let count = 0;
    for (;;) {
      if (this.byte >= bytes.length) throw truncated();
      const rest = (bytes[this.byte]! << this.bit) & 0xff;
      if (rest === 0) {
        count += 8 - this.bit;
        this.bit = 0;
        this.byte++;
        if (count > max) throw corrupt('a Golomb-Rice quotient runs past the largest possible value');
        continue;
      }
      const zeros = Math.clz32(rest) - 24;
      count += zeros;
      if (count > max) throw corrupt('a Golomb-Rice quotient runs past the largest possible value');
      this.bit += zeros + 1;
      if (this.bit === 8) {
        this.bit = 0;
        this.byte++;
      }
      return count;
    }
  }

  /** The stream must end here: only zero padding up to the byte boundary, then nothing. */
  expectEnd(): void {
    if (this.bit > 0) {
      if ((this.bytes[this.byte]! << this.bit) & 0xff)
        throw corrupt('padding bits after the last value are not zero');
      this.byte++;
      this.bit = 0;
    }
    if (this.byte !== this.bytes.length) {
      throw corrupt(`${this.bytes.length - this.byte} bytes of unexpected data after the last value`);
    }
  }
}

export function truncated(): SnapshotError {
  return new SnapshotError('truncated', 'The data ends early: it is truncated (download it again).');
}

export function corrupt(why: string): SnapshotError {
  return new SnapshotError('corrupt', `The data is corrupt: ${why}.`);
}

/**
 * Golomb-Rice parameter that makes `values` (strictly increasing, below 2^bits) shortest, and the
 * exact bit count at that parameter. Gaps are coded as value − previous − 1 (the first as itself).
 */
export function riceChoice(values: Float64Array, n: number, bits: number): { k: number; cost: number } {
  if (n === 0) return { k: 0, cost: 0 };
  const last = values[n - 1]!;
  // Sum of gaps = last − (n − 1); the mean gap puts the optimum within a step or two of log2(mean).
  const mean = (last - (n - 1)) / n;
  const guess = mean < 1 ? 0 : Math.floor(Math.log2(mean));
  let best = { k: 0, cost: Number.POSITIVE_INFINITY };
  for (let k = Math.max(0, guess - 2); k <= Math.min(bits, guess + 2); k++) {
    const cost = riceCost(values, n, k);
    if (cost < best.cost) best = { k, cost };
  }
  return best;
}

function riceCost(values: Float64Array, n: number, k: number): number {
  const scale = 2 ** k;
  let quotients = 0;
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    quotients += Math.floor((v - previous - 1) / scale);
    previous = v;
  }
  return quotients + n * (k + 1);
}

export function writeRice(w: BitWriter, values: Float64Array, n: number, k: number): void {
  const scale = 2 ** k;
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const gap = v - previous - 1;
    const q = Math.floor(gap / scale);
    w.writeUnary(q);
    w.writeWide(gap - q * scale, k);
    previous = v;
  }
}

/**
 * Reads `n` Rice-coded values into `out`. Each must stay below 2^bits; since gaps are value −
 * previous − 1, the list comes out strictly increasing by construction.
 */
export function readRice(r: BitReader, out: Float64Array, n: number, k: number, bits: number): void {
  const scale = 2 ** k;
  const limit = 2 ** bits;
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const room = limit - previous - 2; // the largest gap that keeps the value below 2^bits
    if (room < 0) throw corrupt('more values than fit below the prefix width');
    const q = r.readUnary(Math.floor(room / scale));
    const gap = q * scale + r.readWide(k);
    if (gap > room) throw corrupt('a value lies outside the prefix width');
    previous = previous + 1 + gap;
    out[i] = previous;
  }
}
