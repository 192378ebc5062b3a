import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS } from '../auth/roles.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { idempotentWrite } from '../http/idempotency.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { answerOversight } from '../oversight/problem.ts';
import {
  ClearanceListSchema,
  ClearanceRequestSchema,
  ClearanceRevokeSchema,
  ClearanceSchema,
} from '../oversight/schemas.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const security = [{ bearerAuth: [] }];
const errors = {
  400: { description: 'Invalid request or code', content: problemContent },
  401: { description: 'Unknown or revoked API key', content: problemContent },
  403: { description: 'The key’s role may not do this', content: problemContent },
  429: { description: 'Rate limit reached; see Retry-After', content: problemContent },
};
const idParam = z.object({
  id: z
    .string()
    .regex(/^clr_[\w-]{1,64}$/)
    .openapi({ example: 'clr_019ab3c4d5e60000a1b2c3d4' }),
});
const idempotencyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({
    description: 'Repeating the same request with the same key (per API key) returns the first answer',
  }),
});

const create = createRoute({
  method: 'post',
  path: '/v1/clearances',
  tags: ['Clearances'],
  summary: 'Record that a name-matched candidate is not the subject presented (a cleared false match)',
  description:
    'After checking (e.g. the business licence), an implementer records that a listed subject a name matched is not the subject in front of it, with why. Later decisions for the same pair list that candidate as cleared (who, when, why) instead of as a hit, and it no longer turns favour or clear into review. The pair is the candidate, the presented name after name normalization (width, brackets, traditional characters, spaces: 重慶遠禾 = 重庆远禾, but a different company form is another name), and the presented code: a clearance given with a code applies only to requests giving that code with that name (the "name of another listed subject" conflict); one without a code applies only to name-only requests. Clearances apply to every key’s decisions and are audited; revoke one with POST /v1/clearances/{id}/revoke.',
  security,
  middleware: [requirePermission('decide')] as const,
  request: {
    headers: idempotencyHeader,
    body: { required: true, content: { 'application/json': { schema: ClearanceRequestSchema } } },
  },
  responses: {
    201: { description: 'The clearance', content: { 'application/json': { schema: ClearanceSchema } } },
    404: { description: 'The candidate is not a listed subject', content: problemContent },
    409: { description: 'An active clearance already holds this pair', content: problemContent },
    422: { description: 'The Idempotency-Key was used for a different request', content: problemContent },
    ...errors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/clearances',
  tags: ['Clearances'],
  summary: 'Clearances, oldest first',
  security,
  middleware: [requirePermission('decide')] as const,
  request: {
    query: z
      .object({
        candidateSubjectId: z.string().min(1).max(64).optional(),
        status: z.enum(['active', 'revoked', 'all']).default('active'),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        cursor: z.string().max(100).optional(),
      })
      .strict(),
  },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: ClearanceListSchema } } },
    ...errors,
  },
});

const get = createRoute({
  method: 'get',
  path: '/v1/clearances/{id}',
  tags: ['Clearances'],
  summary: 'A clearance, with its revocation if revoked',
  security,
  middleware: [requirePermission('decide')] as const,
  request: { params: idParam },
  responses: {
    200: { description: 'The clearance', content: { 'application/json': { schema: ClearanceSchema } } },
    404: { description: 'No such clearance', content: problemContent },
    ...errors,
  },
});

const revoke = createRoute({
  method: 'post',
  path: '/v1/clearances/{id}/revoke',
  tags: ['Clearances'],
  summary: 'Revoke a clearance: later decisions show the candidate as a hit again',
  description:
    'Only the key that recorded the clearance, or an admin. The clearance is kept, with who revoked it, when and why; the revocation is audited.',
  security,
  middleware: [requirePermission('decide')] as const,
  request: {
    params: idParam,
    headers: idempotencyHeader,
    body: { required: true, content: { 'application/json': { schema: ClearanceRevokeSchema } } },
  },
  responses: {
    200: {
      description: 'The revoked clearance',
      content: { 'application/json': { schema: ClearanceSchema } },
    },
    404: { description: 'No such clearance', content: problemContent },
    409: { description: 'Already revoked', content: problemContent },
    422: { description: 'The Idempotency-Key was used for a different request', content: problemContent },
    ...errors,
  },
});

export function clearanceRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const principal = c.get('principal') ?? ANONYMOUS;
    return answerOversight(c, () =>
      idempotentWrite(c, body, 201, () => c.get('deps').clearances.create(body, principal)),
    ) as never;
  });

  app.openapi(list, (c) => {
    const q = c.req.valid('query');
    const page = c.get('deps').clearances.list({
      status: q.status,
      limit: q.limit,
      ...(q.candidateSubjectId ? { candidateSubjectId: q.candidateSubjectId } : {}),
      ...(q.cursor ? { after: q.cursor } : {}),
    });
    return c.json(page, 200);
  });

  app.openapi(get, async (c) => {
    const found = await c.get('deps').clearances.get(c.req.valid('param').id);
    if (found === null) {
      return problem(c, 'not-found', { detail: 'No such clearance.', detailZh: '排除记录不存在。' }) as never;
    }
    return c.json(found, 200);
  });

  app.openapi(revoke, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const principal = c.get('principal') ?? ANONYMOUS;
    return answerOversight(c, () =>
      idempotentWrite(c, body, 200, () => c.get('deps').clearances.revoke(id, body.reason, principal)),
    ) as never;
  });

  return app;
}
