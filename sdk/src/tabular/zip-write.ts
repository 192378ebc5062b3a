import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import * as zlib from 'node:zlib';

/** node:zlib has crc32 from Node 20.15; the table version keeps older 20.x working. */
const crc32: (data: Buffer, prev?: number) => number =
  (zlib as { crc32?: (data: Buffer, prev?: number) => number }).crc32 ?? tableCrc32;

let table: Uint32Array | undefined;
function tableCrc32(data: Buffer, prev = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (prev ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface Written {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** DOS date/time fields of 1980-01-01 00:00: a fixed stamp keeps the output byte-identical. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * A streaming ZIP writer (deflate, data descriptors), enough for OOXML: members are compressed as
 * they are written, so a large worksheet never sits in memory.
 */
export class ZipWriter {
  private readonly out: WriteStream;
  private offset = 0;
  private readonly written: Written[] = [];

  constructor(path: string) {
    this.out = createWriteStream(path);
  }

  private async write(buf: Buffer): Promise<void> {
    this.offset += buf.length;
    if (!this.out.write(buf)) await once(this.out, 'drain');
  }

  /** Adds a member whose content arrives as an iterable of strings or buffers. */
  async add(
    name: string,
    content: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
  ): Promise<void> {
    const nameBuf = Buffer.from(name, 'utf8');
    const start = this.offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0808, 6); // data descriptor follows; names are UTF-8
    header.writeUInt16LE(8, 8);
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt16LE(nameBuf.length, 26);
    await this.write(header);
    await this.write(nameBuf);

    const deflate = zlib.createDeflateRaw({ level: 6 });
    let crc = 0;
    let size = 0;
    let compressed = 0;
    const pending: Buffer[] = [];
    deflate.on('data', (chunk: Buffer) => pending.push(chunk));
    const flushPending = async () => {
      while (pending.length > 0) {
        const chunk = pending.shift()!;
        compressed += chunk.length;
        await this.write(chunk);
      }
    };
    for await (const part of content) {
      const buf = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      if (buf.length === 0) continue;
      crc = crc32(buf, crc);
      size += buf.length;
      if (!deflate.write(buf)) await once(deflate, 'drain');
      await flushPending();
    }
    deflate.end();
    await once(deflate, 'end');
    await flushPending();

    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(compressed, 8);
    descriptor.writeUInt32LE(size, 12);
    await this.write(descriptor);
    this.written.push({ name: nameBuf, crc: crc >>> 0, compressed, size, offset: start });
  }

  async close(): Promise<void> {
    const cdStart = this.offset;
    for (const w of this.written) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4);
      h.writeUInt16LE(20, 6);
      h.writeUInt16LE(0x0808, 8);
      h.writeUInt16LE(8, 10);
      h.writeUInt16LE(DOS_TIME, 12);
      h.writeUInt16LE(DOS_DATE, 14);
      h.writeUInt32LE(w.crc, 16);
      h.writeUInt32LE(w.compressed, 20);
      h.writeUInt32LE(w.size, 24);
      h.writeUInt16LE(w.name.length, 28);
      h.writeUInt32LE(w.offset, 42);
      await this.write(h);
      await this.write(w.name);
    }
    const cdSize = this.offset - cdStart;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.written.length, 8);
    end.writeUInt16LE(this.written.length, 10);
    end.writeUInt32LE(cdSize, 12);
    end.writeUInt32LE(cdStart, 16);
    await this.write(end);
    this.out.end();
    await once(this.out, 'finish');
  }

  /** Stops writing after an error; the partial file is the caller's to remove. */
  destroy(): void {
    this.out.destroy();
  }
}
