/** Why a whole file was refused before any row was judged: one clear message instead of a flood. */
export type FileErrorCode =
  | 'not-found'
  | 'not-a-file'
  | 'empty'
  | 'unknown-format'
  | 'binary'
  | 'encoding'
  | 'line-too-long'
  | 'no-header'
  | 'missing-columns'
  | 'duplicate-columns'
  | 'bad-json'
  | 'bad-xlsx'
  | 'too-many-errors';

export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
  constructor(
    readonly code: FileErrorCode,
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
  }
}

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
