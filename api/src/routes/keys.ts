import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { issueApiKey } from '../auth/api-key.ts';
import type { KeyResolver } from '../auth/key-resolver.ts';
import { ANONYMOUS, Role } from '../auth/roles.ts';
import { commonErrors, security } from '../due-process/http.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ApiKeyRecord } from '../store/types.ts';

/**
 * API keys over HTTP for the console's administrators: the same store functions as `credcheck
 * keys`, the same rules, and the key itself shown once, in the answer that creates it.
 */

const NOT_SHOWN_AGAIN =
  'This key will not be shown again: store it now. 此密钥不会再次显示，请立即妥善保存。';

const KeyIdSchema = z
  .string()
  .regex(/^key_[0-9a-f]{20}$/)
  .openapi({ example: 'key_3f9c2a7d1e0b4c5a6d7e' });

const ApiKeySchema = z
  .object({
    id: KeyIdSchema,
    hint: z
      .string()
      .openapi({ description: 'The key’s first characters, to tell keys apart', example: 'cck_AbCd…' }),
    role: Role,
    department: z.string().nullable(),
    label: z.string(),
    rateLimit: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Requests per second; null = server default, 0 = none' }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const CreatedKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The API key itself: shown in this answer only, never again' }),
  notice: z.string(),
}).openapi('CreatedApiKey');

const CreateKeySchema = z
  .object({
    role: Role,
    label: z.string().trim().min(1).max(200).openapi({ example: 'XX银行信贷审批系统' }),
    department: z.string().trim().min(1).max(200).nullable().optional().openapi({
      description:
        'Designator keys: the department it acts for (required). Implementer keys, optional: the department it checks for (statistics). Not for public or admin keys.',
    }),
    rateLimit: z.number().int().min(0).max(1_000_000).nullable().optional(),
  })
  .strict()
  .openapi('ApiKeyRequest');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

const listKeys = createRoute({
  method: 'get',
  path: '/v1/keys',
  tags: ['Administration'],
  summary: 'API keys, revoked ones included (never the keys themselves)',
  security,
  middleware: [requirePermission('manage-keys')] as const,
  responses: {
    200: {
      description: 'Every key, oldest first',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(ApiKeySchema), nextCursor: z.null() }).openapi('ApiKeyList'),
        },
      },
    },
    ...commonErrors,
  },
});

const createKey = createRoute({
  method: 'post',
  path: '/v1/keys',
  tags: ['Administration'],
  summary: 'Create an API key (shown once)',
  description: 'Audited as `key.created` by the calling key. Only the key’s hash is stored.',
  security,
  middleware: [requirePermission('manage-keys')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: CreateKeySchema } } } },
  responses: {
    201: {
      description: 'The key, shown this once',
      content: { 'application/json': { schema: CreatedKeySchema } },
    },
    ...commonErrors,
  },
});

const revokeKey = createRoute({
  method: 'post',
  path: '/v1/keys/{id}/revoke',
  tags: ['Administration'],
  summary: 'Revoke an API key',
  description:
    'Refused by this process from the next request on; by other API processes within 5 seconds. Audited as `key.revoked` by the calling key. Revoking a revoked key changes nothing and answers it as it is.',
  security,
  middleware: [requirePermission('manage-keys')] as const,
  request: { params: z.object({ id: KeyIdSchema }) },
  responses: {
    200: { description: 'The revoked key', content: { 'application/json': { schema: ApiKeySchema } } },
    ...commonErrors,
    404: { description: 'No such key', content: problemContent },
  },
});

function view({ hash: _hash, ...rest }: ApiKeyRecord) {
  return rest;
}

export function keyRoutes(resolver: KeyResolver) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(listKeys, async (c) => {
    const keys = await c.get('deps').store.listApiKeys();
    return c.json({ items: keys.map(view), nextCursor: null }, 200);
  });

  app.openapi(createKey, async (c) => {
    const body = c.req.valid('json');
    const department = body.department ?? null;
    const wrong =
      body.role === 'designator' && department === null
        ? 'a designator key needs a department'
        : (body.role === 'public' || body.role === 'admin') && department !== null
          ? `a ${body.role} key names no department`
          : null;
    if (wrong !== null) {
      return problem(c, 'validation-failed', {
        detail: `The request is invalid: json.department: ${wrong}.`,
        detailZh: '部门填写不符合要求：指定部门密钥须填写部门，公众和管理员密钥不得填写部门。',
        errors: [{ field: 'json.department', message: wrong }],
      }) as never;
    }
    const { store, clock } = c.get('deps');
    const caller = c.get('principal') ?? ANONYMOUS;
    const { key, record } = issueApiKey(
      { role: body.role, department, label: body.label, rateLimit: body.rateLimit ?? null },
      clock.now().toISOString(),
    );
    await store.createApiKey(record, caller.keyId ?? 'anonymous');
    c.header('Cache-Control', 'no-store');
    return c.json({ ...view(record), key, notice: NOT_SHOWN_AGAIN }, 201);
  });

  app.openapi(revokeKey, async (c) => {
    const { id } = c.req.valid('param');
    const { store, clock } = c.get('deps');
    const caller = c.get('principal') ?? ANONYMOUS;
    await resolver.revoke(id, clock.now().toISOString(), caller.keyId ?? 'anonymous');
    const found = (await store.listApiKeys()).find((k) => k.id === id);
    if (!found) {
      return problem(c, 'not-found', {
        detail: `No API key ${id}.`,
        detailZh: `不存在密钥 ${id}。`,
      }) as never;
    }
    return c.json(view(found), 200);
  });

  return app;
}
