import { stat } from 'node:fs/promises';
import {
  CsvParser,
  type CsvRecord,
  chooseEncoding,
  detectFormat,
  type EncodingChoice,
  guessDelimiter,
  type ImportFormat,
  openFirstSheet,
  readSample,
  readTextChunks,
  type TextEncoding,
} from '@credcheck/sdk/tabular';
import { ImportFileError, type RowError } from './errors.ts';
import {
  type ColumnMap,
  F,
  FIELDS,
  fieldOf,
  MAX_TITLE_ROWS,
  mapHeader,
  noHeader,
  tryHeader,
} from './fields.ts';
import { JsonArraySplitter, type JsonRecord, NdjsonSplitter } from './json-records.ts';
import type { RowValues } from './validate-row.ts';

/** One data row in field order, or a row that could not even be read as a row. */
export type ParsedRow =
  | { line: number; values: RowValues; error?: undefined }
  | { line: number; error: RowError };

export interface OpenedFile {
  format: ImportFormat;
  /** Text encoding; XLSX parts are always UTF-8. */
  encoding: TextEncoding;
  /** Bytes the progress counter runs up to (for XLSX: the uncompressed worksheet). */
  totalBytes: number;
  /** Column labels in field order as the file writes them; filled in when the header is read. */
  labels: string[];
  /** Data rows in batches; the header is consumed and checked before the first batch. */
  batches(onBytes?: (bytes: number) => void): AsyncGenerator<ParsedRow[]>;
}

/**
 * Opens an import file of any supported format. Everything that can be judged from the file as a
 * whole (existence, format, encoding, header) is judged here, before any row is read.
 */
export async function openRows(path: string, forceEncoding?: TextEncoding): Promise<OpenedFile> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new ImportFileError('not-found', `File not found: ${path}`, `找不到文件：${path}`);
    throw new ImportFileError(
      'not-found',
      `Cannot read ${path}: ${err.message}`,
      `无法读取 ${path}：${err.message}`,
    );
  });
  if (!info.isFile()) throw new ImportFileError('not-a-file', `${path} is not a file`, `${path} 不是文件`);
  const sample = await readSample(path);
  const format = detectFormat(path, sample);
  const labels: string[] = [...FIELDS];
  if (format === 'xlsx') return openXlsx(path, labels);

  const choice: EncodingChoice = forceEncoding
    ? { encoding: forceEncoding, skip: forceEncoding === 'utf-8-bom' ? 3 : 0 }
    : chooseEncoding(sample);
  const base = { format, encoding: choice.encoding, totalBytes: info.size, labels };
  if (format === 'csv') return { ...base, batches: (onBytes) => csvBatches(path, choice, labels, onBytes) };
  return { ...base, batches: (onBytes) => jsonBatches(path, choice, format, labels, onBytes) };
}

function setLabels(labels: string[], columns: ColumnMap): void {
  labels.splice(0, labels.length, ...columns.label);
}

/** Finds the header among the first rows, skipping a title or notes above it. */
class HeaderFinder {
  columns: ColumnMap | undefined;
  width = 0;
  private seen = 0;
  private first: readonly string[] | undefined;

  constructor(
    private readonly labels: string[],
    private readonly where: string,
    private readonly whereZh: string,
  ) {}

  /** True when `cells` was consumed as the header or a row above it. */
  offer(cells: readonly string[]): boolean {
    if (this.columns !== undefined) return false;
    if (isBlank(cells)) return true;
    this.first ??= cells;
    const map = tryHeader(cells);
    if (map === null) {
      if (++this.seen >= MAX_TITLE_ROWS) throw noHeader(this.first, this.where, this.whereZh);
      return true;
    }
    this.columns = map;
    this.width = cells.length;
    setLabels(this.labels, map);
    return true;
  }

  /** At the end of the file: no header was found. */
  finish(): void {
    if (this.columns !== undefined) return;
    if (this.first !== undefined) throw noHeader(this.first, this.where, this.whereZh);
  }
}

async function* csvBatches(
  path: string,
  choice: EncodingChoice,
  labels: string[],
  onBytes?: (bytes: number) => void,
): AsyncGenerator<ParsedRow[]> {
  let parser: CsvParser | undefined;
  const header = new HeaderFinder(labels, 'in the first rows', '文件前几行中');
  let pending = '';
  const records: CsvRecord[] = [];
  const toRows = (): ParsedRow[] => {
    const out: ParsedRow[] = [];
    for (const rec of records) {
      if (header.offer(rec.fields)) continue;
      const row = tableRow(rec.line, rec.fields, header.columns!, header.width);
      if (row) out.push(row);
    }
    records.length = 0;
    return out;
  };
  for await (const text of readTextChunks(path, choice, onBytes)) {
    if (parser === undefined) {
      // The delimiter is read off the header line, so wait until that line is complete.
      pending += text;
      const nl = pending.indexOf('\n');
      if (nl < 0 && pending.length < 1 << 20) continue;
      parser = new CsvParser({ delimiter: guessDelimiter(nl < 0 ? pending : pending.slice(0, nl)) });
      parser.push(pending, records);
      pending = '';
    } else parser.push(text, records);
    const rows = toRows();
    if (rows.length > 0) yield rows;
  }
  if (parser === undefined) {
    parser = new CsvParser({ delimiter: guessDelimiter(pending) });
    parser.push(pending, records);
  }
  parser.end(records);
  const rows = toRows();
  header.finish();
  if (header.columns === undefined)
    throw new ImportFileError('empty', 'The file has no rows', '文件中没有数据行');
  if (rows.length > 0) yield rows;
}

