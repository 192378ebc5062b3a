import type { Change } from '../client/types.ts';
import { subtleCrypto, type WebCrypto } from '../client/web-crypto.ts';

/**
 * Receiving CredCheck webhooks, per the Standard Webhooks specification the API signs with:
 * `webhook-signature` holds `v1,<base64 HMAC-SHA256>` values keyed with the base64 bytes after
 * `whsec_`, over `<webhook-id>.<webhook-timestamp>.<raw body>`. Web Crypto only, so it runs in
 * any runtime.
 */

export interface WebhookEvent {
  /** The webhook-id: the same on every attempt of one delivery, so drop repeats by it. */
  id: string;
  /** Unix seconds of this attempt (webhook-timestamp). */
  timestamp: number;
  /** The change type, e.g. `entry.created` (ignore types you do not know). */
  type: string;
  /** When the change was applied (RFC 3339). */
  occurredAt: string;
  /** The change as GET /v1/changes shows it. */
  data: Change;
}

export type WebhookErrorCode =
  | 'missing-headers'
  | 'bad-secret'
  | 'stale'
  | 'bad-signature'
  | 'malformed-body';

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** The `whsec_…` secret shown when the subscription was created. */
  secret: string;
  /** The request headers (a Headers object, or Node's IncomingHttpHeaders). */
  headers: HeaderBag;
  /** The raw body exactly as received: re-serialized JSON would not verify. */
  body: string | Uint8Array;
  /** Attempts older or newer than this are refused (replay protection). Default 300. */
  toleranceSeconds?: number;
  /** Unix seconds to judge against; default now. */
  now?: number;
  /** Web Crypto; default `globalThis.crypto`. On Node 18 pass node:crypto's `webcrypto`. */
  crypto?: WebCrypto;
}

function header(headers: HeaderBag, name: string): string | null {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value.join(' ') : (value ?? null);
  }
  return null;
}

function base64Bytes(text: string): Uint8Array | null {
  try {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** Verifies a delivery and returns its event; throws a WebhookVerificationError otherwise. */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<WebhookEvent> {
  const subtle = subtleCrypto(options.crypto);
  const id = header(options.headers, 'webhook-id');
  const ts = header(options.headers, 'webhook-timestamp');
  const signature = header(options.headers, 'webhook-signature');
  if (!id || !ts || !signature) {
    throw new WebhookVerificationError(
      'missing-headers',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    );
  }
  if (!options.secret.startsWith('whsec_')) {
    throw new WebhookVerificationError('bad-secret', 'a webhook secret starts with whsec_');
  }
  const key = base64Bytes(options.secret.slice('whsec_'.length));
  if (!key || key.length === 0) throw new WebhookVerificationError('bad-secret', 'the secret is not base64');

  const timestamp = Number(ts);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (!/^\d+$/.test(ts) || !Number.isSafeInteger(timestamp) || Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError('stale', `webhook-timestamp is not within ${tolerance} s of now`);
  }

  const encoder = new TextEncoder();
  const body = typeof options.body === 'string' ? options.body : new TextDecoder().decode(options.body);
  const signed = encoder.encode(`${id}.${ts}.${body}`);
  const hmac = await subtle.importKey(
    'raw',
    key as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  let valid = false;
  for (const part of signature.split(' ')) {
    const [version, sig] = part.split(',');
    if (version !== 'v1' || !sig) continue;
    const given = base64Bytes(sig);
    // subtle.verify compares in constant time.
    if (given && (await subtle.verify('HMAC', hmac, given as Uint8Array<ArrayBuffer>, signed))) {
      valid = true;
      break;
    }
  }
  if (!valid)
    throw new WebhookVerificationError('bad-signature', 'no v1 signature matches this body and secret');

  let payload: { type?: unknown; timestamp?: unknown; data?: unknown };
  try {
    payload = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError('malformed-body', 'the body is not JSON');
  }
  if (typeof payload?.type !== 'string' || typeof payload.data !== 'object' || payload.data === null) {
    throw new WebhookVerificationError('malformed-body', 'the body is not a CredCheck event');
  }
  return {
    id,
    timestamp,
    type: payload.type,
    occurredAt: typeof payload.timestamp === 'string' ? payload.timestamp : '',
    data: payload.data as Change,
  };
}
