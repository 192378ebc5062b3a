import type { AnswerCache, AnswerVersion } from './answer-cache.ts';
import { foundView, type LookupContext, lookupResolved, shownCode } from './lookup.ts';
import { resolveCode } from './resolve-code.ts';

interface BatchCounts {
  found: number;
  notFound: number;
  invalid: number;
}

/**
 * The body of POST /v1/subjects/batch (BatchLookupResponseSchema) as UTF-8, written item by item.
 * A found subject's part of its item (match, status, subject, entries, warnings: about a kilobyte)
 * is kept in the lookup answer cache for the data version, so a portfolio screened again, or
 * codes looked up one by one before, cost a copy instead of reading the index and serializing;
 * and the body is encoded once here, where a string body was measured and then encoded again by
 * the adapter (two passes over five megabytes for 5,000 found subjects).
 */
export function batchLookupBody(
  ctx: LookupContext,
  cache: AnswerCache | undefined,
  codes: readonly string[],
): Uint8Array<ArrayBuffer> {
  const counts: BatchCounts = { found: 0, notFound: 0, invalid: 0 };
  const version: AnswerVersion = { seq: ctx.index.seq, today: ctx.today, catalog: ctx.catalog };
  const out = new ByteWriter(codes.length * bytesPerCode);
  for (let index = 0; index < codes.length; index++) {
    if (index > 0) out.text(',');
    const resolved = resolveCode(codes[index]!, ctx.idHmacKey);
    const cacheKey = resolved.usable ? `${ctx.visibility} batch ${resolved.key}` : null;
    const cached = cacheKey === null ? undefined : cache?.get(cacheKey, version);
    const r = cached === undefined ? lookupResolved(ctx, resolved) : null;
    if (cached !== undefined) {
      counts.found++;
      out.text(foundPrefix(index, shownCode(resolved, ctx.visibility)));
      out.bytes(cached.body!);
      out.text('}');
    } else if (r?.result === 'found') {
      counts.found++;
      const prefix = foundPrefix(index, r.code);
      const { match, status, subject, entries, warnings } = foundView(ctx, r);
      const start = out.length;
      out.text(
        JSON.stringify({ index, code: r.code, result: r.result, match, status, subject, entries, warnings }),
      );
      const from = start + Buffer.byteLength(prefix);
      const to = out.length - 1;
      if (cache !== undefined && cacheKey !== null && cache.keeps(to - from)) {
        // The item's own bytes after its prefix, without the closing brace: kept for the next batch.
        cache.put(cacheKey, version, { status: 200, body: out.copy(from, to), headers: {} }, null);
      }
    } else if (r?.result === 'not-found') {
      counts.notFound++;
      out.text(
        JSON.stringify({ index, code: r.code, result: r.result, status: r.status, warnings: r.warnings }),
      );
    } else if (r?.result === 'invalid') {
      counts.invalid++;
      out.text(
        JSON.stringify({ index, code: r.code, result: r.result, status: r.status, failure: r.failure }),
      );
    }
  }
  out.text(']}');
  const head = `{"dataVersion":${ctx.index.seq},"asOf":${JSON.stringify(ctx.today)},"counts":${JSON.stringify(counts)},"items":[`;
  const body = out.done(head);
  if (codes.length >= 100)
    bytesPerCode = Math.max(MIN_BYTES_PER_CODE, Math.ceil((body.length / codes.length) * 1.1));
  return body;
}

/** The body's first buffer, per code: at least this, */
const MIN_BYTES_PER_CODE = 128;
/**
 * or what the last large batch took (a tenth more): growing a buffer of megabytes by doubling
 * copied the body twice or three times over, about a tenth of a 10,000-code batch's time.
 */
let bytesPerCode = MIN_BYTES_PER_CODE;

/** How a found item starts; JSON.stringify of the item writes the same before `match`. */
function foundPrefix(index: number, code: string | null): string {
  return `{"index":${index},"code":${JSON.stringify(code)},"result":"found",`;
}

/** Bytes kept free before the body for its head (the batch's head is under 150). */
const HEAD_ROOM = 256;

/**
 * Appends text (as UTF-8) and bytes to one growing buffer. Text is gathered and written in one call
 * before the next bytes: a native write per comma, prefix and brace cost more than the copies.
 */
class ByteWriter {
  private buf: Buffer<ArrayBuffer>;
  private used = 0;
  private pending = '';

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(HEAD_ROOM + Math.max(1024, initial));
    this.used = HEAD_ROOM;
  }

  /** Where the next byte goes: an offset for `copy`. */
  get length(): number {
    this.flush();
    return this.used;
  }

  text(s: string): void {
    this.pending += s;
    if (this.pending.length > 16_384) this.flush();
  }

  bytes(b: Uint8Array): void {
    this.flush();
    this.room(b.byteLength);
    this.buf.set(b, this.used);
    this.used += b.byteLength;
  }

  /** A copy of bytes [from, to) written so far. */
  copy(from: number, to: number): Uint8Array<ArrayBuffer> {
    this.flush();
    const at = this.buf.byteOffset;
    return new Uint8Array(this.buf.buffer.slice(at + from, at + to));
  }

  /**
   * Everything written, after `head`: the head (known only at the end, like the batch's counts)
   * goes into the room left before the body instead of a copy of megabytes behind it.
   */
  done(head: string): Buffer<ArrayBuffer> {
    this.flush();
    const size = Buffer.byteLength(head);
    if (size > HEAD_ROOM) return Buffer.concat([Buffer.from(head), this.buf.subarray(HEAD_ROOM, this.used)]);
    this.buf.write(head, HEAD_ROOM - size);
    return this.buf.subarray(HEAD_ROOM - size, this.used);
  }

  private flush(): void {
    if (this.pending === '') return;
    // At most three bytes per UTF-16 unit.
    this.room(this.pending.length * 3);
    this.used += this.buf.write(this.pending, this.used);
    this.pending = '';
  }

  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + n));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }
}
