import type { Schemas } from '../client/types.ts';
import { subtleCrypto, type WebCrypto } from '../client/web-crypto.ts';
import { ReceiptError } from './errors.ts';
import { type Jwks, type KeyLookup, localKeys, remoteKeys } from './jwks.ts';
import { parseCompactJws, verifiesWith } from './jws.ts';

export { ReceiptError, type ReceiptErrorCode } from './errors.ts';
export type { Jwks } from './jwks.ts';
export type { PublicJwk } from './jws.ts';

/**
 * Offline verification of decision receipts: compact JWS (EdDSA, Ed25519) whose `kid` names a key
 * of /.well-known/jwks.json. Retired keys stay published, so any receipt ever issued verifies;
 * a receipt whose key is not in the set is refused, never trusted.
 */

export const RECEIPT_TYP = 'credcheck-receipt+jws';

type DecisionResult = Schemas['DecisionResult'];

/** What a receipt attests (the JWS payload the API signs). */
export interface ReceiptClaims {
  iss: 'credcheck';
  /** The decision id (`dec_…`). */
  jti: string;
  iat: number;
  issuedAt: string;
  asOf: string;
  dataVersion: number;
  catalogVersion: string;
  scenario: string;
  subject: {
    id: string | null;
    code: string | null;
    matchedBy: DecisionResult['identity']['matchedBy'];
    consistent: DecisionResult['identity']['consistent'];
  };
  status: DecisionResult['status'];
  outcome: DecisionResult['outcome'];
  measures: string[];
  entries: string[];
  /** `<entry id>:<why>` for each entry that would apply but does not. */
  notApplied: string[];
  related: { subjectId: string; measures: string[] }[];
  candidates: string[];
  /** Clearances (cleared false matches) the decision relied on, only when there were some. */
  cleared?: string[];
  greenChannel: boolean;
  caller: string | null;
  reference: string | null;
}

export interface VerifyReceiptOptions {
  /** A JWKS already at hand (fetched earlier from /.well-known/jwks.json and cached). */
  jwks?: Jwks | Schemas['Jwks'];
  /** Or where to fetch it; the set is cached per URL and refetched only for an unknown kid. */
  jwksUrl?: string | URL;
  /** Fetches jwksUrl; default the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Web Crypto with Ed25519; default `globalThis.crypto`. On Node 18 pass node:crypto's `webcrypto`. */
  crypto?: WebCrypto;
}

export interface VerifiedReceipt {
  claims: ReceiptClaims;
  kid: string;
}

const remoteSets = new Map<string, KeyLookup>();

function keySet(options: VerifyReceiptOptions): KeyLookup {
  if (options.jwks) return localKeys(options.jwks as Jwks);
  if (!options.jwksUrl) throw new TypeError('verifyReceipt needs jwks or jwksUrl');
  const url = new URL(options.jwksUrl).toString();
  let set = remoteSets.get(url);
  if (!set) {
    set = remoteKeys(url, options.fetch);
    remoteSets.set(url, set);
  }
  return set;
}

/** Verifies a receipt and returns the decision claims it attests; throws a ReceiptError otherwise. */
export async function verifyReceipt(jws: string, options: VerifyReceiptOptions): Promise<VerifiedReceipt> {
  const subtle = subtleCrypto(options.crypto);
  const keys = keySet(options);
  const parsed = parseCompactJws(jws);
  const candidates = await keys(parsed.header);
  if (candidates.length === 0) {
    throw new ReceiptError(
      'unknown-key',
      'the receipt was signed with a key the JWKS does not publish (not issued by this API, or the set is stale)',
    );
  }
  let verified = false;
  for (const key of candidates) {
    try {
      verified = await verifiesWith(subtle, key, parsed);
    } catch (err) {
      throw new ReceiptError(
        'jwks-unavailable',
        `the key ${String(key.kid)} cannot verify here: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (verified) break;
  }
  if (!verified) {
    throw new ReceiptError(
      'bad-signature',
      'the receipt signature does not verify: it was altered or forged',
    );
  }
  if (parsed.header.typ !== RECEIPT_TYP) {
    throw new ReceiptError('wrong-type', `not a CredCheck receipt (typ ${String(parsed.header.typ)})`);
  }
  let claims: ReceiptClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(parsed.payload)) as ReceiptClaims;
  } catch (err) {
    throw new ReceiptError('malformed', 'the receipt payload is not JSON', { cause: err });
  }
  if (claims?.iss !== 'credcheck' || typeof claims.jti !== 'string') {
    throw new ReceiptError('wrong-type', 'the signed payload is not a CredCheck decision receipt');
  }
  return { claims, kid: typeof parsed.header.kid === 'string' ? parsed.header.kid : '' };
}
