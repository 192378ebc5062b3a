/** Why a whole file was refused before any row was read: one clear message instead of a flood. */
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

export class FileError extends Error {
  override readonly name: string = 'FileError';
  constructor(
    readonly code: FileErrorCode,
    message: string,
    readonly messageZh: string,
  ) {
    super(message);
  }
}
