import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS } from '../auth/roles.ts';
import { DECISION_ID_PATTERN } from '../decisions/decision-id.ts';
import { DecisionRequestError } from '../decisions/errors.ts';
import {
  DecisionBatchRequestSchema,
  DecisionBatchResultSchema,
  DecisionRequestSchema,
  DecisionResultSchema,
  MAX_BATCH_DECISIONS,
} from '../decisions/schemas.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const security = [{ bearerAuth: [] }];
const errors = {
  400: { description: 'Invalid request, code or scenario', content: problemContent },
  401: { description: 'Unknown or revoked API key', content: problemContent },
  403: {
    description: 'The key’s role may not request decisions (implementer or above)',
    content: problemContent,
  },
  429: { description: 'Rate limit reached; see Retry-After', content: problemContent },
};

const decideOne = createRoute({
  method: 'post',
  path: '/v1/decisions',
  tags: ['Decisions'],
  summary: 'Decide which measures apply to a subject in a scenario, with a signed receipt',
  description:
    'The subject is identified by its code (USCC or ID number); a name given with it is checked against the list, and a name alone yields only possible matches to confirm. The outcome is block, review, favour or clear, with every measure that applies (binding, effect, implementer, legal basis), the entries behind it, the entries that would apply but do not (suspended by objection, expired, repaired, revoked) and why, listed legal representatives and responsible persons (落实到人), and green-channel eligibility. Only published measures are applied. The decision is recorded and its receipt (compact JWS, Ed25519) verifies with /.well-known/jwks.json.',
  security,
  middleware: [requirePermission('decide')] as const,
  request: {
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({
        description:
          'Repeating the same request with the same key (per API key) returns the first decision, receipt included, and records nothing new (header Idempotent-Replayed: true). Kept indefinitely.',
        example: 'ZB-2026-0042-check-1',
      }),
    }),
    body: { required: true, content: { 'application/json': { schema: DecisionRequestSchema } } },
  },
  responses: {
    422: { description: 'The Idempotency-Key was used for a different request', content: problemContent },
    200: {
      description: 'The decision and its receipt',
      content: { 'application/json': { schema: DecisionResultSchema } },
    },
    ...errors,
  },
});

const decideBatch = createRoute({
  method: 'post',
  path: '/v1/decisions/batch',
  tags: ['Decisions'],
  summary: `Decide for up to ${MAX_BATCH_DECISIONS.toLocaleString('en')} subjects at once`,
  description:
    'Each item is decided (and receipted) as by POST /v1/decisions, all on the same data version; an item that cannot be decided carries its own error and does not spoil the rest.',
  security,
  middleware: [requirePermission('decide')] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: DecisionBatchRequestSchema } } },
  },
  responses: {
    200: {
      description: 'One item per request item, in order',
      content: { 'application/json': { schema: DecisionBatchResultSchema } },
    },
    ...errors,
  },
});

const DecisionRecordSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    keyId: z.string().nullable(),
    scenario: z.string(),
    subjectId: z.string().nullable(),
    outcome: z.enum(['block', 'review', 'favour', 'clear']),
    dataVersion: z.number().int(),
    catalogVersion: z.string(),
    reference: z.string().nullable(),
    receipt: z.string(),
  })
  .openapi('DecisionRecord');

const getDecision = createRoute({
  method: 'get',
  path: '/v1/decisions/{id}',
  tags: ['Decisions'],
  summary: 'A recorded decision and its receipt',
  security,
  middleware: [requirePermission('decide')] as const,
  request: {
    params: z.object({
      id: z.string().regex(DECISION_ID_PATTERN).openapi({ example: 'dec_019ab3c4d5e60000a1b2c3d4' }),
    }),
  },
  responses: {
    200: { description: 'The record', content: { 'application/json': { schema: DecisionRecordSchema } } },
    404: { description: 'No such decision', content: problemContent },
    ...errors,
  },
});

export function decisionRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(decideOne, async (c) => {
    try {
      const idempotencyKey = c.req.header('idempotency-key');
      if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(idempotencyKey)) {
        return problem(c, 'validation-failed', {
          detail: 'Idempotency-Key must be 1 to 128 visible ASCII characters.',
          detailZh: 'Idempotency-Key 须为 1 至 128 个可见 ASCII 字符。',
          errors: [{ field: 'header.Idempotency-Key', message: 'invalid' }],
        }) as never;
      }
      const { result, replayed } = await c
        .get('deps')
        .decisions.decide(c.req.valid('json'), c.get('principal') ?? ANONYMOUS, idempotencyKey);
      if (replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(result, 200);
    } catch (err) {
      if (err instanceof DecisionRequestError) return requestProblem(c, err) as never;
      throw err;
    }
  });

  app.openapi(decideBatch, async (c) => {
    const result = await c
      .get('deps')
      .decisions.decideBatch(c.req.valid('json'), c.get('principal') ?? ANONYMOUS);
    return c.json(result, 200);
  });

  app.openapi(getDecision, async (c) => {
    const record = await c.get('deps').decisions.get(c.req.valid('param').id);
    const principal = c.get('principal') ?? ANONYMOUS;
    // Another caller's decision is theirs to show, unless you audit.
    if (record === null || (principal.role !== 'admin' && record.keyId !== principal.keyId)) {
      return problem(c, 'not-found', {
        detail: 'No decision with this id was made with your key.',
        detailZh: '未找到使用您的密钥作出的该编号决定。',
      }) as never;
    }
    const { subjectKey: _hidden, ...shown } = record;
    return c.json(shown, 200);
  });

  return app;
}

function requestProblem(c: Parameters<typeof problem>[0], err: DecisionRequestError) {
  return problem(c, err.slug, {
    detail: `${err.field}: ${err.message}`,
    detailZh: `${err.field}：${err.messageZh}`,
    ...(err.slug === 'validation-failed'
      ? { errors: [{ field: `body.${err.field}`, message: err.message }] }
      : {}),
    extra: { field: err.field, ...err.extra },
  });
}
