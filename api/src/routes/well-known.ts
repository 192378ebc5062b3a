import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.ts';

const JwksSchema = z
  .object({
    keys: z.array(
      z
        .object({
          kty: z.string(),
          crv: z.string(),
          x: z.string(),
          kid: z.string(),
          alg: z.string(),
          use: z.string(),
        })
        .partial()
        .catchall(z.unknown()),
    ),
  })
  .openapi('Jwks');

const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags: ['Decisions'],
  summary: 'Public keys that verify decision receipts',
  description:
    'Ed25519 public keys (JWK, alg EdDSA). Retired keys stay listed so that every receipt ever issued can be verified; the receipt’s `kid` header names its key.',
  responses: {
    200: { description: 'JSON Web Key Set', content: { 'application/json': { schema: JwksSchema } } },
  },
});

export function wellKnownRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(jwks, (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(c.get('deps').decisions.jwks(), 200);
  });
  return app;
}
