// The file-level error is the sdk's (its readers throw it); the importer keeps its old name.
export { FileError as ImportFileError, type FileErrorCode } from '@credcheck/sdk/tabular';

/** One rejected cell or row, located as the user sees it in the file. */
export interface RowError {
  /** Line in the file (header = 1), sheet row for XLSX, array index + 1 for JSON. */
  line: number;
  column?: string;
  value?: string;
  message: string;
  messageZh: string;
}

/** Keeps the first `limit` errors and counts the rest, so a bad million-row file stays readable. */
export class ErrorCollector {
  readonly errors: RowError[] = [];
  count = 0;
  constructor(readonly limit = 1000) {}

  add(error: RowError): void {
    this.count++;
    if (this.errors.length < this.limit) this.errors.push(error);
  }
}
