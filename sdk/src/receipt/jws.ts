import { ReceiptError } from './errors.ts';

/**
 * Compact JWS with Ed25519 (RFC 8037), verified with whichever SubtleCrypto the caller has: a
 * JOSE library would reach for `globalThis.crypto`, which Node 18 lacks. Receipts use no other
 * algorithm, so this is the whole of JWS the SDK needs.
 */

/** The public-key members of a JWK that matter here; a JWKS may carry any others. */
export interface PublicJwk {
  kty?: string;
  crv?: string;
  x?: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
}

export interface JwsHeader {
  alg?: unknown;
  kid?: unknown;
  typ?: unknown;
  crit?: unknown;
}

export interface CompactJws {
  header: JwsHeader;
  payload: Uint8Array;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

/** Both names RFC 8037 and its successor give Ed25519 signatures. */
export const EDDSA_ALGS: readonly string[] = ['EdDSA', 'Ed25519'];

export function base64urlBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(
    text
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(text.length / 4) * 4, '='),
  );
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function parseCompactJws(jws: string): CompactJws {
  const parts = typeof jws === 'string' ? jws.split('.') : [];
  if (parts.length !== 3) {
    throw new ReceiptError(
      'malformed',
      'a receipt is a compact JWS: three base64url parts separated by dots',
    );
  }
  const [h, p, s] = parts as [string, string, string];
  const headerBytes = base64urlBytes(h);
  const payload = base64urlBytes(p);
  const signature = base64urlBytes(s);
  if (!headerBytes || !payload || !signature) {
    throw new ReceiptError('malformed', 'the receipt is not a valid JWS: a part is not base64url');
  }
  let header: JwsHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes));
  } catch (err) {
    throw new ReceiptError('malformed', 'the receipt is not a valid JWS: its header is not JSON', {
      cause: err,
    });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new ReceiptError('malformed', 'the receipt is not a valid JWS: its header is not an object');
  }
  // Critical extensions (b64: false among them) change what is signed; none is understood here.
  if (header.crit !== undefined) {
    throw new ReceiptError('malformed', 'the receipt is not a valid JWS: unsupported critical header');
  }
  if (typeof header.alg !== 'string' || !EDDSA_ALGS.includes(header.alg)) {
    throw new ReceiptError('wrong-type', 'the receipt is not signed with EdDSA (Ed25519)');
  }
  return { header, payload, signature, signingInput: new TextEncoder().encode(`${h}.${p}`) };
}

/** The keys of a set that may have signed a JWS with this header, as a JOSE key selection would pick them. */
export function candidateKeys(keys: readonly PublicJwk[], header: JwsHeader): PublicJwk[] {
  return keys.filter(
    (k) =>
      k.kty === 'OKP' &&
      k.crv === 'Ed25519' &&
      typeof k.x === 'string' &&
      (header.kid === undefined || k.kid === header.kid) &&
      (k.alg === undefined || EDDSA_ALGS.includes(k.alg)) &&
      (k.use === undefined || k.use === 'sig') &&
      (k.key_ops === undefined || k.key_ops.includes('verify')),
  );
}

export async function verifiesWith(subtle: SubtleCrypto, key: PublicJwk, jws: CompactJws): Promise<boolean> {
  const cryptoKey = await subtle.importKey(
    'jwk',
    { kty: 'OKP', crv: 'Ed25519', x: key.x },
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  return subtle.verify(
    { name: 'Ed25519' },
    cryptoKey,
    jws.signature as Uint8Array<ArrayBuffer>,
    jws.signingInput as Uint8Array<ArrayBuffer>,
  );
}
