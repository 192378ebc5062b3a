export type ReceiptErrorCode =
  | 'malformed'
  | 'wrong-type'
  | 'unknown-key'
  | 'bad-signature'
  | 'jwks-unavailable';

export class ReceiptError extends Error {
  override readonly name = 'ReceiptError';
  constructor(
    readonly code: ReceiptErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
