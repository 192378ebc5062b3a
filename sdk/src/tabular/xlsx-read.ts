import { excelSerialToIso } from './excel-date.ts';
import { FileError } from './file-error.ts';
import { attr, decodeXml, richText } from './xml-text.ts';
import { readZipDirectory, readZipEntry, readZipText, type ZipEntry } from './zip-read.ts';

export interface SheetRow {
  /** The sheet's own row number, as Excel shows it. */
  line: number;
  cells: string[];
}

export interface SheetReader {
  sheetName: string;
  /** Uncompressed size of the worksheet part, for progress. */
  totalBytes: number;
  rows(onBytes?: (bytes: number) => void): AsyncGenerator<SheetRow[]>;
}

const bad = (detail: string, detailZh: string) =>
  new FileError(
    'bad-xlsx',
    `Not a readable XLSX workbook: ${detail}`,
    `不是可读取的 XLSX 工作簿：${detailZh}`,
  );

/** Opens the first worksheet (the first tab) of an XLSX workbook for streaming. */
export async function openFirstSheet(path: string): Promise<SheetReader> {
  const entries = await readZipDirectory(path);
  const workbookEntry = entries.get('xl/workbook.xml');
  if (!workbookEntry) throw bad('the archive has no xl/workbook.xml', '压缩包中没有 xl/workbook.xml');
  const workbook = await readZipText(path, workbookEntry);
  const sheetTag = /<(?:[\w.-]+:)?sheet\s([^>]*?)\/?>/.exec(workbook);
  if (!sheetTag) throw bad('the workbook has no sheet', '工作簿中没有工作表');
  const sheetName = attr(sheetTag[1]!, 'name') ?? 'Sheet1';
  const relId = attr(sheetTag[1]!, 'id');
  const prTag = /<(?:[\w.-]+:)?workbookPr\s([^>]*?)\/?>/.exec(workbook);
  const date1904Attr = prTag ? attr(prTag[1]!, 'date1904') : undefined;
  const date1904 = date1904Attr === '1' || date1904Attr === 'true';

  const sheetPath = await resolveSheetPath(path, entries, relId);
  const sheetEntry = entries.get(sheetPath);
  if (!sheetEntry) throw bad(`the first sheet (${sheetPath}) is missing`, `缺少第一个工作表（${sheetPath}）`);
  const sharedEntry = entries.get('xl/sharedStrings.xml');
  const shared = sharedEntry ? await readSharedStrings(path, sharedEntry) : [];
  const stylesEntry = entries.get('xl/styles.xml');
  const dateStyles = stylesEntry ? parseDateStyles(await readZipText(path, stylesEntry)) : [];

  return {
    sheetName,
    totalBytes: sheetEntry.size,
    rows: (onBytes) => sheetRows(path, sheetEntry, { shared, dateStyles, date1904 }, onBytes),
  };
}

async function resolveSheetPath(
  path: string,
  entries: Map<string, ZipEntry>,
  relId: string | undefined,
): Promise<string> {
  const relsEntry = entries.get('xl/_rels/workbook.xml.rels');
  if (relId && relsEntry) {
    const rels = await readZipText(path, relsEntry);
    for (const m of rels.matchAll(/<(?:[\w.-]+:)?Relationship\s([^>]*?)\/?>/g)) {
      if (attr(m[1]!, 'Id') !== relId) continue;
      const target = attr(m[1]!, 'Target') ?? '';
      return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
    }
  }
  return 'xl/worksheets/sheet1.xml';
}

/** Streams the <si> items in order; the index of each is what a `t="s"` cell refers to. */
async function readSharedStrings(path: string, entry: ZipEntry): Promise<string[]> {
  const out: string[] = [];
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  const item = /<(?:[\w.-]+:)?si\b[^>]*?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?si>)/g;
  for await (const chunk of readZipEntry(path, entry)) {
    buf += decoder.decode(chunk, { stream: true });
    item.lastIndex = 0;
    let consumed = 0;
    for (let m = item.exec(buf); m; m = item.exec(buf)) {
      out.push(m[1] === undefined ? '' : richText(m[1]));
      consumed = item.lastIndex;
    }
    buf = buf.slice(consumed);
    if (buf.length > 16 << 20) throw bad('a shared string is larger than 16 MB', '共享字符串过大');
  }
  return out;
}

/** Built-in number formats that show a date (ECMA-376 §18.8.30, with the CJK ones). */
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54,
  55, 56, 57, 58,
]);

