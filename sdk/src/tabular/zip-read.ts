import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { FileError } from './file-error.ts';

/** One member of a ZIP archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const U32_MAX = 0xffffffff;

const bad = (detail: string, detailZh: string) =>
  new FileError(
    'bad-xlsx',
    `Not a readable XLSX workbook: ${detail}`,
    `不是可读取的 XLSX 工作簿：${detailZh}`,
  );

/**
 * Reads the central directory at the end of the archive, so that members are found by name and
 * streamed from their offsets: the worksheet is never held in memory as a whole.
 */
export async function readZipDirectory(path: string): Promise<Map<string, ZipEntry>> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = await readAt(fh, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0)
      throw bad(
        'no ZIP end-of-directory record (truncated file?)',
        '找不到 ZIP 目录结束标记（文件不完整？）',
      );
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === U32_MAX || count === 0xffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== ZIP64_LOCATOR_SIG)
        throw bad('damaged ZIP64 directory', 'ZIP64 目录已损坏');
      const z64 = await readAt(fh, Number(tail.readBigUInt64LE(loc + 8)), 56);
      if (z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw bad('damaged ZIP64 directory', 'ZIP64 目录已损坏');
      count = Number(z64.readBigUInt64LE(32));
      cdSize = Number(z64.readBigUInt64LE(40));
      cdOffset = Number(z64.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size)
      throw bad('the ZIP directory points past the end of the file', 'ZIP 目录指向文件末尾之外');
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CD_SIG)
        throw bad('damaged ZIP directory', 'ZIP 目录已损坏');
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      let entrySize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      // ZIP64: the real sizes sit in extra field 0x0001, in this order, for each field maxed out.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 1) {
          let q = e + 4;
          if (entrySize === U32_MAX) {
            entrySize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === U32_MAX) {
            compressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (localHeaderOffset === U32_MAX) localHeaderOffset = Number(cd.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      entries.set(name, { name, method, compressedSize, size: entrySize, localHeaderOffset });
      p = extraEnd + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** Streams one member's uncompressed bytes. */
export async function* readZipEntry(path: string, entry: ZipEntry): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  let start: number;
  try {
    const local = await readAt(fh, entry.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIG) {
      throw bad(`damaged member ${entry.name}`, `成员 ${entry.name} 已损坏`);
    }
    start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  if (entry.compressedSize === 0) return;
  const raw = createReadStream(path, {
    start,
    end: start + entry.compressedSize - 1,
    highWaterMark: 1 << 20,
  });
  if (entry.method === 0) {
    for await (const chunk of raw) yield chunk as Buffer;
    return;
  }
  if (entry.method !== 8) {
    raw.destroy();
    throw bad(
      `member ${entry.name} uses compression method ${entry.method}`,
      `成员 ${entry.name} 使用了不支持的压缩方式 ${entry.method}`,
    );
  }
  const inflate = createInflateRaw({ chunkSize: 1 << 20 });
  raw.on('error', (err) => inflate.destroy(err));
  raw.pipe(inflate);
  try {
    for await (const chunk of inflate) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw bad(
      `member ${entry.name} cannot be decompressed (${(err as Error).message})`,
      `成员 ${entry.name} 无法解压`,
    );
  } finally {
    raw.destroy();
    inflate.destroy();
  }
}

/** A small member (workbook, relationships, styles) as text. */
export async function readZipText(path: string, entry: ZipEntry, limit = 64 << 20): Promise<string> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of readZipEntry(path, entry)) {
    total += chunk.length;
    if (total > limit)
      throw bad(`member ${entry.name} is larger than ${limit >> 20} MB`, `成员 ${entry.name} 过大`);
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}