function isBlank(cells: readonly string[]): boolean {
  for (const c of cells) if (c !== '' && c.trim() !== '') return false;
  return true;
}

/** A CSV or sheet row in field order; null for a blank row. */
function tableRow(line: number, cells: string[], columns: ColumnMap, headerWidth: number): ParsedRow | null {
  if (cells.length > headerWidth) {
    for (let i = headerWidth; i < cells.length; i++) {
      if (cells[i] !== '' && cells[i]!.trim() !== '') {
        return {
          line,
          error: {
            line,
            message: `the row has ${cells.length} cells but the header has ${headerWidth}: quote values that contain a comma`,
            messageZh: `该行有 ${cells.length} 个单元格，表头只有 ${headerWidth} 列：含逗号的值需加引号`,
          },
        };
      }
    }
  }
  const idx = columns.index;
  const values: RowValues = new Array(FIELDS.length);
  let any = false;
  for (let f = 0; f < FIELDS.length; f++) {
    const i = idx[f]!;
    if (i >= 0) {
      const v = cells[i];
      values[f] = v;
      if (!any && v !== undefined && v !== '') any = true;
    }
  }
  if (!any && isBlank(cells)) return null;
  return { line, values };
}

async function openXlsx(path: string, labels: string[]): Promise<OpenedFile> {
  const sheet = await openFirstSheet(path);
  return {
    format: 'xlsx',
    encoding: 'utf-8',
    totalBytes: sheet.totalBytes,
    labels,
    async *batches(onBytes) {
      const header = new HeaderFinder(
        labels,
        `in the first rows of sheet "${sheet.sheetName}"`,
        `工作表“${sheet.sheetName}”前几行中`,
      );
      for await (const batch of sheet.rows(onBytes)) {
        const out: ParsedRow[] = [];
        for (const r of batch) {
          if (header.offer(r.cells)) continue;
          const row = tableRow(r.line, r.cells, header.columns!, Math.max(header.width, r.cells.length));
          if (row) out.push(row);
        }
        if (out.length > 0) yield out;
      }
      header.finish();
      if (header.columns === undefined) {
        throw new ImportFileError(
          'empty',
          `The first sheet ("${sheet.sheetName}") has no rows`,
          `第一个工作表（“${sheet.sheetName}”）中没有数据`,
        );
      }
    },
  };
}

async function* jsonBatches(
  path: string,
  choice: EncodingChoice,
  format: 'json' | 'ndjson',
  labels: string[],
  onBytes?: (bytes: number) => void,
): AsyncGenerator<ParsedRow[]> {
  const splitter = format === 'json' ? new JsonArraySplitter() : new NdjsonSplitter();
  const mapper = new ObjectMapper(format, labels);
  const records: JsonRecord[] = [];
  for await (const text of readTextChunks(path, choice, onBytes)) {
    splitter.push(text, records);
    if (records.length > 0) {
      const rows = records.map((r) => mapper.row(r));
      records.length = 0;
      yield rows;
    }
  }
  splitter.end(records);
  const rows = records.map((r) => mapper.row(r));
  if (!mapper.sawObject && rows.length === 0) {
    throw new ImportFileError('empty', 'The file has no entries', '文件中没有名单条目');
  }
  if (rows.length > 0) yield rows;
}

/** Maps the keys of JSON objects to fields; the first object's keys play the part of a header. */
class ObjectMapper {
  sawObject = false;
  private readonly fieldCache = new Map<string, number>();
  private readonly what: string;
  private readonly whatZh: string;

  constructor(
    format: 'json' | 'ndjson',
    private readonly labels: string[],
  ) {
    this.what = format === 'json' ? 'entry' : 'line';
    this.whatZh = format === 'json' ? '项' : '行';
  }

  row(rec: JsonRecord): ParsedRow {
    const { line, value } = rec;
    if (value instanceof SyntaxError) {
      return {
        line,
        error: {
          line,
          message: `not valid JSON: ${value.message}`,
          messageZh: `不是有效的 JSON：${value.message}`,
        },
      };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return {
        line,
        error: {
          line,
          message: `${this.what} ${line} is not a JSON object`,
          messageZh: `第 ${line} ${this.whatZh}不是 JSON 对象`,
        },
      };
    }
    const obj = value as Record<string, unknown>;
    if (!this.sawObject) {
      this.sawObject = true;
      setLabels(this.labels, mapHeader(Object.keys(obj), `the first ${this.what}`, `第一${this.whatZh}`));
    }
    const values: RowValues = new Array(FIELDS.length);
    for (const key of Object.keys(obj)) {
      let f = this.fieldCache.get(key);
      if (f === undefined) {
        const field = fieldOf(key);
        f = field === undefined ? -1 : F[field];
        this.fieldCache.set(key, f);
      }
      if (f < 0) continue;
      const v = obj[key];
      if (v === null || v === undefined) continue;
      if (typeof v === 'string') values[f] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') values[f] = String(v);
      else {
        return {
          line,
          error: {
            line,
            column: key,
            message: `${key} must be text, not ${Array.isArray(v) ? 'an array' : 'an object'}`,
            messageZh: `${key} 应为文本`,
          },
        };
      }
    }
    return { line, values };
  }
}
