import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { FileError } from './file-error.ts';

export type ImportFormat = 'csv' | 'xlsx' | 'json' | 'ndjson';

export const SAMPLE_BYTES = 64 * 1024;

export async function readSample(path: string, bytes = SAMPLE_BYTES): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Well-known binary formats someone may pick by mistake, named so the error says what it is. */
const MAGIC: Array<[number[], string, string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image', 'PNG 图片'],
  [[0xff, 0xd8, 0xff], 'a JPEG image', 'JPEG 图片'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image', 'GIF 图片'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document', 'PDF 文档'],
  [[0x1f, 0x8b], 'a gzip archive', 'gzip 压缩包'],
  [[0x52, 0x61, 0x72, 0x21], 'a RAR archive', 'RAR 压缩包'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive', '7-Zip 压缩包'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable', '可执行文件'],
  [[0x4d, 0x5a], 'a Windows executable', 'Windows 可执行文件'],
];

const startsWith = (sample: Uint8Array, magic: number[]) => magic.every((b, i) => sample[i] === b);

/**
 * Decides the format from the content first and the extension second: a renamed file is still
 * read correctly, and a binary file is refused at once instead of producing a row error per line.
 */
export function detectFormat(path: string, sample: Uint8Array): ImportFormat {
  const ext = extname(path).toLowerCase();
  if (sample.length === 0) {
    throw new FileError('empty', 'The file is empty', '文件为空');
  }
  if (startsWith(sample, [0x50, 0x4b, 0x03, 0x04])) return 'xlsx';
  if (startsWith(sample, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new FileError(
      'unknown-format',
      'This is a legacy Excel 97–2003 (.xls) or WPS file; save it as .xlsx or CSV',
      '该文件为旧版 Excel 97–2003（.xls）或 WPS 格式，请另存为 .xlsx 或 CSV',
    );
  }
  for (const [magic, what, whatZh] of MAGIC) {
    if (startsWith(sample, magic)) {
      throw new FileError(
        'binary',
        `This is ${what}, not a list file (CSV, XLSX, JSON or NDJSON)`,
        `该文件是${whatZh}，不是名单文件（CSV、XLSX、JSON 或 NDJSON）`,
      );
    }
  }
  if (ext === '.xlsx' || ext === '.xlsm') {
    throw new FileError(
      'bad-xlsx',
      'The file is named .xlsx but is not an XLSX workbook',
      '文件扩展名为 .xlsx，但内容不是 XLSX 工作簿',
    );
  }
  const utf16 = (sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff);
  if (!utf16) assertText(sample);
  const first = firstSignificantByte(sample);
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (first === 0x5b /* [ */) return 'json';
  if (first === 0x7b /* { */) return looksLikeNdjson(sample, ext === '.json') ? 'ndjson' : 'json';
  if (ext === '.json') {
    throw new FileError(
      'bad-json',
      'The file is named .json but does not start with [ or {',
      '文件扩展名为 .json，但内容不以 [ 或 { 开头',
    );
  }
  return 'csv';
}

/** NUL bytes or many control characters mean binary content, whatever the extension says. */
function assertText(sample: Uint8Array): void {
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b === 0) {
      throw new FileError(
        'binary',
        `The file contains binary data (a NUL byte at offset ${i}); it is not a text list file`,
        `文件包含二进制数据（偏移 ${i} 处有 NUL 字节），不是文本名单文件`,
      );
    }
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) control++;
  }
  if (control > 8 && control > sample.length / 200) {
    throw new FileError(
      'binary',
      `The file contains ${control} control characters in its first ${sample.length} bytes; it is not a text list file`,
      `文件前 ${sample.length} 字节中有 ${control} 个控制字符，不是文本名单文件`,
    );
  }
}

function firstSignificantByte(sample: Uint8Array): number | undefined {
  let i = sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
  while (
    i < sample.length &&
    (sample[i] === 0x20 || sample[i] === 0x09 || sample[i] === 0x0a || sample[i] === 0x0d)
  )
    i++;
  return sample[i];
}

/** `{…}\n{…}`: the first line is a whole JSON object and another object line follows. */
function looksLikeNdjson(sample: Uint8Array, namedJson: boolean): boolean {
  const text = new TextDecoder('utf-8').decode(sample);
  const lines = text.split('\n').map((l) => l.trim());
  const firstIdx = lines.findIndex((l) => l.length > 0);
  const first = lines[firstIdx];
  if (first === undefined || !first.endsWith('}')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(first);
  } catch {
    return false;
  }
  const next = lines.slice(firstIdx + 1).find((l) => l.length > 0);
  if (next !== undefined) return next.startsWith('{');
  // One object on one line: JSON when the name says so or it is `{"entries":[…]}` minified.
  return !namedJson && !Array.isArray((parsed as { entries?: unknown } | null)?.entries);
}
