import { randomBytes } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ANONYMOUS } from '../auth/roles.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { idempotentWrite } from '../http/idempotency.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { SUBSCRIPTION_ID, type WebhookSubscription } from '../store/webhook-store.ts';
import {
  validListTypes,
  validUrl,
  WebhookRequestError,
  watchListKeys,
  webhookView,
} from '../webhooks/requests.ts';
import {
  DeliveryListSchema,
  WatchListSchema,
  WebhookCreatedSchema,
  WebhookCreateSchema,
  WebhookListSchema,
  WebhookPatchSchema,
  WebhookSchema,
} from '../webhooks/schemas.ts';
import { generateWebhookSecret } from '../webhooks/signature.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const security = [{ bearerAuth: [] }];
const tags = ['Webhooks'];
const errors = {
  400: { description: 'Invalid request, URL, list type or code', content: problemContent },
  401: { description: 'Unknown or revoked API key', content: problemContent },
  403: { description: 'The key’s role may not subscribe (implementer or admin)', content: problemContent },
  429: { description: 'Rate limit reached; see Retry-After', content: problemContent },
};
const notFound = {
  description: 'No subscription with this id was made with your key',
  content: problemContent,
};
const idParam = z.object({
  id: z.string().regex(SUBSCRIPTION_ID).openapi({ example: 'wh_3f9c2a7d1e0b4c5a6d7e' }),
});
const webhookContent = { 'application/json': { schema: WebhookSchema } };

const DELIVERY_DOC =
  'Each change a subscription’s filters let through is POSTed as JSON `{type, timestamp, data}` (data: the change as GET /v1/changes shows it to a staff key) with the Standard Webhooks headers webhook-id (stable across retries: drop repeats by it), webhook-timestamp and webhook-signature (v1, HMAC-SHA256). A 2xx answer within the timeout delivers it; network errors, timeouts, 408, 429 (Retry-After honoured) and 5xx are retried with exponential backoff and jitter until the attempts run out; other answers (4xx, redirects to another origin) end it at once. Deliveries come from a persistent outbox: a restart loses none and sends none twice. Order is not guaranteed across retries: order by data.seq.';

const create = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  tags,
  summary: 'Subscribe to changes: a watch list of codes (a loan portfolio) and/or list types',
  description: `Changes committed after the subscription are delivered; earlier ones are in GET /v1/changes. Each filter given narrows the changes sent; a change that names your key among the implementers to tell (why.notify: an objection upheld, a repair approved) reaches every subscription of yours whatever its filters. The signing secret is in this answer only. ${DELIVERY_DOC}`,
  security,
  middleware: [requirePermission('subscribe')] as const,
  request: {
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({
        description: 'Repeating the same request with the same key (per API key) returns the first answer',
      }),
    }),
    body: { required: true, content: { 'application/json': { schema: WebhookCreateSchema } } },
  },
  responses: {
    201: {
      description: 'The subscription and its signing secret',
      content: { 'application/json': { schema: WebhookCreatedSchema } },
    },
    422: { description: 'The Idempotency-Key was used for a different request', content: problemContent },
    ...errors,
  },
});

const list = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  tags,
  summary: 'Your subscriptions, oldest first',
  security,
  middleware: [requirePermission('subscribe')] as const,
  request: {
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(100).default(100),
        cursor: z.string().regex(SUBSCRIPTION_ID).optional(),
      })
      .strict(),
  },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: WebhookListSchema } } },
    ...errors,
  },
});

const get = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}',
  tags,
  summary: 'One of your subscriptions (never its secret)',
  security,
  middleware: [requirePermission('subscribe')] as const,
  request: { params: idParam },
  responses: { 200: { description: 'The subscription', content: webhookContent }, 404: notFound, ...errors },
});

const update = createRoute({
  method: 'patch',
  path: '/v1/webhooks/{id}',
  tags,
  summary: 'Change the URL, description or list types; pause or resume',
  description:
    'Pausing holds deliveries: changes are still queued and go out on resume. New filters apply to changes routed from now on.',
  security,
  middleware: [requirePermission('subscribe')] as const,
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: WebhookPatchSchema } } },
  },
  responses: { 200: { description: 'The subscription', content: webhookContent }, 404: notFound, ...errors },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  tags,
  summary: 'Delete a subscription with its watch list, queued deliveries and delivery log',
  security,
  middleware: [requirePermission('subscribe')] as const,
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, 404: notFound, ...errors },
});

const putWatchList = createRoute({
  method: 'put',
  path: '/v1/webhooks/{id}/watch-list',
  tags,
  summary: 'Replace the watch list in one go (e.g. tonight’s loan portfolio)',
  description:
    'The whole list is replaced in one transaction, or nothing changes when a code is not well formed. An empty list matches nothing; DELETE the watch list to receive every subject again.',
  security,
  middleware: [requirePermission('subscribe')] as const,
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: WatchListSchema } } },
  },
  responses: {
    200: { description: 'The subscription, with the new watch-list size', content: webhookContent },
    404: notFound,
    ...errors,
  },
});

const deleteWatchList = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}/watch-list',
  tags,
  summary: 'Remove the watch-list filter (every subject, within the list types if any)',
  security,
  middleware: [requirePermission('subscribe')] as const,
  request: { params: idParam },
  responses: { 200: { description: 'The subscription', content: webhookContent }, 404: notFound, ...errors },
});

