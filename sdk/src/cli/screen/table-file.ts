import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  CsvParser,
  chooseEncoding,
  type EncodingChoice,
  EncodingRetry,
  FileError,
  guessDelimiter,
  openFirstSheet,
  readSample,
  readTextChunks,
  type TextEncoding,
  writeXlsx,
} from '../../tabular/index.ts';
import { CliFailure } from '../exit-codes.ts';

export type TableFormat = 'csv' | 'xlsx';

/** A spreadsheet read whole: the header row and the rows under it, as text cells. */
export interface Table {
  format: TableFormat;
  /** CSV only: what the file was decoded as, and its delimiter. */
  encoding: TextEncoding | null;
  delimiter: string;
  header: string[];
  /** Rows under the header, each with the line (CSV) or sheet row (XLSX) it came from. */
  rows: { line: number; cells: string[] }[];
}

const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export async function readTable(path: string): Promise<Table> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliFailure(`${path} is not a file / 不是文件`);
    const sample = await readSample(path);
    if (sample.length === 0) throw new CliFailure(`${path} is empty / 文件为空`);
    if (XLSX_MAGIC.every((b, i) => sample[i] === b)) return await readXlsx(path);
    if (/\.(xls|xlsb|ods|json)$/i.test(path))
      throw new CliFailure(`${path}: only .csv and .xlsx files can be screened`);
    return await readCsv(path, chooseEncoding(sample));
  } catch (err) {
    if (err instanceof FileError) throw new CliFailure(`${path}: ${err.messageZh} / ${err.message}`);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliFailure(`找不到文件 file not found: ${path}`);
    throw err;
  }
}

async function readCsv(path: string, choice: EncodingChoice): Promise<Table> {
  let parser: CsvParser | undefined;
  let delimiter = ',';
  let pending = '';
  const records: { line: number; fields: string[] }[] = [];
  try {
    for await (const text of readTextChunks(path, choice)) {
      let chunk = text;
      if (!parser) {
        // The delimiter is judged on the first whole line: Excel writes ';' or tabs in some locales.
        pending += text;
        const nl = pending.indexOf('\n');
        if (nl < 0) continue;
        delimiter = guessDelimiter(pending.slice(0, nl));
        parser = new CsvParser({ delimiter });
        chunk = pending;
        pending = '';
      }
      parser.push(chunk, records);
    }
  } catch (err) {
    // Plain ASCII at the start, GBK further down: read it all again as GB18030.
    if (err instanceof EncodingRetry) return readCsv(path, { encoding: err.encoding, skip: 0 });
    throw err;
  }
  if (!parser) {
    delimiter = guessDelimiter(pending);
    parser = new CsvParser({ delimiter });
    parser.push(pending, records);
  }
  parser.end(records);
  return toTable(
    'csv',
    choice.encoding,
    delimiter,
    records.map((r) => ({ line: r.line, cells: r.fields })),
  );
}

async function readXlsx(path: string): Promise<Table> {
  const sheet = await openFirstSheet(path);
  const rows: { line: number; cells: string[] }[] = [];
  for await (const batch of sheet.rows()) {
    for (const r of batch) {
      // A sheet stores no empty rows: put them back, so the output lines up with the input.
      for (let line = (rows.at(-1)?.line ?? r.line - 1) + 1; line < r.line; line++)
        rows.push({ line, cells: [] });
      rows.push({ line: r.line, cells: r.cells });
    }
  }
  return toTable('xlsx', null, ',', rows);
}

const blank = (cells: string[]) => cells.every((c) => c.trim() === '');

/** The first row with any text is the header; blank rows after it are kept (they are rows too). */
function toTable(
  format: TableFormat,
  encoding: TextEncoding | null,
  delimiter: string,
  rows: { line: number; cells: string[] }[],
): Table {
  const start = rows.findIndex((r) => !blank(r.cells));
  if (start < 0) throw new CliFailure('the file has no header row / 文件没有表头');
  const header = rows[start]!.cells.map((c) => c.trim());
  let end = rows.length;
  while (end > start + 1 && blank(rows[end - 1]!.cells)) end--;
  return { format, encoding, delimiter, header, rows: rows.slice(start + 1, end) };
}

const NEEDS_QUOTES = /[",\r\n;\t]/;
function csvField(value: string, delimiter: string): string {
  return NEEDS_QUOTES.test(value) || value.includes(delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes rows in the table's format. CSV goes out as UTF-8 with a BOM whatever it came in as
 * (Excel opens that correctly, and no GBK encoder ships with Node); XLSX keeps every cell as text.
 */
export async function writeTable(
  path: string,
  format: TableFormat,
  delimiter: string,
  rows: string[][],
): Promise<void> {
  if (format === 'xlsx') {
    await writeXlsx(path, rows, { header: true, sheetName: 'CredCheck' });
    return;
  }
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  let buf = '\ufeff';
  for (const row of rows) {
    buf += `${row.map((c) => csvField(c, delimiter)).join(delimiter)}\r\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await Promise.race([once(out, 'drain'), failed]);
      buf = '';
    }
  }
  out.end(buf);
  await Promise.race([once(out, 'finish'), failed]);
}
