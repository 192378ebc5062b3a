// @credcheck/sdk/client: the typed API client, receipt verification and webhook verification.
// Only fetch and Web Crypto are used here (global, or passed as `crypto`), so it runs in browsers,
// Deno, Bun and Node ≥ 18.
export type {
  Jwks,
  PublicJwk,
  ReceiptClaims,
  ReceiptErrorCode,
  VerifiedReceipt,
  VerifyReceiptOptions,
} from '../receipt/verify.ts';
export { RECEIPT_TYP, ReceiptError, verifyReceipt } from '../receipt/verify.ts';
export type { components, paths } from '../schema.d.ts';
export type { VerifyWebhookOptions, WebhookErrorCode, WebhookEvent } from '../webhooks/verify.ts';
export { verifyWebhook, WebhookVerificationError } from '../webhooks/verify.ts';
export { chunk, mapLimit } from './batch.ts';
export {
  type BatchOptions,
  type CallOptions,
  type ClientOptions,
  type CredCheckClient,
  createClient,
  DECISION_BATCH_MAX,
  type DecideManyItem,
  type DecideManyResult,
  type DecideOptions,
  type DecisionOrUnavailable,
  LOOKUP_BATCH_MAX,
  type OperationKey,
  operations,
  type UnavailableDecision,
  type WriteOptions,
} from './client.ts';
export { CredCheckError, type FailureKind, ProblemError } from './errors.ts';
export type { ApiResponse, RequestSpec, RetryOptions } from './transport.ts';
export type * from './types.ts';
export type { WebCrypto } from './web-crypto.ts';
