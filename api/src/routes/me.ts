import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS, can, type Permission, Role } from '../auth/roles.ts';
import type { AppEnv } from '../http/env.ts';
import { ProblemSchema } from '../http/schemas.ts';

// A record, not a list: a permission added to roles.ts fails to compile until it is listed here.
const ALL: Record<Permission, true> = {
  lookup: true,
  decide: true,
  feedback: true,
  object: true,
  designate: true,
  resolve: true,
  'manage-keys': true,
  audit: true,
  'see-staff-mask': true,
  subscribe: true,
  'list-entries': true,
  'record-commitment': true,
};
const PERMISSIONS = Object.keys(ALL) as Permission[];

const MeSchema = z
  .object({
    role: Role,
    department: z.string().nullable().openapi({ description: 'Department a designator key acts for' }),
    label: z.string().nullable().openapi({ description: 'The key’s label; never the key itself' }),
    keyId: z.string().nullable().openapi({ description: 'Id of the key; null without one' }),
    permissions: z.array(z.string()).openapi({ description: 'What this role may do' }),
  })
  .openapi('Me');

const me = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['Keys'],
  summary: 'Who the caller is: role, department and label of the key',
  description:
    'Lets a client (the web console) tell what a pasted key may do without trying each operation. Without a key: the public role.',
  security: [{ bearerAuth: [] }, {}],
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: MeSchema } } },
    401: {
      description: 'Unknown or revoked API key',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function meRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(me, (c) => {
    const p = c.get('principal') ?? ANONYMOUS;
    // Depends on the key: a shared cache must never hand one caller's answer to another.
    c.header('Cache-Control', 'private, no-store');
    return c.json(
      {
        role: p.role,
        department: p.department,
        label: p.label,
        keyId: p.keyId,
        permissions: PERMISSIONS.filter((x) => can(p, x)),
      },
      200,
    );
  });
  return app;
}
