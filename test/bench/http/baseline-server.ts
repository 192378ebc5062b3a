// The baseline of the HTTP benchmark: a bare Hono endpoint returning a constant JSON body, on the
// same @hono/node-server as the API, so the comparison isolates what CredCheck adds per request.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const body = process.env.BASELINE_BODY ?? '{"ok":true}';
const app = new Hono();
app.get('/v1/subjects/:code', (c) => c.body(body, 200, { 'content-type': 'application/json' }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`baseline on http://127.0.0.1:${info.port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
