import { randomBytes } from 'node:crypto';
import { readSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';

/**
 * The binary file an index snapshot lives in: named columns (numbers, typed arrays, string
 * columns) behind a versioned preamble, each section with its CRC-32, the directory of sections
 * (JSON) at the end so that sections stream out one at a time. Typed arrays are read straight
 * into arrays of their own (no second copy of the file in memory); string columns are decoded
 * into one string each and sliced, which is several times faster than decoding value by value.
 *
 * Layout: "CCIXSNAP" | u32 format version | u32 0x01020304 (byte order) | sections, each padded
 * to 8 bytes | directory JSON | u32 directory length | u32 directory CRC | f64 directory offset |
 * "CCIXEND!".
 */

export const SNAPSHOT_FORMAT_VERSION = 1;

const MAGIC = Buffer.from('CCIXSNAP', 'latin1');
const END = Buffer.from('CCIXEND!', 'latin1');
const PREAMBLE = 16;
const TRAILER = 24;
const BYTE_ORDER = 0x01020304;

/** Why a snapshot cannot be used; the caller logs it and falls back to a scan. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export type TypedArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array | Float32Array;

const TYPED = {
  Int32Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Float64Array,
  Float32Array,
} as const;
type TypedName = keyof typeof TYPED;
type TypedCtor<T extends TypedArray> = { new (length: number): T; readonly BYTES_PER_ELEMENT: number };

/** Where index classes put their state: names are dotted paths, unique within a snapshot. */
export interface ColumnSink {
  number(name: string, value: number): void;
  typed(name: string, data: TypedArray): void;
  /** The first `length` values (a missing value is written as null). */
  strings(name: string, values: ArrayLike<string | null | undefined>, length: number): void;
}

/** What index classes read their state from; every getter throws SnapshotError when the column is missing or of another kind. */
export interface ColumnSource {
  number(name: string): number;
  /**
   * The array saved as `name`, checked to hold `length` values when given. With `room`, the
   * array returned is that many values longer (zeros at the end): space to grow into without
   * reallocating (a column grown by doubling would leave up to half of itself unused).
   */
  typed<T extends TypedArray>(name: string, type: TypedCtor<T>, length?: number, room?: number): T;
  strings(name: string, length?: number): Array<string | null>;
}

/** Prefixes every name: one class's columns inside a snapshot of several. */
export function scopedSink(sink: ColumnSink, prefix: string): ColumnSink {
  return {
    number: (name, value) => sink.number(prefix + name, value),
    typed: (name, data) => sink.typed(prefix + name, data),
    strings: (name, values, length) => sink.strings(prefix + name, values, length),
  };
}

export function scopedSource(source: ColumnSource, prefix: string): ColumnSource {
  return {
    number: (name) => source.number(prefix + name),
    typed: (name, type, length, room) => source.typed(prefix + name, type, length, room),
    strings: (name, length) => source.strings(prefix + name, length),
  };
}

type Column =
  | { kind: 'number'; value: number }
  | { kind: 'typed'; data: TypedArray }
  | { kind: 'strings'; values: ArrayLike<string | null | undefined>; length: number };

/** Collects columns by reference; nothing is copied until the snapshot is written. */
export class ColumnSet implements ColumnSink {
  readonly columns = new Map<string, Column>();

  number(name: string, value: number): void {
    this.put(name, { kind: 'number', value });
  }

  typed(name: string, data: TypedArray): void {
    this.put(name, { kind: 'typed', data });
  }

  strings(name: string, values: ArrayLike<string | null | undefined>, length: number): void {
    this.put(name, { kind: 'strings', values, length });
  }

  private put(name: string, column: Column): void {
    if (this.columns.has(name)) throw new Error(`snapshot column ${name} written twice`);
    this.columns.set(name, column);
  }
}

/** A section of the file: bytes at an offset, with their checksum. */
interface SectionRef {
  type: TypedName | 'bytes';
  offset: number;
  bytes: number;
  crc: number;
}

type ColumnEntry =
  | { kind: 'number'; value: number }
  | { kind: 'typed'; section: number; length: number }
  /** `lens`: each value's length in UTF-16 units, -1 for null; `blob`: the values one after another. */
  | { kind: 'strings'; length: number; lens: number; blob: number; encoding: 'latin1' | 'utf16le' };

interface Directory<M> {
  meta: M;
  sections: SectionRef[];
  columns: Record<string, ColumnEntry>;
}

const NULL_LEN = -1;
const ONE_BYTE = /^[\0-\xff]*$/;
/** Text is encoded through a buffer this large, so no column is ever joined into one string. */
const WRITE_BUFFER = 4 << 20;

function bytesOf(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function typedName(data: TypedArray): TypedName {
  const name = data.constructor.name as TypedName;
  if (!(name in TYPED)) throw new Error(`unsupported array type ${name}`);
  return name;
}

/**
 * Writes a snapshot to `path` atomically: a temporary file in the same directory, flushed to
 * disk, then renamed over the old one. `columns` are read while writing; the caller keeps them
 * unchanged until the returned promise settles, and `beforeRename` (which may throw to abandon
 * the file) is the last word on whether they were. Returns the file's size.
 */
export async function writeSnapshotFile<M>(
  path: string,
  meta: M,
  columns: ColumnSet,
  beforeRename: () => void = () => {},
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w');
  let position = 0;
  const sections: SectionRef[] = [];
  const write = async (data: Uint8Array) => {
    let done = 0;
    while (done < data.byteLength) {
      const { bytesWritten } = await fh.write(data, done, data.byteLength - done, position + done);
      done += bytesWritten;
    }
    position += data.byteLength;
  };
  const align = async () => {
    const rest = (8 - (position % 8)) % 8;
    if (rest > 0) await write(new Uint8Array(rest));
  };
  const section = async (type: SectionRef['type'], data: Uint8Array): Promise<number> => {
    sections.push({ type, offset: position, bytes: data.byteLength, crc: crc32(data) });
    await write(data);
    await align();
    return sections.length - 1;
  };
  const text = async (
    values: ArrayLike<string | null | undefined>,
    length: number,
    encoding: BufferEncoding,
  ) => {
    const ref: SectionRef = { type: 'bytes', offset: position, bytes: 0, crc: 0 };
    const buf = Buffer.allocUnsafe(WRITE_BUFFER);
    let used = 0;
    const flush = async (data: Uint8Array) => {
      ref.crc = crc32(data, ref.crc);
      ref.bytes += data.byteLength;
      await write(data);
    };
    for (let i = 0; i < length; i++) {
      const v = values[i];
      if (typeof v !== 'string' || v.length === 0) continue;
      const bytes = encoding === 'latin1' ? v.length : v.length * 2;
      if (used + bytes > buf.length) {
        if (used > 0) await flush(buf.subarray(0, used));
        used = 0;
      }
      if (bytes > buf.length) await flush(Buffer.from(v, encoding));
      else used += buf.write(v, used, encoding);
    }
    if (used > 0) await flush(buf.subarray(0, used));
    sections.push(ref);
    await align();
    return sections.length - 1;
  };
  try {
    const preamble = Buffer.alloc(PREAMBLE);
    MAGIC.copy(preamble, 0);
    preamble.writeUInt32LE(SNAPSHOT_FORMAT_VERSION, 8);
    new Uint32Array(preamble.buffer, preamble.byteOffset + 12, 1)[0] = BYTE_ORDER;
    await write(preamble);

    const entries: Record<string, ColumnEntry> = {};
    for (const [name, column] of columns.columns) {
      if (column.kind === 'number') {
        if (!Number.isFinite(column.value)) throw new Error(`snapshot column ${name} is not a finite number`);
        entries[name] = { kind: 'number', value: column.value };
      } else if (column.kind === 'typed') {
        const index = await section(typedName(column.data), bytesOf(column.data));
        entries[name] = { kind: 'typed', section: index, length: column.data.length };
      } else {
        const { values, length } = column;
        const lens = new Int32Array(length);
        let oneByte = true;
        for (let i = 0; i < length; i++) {
          const v = values[i];
          if (typeof v === 'string') {
            lens[i] = v.length;
            if (oneByte && !ONE_BYTE.test(v)) oneByte = false;
          } else lens[i] = NULL_LEN;
        }
        // One-byte text (codes, keys, masks) is stored and decoded as latin1: half the bytes.
        const encoding = oneByte ? 'latin1' : 'utf16le';
        const lensAt = await section('Int32Array', bytesOf(lens));
        const blobAt = await text(values, length, encoding);
        entries[name] = { kind: 'strings', length, lens: lensAt, blob: blobAt, encoding };
      }
    }

    const directory: Directory<M> = { meta, sections, columns: entries };
    const json = Buffer.from(JSON.stringify(directory), 'utf8');
    const at = position;
    await write(json);
    const trailer = Buffer.alloc(TRAILER);
    trailer.writeUInt32LE(json.byteLength, 0);
    trailer.writeUInt32LE(crc32(json), 4);
    trailer.writeDoubleLE(at, 8);
    END.copy(trailer, 16);
    await write(trailer);
    await fh.sync();
    await fh.close();
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  try {
    beforeRename();
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // The rename is durable once the directory is; not every platform lets a directory be opened.
  const dirHandle = await open(dirname(path), 'r').catch(() => null);
  if (dirHandle)
    await dirHandle
      .sync()
      .catch(() => {})
      .finally(() => dirHandle.close());
  return position;
}

/**
 * Checks sections against their CRC-32 on another thread, reading the file through the same
 * descriptor, while the main thread reads and decodes them: the two together take about as long
 * as reading alone. Resolves with the indexes of the sections that do not match.
 */
const CHECK_SECTIONS = `
const { parentPort, workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { crc32 } = require('node:zlib');
const { fd, sections } = workerData;
const buf = Buffer.allocUnsafe(4 << 20);
const bad = [];
for (let i = 0; i < sections.length; i++) {
  const { offset, bytes, crc } = sections[i];
  let c = 0;
  let done = 0;
  while (done < bytes) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, bytes - done), offset + done);
    if (n === 0) break;
    c = crc32(buf.subarray(0, n), c);
    done += n;
  }
  if (done !== bytes || c !== crc) bad.push(i);
}
parentPort.postMessage(bad);
`;

/** Null when no worker can be started (then the caller checks on its own thread). */
function checkSectionsInWorker(
  fd: number,
  sections: SectionRef[],
): { bad: Promise<number[] | null>; stop(): void } {
  let worker: Worker;
  try {
    worker = new Worker(CHECK_SECTIONS, { eval: true, workerData: { fd, sections } });
  } catch {
    return { bad: Promise.resolve(null), stop() {} };
  }
  const bad = new Promise<number[] | null>((resolve) => {
    worker.once('message', (found: number[]) => resolve(found));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
  return { bad, stop: () => void worker.terminate() };
}

/**
 * A snapshot's directory, read and checked; its columns are read when asked for. Call verify()
 * before trusting what was read: it compares every section with its checksum (on a worker
 * thread, while the columns are read here).
 */
export class SnapshotReader<M> implements ColumnSource {
  private checker: { bad: Promise<number[] | null>; stop(): void } | null = null;
  private scratch = Buffer.alloc(0);

  private constructor(
    private readonly fh: Awaited<ReturnType<typeof open>>,
    private readonly size: number,
    readonly meta: M,
    private readonly directory: Directory<M>,
  ) {}

  /**
   * Opens a snapshot and reads its directory (not its sections): enough to decide whether it
   * fits the store before reading hundreds of megabytes. Throws SnapshotError when the file is
   * not a snapshot, of another format version or byte order, or truncated; ENOENT when missing.
   */
  static async open<M>(path: string): Promise<SnapshotReader<M>> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      if (size < PREAMBLE + TRAILER) throw new SnapshotError(`file of ${size} bytes is too short`);
      const preamble = readAt(fh, Buffer.alloc(PREAMBLE), 0);
      if (!preamble.subarray(0, 8).equals(MAGIC)) throw new SnapshotError('not an index snapshot');
      const version = preamble.readUInt32LE(8);
      if (version !== SNAPSHOT_FORMAT_VERSION) {
        throw new SnapshotError(
          `format version ${version}, this build reads version ${SNAPSHOT_FORMAT_VERSION}`,
        );
      }
      if (new Uint32Array(preamble.buffer, preamble.byteOffset + 12, 1)[0] !== BYTE_ORDER) {
        throw new SnapshotError('written on a machine of the other byte order');
      }
      const trailer = readAt(fh, Buffer.alloc(TRAILER), size - TRAILER);
      if (!trailer.subarray(16).equals(END)) throw new SnapshotError('truncated (no end marker)');
      const length = trailer.readUInt32LE(0);
      const crc = trailer.readUInt32LE(4);
      const at = trailer.readDoubleLE(8);
      if (!Number.isSafeInteger(at) || at < PREAMBLE || at + length !== size - TRAILER) {
        throw new SnapshotError('truncated or corrupt (directory out of place)');
      }
      const json = readAt(fh, Buffer.alloc(length), at);
      if (crc32(json) !== crc) throw new SnapshotError('corrupt directory (checksum mismatch)');
      let directory: Directory<M>;
      try {
        directory = JSON.parse(json.toString('utf8')) as Directory<M>;
      } catch {
        throw new SnapshotError('corrupt directory (not JSON)');
      }
      if (!Array.isArray(directory?.sections) || typeof directory.columns !== 'object') {
        throw new SnapshotError('corrupt directory');
      }
      for (const s of directory.sections) {
        if (!(Number.isSafeInteger(s.offset) && Number.isSafeInteger(s.bytes))) {
          throw new SnapshotError('corrupt directory (bad section)');
        }
        if (!(s.offset >= PREAMBLE && s.bytes >= 0 && s.offset + s.bytes <= at)) {
          throw new SnapshotError('corrupt directory (section out of bounds)');
        }
      }
      return new SnapshotReader(fh, size, directory.meta, directory);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  get bytes(): number {
    return this.size;
  }

  /** Starts comparing every section with its checksum; returns at once. */
  startVerifying(): void {
    this.checker ??= checkSectionsInWorker(this.fh.fd, this.directory.sections);
  }

  /** Resolves when every section matches its checksum; throws SnapshotError naming the columns that do not. */
  async verify(): Promise<void> {
    this.startVerifying();
    const bad = (await this.checker?.bad) ?? this.checkSectionsHere();
    if (bad.length > 0) {
      const names = Object.entries(this.directory.columns)
        .filter(([, e]) => e.kind !== 'number' && bad.some((i) => sectionsOf(e).includes(i)))
        .map(([name]) => name);
      throw new SnapshotError(`corrupt ${names.join(', ') || 'section'} (checksum mismatch)`);
    }
  }

  async close(): Promise<void> {
    // The descriptor is about to be closed: the worker must not read on through it.
    this.checker?.stop();
    this.scratch = Buffer.alloc(0);
    await this.fh.close();
  }

  number(name: string): number {
    const entry = this.directory.columns[name];
    if (entry?.kind !== 'number' || typeof entry.value !== 'number') {
      throw new SnapshotError(`missing number ${name}`);
    }
    return entry.value;
  }

  typed<T extends TypedArray>(name: string, type: TypedCtor<T>, length?: number, room = 0): T {
    const entry = this.directory.columns[name];
    if (entry?.kind !== 'typed') throw new SnapshotError(`missing ${type.name} ${name}`);
    const ref = this.ref(entry.section, name);
    if (ref.type !== type.name) throw new SnapshotError(`${name} is not a ${type.name}`);
    if (!Number.isSafeInteger(entry.length) || entry.length < 0)
      throw new SnapshotError(`${name} has a bad length`);
    if (length !== undefined && entry.length !== length) {
      throw new SnapshotError(`${name} has ${entry.length} values, expected ${length}`);
    }
    return this.readSection(entry.section, type, entry.length, name, room);
  }

  strings(name: string, length?: number): Array<string | null> {
    const entry = this.directory.columns[name];
    if (entry?.kind !== 'strings') throw new SnapshotError(`missing string column ${name}`);
    if (length !== undefined && entry.length !== length) {
      throw new SnapshotError(`${name} has ${entry.length} values, expected ${length}`);
    }
    return this.readStrings(name, entry);
  }

  /** The same check as the worker's, on this thread (where no worker can be started). */
  private checkSectionsHere(): number[] {
    const bad: number[] = [];
    const buf = Buffer.allocUnsafe(4 << 20);
    for (const [i, s] of this.directory.sections.entries()) {
      let crc = 0;
      for (let done = 0; done < s.bytes; ) {
        const n = readSync(this.fh.fd, buf, 0, Math.min(buf.length, s.bytes - done), s.offset + done);
        if (n === 0) break;
        crc = crc32(buf.subarray(0, n), crc);
        done += n;
      }
      if (crc !== s.crc) bad.push(i);
    }
    return bad;
  }

  private ref(index: number, name: string): SectionRef {
    const ref = this.directory.sections[index];
    if (ref === undefined) throw new SnapshotError(`column ${name} refers to a missing section`);
    return ref;
  }

  private readSection<T extends TypedArray>(
    index: number,
    ctor: TypedCtor<T>,
    length: number,
    name: string,
    room = 0,
  ): T {
    const ref = this.ref(index, name);
    if (ref.bytes !== length * ctor.BYTES_PER_ELEMENT)
      throw new SnapshotError(`column ${name} has the wrong size`);
    const data = new ctor(length + Math.max(0, Math.floor(room)));
    readAt(this.fh, new Uint8Array(data.buffer, 0, ref.bytes), ref.offset);
    return data;
  }

  private readStrings(name: string, entry: Extract<ColumnEntry, { kind: 'strings' }>): Array<string | null> {
    const blobRef = this.ref(entry.blob, name);
    const lensRef = this.ref(entry.lens, name);
    if (
      !Number.isSafeInteger(entry.length) ||
      lensRef.bytes !== entry.length * 4 ||
      (entry.encoding !== 'latin1' && entry.encoding !== 'utf16le')
    ) {
      throw new SnapshotError(`column ${name} is malformed`);
    }
    const lens = this.readSection(entry.lens, Int32Array, entry.length, name);
    // One buffer for every column's text: each is decoded into a string at once.
    if (this.scratch.length < blobRef.bytes) this.scratch = Buffer.allocUnsafe(blobRef.bytes);
    const blob = readAt(this.fh, this.scratch.subarray(0, blobRef.bytes), blobRef.offset);
    const text = blob.toString(entry.encoding);
    // Slices share the decoded text: one decode, no per-value copy.
    const decoded: Array<string | null> = new Array(entry.length);
    let at = 0;
    for (let i = 0; i < entry.length; i++) {
      const len = lens[i] as number;
      if (len >= 0) {
        decoded[i] = text.slice(at, at + len);
        at += len;
      } else if (len === NULL_LEN) decoded[i] = null;
      else throw new SnapshotError(`corrupt column ${name} (bad length)`);
    }
    if (at !== text.length) throw new SnapshotError(`corrupt column ${name} (lengths do not fit the text)`);
    return decoded;
  }
}

function sectionsOf(entry: ColumnEntry): number[] {
  if (entry.kind === 'typed') return [entry.section];
  if (entry.kind === 'strings') return [entry.lens, entry.blob];
  return [];
}

/**
 * Reads synchronously: a start reads hundreds of sections back to back, and the thread pool's
 * round trips cost more than the copies (nothing else is served until the index is loaded).
 */
function readAt<T extends Uint8Array>(fh: Awaited<ReturnType<typeof open>>, into: T, position: number): T {
  let done = 0;
  while (done < into.byteLength) {
    const bytesRead = readSync(fh.fd, into, done, into.byteLength - done, position + done);
    if (bytesRead === 0) throw new SnapshotError('truncated (read past the end)');
    done += bytesRead;
  }
  return into;
}
