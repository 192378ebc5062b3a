import { CompactSign, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/**
 * Decision receipts are compact JWS signed with Ed25519: the proof that a check was made (应查必查).
 * Keys rotate; retired public keys stay in the JWKS so every old receipt remains verifiable.
 */
export interface SigningKeyRecord {
  kid: string;
  createdAt: string;
  /** Set when a newer key took over; the public half is still published. */
  retiredAt: string | null;
  privateJwk: JWK;
  publicJwk: JWK;
}

export const SIGNING_KEYS_SETTING = 'receipt-signing-keys';
export const RECEIPT_ALG = 'EdDSA';

export async function generateSigningKey(now: Date): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(RECEIPT_ALG, { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = `rk_${now.toISOString().slice(0, 10).replaceAll('-', '')}_${publicJwk.x!.slice(0, 8)}`;
  return {
    kid,
    createdAt: now.toISOString(),
    retiredAt: null,
    privateJwk: { ...privateJwk, kid, alg: RECEIPT_ALG },
    publicJwk: { ...publicJwk, kid, alg: RECEIPT_ALG, use: 'sig' },
  };
}

/** Retires the active key and appends a new one; returns the new list to persist. */
export async function rotateSigningKeys(records: SigningKeyRecord[], now: Date): Promise<SigningKeyRecord[]> {
  const fresh = await generateSigningKey(now);
  return [...records.map((r) => (r.retiredAt ? r : { ...r, retiredAt: now.toISOString() })), fresh];
}

export interface ReceiptSigner {
  readonly kid: string;
  sign(payload: Record<string, unknown>): Promise<string>;
  jwks(): { keys: JWK[] };
}

export async function createReceiptSigner(records: SigningKeyRecord[]): Promise<ReceiptSigner> {
  const active = records.findLast((r) => r.retiredAt === null);
  if (!active) throw new Error('no active receipt signing key');
  const key = await importJWK(active.privateJwk, RECEIPT_ALG);
  const encoder = new TextEncoder();
  const publicKeys = records.map((r) => r.publicJwk);
  return {
    kid: active.kid,
    sign: (payload) =>
      new CompactSign(encoder.encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: RECEIPT_ALG, kid: active.kid, typ: 'credcheck-receipt+jws' })
        .sign(key),
    jwks: () => ({ keys: publicKeys }),
  };
}
