export type { TextEncoding } from './encoding.ts';
export { type FileErrorCode, ImportFileError, type RowError } from './errors.ts';
export { FIELDS, REQUIRED_FIELDS } from './fields.ts';
export {
  type ImportFileOptions,
  type ImportProgress,
  type ImportReport,
  type ImportRowsOptions,
  importFile,
  importRows,
} from './import-file.ts';
export type { ImportFormat } from './sniff.ts';
export { openFirstSheet, type SheetReader, type SheetRow } from './xlsx-read.ts';
export { writeXlsx, type XlsxCell, type XlsxWriteOptions } from './xlsx-write.ts';
