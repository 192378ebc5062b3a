import { createReadStream } from 'node:fs';
import { decoderFor, type EncodingChoice, hasNonAscii, type TextEncoding } from './encoding.ts';
import { FileError } from './file-error.ts';

/**
 * Thrown when a file that looked like plain ASCII UTF-8 turns out to hold GBK further down: the
 * caller reads it again from the start with the other decoder.
 */
export class EncodingRetry extends Error {
  constructor(readonly encoding: TextEncoding) {
    super(`retry as ${encoding}`);
  }
}

const CHUNK = 1 << 20;

/** Streams a text file as decoded chunks; `onBytes` gets the byte offset reached, for progress. */
export async function* readTextChunks(
  path: string,
  choice: EncodingChoice,
  onBytes?: (bytesRead: number) => void,
): AsyncGenerator<string> {
  const decoder = decoderFor(choice.encoding);
  let sawNonAscii = false;
  let offset = choice.skip;
  const fail = (): never => {
    if (choice.encoding === 'utf-8' && !sawNonAscii) throw new EncodingRetry('gb18030');
    const label = choice.encoding === 'gb18030' ? 'GBK/GB18030' : 'UTF-8';
    throw new FileError(
      'encoding',
      `Invalid ${label} text near byte ${offset}: the file mixes encodings or is damaged`,
      `第 ${offset} 字节附近出现无效的 ${label} 字符：文件混用了多种编码或已损坏`,
    );
  };
  for await (const buf of createReadStream(path, { start: choice.skip, highWaterMark: CHUNK })) {
    let text: string;
    try {
      text = decoder.decode(buf as Buffer, { stream: true });
    } catch {
      fail();
      return;
    }
    offset += (buf as Buffer).length;
    onBytes?.(offset);
    if (!sawNonAscii && hasNonAscii(text)) sawNonAscii = true;
    if (text.length > 0) yield text;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    fail();
    return;
  }
  if (tail.length > 0) yield tail;
}
