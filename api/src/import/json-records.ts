import { ImportFileError } from './errors.ts';

export interface JsonRecord {
  /** Array index + 1 for JSON, physical line for NDJSON. */
  line: number;
  value: unknown;
}

const MAX_ELEMENT_CHARS = 1 << 20;

const WS = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;

/**
 * Splits a JSON array of objects — or `{"entries": [...]}` — into its elements as the text streams
 * in, so a file of a million entries is never parsed as one value. Each element is handed to
 * JSON.parse on its own.
 */
export class JsonArraySplitter {
  private buf = '';
  /** Index in buf where scanning resumes. */
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  private started = false;
  private finished = false;
  /** Depth at which elements sit: 1 for a top-level array, 2 inside `{"entries": [...]}`. */
  private elemDepth = 0;
  private topIsObject = false;
  private elemStart = -1;
  private index = 0;
  /** Keys at depth 1 of a top-level object, to find "entries". */
  private keyStart = -1;
  private lastString = '';
  private currentKey: string | null = null;

  push(chunk: string, out: JsonRecord[] = []): JsonRecord[] {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    this.scan(out);
    return out;
  }

  end(out: JsonRecord[] = []): JsonRecord[] {
    this.scan(out);
    if (!this.started) this.fail('The JSON file holds no value', 'JSON 文件没有内容');
    if (!this.finished) {
      if (this.elemDepth === 0) this.noEntries();
      this.fail(
        'The JSON file ends in the middle of a value (truncated?)',
        'JSON 文件在数据中途结束（文件不完整？）',
      );
    }
    return out;
  }

  private scan(out: JsonRecord[]): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    for (; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x22) {
          this.inString = false;
          if (this.keyStart >= 0) {
            this.lastString = buf.slice(this.keyStart, i);
            this.keyStart = -1;
          }
        }
        continue;
      }
      if (this.finished) {
        if (!WS(c))
          this.fail('Unexpected text after the end of the JSON value', 'JSON 数据结束后还有多余内容');
        continue;
      }
      if (!this.started) {
        if (WS(c)) continue;
        if (c === 0x5b) {
          this.started = true;
          this.depth = 1;
          this.elemDepth = 1;
          continue;
        }
        if (c === 0x7b) {
          this.started = true;
          this.topIsObject = true;
          this.depth = 1;
          continue;
        }
        this.notArray();
      }
      const atElemLevel = this.elemDepth > 0 && this.depth === this.elemDepth;
      if (atElemLevel && this.elemStart < 0) {
        if (WS(c) || c === 0x2c) continue;
        if (c === 0x5d) {
          this.closeArray();
          continue;
        }
        this.elemStart = i;
      }
      if (c === 0x22) {
        this.inString = true;
        if (this.topIsObject && this.depth === 1) this.keyStart = i + 1;
        continue;
      }
      if (c === 0x7b || c === 0x5b) {
        if (
          this.topIsObject &&
          this.depth === 1 &&
          c === 0x5b &&
          this.currentKey === 'entries' &&
          this.elemDepth === 0
        ) {
          this.depth = 2;
          this.elemDepth = 2;
          continue;
        }
        this.depth++;
        continue;
      }
      if (c === 0x7d || c === 0x5d) {
        if (this.elemStart >= 0 && this.depth === this.elemDepth) {
          // The array closes right after a primitive element.
          this.emit(buf.slice(this.elemStart, i).trim(), out);
          this.closeArray();
          continue;
        }
        this.depth--;
        if (this.depth === 0) {
          if (this.elemDepth === 0) this.noEntries();
          this.finished = true;
          continue;
        }
        if (this.elemStart >= 0 && this.depth === this.elemDepth)
          this.emit(buf.slice(this.elemStart, i + 1), out);
        continue;
      }
      if (this.topIsObject && this.depth === 1) {
        if (c === 0x3a) this.currentKey = this.lastString;
        else if (c === 0x2c) this.currentKey = null;
        continue;
      }
      if (c === 0x2c && this.elemStart >= 0 && this.depth === this.elemDepth) {
        this.emit(buf.slice(this.elemStart, i).trim(), out);
      }
    }
    const keepFrom = this.elemStart >= 0 ? this.elemStart : this.keyStart >= 0 ? this.keyStart : n;
    if (n - keepFrom > MAX_ELEMENT_CHARS) {
      throw new ImportFileError(
        'line-too-long',
        `Entry ${this.index + 1} of the JSON array is longer than 1 MB: this is not a list file`,
        `JSON 数组第 ${this.index + 1} 项超过 1 MB，不是名单文件`,
      );
    }
    this.buf = buf.slice(keepFrom);
    this.pos = i - keepFrom;
    if (this.elemStart >= 0) this.elemStart -= keepFrom;
    if (this.keyStart >= 0) this.keyStart -= keepFrom;
  }

  private closeArray(): void {
    // Leaving the element array: for `{"entries": [...]}` the rest of the object is skipped.
    this.depth = this.elemDepth - 1;
    if (this.depth === 0) this.finished = true;
    this.elemDepth = -1;
  }

  private emit(text: string, out: JsonRecord[]): void {
    this.elemStart = -1;
    this.index++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.fail(
        `JSON syntax error in entry ${this.index}: ${(err as Error).message}`,
        `JSON 第 ${this.index} 项语法错误：${(err as Error).message}`,
      );
    }
    out.push({ line: this.index, value });
  }

  private notArray(): never {
    this.fail(
      'JSON must be an array of objects or {"entries": [...]}',
      'JSON 必须是对象数组，或 {"entries": [...]} 形式',
    );
  }

  private noEntries(): never {
    this.fail('The JSON object has no "entries" array', 'JSON 对象中没有 "entries" 数组');
  }

  private fail(message: string, messageZh: string): never {
    throw new ImportFileError('bad-json', message, messageZh);
  }
}

/** NDJSON: one object per line, blank lines ignored; a bad line is a row error, not a file error. */
export class NdjsonSplitter {
  private buf = '';
  private line = 1;

  push(chunk: string, out: JsonRecord[] = []): JsonRecord[] {
    this.buf = this.buf.length === 0 ? chunk : this.buf + chunk;
    let pos = 0;
    for (;;) {
      const nl = this.buf.indexOf('\n', pos);
      if (nl < 0) break;
      this.take(this.buf.slice(pos, nl), out);
      pos = nl + 1;
    }
    this.buf = this.buf.slice(pos);
    if (this.buf.length > MAX_ELEMENT_CHARS) {
      throw new ImportFileError(
        'line-too-long',
        `Line ${this.line} is longer than 1 MB: this is not a list file`,
        `第 ${this.line} 行超过 1 MB，不是名单文件`,
      );
    }
    return out;
  }

  end(out: JsonRecord[] = []): JsonRecord[] {
    if (this.buf.length > 0) this.take(this.buf, out);
    this.buf = '';
    return out;
  }

  private take(text: string, out: JsonRecord[]): void {
    const line = this.line++;
    const t = text.trim();
    if (t.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      value = new SyntaxError((err as Error).message);
    }
    out.push({ line, value });
  }
}
