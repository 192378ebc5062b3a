import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS } from '../auth/roles.ts';
import { DECISION_ID_PATTERN } from '../decisions/decision-id.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { idempotentWrite } from '../http/idempotency.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { listDecisions, listFeedback, recordFeedback } from '../oversight/feedback.ts';
import { answerOversight } from '../oversight/problem.ts';
import {
  DecisionListSchema,
  FeedbackListSchema,
  FeedbackRequestSchema,
  FeedbackSchema,
} from '../oversight/schemas.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const security = [{ bearerAuth: [] }];
const errors = {
  400: { description: 'Invalid request', content: problemContent },
  401: { description: 'Unknown or revoked API key', content: problemContent },
  403: {
    description: 'The key’s role may not do this, or the decision was made with another key',
    content: problemContent,
  },
  429: { description: 'Rate limit reached; see Retry-After', content: problemContent },
};
const DAY_MS = 86_400_000;
const idParam = z.object({
  id: z.string().regex(DECISION_ID_PATTERN).openapi({ example: 'dec_019ab3c4d5e60000a1b2c3d4' }),
});

const report = createRoute({
  method: 'post',
  path: '/v1/decisions/{id}/feedback',
  tags: ['Decisions'],
  summary: 'Report what was done with a decision (执行反馈)',
  description:
    'Per measure of the decision (its own and its related persons’, each exactly once): applied, or not applied and why. Only the key that made the decision, or an admin. A later report supersedes an earlier one; both are kept and audited.',
  security,
  middleware: [requirePermission('feedback')] as const,
  request: {
    params: idParam,
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({
        description: 'Repeating the same request with the same key (per API key) returns the first report',
      }),
    }),
    body: { required: true, content: { 'application/json': { schema: FeedbackRequestSchema } } },
  },
  responses: {
    201: {
      description: 'The report as recorded',
      content: { 'application/json': { schema: FeedbackSchema } },
    },
    404: { description: 'No such decision', content: problemContent },
    422: {
      description:
        'The measures are not those of the decision (feedback-mismatch), or the Idempotency-Key was used for a different request',
      content: problemContent,
    },
    ...errors,
  },
});

const reports = createRoute({
  method: 'get',
  path: '/v1/decisions/{id}/feedback',
  tags: ['Decisions'],
  summary: 'The feedback reports on a decision, oldest first',
  security,
  middleware: [requirePermission('feedback')] as const,
  request: { params: idParam },
  responses: {
    200: { description: 'The reports', content: { 'application/json': { schema: FeedbackListSchema } } },
    404: { description: 'No such decision', content: problemContent },
    ...errors,
  },
});

const listing = createRoute({
  method: 'get',
  path: '/v1/decisions',
  tags: ['Decisions'],
  summary: 'Your decisions, oldest first; with feedback=missing, those still waiting for feedback',
  description:
    'feedback=missing lists the decisions that expect feedback (every outcome but clear) and have none, made more than olderThan ago (default: CREDCHECK_FEEDBACK_DUE, 7 days). An admin lists every key’s decisions, or one key’s with keyId; any other key only its own.',
  security,
  middleware: [requirePermission('decide')] as const,
  request: {
    query: z
      .object({
        feedback: z.enum(['missing']).optional(),
        olderThan: z.string().max(32).optional().openapi({
          description: 'ISO 8601 duration: only decisions made longer ago than this',
          example: 'P7D',
        }),
        keyId: z.string().max(64).optional().openapi({ description: 'Admin only: one key’s decisions' }),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        cursor: z.string().max(300).optional(),
      })
      .strict(),
  },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: DecisionListSchema } } },
    ...errors,
  },
});

export function feedbackRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(report, (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { store, clock } = c.get('deps');
    const principal = c.get('principal') ?? ANONYMOUS;
    return answerOversight(c, () =>
      idempotentWrite(c, body, 201, () => recordFeedback({ store, clock }, id, body, principal)),
    ) as never;
  });

  app.openapi(reports, (c) => {
    const { store, clock } = c.get('deps');
    const principal = c.get('principal') ?? ANONYMOUS;
    return answerOversight(c, async () =>
      c.json(await listFeedback({ store, clock }, c.req.valid('param').id, principal), 200),
    ) as never;
  });

  app.openapi(listing, (c) => {
    const { store, clock, config } = c.get('deps');
    const q = c.req.valid('query');
    const principal = c.get('principal') ?? ANONYMOUS;
    const feedbackDueMs = config.feedbackDueMs ?? 7 * DAY_MS;
    return answerOversight(c, async () =>
      c.json(await listDecisions({ store, clock, feedbackDueMs }, principal, q), 200),
    ) as never;
  });

  return app;
}
