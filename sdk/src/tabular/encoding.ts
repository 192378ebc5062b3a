import { FileError } from './file-error.ts';

/** What a text file was decoded as; GBK is a subset of GB18030, so one decoder serves both. */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

export interface EncodingChoice {
  encoding: TextEncoding;
  /** Bytes to skip at the start (the BOM). */
  skip: number;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Excel in China saves "CSV" as GBK and "CSV UTF-8" as UTF-8 with a BOM; other tools write plain
 * UTF-8. A strict UTF-8 decode of the opening bytes tells them apart: GBK text almost never forms
 * valid UTF-8 sequences.
 */
export function chooseEncoding(sample: Uint8Array): EncodingChoice {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: 'utf-8-bom', skip: 3 };
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) {
    throw new FileError(
      'encoding',
      'The file is UTF-16 text ("Unicode text" in Excel); save it as "CSV UTF-8" or as .xlsx',
      '文件为 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8”或 .xlsx 格式',
    );
  }
  if (decodes('utf-8', sample)) return { encoding: 'utf-8', skip: 0 };
  if (decodes('gb18030', sample)) return { encoding: 'gb18030', skip: 0 };
  throw new FileError(
    'encoding',
    'The file is neither UTF-8 nor GBK/GB18030 text',
    '文件编码既不是 UTF-8 也不是 GBK/GB18030',
  );
}

function decodes(label: string, bytes: Uint8Array): boolean {
  try {
    // stream: true so that a character cut at the end of the sample is not taken for an error.
    new TextDecoder(label, { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export function decoderFor(encoding: TextEncoding): TextDecoder {
  return new TextDecoder(encoding === 'gb18030' ? 'gb18030' : 'utf-8', { fatal: true, ignoreBOM: true });
}

export function hasNonAscii(text: string): boolean {
  return NON_ASCII.test(text);
}
