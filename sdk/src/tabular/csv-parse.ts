import { FileError } from './file-error.ts';

export interface CsvRecord {
  /** Line on which the record starts (1-based, as an editor shows it). */
  line: number;
  fields: string[];
}

export interface CsvOptions {
  delimiter?: string;
  /** A record longer than this is not a list row: the file is refused instead of buffered. */
  maxRecordChars?: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Streaming RFC 4180 parser: quoted fields, doubled quotes, embedded newlines, CRLF or LF. Lines
 * without a quote take a fast split path, which is what nearly every line of a real list is.
 * Lenient where Excel is: a stray quote inside an unquoted field is kept as text.
 */
export class CsvParser {
  private buf = '';
  private line = 1;
  private readonly delim: string;
  private readonly delimCode: number;
  private readonly max: number;

  constructor(opts: CsvOptions = {}) {
    this.delim = opts.delimiter ?? ',';
    this.delimCode = this.delim.charCodeAt(0);
    this.max = opts.maxRecordChars ?? 1 << 20;
  }

  push(chunk: string, out: CsvRecord[] = []): CsvRecord[] {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    this.drain(false, out);
    return out;
  }

  end(out: CsvRecord[] = []): CsvRecord[] {
    this.drain(true, out);
    return out;
  }

  private drain(final: boolean, out: CsvRecord[]): void {
    const buf = this.buf;
    let pos = 0;
    // Position of the next quote at or after pos; -1 once none is left, so a quote-free buffer
    // is searched once rather than once per line.
    let q = -2;
    while (pos < buf.length) {
      const nl = buf.indexOf('\n', pos);
      if (nl < 0 && !final) break;
      const lineEnd = nl < 0 ? buf.length : nl;
      if (q !== -1 && q < pos) q = buf.indexOf('"', pos);
      if (q < 0 || q > lineEnd) {
        let end = lineEnd;
        if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
        if (end - pos > this.max) this.tooLong();
        if (end > pos) out.push({ line: this.line, fields: buf.slice(pos, end).split(this.delim) });
        this.line++;
        pos = lineEnd + 1;
        continue;
      }
      const next = this.quoted(buf, pos, final, out);
      if (next < 0) break;
      pos = next;
    }
    this.buf = pos >= buf.length ? '' : buf.slice(pos);
    if (!final && this.buf.length > this.max) this.tooLong();
  }

  /** Character-level parse of one record that contains quotes; returns -1 when it needs more input. */
  private quoted(buf: string, start: number, final: boolean, out: CsvRecord[]): number {
    const fields: string[] = [];
    let field = '';
    let i = start;
    let newlines = 0;
    let inQuotes = false;
    let fieldStart = i;
    const n = buf.length;
    while (i < n) {
      const c = buf.charCodeAt(i);
      if (inQuotes) {
        if (c === QUOTE) {
          if (i + 1 < n && buf.charCodeAt(i + 1) === QUOTE) {
            field += buf.slice(fieldStart, i + 1);
            i += 2;
            fieldStart = i;
            continue;
          }
          if (i + 1 >= n && !final) return -1;
          field += buf.slice(fieldStart, i);
          inQuotes = false;
          i++;
          fieldStart = i;
          continue;
        }
        if (c === LF) newlines++;
        i++;
        continue;
      }
      if (c === this.delimCode) {
        fields.push(field + buf.slice(fieldStart, i));
        field = '';
        i++;
        fieldStart = i;
        continue;
      }
      if (c === LF) {
        let end = i;
        if (end > fieldStart && buf.charCodeAt(end - 1) === CR) end--;
        fields.push(field + buf.slice(fieldStart, end));
        this.emit(fields, out);
        this.line += newlines + 1;
        return i + 1;
      }
      if (c === QUOTE && i === fieldStart && field.length === 0) {
        inQuotes = true;
        i++;
        fieldStart = i;
        continue;
      }
      i++;
    }
    if (!final) {
      if (i - start > this.max) this.tooLong(inQuotes);
      return -1;
    }
    if (inQuotes) this.tooLong(true);
    let end = n;
    if (end > fieldStart && buf.charCodeAt(end - 1) === CR) end--;
    fields.push(field + buf.slice(fieldStart, end));
    this.emit(fields, out);
    this.line += newlines + 1;
    return n;
  }

  private emit(fields: string[], out: CsvRecord[]): void {
    if (fields.length === 1 && fields[0] === '') return;
    out.push({ line: this.line, fields });
  }

  private tooLong(unclosedQuote = false): never {
    const mb = Math.round(this.max / (1 << 20));
    if (unclosedQuote) {
      throw new FileError(
        'line-too-long',
        `A quote opened on line ${this.line} is never closed (or its record is longer than ${mb} MB)`,
        `第 ${this.line} 行的引号没有闭合（或该记录超过 ${mb} MB）`,
      );
    }
    throw new FileError(
      'line-too-long',
      `Line ${this.line} is longer than ${mb} MB: this is not a list file`,
      `第 ${this.line} 行超过 ${mb} MB，不是名单文件`,
    );
  }
}

/** Picks the delimiter that splits the header line into the most fields (Excel may use ; or tab). */
export function guessDelimiter(firstLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', '\t', ';']) {
    const count = firstLine.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}
