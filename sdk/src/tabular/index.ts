// @credcheck/sdk/tabular: reading and writing CSV (UTF-8 or GB18030/GBK) and XLSX files, streamed.
// Node-only (files, zlib): the CLI's screen command and the API's importer share these.
export { type CsvOptions, CsvParser, type CsvRecord, guessDelimiter } from './csv-parse.ts';
export {
  chooseEncoding,
  decoderFor,
  type EncodingChoice,
  hasNonAscii,
  type TextEncoding,
} from './encoding.ts';
export { excelSerialToIso } from './excel-date.ts';
export { FileError, type FileErrorCode } from './file-error.ts';
export { EncodingRetry, readTextChunks } from './file-text.ts';
export { detectFormat, type ImportFormat, readSample, SAMPLE_BYTES } from './sniff.ts';
export {
  isDateFormatCode,
  openFirstSheet,
  parseDateStyles,
  type SheetReader,
  type SheetRow,
} from './xlsx-read.ts';
export { columnName, writeXlsx, type XlsxCell, type XlsxWriteOptions } from './xlsx-write.ts';
export { attr, decodeXml, encodeXml, richText } from './xml-text.ts';
export { readZipDirectory, readZipEntry, readZipText, type ZipEntry } from './zip-read.ts';
export { ZipWriter } from './zip-write.ts';
