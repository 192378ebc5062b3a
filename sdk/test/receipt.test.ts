import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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

  it('refuses headers it cannot honour: other algorithms, critical extensions, broken base64url', async () => {
    const jwks = { keys: [current.pub] };
    const [, p, sig] = (await sign(current)).split('.');
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const code = (jws: string) => verifyReceipt(jws, { jwks }).catch((e) => e.code);
    expect(await code(`${b64({ alg: 'HS256', kid: 'rk_b', typ: RECEIPT_TYP })}.${p}.${sig}`)).toBe(
      'wrong-type',
    );
    expect(await code(`${b64({ alg: 'none', kid: 'rk_b', typ: RECEIPT_TYP })}.${p}.`)).toBe('wrong-type');
    expect(await code(`${b64({ alg: 'EdDSA', kid: 'rk_b', crit: ['b64'], b64: false })}.${p}.${sig}`)).toBe(
      'malformed',
    );
    expect(await code(`${b64({ alg: 'EdDSA', kid: 'rk_b' })}.${p}.${sig}!`)).toBe('malformed');
    expect(await code(`${b64([1])}.${p}.${sig}`)).toBe('malformed');
  });

  it('verifies with the Web Crypto passed as `crypto`, and says what to pass when there is none', async () => {
    const subtle = globalThis.crypto.subtle;
    const verify = vi.fn(subtle.verify.bind(subtle));
    const given = {
      getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto),
      subtle: { importKey: subtle.importKey.bind(subtle), verify } as unknown as SubtleCrypto,
    };
    const jwks = { keys: [current.pub] };
    expect((await verifyReceipt(await sign(current), { jwks, crypto: given })).kid).toBe('rk_b');
    expect(verify).toHaveBeenCalledTimes(1);
    const receipt = await sign(current);
    vi.stubGlobal('crypto', undefined);
    const err = await verifyReceipt(receipt, { jwks }).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toMatch(/no global Web Crypto: on Node 18 pass node:crypto's webcrypto/);
  });

  afterEach(() => vi.unstubAllGlobals());

  it('fetches a jwksUrl once, refetches for an unknown kid only after the cooldown, and fails closed when it is down', async () => {
    let keys = [retired.pub];
    let hits = 0;
    let down = false;
    const server = createServer((_req, res) => {
      hits++;
      res.writeHead(down ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    try {
      const at = Date.now();
      vi.spyOn(Date, 'now').mockImplementation(() => at);
      expect((await verifyReceipt(await sign(retired), { jwksUrl })).kid).toBe('rk_a');
      expect((await verifyReceipt(await sign(retired), { jwksUrl })).kid).toBe('rk_a');
      expect(hits).toBe(1);
      // A rotation: the new key is not fetched while the set is fresh (a forged kid cannot hammer the API)…
      keys = [retired.pub, current.pub];
      expect((await verifyReceipt(await sign(current), { jwksUrl }).catch((e) => e)).code).toBe(
        'unknown-key',
      );
      expect(hits).toBe(1);
      // …but is after the cooldown.
      vi.spyOn(Date, 'now').mockImplementation(() => at + 31_000);
      expect((await verifyReceipt(await sign(current), { jwksUrl })).kid).toBe('rk_b');
      expect(hits).toBe(2);
      // A stale set that cannot be refreshed is not trusted.
      down = true;
      vi.spyOn(Date, 'now').mockImplementation(() => at + 11 * 60_000);
      expect((await verifyReceipt(await sign(current), { jwksUrl }).catch((e) => e)).code).toBe(
        'jwks-unavailable',
      );
    } finally {
      vi.restoreAllMocks();
      await new Promise((r) => server.close(r));
    }
  });
});
