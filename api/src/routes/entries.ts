import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS } from '../auth/roles.ts';
import { commonErrors, IdempotencyHeaders, respond, security, writeErrors } from '../due-process/http.ts';
import {
  CorrectionRequestSchema,
  DesignationRequestSchema,
  EntryDetailSchema,
  EntryIdSchema,
  RevocationRequestSchema,
} from '../due-process/schemas.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';

const detail = (description: string) => ({
  description,
  content: { 'application/json': { schema: EntryDetailSchema } },
});
const params = z.object({ id: EntryIdSchema });

const designate = createRoute({
  method: 'post',
  path: '/v1/entries',
  tags: ['Designation'],
  summary: 'Designate: list a subject (publishes the entry)',
  description:
    'A designator key lists subjects for its own department; an admin names the department. The entry is published by this request (publishedOn defaults to today) and applies from then on. The publication rule of the list type (api/catalog/due-process.json: within 7 working days of the decision date by default) is checked: a late publication is marked late, or refused where the rule says so. The change log records who, when and why.',
  security,
  middleware: [requirePermission('designate')] as const,
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: DesignationRequestSchema } } },
  },
  responses: { 201: detail('The entry as listed, with its publication check and history'), ...writeErrors },
});

const getEntry = createRoute({
  method: 'get',
  path: '/v1/entries/{id}',
  tags: ['Designation'],
  summary: 'An entry with its status history, objections and repair requests',
  description:
    'Staff roles (implementer and above). The history lists every change with who (API key id), when and why; an imported change has no why.',
  security,
  middleware: [requirePermission('object')] as const,
  request: { params },
  responses: { 200: detail('The entry'), ...commonErrors },
});

const correct = createRoute({
  method: 'patch',
  path: '/v1/entries/{id}',
  tags: ['Designation'],
  summary: 'Correct an entry of your department',
  description:
    'Corrects the reason, dates or validity. Not while an objection is pending: its resolution corrects or revokes.',
  security,
  middleware: [requirePermission('designate')] as const,
  request: {
    params,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: CorrectionRequestSchema } } },
  },
  responses: { 200: detail('The corrected entry'), ...writeErrors },
});

const revoke = createRoute({
  method: 'post',
  path: '/v1/entries/{id}/revoke',
  tags: ['Designation'],
  summary: 'Revoke an entry of your department',
  description:
    'The entry stops applying at once and never applies again; its history stays. The change names the implementers that decided on the subject since it was listed.',
  security,
  middleware: [requirePermission('designate')] as const,
  request: {
    params,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: RevocationRequestSchema } } },
  },
  responses: { 200: detail('The revoked entry'), ...writeErrors },
});

export function entryRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  const caller = (c: { get(k: 'principal'): AppEnv['Variables']['principal'] }) =>
    c.get('principal') ?? ANONYMOUS;

  app.openapi(designate, (c) => {
    const body = c.req.valid('json');
    return respond(c, 201, (s) => s.designate(body, caller(c)), body) as never;
  });

  app.openapi(getEntry, (c) => respond(c, 200, (s) => s.entry(c.req.valid('param').id, caller(c))) as never);

  app.openapi(correct, (c) => {
    const body = c.req.valid('json');
    return respond(c, 200, (s) => s.correct(c.req.valid('param').id, body, caller(c)), body) as never;
  });

  app.openapi(revoke, (c) => {
    const body = c.req.valid('json');
    return respond(c, 200, (s) => s.revoke(c.req.valid('param').id, body.why, caller(c)), body) as never;
  });

  return app;
}
