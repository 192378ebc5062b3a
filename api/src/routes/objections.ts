import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS } from '../auth/roles.ts';
import { commonErrors, IdempotencyHeaders, respond, security, writeErrors } from '../due-process/http.ts';
import {
  EntryIdSchema,
  OBJECTION_ID_PATTERN,
  ObjectionListSchema,
  ObjectionRequestSchema,
  ObjectionResultSchema,
  ObjectionViewSchema,
  ResolutionRequestSchema,
} from '../due-process/schemas.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const params = z.object({
  id: z.string().regex(OBJECTION_ID_PATTERN).openapi({ example: 'obj_019ab3c4d5e60000a1b2c3d4' }),
});

const fileObjection = createRoute({
  method: 'post',
  path: '/v1/objections',
  tags: ['Objections'],
  summary: 'Object to an entry (异议): the entry is suspended until the objection is resolved',
  description:
    'Accepted when filed: from then until its resolution the entry does not punish (联合惩戒措施在信息核实期间暂不执行) and decisions say so. An implementer objects for itself (it found the data wrong). A subject objects through the department’s published channels (phone, email, website, counter…): the entry’s designator, or an admin, enters that objection with the channel and who objected — subjects hold no API keys. The verification is due within the list type’s working days (10 by default), counted on the holiday calendar.',
  security,
  middleware: [requirePermission('object')] as const,
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: ObjectionRequestSchema } } },
  },
  responses: { 201: json(ObjectionResultSchema, 'The objection and the suspended entry'), ...writeErrors },
});

const listObjections = createRoute({
  method: 'get',
  path: '/v1/objections',
  tags: ['Objections'],
  summary: 'Objections: your department’s (designator), yours (implementer) or all (admin)',
  security,
  middleware: [requirePermission('object')] as const,
  request: {
    query: z
      .object({
        status: z.enum(['pending', 'upheld', 'rejected']).optional(),
        overdue: z.enum(['true', 'false']).optional().openapi({
          description: 'true: only pending objections past their due date',
        }),
        entryId: EntryIdSchema.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.string().regex(OBJECTION_ID_PATTERN).optional(),
      })
      .strict(),
  },
  responses: { 200: json(ObjectionListSchema, 'A page of objections, oldest first'), ...commonErrors },
});

const getObjection = createRoute({
  method: 'get',
  path: '/v1/objections/{id}',
  tags: ['Objections'],
  summary: 'One objection with its deadline',
  security,
  middleware: [requirePermission('object')] as const,
  request: { params },
  responses: { 200: json(ObjectionViewSchema, 'The objection'), ...commonErrors },
});

const resolveObjection = createRoute({
  method: 'post',
  path: '/v1/objections/{id}/resolve',
  tags: ['Objections'],
  summary: 'Resolve an objection: upheld (correct or revoke the entry) or rejected (it applies again)',
  description:
    'By the entry’s designator or an admin. The change carries the objection id and the implementers that decided on the subject since the entry was listed, for notification (恢复信誉).',
  security,
  middleware: [requirePermission('resolve')] as const,
  request: {
    params,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: ResolutionRequestSchema } } },
  },
  responses: {
    200: json(ObjectionResultSchema, 'The resolved objection and the entry after it'),
    ...writeErrors,
  },
});

export function objectionRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  const caller = (c: { get(k: 'principal'): AppEnv['Variables']['principal'] }) =>
    c.get('principal') ?? ANONYMOUS;

  app.openapi(fileObjection, (c) => {
    const body = c.req.valid('json');
    return respond(c, 201, (s) => s.object(body, caller(c)), body) as never;
  });

  app.openapi(listObjections, (c) => {
    const q = c.req.valid('query');
    return respond(c, 200, (s) =>
      s.objections(
        {
          ...(q.status ? { status: q.status } : {}),
          overdue: q.overdue === 'true',
          ...(q.entryId ? { entryId: q.entryId } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          limit: q.limit,
        },
        caller(c),
      ),
    ) as never;
  });

  app.openapi(
    getObjection,
    (c) => respond(c, 200, (s) => s.objection(c.req.valid('param').id, caller(c))) as never,
  );

  app.openapi(resolveObjection, (c) => {
    const body = c.req.valid('json');
    return respond(
      c,
      200,
      (s) => s.resolveObjection(c.req.valid('param').id, body, caller(c)),
      body,
    ) as never;
  });

  return app;
}
