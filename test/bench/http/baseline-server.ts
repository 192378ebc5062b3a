// The baselines of the HTTP benchmark, on the same @hono/node-server as the API, so the comparison
// isolates what CredCheck adds per request:
//  - GET: a bare Hono endpoint returning a constant JSON body;
//  - POST /v1/decisions: the least a signed decision costs, with no lookup, no decision and no record:
//    the JSON body parsed, a payload of the constant body and the request signed as a compact JWS
//    with Ed25519 (node:crypto, as the API's receipt signer does), and the whole returned as JSON.
import { generateKeyPairSync, sign } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const body = process.env.BASELINE_BODY ?? '{"ok":true}';
const { privateKey } = generateKeyPairSync('ed25519');
const b64 = (s: string) => Buffer.from(s).toString('base64url');
const header = b64(JSON.stringify({ alg: 'EdDSA', kid: 'baseline', typ: 'credcheck-receipt+jws' }));
let seq = 0;

const app = new Hono();
app.get('/v1/subjects/:code', (c) => c.body(body, 200, { 'content-type': 'application/json' }));
app.post('/v1/decisions', async (c) => {
  const request: unknown = await c.req.json();
  const payload: Record<string, unknown> = {
    ...JSON.parse(body),
    request,
    id: `dec_${++seq}`,
    issuedAt: new Date().toISOString(),
  };
  const input = `${header}.${b64(JSON.stringify(payload))}`;
  payload.receipt = `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
  return c.json(payload);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`baseline on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