/** For each cell style index: does it format numbers as dates? */
export function parseDateStyles(styles: string): boolean[] {
  const custom = new Map<number, boolean>();
  for (const m of styles.matchAll(/<(?:[\w.-]+:)?numFmt\s([^>]*?)\/?>/g)) {
    const id = Number(attr(m[1]!, 'numFmtId'));
    custom.set(id, isDateFormatCode(attr(m[1]!, 'formatCode') ?? ''));
  }
  const xfsBlock = /<(?:[\w.-]+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?cellXfs>/.exec(styles);
  if (!xfsBlock) return [];
  const out: boolean[] = [];
  for (const m of xfsBlock[1]!.matchAll(/<(?:[\w.-]+:)?xf\s([^>]*?)\/?>/g)) {
    const id = Number(attr(m[1]!, 'numFmtId') ?? 0);
    out.push(custom.get(id) ?? BUILTIN_DATE_FORMATS.has(id));
  }
  return out;
}

export function isDateFormatCode(code: string): boolean {
  const stripped = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '')
    .replace(/General/gi, '');
  return /[dmyhs]/i.test(stripped) || /[年月日]/.test(stripped);
}

interface CellContext {
  shared: string[];
  dateStyles: boolean[];
  date1904: boolean;
}

const ROW_START = /<(?:[\w.-]+:)?row[\s>/]/g;
const CELL = /<(?:[\w.-]+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?c>)/g;
const VALUE = /<(?:[\w.-]+:)?v(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?v>/;
const INLINE = /<(?:[\w.-]+:)?is\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?is>/;

async function* sheetRows(
  path: string,
  entry: ZipEntry,
  ctx: CellContext,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<SheetRow[]> {
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let bytes = 0;
  let nextRow = 1;
  for await (const chunk of readZipEntry(path, entry)) {
    bytes += chunk.length;
    buf += decoder.decode(chunk, { stream: true });
    const out: SheetRow[] = [];
    let pos = 0;
    for (;;) {
      ROW_START.lastIndex = pos;
      const start = ROW_START.exec(buf);
      if (!start) {
        // Keep a short tail: a row tag may be cut across two chunks.
        pos = Math.max(pos, buf.length - 16);
        break;
      }
      const tagEnd = buf.indexOf('>', start.index);
      if (tagEnd < 0) {
        pos = start.index;
        break;
      }
      const tagText = buf.slice(start.index, tagEnd + 1);
      const rowAttr = attr(tagText.slice(tagText.indexOf(' ') + 1, -1), 'r');
      const line = rowAttr ? Number(rowAttr) : nextRow;
      nextRow = line + 1;
      if (tagText.endsWith('/>')) {
        pos = tagEnd + 1;
        continue;
      }
      const closeMatch = /<\/(?:[\w.-]+:)?row>/g;
      closeMatch.lastIndex = tagEnd;
      const close = closeMatch.exec(buf);
      if (!close) {
        pos = start.index;
        nextRow = line;
        break;
      }
      const cells = parseCells(buf.slice(tagEnd + 1, close.index), ctx);
      if (cells.length > 0) out.push({ line, cells });
      pos = closeMatch.lastIndex;
    }
    buf = buf.slice(pos);
    if (buf.length > 1 << 24) throw bad('a sheet row is larger than 16 MB', '工作表中某一行过大');
    onBytes?.(bytes);
    if (out.length > 0) yield out;
  }
}

function parseCells(rowXml: string, ctx: CellContext): string[] {
  const cells: string[] = [];
  CELL.lastIndex = 0;
  let col = 0;
  for (let m = CELL.exec(rowXml); m; m = CELL.exec(rowXml)) {
    const attrs = m[1] ?? '';
    const ref = attr(attrs, 'r');
    if (ref) col = columnIndex(ref);
    const value = cellValue(attrs, m[2] ?? '', ctx);
    while (cells.length < col) cells.push('');
    cells[col] = value;
    col++;
  }
  return cells;
}

function cellValue(attrs: string, body: string, ctx: CellContext): string {
  const type = attr(attrs, 't') ?? 'n';
  if (type === 'inlineStr') {
    const is = INLINE.exec(body);
    return is ? richText(is[1]!) : '';
  }
  const v = VALUE.exec(body);
  if (!v) return '';
  const raw = decodeXml(v[1]!);
  switch (type) {
    case 's':
      return ctx.shared[Number(raw)] ?? '';
    case 'b':
      return raw === '1' ? 'TRUE' : 'FALSE';
    case 'd':
      return raw.slice(0, 10);
    case 'str':
    case 'e':
      return raw;
    default: {
      const num = Number(raw);
      if (raw === '' || !Number.isFinite(num)) return raw;
      const style = Number(attr(attrs, 's') ?? 0);
      if (ctx.dateStyles[style]) return excelSerialToIso(num, ctx.date1904) ?? raw;
      // 15 significant digits is what Excel itself shows; it hides binary noise like 0.30000000000000004.
      return String(Number(num.toPrecision(15)));
    }
  }
}

/** "AB12" → 27 (zero-based column). */
function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}
