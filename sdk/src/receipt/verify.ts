import {
  compactVerify,
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import type { Schemas } from '../client/types.ts';

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

export interface VerifyReceiptOptions {
  /** A JWKS already at hand (fetched earlier from /.well-known/jwks.json and cached). */
  jwks?: JSONWebKeySet | Schemas['Jwks'];
  /** Or where to fetch it; the set is cached per URL and refetched only for an unknown kid. */
  jwksUrl?: string | URL;
}

export interface VerifiedReceipt {
  claims: ReceiptClaims;
  kid: string;
}

const remoteSets = new Map<string, JWTVerifyGetKey>();

function keySet(options: VerifyReceiptOptions): JWTVerifyGetKey {
  if (options.jwks) return createLocalJWKSet(options.jwks as JSONWebKeySet);
  if (!options.jwksUrl) throw new TypeError('verifyReceipt needs jwks or jwksUrl');
  const url = new URL(options.jwksUrl).toString();
  let set = remoteSets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    remoteSets.set(url, set);
  }
  return set;
}

/** Verifies a receipt and returns the decision claims it attests; throws a ReceiptError otherwise. */
export async function verifyReceipt(jws: string, options: VerifyReceiptOptions): Promise<VerifiedReceipt> {
  if (typeof jws !== 'string' || jws.split('.').length !== 3) {
    throw new ReceiptError(
      'malformed',
      'a receipt is a compact JWS: three base64url parts separated by dots',
    );
  }
  const keys = keySet(options);
  let verified: Awaited<ReturnType<typeof compactVerify>>;
  try {
    verified = await compactVerify(jws, keys, { algorithms: ['EdDSA', 'Ed25519'] });
  } catch (err) {
    throw translate(err);
  }
  const { protectedHeader, payload } = verified;
  if (protectedHeader.typ !== RECEIPT_TYP) {
    throw new ReceiptError('wrong-type', `not a CredCheck receipt (typ ${String(protectedHeader.typ)})`);
  }
  let claims: ReceiptClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as ReceiptClaims;
  } catch (err) {
    throw new ReceiptError('malformed', 'the receipt payload is not JSON', { cause: err });
  }
  if (claims?.iss !== 'credcheck' || typeof claims.jti !== 'string') {
    throw new ReceiptError('wrong-type', 'the signed payload is not a CredCheck decision receipt');
  }
  return { claims, kid: protectedHeader.kid ?? '' };
}

function translate(err: unknown): ReceiptError {
  if (err instanceof errors.JWKSNoMatchingKey) {
    return new ReceiptError(
      'unknown-key',
      'the receipt was signed with a key the JWKS does not publish (not issued by this API, or the set is stale)',
      { cause: err },
    );
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new ReceiptError(
      'bad-signature',
      'the receipt signature does not verify: it was altered or forged',
      {
        cause: err,
      },
    );
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return new ReceiptError('wrong-type', 'the receipt is not signed with EdDSA (Ed25519)', { cause: err });
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err instanceof TypeError) {
    return new ReceiptError('jwks-unavailable', `the JWKS could not be loaded: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (err instanceof errors.JWSInvalid) {
    return new ReceiptError('malformed', `the receipt is not a valid JWS: ${err.message}`, { cause: err });
  }
  if (err instanceof errors.JOSEError) {
    return new ReceiptError('malformed', err.message, { cause: err });
  }
  return new ReceiptError('jwks-unavailable', `the receipt could not be checked: ${String(err)}`, {
    cause: err,
  });
}
