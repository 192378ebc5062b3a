import { z } from '@hono/zod-openapi';
import { MAX_URL_LENGTH } from './target-url.ts';

/** Wire shapes of webhook subscriptions and their delivery log. Unknown fields are rejected. */

/** A bank's loan portfolio in one PUT. */
export const MAX_WATCH_LIST = 100_000;
const MAX_LIST_TYPES = 100;

const Instant = z.string().openapi({ description: 'RFC 3339 instant (UTC, milliseconds)' });
const Url = z.string().min(1).max(MAX_URL_LENGTH).openapi({
  description:
    'Where deliveries are POSTed: https, or http only to localhost (unless the operator sets CREDCHECK_WEBHOOK_ALLOW_HTTP=1). No user:password@ (verify the signature instead), no #fragment.',
  example: 'https://loans.example-bank.cn/credcheck/webhook',
});
const ListTypes = z
  .array(z.string().min(1).max(64))
  .min(1)
  .max(MAX_LIST_TYPES)
  .openapi({
    description:
      'Only changes of entries on these list types (catalog codes, GET /v1/list-types); subject changes carry no list type and are left out',
    example: ['dishonest-judgment-debtor', 'major-tax-violation'],
  });
const Codes = z
  .array(z.string().max(64))
  .max(MAX_WATCH_LIST)
  .openapi({
    description: `USCCs and/or resident ID numbers, at most ${MAX_WATCH_LIST.toLocaleString('en')}, cleaned as lookups clean them (full width, lower case, spaces and dashes are fine; duplicates count once). ID numbers are kept only as their keyed hash. One that is not a well-formed code rejects the request, with every such code listed in errors.`,
    example: ['91110108MA0U94MT1P'],
  });

export const WebhookCreateSchema = z
  .object({
    url: Url,
    description: z.string().max(200).optional().openapi({ example: '贷后预警：授信客户名单变动' }),
    listTypes: ListTypes.optional(),
    watchList: Codes.optional().openapi({
      description:
        'Only changes of these subjects (a loan portfolio). Omit it for every subject; replace it later with PUT …/watch-list.',
    }),
  })
  .strict()
  .openapi('WebhookCreateRequest');
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;

export const WebhookPatchSchema = z
  .object({
    url: Url.optional(),
    description: z.string().max(200).nullable().optional(),
    listTypes: ListTypes.nullable().optional().openapi({ description: 'null removes the list-type filter' }),
    status: z.enum(['active', 'paused']).optional().openapi({
      description:
        'paused holds deliveries: changes keep being queued and go out, in order of their due time, on resume',
    }),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one field to change' })
  .openapi('WebhookPatchRequest');
export type WebhookPatch = z.infer<typeof WebhookPatchSchema>;

export const WatchListSchema = z.object({ codes: Codes }).strict().openapi('WebhookWatchList');

export const WebhookSchema = z
  .object({
    id: z.string().openapi({ example: 'wh_3f9c2a7d1e0b4c5a6d7e' }),
    url: z.string(),
    description: z.string().nullable(),
    listTypes: z.array(z.string()).nullable().openapi({ description: 'null = any change' }),
    watchListSize: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Subjects on the watch list; null = no watch-list filter (every subject)' }),
    status: z.enum(['active', 'paused']),
    fromSeq: z
      .number()
      .int()
      .openapi({ description: 'Changes after this seq are delivered; earlier ones are in GET /v1/changes' }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi('Webhook');

export const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description:
      'The signing secret (whsec_…), shown only now. Verify each delivery per the Standard Webhooks specification: base64 HMAC-SHA256, keyed with the base64-decoded part after whsec_, over `<webhook-id>.<webhook-timestamp>.<body>`, compared with each `v1,<signature>` in webhook-signature.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('WebhookCreated');

export const WebhookListSchema = z
  .object({ items: z.array(WebhookSchema), nextCursor: z.string().nullable() })
  .openapi('WebhookList');

export const DeliverySchema = z
  .object({
    id: z.string().openapi({
      description: 'The webhook-id header of every attempt: the idempotency key a receiver drops repeats by',
      example: 'msg_5c1f0e9a2b7d4c3e8f6a1b2c',
    }),
    seq: z.number().int().openapi({ description: 'The change delivered' }),
    type: z.string().openapi({ example: 'entry.created' }),
    status: z.enum(['pending', 'delivered', 'dead']).openapi({
      description:
        'pending (waiting for its next attempt), delivered (a 2xx came back), dead (attempts used up, or an answer retrying cannot change, such as 4xx)',
    }),
    attempts: z.number().int(),
    nextAttemptAt: Instant.nullable().openapi({ description: 'When pending: the next attempt' }),
    createdAt: Instant,
    deliveredAt: Instant.nullable(),
    log: z.array(
      z.object({
        attempt: z.number().int(),
        at: Instant,
        statusCode: z
          .number()
          .int()
          .nullable()
          .openapi({ description: 'null: no answer (network error, timeout)' }),
        latencyMs: z.number().int(),
        error: z.string().nullable(),
        nextAttemptAt: Instant.nullable().openapi({
          description: 'The retry this attempt scheduled, if any',
        }),
      }),
    ),
  })
  .openapi('WebhookDelivery');

export const DeliveryListSchema = z
  .object({ items: z.array(DeliverySchema), nextCursor: z.string().nullable() })
  .openapi('WebhookDeliveryList');
