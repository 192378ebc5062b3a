/**
 * The Web Crypto the client core needs: HMAC for webhooks, Ed25519 for receipts, random bytes for
 * idempotency keys. Browsers, Deno, Bun and Node ≥ 20 have it as `globalThis.crypto`; Node 18
 * does not, so its callers pass node:crypto's `webcrypto` as the `crypto` option.
 * The core never imports node:crypto itself, which would break it in browsers.
 */
export type WebCrypto = Pick<Crypto, 'getRandomValues'> & {
  /** Absent outside secure contexts (a plain-http intranet page). */
  subtle?: SubtleCrypto;
  randomUUID?: () => string;
};

const HINT = "on Node 18 pass node:crypto's webcrypto as the crypto option";

export function webCrypto(given?: WebCrypto): WebCrypto {
  const c = given ?? (globalThis as { crypto?: WebCrypto }).crypto;
  if (typeof c?.getRandomValues !== 'function') {
    throw new TypeError(`this runtime has no global Web Crypto: ${HINT}`);
  }
  return c;
}

export function subtleCrypto(given?: WebCrypto): SubtleCrypto {
  const { subtle } = webCrypto(given);
  if (!subtle) {
    throw new TypeError(`crypto.subtle is missing (a page served over plain http has none): ${HINT}`);
  }
  return subtle;
}
