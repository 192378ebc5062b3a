import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECEIPT_TYP, ReceiptError, verifyReceipt } from '../src/client/index.ts';

async function key(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const pub: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { privateKey, pub, kid };
}
type Key = Awaited<ReturnType<typeof key>>;

const claims = {
  iss: 'credcheck',
  jti: 'dec_1',
  iat: 1_795_000_000,
  issuedAt: '2026-11-23T08:00:00.000Z',
  asOf: '2026-11-23',
  dataVersion: 12,
  catalogVersion: 'c1',
  scenario: 'gov-procurement',
  subject: { id: 'sub_1', code: '91110108MA0U94MT1P', matchedBy: 'code', consistent: true },
  status: 'black',
  outcome: 'block',
  measures: ['m-1'],
  entries: ['ent_1'],
  notApplied: [],
  related: [],
  candidates: [],
  greenChannel: false,
  caller: 'key_1',
  reference: null,
};

function sign(k: Key, payload: unknown = claims, typ = RECEIPT_TYP) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: k.kid, typ })
    .sign(k.privateKey);
}

describe('verifyReceipt', () => {
  let current: Key;
  let retired: Key;
  let stranger: Key;
  beforeAll(async () => {
    [current, retired, stranger] = await Promise.all([key('rk_b'), key('rk_a'), key('rk_a')]);
  });

  it('returns the claims of a receipt signed by a published key, retired ones included', async () => {
    const jwks = { keys: [retired.pub, current.pub] };
    const fresh = await verifyReceipt(await sign(current), { jwks });
    expect(fresh).toEqual({ claims, kid: 'rk_b' });
    const old = await verifyReceipt(await sign(retired), { jwks });
    expect(old.claims.outcome).toBe('block');
  });

  it('refuses a tampered payload', async () => {
    const [h, , s] = (await sign(current)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, outcome: 'clear' })).toString('base64url');
    const err = await verifyReceipt(`${h}.${forged}.${s}`, { jwks: { keys: [current.pub] } }).catch((e) => e);
    expect(err).toBeInstanceOf(ReceiptError);
    expect(err.code).toBe('bad-signature');
  });

  it('refuses a receipt signed by a key with a published kid but another secret', async () => {
    const err = await verifyReceipt(await sign(stranger), { jwks: { keys: [retired.pub] } }).catch((e) => e);
    expect(err.code).toBe('bad-signature');
  });

  it('refuses a receipt whose key is not (or no longer) in the JWKS', async () => {
    const err = await verifyReceipt(await sign(retired), { jwks: { keys: [current.pub] } }).catch((e) => e);
    expect(err).toBeInstanceOf(ReceiptError);
    expect(err.code).toBe('unknown-key');
    expect(err.message).toMatch(/key the JWKS does not publish/);
  });

  it('refuses other JWS types and garbage', async () => {
    const jwks = { keys: [current.pub] };
    expect((await verifyReceipt(await sign(current, claims, 'JWT'), { jwks }).catch((e) => e)).code).toBe(
      'wrong-type',
    );
    expect((await verifyReceipt(await sign(current, { hello: 1 }), { jwks }).catch((e) => e)).code).toBe(
      'wrong-type',
    );
    expect((await verifyReceipt('not a jws', { jwks }).catch((e) => e)).code).toBe('malformed');
  });
});
