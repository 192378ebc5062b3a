export type { ImportFormat, TextEncoding } from '@credcheck/sdk/tabular';
export {
  openFirstSheet,
  type SheetReader,
  type SheetRow,
  writeXlsx,
  type XlsxCell,
  type XlsxWriteOptions,
} from '@credcheck/sdk/tabular';
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