const deliveries = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/deliveries',
  tags,
  summary:
    'Delivery log: each delivery with every attempt (status, latency, error, next retry), newest first',
  security,
  middleware: [requirePermission('subscribe')] as const,
  request: {
    params: idParam,
    query: z
      .object({
        status: z.enum(['pending', 'delivered', 'dead']).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z
          .string()
          .regex(/^\d{1,15}$/)
          .optional()
          .openapi({ description: 'nextCursor of the page before' }),
      })
      .strict(),
  },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: DeliveryListSchema } } },
    404: notFound,
    ...errors,
  },
});

export function webhookRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(create, (c) =>
    answer(c, async () => {
      const body = c.req.valid('json');
      const { store, secrets, catalog, config } = c.get('deps');
      const owner = ownerOf(c);
      const url = validUrl(body.url, config.webhookAllowHttp ?? false);
      const listTypes = body.listTypes ? validListTypes(body.listTypes, catalog()) : null;
      const watchList = body.watchList
        ? watchListKeys(body.watchList, secrets.idHmacKey, 'body.watchList')
        : null;
      return idempotentWrite(c, body, 201, async () => {
        const secret = generateWebhookSecret();
        const created = await store.createWebhook(
          {
            id: `wh_${randomBytes(10).toString('hex')}`,
            ownerKeyId: owner,
            url,
            description: body.description ?? null,
            listTypes,
            watchList,
            secret,
          },
          owner,
        );
        return { ...webhookView(created), secret };
      });
    }),
  );

  app.openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const all = await c.get('deps').store.listWebhooks(ownerOf(c));
    const from = cursor ? all.findIndex((s) => s.id === cursor) + 1 : 0;
    const page = all.slice(from, from + limit);
    const more = from + limit < all.length;
    return c.json({ items: page.map(webhookView), nextCursor: more ? page[page.length - 1]!.id : null }, 200);
  });

  app.openapi(get, async (c) => {
    const found = await owned(c, c.req.valid('param').id);
    return found ? c.json(webhookView(found), 200) : (missing(c) as never);
  });

  app.openapi(update, (c) =>
    answer(c, async () => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const { store, catalog, config } = c.get('deps');
      if (!(await owned(c, id))) return missing(c);
      const patch = {
        ...(body.url !== undefined ? { url: validUrl(body.url, config.webhookAllowHttp ?? false) } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.listTypes !== undefined
          ? { listTypes: body.listTypes === null ? null : validListTypes(body.listTypes, catalog()) }
          : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
      };
      const updated = await store.updateWebhook(id, patch, ownerOf(c));
      return updated ? c.json(webhookView(updated), 200) : missing(c);
    }),
  );

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await owned(c, id))) return missing(c) as never;
    const deleted = await c.get('deps').store.deleteWebhook(id, ownerOf(c));
    return deleted ? (c.body(null, 204) as never) : (missing(c) as never);
  });

  app.openapi(putWatchList, (c) =>
    answer(c, async () => {
      const { id } = c.req.valid('param');
      const { store, secrets } = c.get('deps');
      if (!(await owned(c, id))) return missing(c);
      const keys = watchListKeys(c.req.valid('json').codes, secrets.idHmacKey);
      const updated = await store.replaceWebhookWatchList(id, keys, ownerOf(c));
      return updated ? c.json(webhookView(updated), 200) : missing(c);
    }),
  );

  app.openapi(deleteWatchList, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await owned(c, id))) return missing(c) as never;
    const updated = await c.get('deps').store.replaceWebhookWatchList(id, null, ownerOf(c));
    return updated ? c.json(webhookView(updated), 200) : (missing(c) as never);
  });

  app.openapi(deliveries, async (c) => {
    const { id } = c.req.valid('param');
    const { status, limit, cursor } = c.req.valid('query');
    if (!(await owned(c, id))) return missing(c) as never;
    // One more than asked tells whether another page follows.
    const rows = await c.get('deps').store.listWebhookDeliveries(id, {
      limit: limit + 1,
      beforeSeq: cursor ? Number(cursor) : null,
      status: status ?? null,
    });
    const page = rows.slice(0, limit);
    const items = page.map(({ subscriptionId: _s, ...d }) => d);
    return c.json(
      { items, nextCursor: rows.length > limit ? String(page[page.length - 1]!.seq) : null },
      200,
    );
  });

  return app;
}

/** Subscribing needs a key (requirePermission), so there is always one. */
function ownerOf(c: Context<AppEnv>): string {
  return (c.get('principal') ?? ANONYMOUS).keyId!;
}

/** Another key's subscription does not exist for this one, whatever its role. */
async function owned(c: Context<AppEnv>, id: string): Promise<WebhookSubscription | null> {
  const found = await c.get('deps').store.getWebhook(id);
  return found && found.ownerKeyId === ownerOf(c) ? found : null;
}

function missing(c: Context<AppEnv>): Response {
  return problem(c, 'not-found', {
    detail: 'No webhook subscription with this id was made with your key.',
    detailZh: '未找到使用您的密钥创建的该 Webhook 订阅。',
  });
}

async function answer(c: Context<AppEnv>, run: () => Promise<Response>): Promise<never> {
  try {
    return (await run()) as never;
  } catch (err) {
    if (!(err instanceof WebhookRequestError)) throw err;
    return problem(c, 'validation-failed', {
      detail: err.message,
      detailZh: err.messageZh,
      errors: err.errors,
    }) as never;
  }
}
