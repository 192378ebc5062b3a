import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ANONYMOUS } from '../auth/roles.ts';
import {
  BreachRequestSchema,
  BreachResultSchema,
  COMMITMENT_ID_PATTERN,
  CommitmentIdSchema,
  CommitmentListSchema,
  CommitmentRequestSchema,
  CommitmentResultSchema,
  CommitmentViewSchema,
} from '../commitments/schemas.ts';
import { type CommitmentService, createCommitmentService } from '../commitments/service.ts';
import { DueProcessError } from '../due-process/errors.ts';
import { commonErrors, IdempotencyHeaders, respond, security, writeErrors } from '../due-process/http.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const params = z.object({ id: CommitmentIdSchema });
const { 401: _u, 403: _f, ...publicErrors } = commonErrors;

const recordCommitment = createRoute({
  method: 'post',
  path: '/v1/commitments',
  tags: ['Commitments'],
  summary: 'Record a credit commitment (信用承诺) an organization made to your department',
  description:
    'Subjects hold no API keys: the department that received the pledge (a designator for its own department; an implementer — the approving department of a 容缺受理 or 告知承诺 — for the department its key names or `department`; an admin for any) enters it with the channel and who signed. Comprehensive pledges (lawful conduct in general) and specific ones (one approval, with the materials promised and the deadline) are public from then on (GET /v1/commitments?code=). Organizations only: a resident ID number is refused. A USCC whose check character fails is recorded with a warning, as imports do.',
  security,
  middleware: [requirePermission('record-commitment')] as const,
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: CommitmentRequestSchema } } },
  },
  responses: { 201: json(CommitmentResultSchema, 'The commitment as recorded'), ...writeErrors },
});

const listCommitments = createRoute({
  method: 'get',
  path: '/v1/commitments',
  tags: ['Commitments'],
  summary: 'Commitments of an organization (public), or of a department',
  description:
    'Public: anyone may read an organization’s commitments by its code; who signed and the evidence of a breach are shown to the receiving department and admins only. Without `code`, a key lists its own department’s (an admin any, with `department`).',
  request: {
    query: z
      .object({
        code: z.string().min(1).max(64).optional().openapi({ example: '91500235MA5U3XXX0Q' }),
        department: z.string().min(1).max(200).optional(),
        status: z.enum(['active', 'breached']).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.string().regex(COMMITMENT_ID_PATTERN).optional(),
      })
      .strict(),
  },
  responses: { 200: json(CommitmentListSchema, 'A page of commitments, oldest first'), ...publicErrors },
});

const getCommitment = createRoute({
  method: 'get',
  path: '/v1/commitments/{id}',
  tags: ['Commitments'],
  summary: 'One credit commitment (public)',
  request: { params },
  responses: { 200: json(CommitmentViewSchema, 'The commitment'), ...publicErrors },
});

const breachCommitment = createRoute({
  method: 'post',
  path: '/v1/commitments/{id}/breach',
  tags: ['Commitments'],
  summary: 'Find a commitment breached: lists the organization on commitment-breach (失信承诺)',
  description:
    'By the designator of the department that received it, or an admin. In one transaction the commitment is marked breached and a black-list entry of list type `commitment-breach` is created whose basis names the commitment (“违背信用承诺 com_…”), published today; decisions see it at once. Change-log events `commitment.breached` and `entry.created` (why: cause `commitment.breached` with the commitment id), one audit record.',
  security,
  middleware: [requirePermission('resolve')] as const,
  request: {
    params,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: BreachRequestSchema } } },
  },
  responses: {
    201: json(BreachResultSchema, 'The breached commitment and the entry it created'),
    ...writeErrors,
  },
});

function serviceOf(c: Context<AppEnv>): CommitmentService {
  const deps = c.get('deps');
  if (!deps.dueProcess) {
    throw new DueProcessError(
      'service-unavailable',
      'The due process is not set up on this node.',
      '本节点未启用名单管理功能。',
    );
  }
  return createCommitmentService({
    store: deps.store,
    clock: deps.clock,
    catalog: deps.catalog,
    dueProcess: deps.dueProcess,
    dataVersion: () => deps.index.seq,
  });
}

export function commitmentRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  const caller = (c: Context<AppEnv>) => c.get('principal') ?? ANONYMOUS;

  app.openapi(recordCommitment, (c) => {
    const body = c.req.valid('json');
    return respond(c, 201, () => serviceOf(c).create(body, caller(c)), body) as never;
  });

  app.openapi(listCommitments, (c) => {
    const q = c.req.valid('query');
    return respond(c, 200, () =>
      serviceOf(c).list(
        {
          ...(q.code ? { code: q.code } : {}),
          ...(q.department ? { department: q.department } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          limit: q.limit,
        },
        caller(c),
      ),
    ) as never;
  });

  app.openapi(
    getCommitment,
    (c) => respond(c, 200, () => serviceOf(c).get(c.req.valid('param').id, caller(c))) as never,
  );

  app.openapi(breachCommitment, (c) => {
    const body = c.req.valid('json');
    return respond(
      c,
      201,
      () => serviceOf(c).breach(c.req.valid('param').id, body, caller(c)),
      body,
    ) as never;
  });

  return app;
}
