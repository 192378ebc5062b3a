import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field in COPY's text format: NULL is \N; backslash, tab, newline and return are escaped. */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : value;
}

export function copyLine(fields: ReadonlyArray<string | number | null>): string {
  let line = copyField(fields[0] ?? null);
  for (let i = 1; i < fields.length; i++) line += '\t' + copyField(fields[i] ?? null);
  return line + '\n';
}

/** Runs one `COPY … FROM STDIN` with the given text-format payload and waits until the server accepted it. */
export async function copyIn(client: PoolClient, copySql: string, payload: string | Buffer): Promise<void> {
  const stream = client.query(copyFrom(copySql));
  const finished = once(stream, 'finish');
  stream.end(payload);
  await finished;
}

/**
 * COPY text accumulated straight into a reusable buffer, so that a chunk's rows do not live on as
 * thousands of strings (which made the young-generation collector copy them around).
 */
export class CopyPayload {
  private buf = Buffer.allocUnsafe(1 << 20);
  private length = 0;

  private count = 0;

  get rows(): number {
    return this.count;
  }

  add(fields: ReadonlyArray<string | number | null>): void {
    const line = copyLine(fields);
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const worst = this.length + line.length * 3;
    if (worst > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(worst, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(line, this.length, 'utf8');
    this.count++;
  }

  /** The bytes added since the last reset; valid until the next add or reset. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
    this.count = 0;
  }
}
