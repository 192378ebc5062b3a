import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS } from '../auth/roles.ts';
import { commonErrors, IdempotencyHeaders, respond, security, writeErrors } from '../due-process/http.ts';
import {
  EntryIdSchema,
  REPAIR_ID_PATTERN,
  RepairDecisionRequestSchema,
  RepairListSchema,
  RepairRequestSchema,
  RepairResultSchema,
  RepairViewSchema,
} from '../due-process/schemas.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const params = z.object({
  id: z.string().regex(REPAIR_ID_PATTERN).openapi({ example: 'rep_019ab3c4d5e60000a1b2c3d4' }),
});

const requestRepair = createRoute({
  method: 'post',
  path: '/v1/repairs',
  tags: ['Credit repair'],
  summary: 'Request credit repair (信用修复) for an entry, with evidence',
  description:
    'Entered by the entry’s designator (or an admin) for the subject that applied. The list type’s rule (api/catalog/due-process.json) decides: some types are not repairable (422 repair-not-available), others only after a minimum period from publication or correction (422 repair-too-early with `earliestOn`).',
  security,
  middleware: [requirePermission('resolve')] as const,
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: RepairRequestSchema } } },
  },
  responses: { 201: json(RepairResultSchema, 'The pending request'), ...writeErrors },
});

const listRepairs = createRoute({
  method: 'get',
  path: '/v1/repairs',
  tags: ['Credit repair'],
  summary: 'Repair requests of your department (all for an admin)',
  security,
  middleware: [requirePermission('resolve')] as const,
  request: {
    query: z
      .object({
        status: z.enum(['pending', 'approved', 'rejected']).optional(),
        entryId: EntryIdSchema.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.string().regex(REPAIR_ID_PATTERN).optional(),
      })
      .strict(),
  },
  responses: { 200: json(RepairListSchema, 'A page of requests, oldest first'), ...commonErrors },
});

const getRepair = createRoute({
  method: 'get',
  path: '/v1/repairs/{id}',
  tags: ['Credit repair'],
  summary: 'One repair request',
  security,
  middleware: [requirePermission('resolve')] as const,
  request: { params },
  responses: { 200: json(RepairViewSchema, 'The request'), ...commonErrors },
});

const decideRepair = createRoute({
  method: 'post',
  path: '/v1/repairs/{id}/decide',
  tags: ['Credit repair'],
  summary: 'Approve or reject a repair request; approval ends the punishment at once',
  description:
    'Approval marks the entry repaired: it never punishes again, its history stays, and the change names the implementers to tell so that they lift their measures.',
  security,
  middleware: [requirePermission('resolve')] as const,
  request: {
    params,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: RepairDecisionRequestSchema } } },
  },
  responses: { 200: json(RepairResultSchema, 'The decided request and the entry after it'), ...writeErrors },
});

export function repairRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  const caller = (c: { get(k: 'principal'): AppEnv['Variables']['principal'] }) =>
    c.get('principal') ?? ANONYMOUS;

  app.openapi(requestRepair, (c) => {
    const body = c.req.valid('json');
    return respond(c, 201, (s) => s.requestRepair(body, caller(c)), body) as never;
  });

  app.openapi(listRepairs, (c) => {
    const q = c.req.valid('query');
    return respond(c, 200, (s) =>
      s.repairs(
        {
          ...(q.status ? { status: q.status } : {}),
          ...(q.entryId ? { entryId: q.entryId } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          limit: q.limit,
        },
        caller(c),
      ),
    ) as never;
  });

  app.openapi(
    getRepair,
    (c) => respond(c, 200, (s) => s.repair(c.req.valid('param').id, caller(c))) as never,
  );

  app.openapi(decideRepair, (c) => {
    const body = c.req.valid('json');
    return respond(c, 200, (s) => s.decideRepair(c.req.valid('param').id, body, caller(c)), body) as never;
  });

  return app;
}
