import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { Change } from '../domain/model.ts';
import { ChangeWhySchema } from '../due-process/schemas.ts';
import type { AppEnv } from '../http/env.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { subjectFromChange } from '../index/change-data.ts';
import { subjectView, type Visibility } from '../views/subject.ts';
import { visibilityOf } from './subjects.ts';

export const MAX_CHANGES_PAGE = 1000;
/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

export const ChangeSchema = z
  .object({
    seq: z.number().int().openapi({ description: 'Change-log sequence: the data version after this change' }),
    at: z.string().openapi({ description: 'RFC 3339 instant of the change' }),
    type: z.string().openapi({
      description:
        'subject.upserted, entry.created, entry.updated, entry.status, entry.expired, catalog.replaced (more may be added: ignore unknown types)',
    }),
    entityId: z.string(),
    subjectKey: z.string().nullable().openapi({ description: 'USCC, or `p:<hmac>` for a person' }),
    actor: z.string(),
    data: z.unknown().openapi({
      description:
        'The entity after the change. Subjects are shown as in lookups: persons’ names masked, ID numbers masked for the caller’s role.',
    }),
    why: ChangeWhySchema.optional().openapi({
      description:
        'Why, for changes of the due process (designation, correction, revocation, objection, repair, expiry): cause, the actor’s reason, the objection or repair, and the implementers to notify',
    }),
  })
  .openapi('Change');

export const ChangesPageSchema = z
  .object({
    since: z.number().int(),
    next: z.number().int().openapi({ description: 'Pass as `since` for the following page' }),
    hasMore: z.boolean(),
    dataVersion: z.number().int().openapi({ description: 'Newest seq this API node has applied' }),
    changes: z.array(ChangeSchema),
  })
  .openapi('ChangesPage');

const sinceQuery = z.coerce
  .number()
  .int()
  .min(0)
  .default(0)
  .openapi({ description: 'Changes after this seq (0 = from the start)', example: 0 });

const listChanges = createRoute({
  method: 'get',
  path: '/v1/changes',
  tags: ['Feeds'],
  summary: 'Change feed, paged',
  description:
    'Every change to subjects and entries after `since`, in seq order. A full page never changes again and is sent with a long max-age; the newest page revalidates by ETag.',
  request: {
    query: z
      .object({
        since: sinceQuery,
        limit: z.coerce.number().int().min(1).max(MAX_CHANGES_PAGE).default(500),
      })
      .strict(),
  },
  responses: {
    200: { description: 'A page of changes', content: { 'application/json': { schema: ChangesPageSchema } } },
    304: { description: 'Not modified since the ETag' },
    400: {
      description: 'Bad paging parameters',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

const streamChanges = createRoute({
  method: 'get',
  path: '/v1/changes/stream',
  tags: ['Feeds'],
  summary: 'Change feed, live (server-sent events)',
  description:
    'Sends the changes after `since` (or after the Last-Event-ID a reconnecting EventSource sends), then each new change as it is applied. Event `change` with the Change as data and its seq as id; a comment line every 15 s keeps the connection open.',
  request: { query: z.object({ since: sinceQuery }).strict() },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    400: {
      description: 'Bad parameters',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function changeRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(listChanges, async (c) => {
    const { store, index } = c.get('deps');
    const { since, limit } = c.req.valid('query');
    const visibility = visibilityOf(c.get('principal'));
    // One more than asked tells whether another page follows without a second query.
    const rows = await store.changesSince(since, limit + 1);
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const next = page.length > 0 ? page[page.length - 1]!.seq : since;
    const etag = `W/"changes-${since}-${limit}-${next}-${hasMore ? 'full' : 'tail'}-${visibility}"`;
    // Changes below a seq never change: a full page can be cached for good, the tail cannot.
    c.header('Cache-Control', hasMore ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('ETag', etag);
    c.header('Vary', 'Authorization');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304) as never;
    return c.json(
      {
        since,
        next,
        hasMore,
        dataVersion: Math.max(index.seq, next),
        changes: page.map((ch) => changeView(ch, visibility)),
      },
      200,
    );
  });

  app.openapi(streamChanges, (c) => {
    const { store, index } = c.get('deps');
    const visibility = visibilityOf(c.get('principal'));
    const lastEventId = Number(c.req.header('last-event-id'));
    let after =
      Number.isSafeInteger(lastEventId) && lastEventId >= 0 ? lastEventId : c.req.valid('query').since;
    c.header('Cache-Control', 'no-cache');
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      const closed = new AbortController();
      stream.onAbort(() => closed.abort());
      // A shutting-down server ends its streams: the EventSource reconnects to another instance
      // with Last-Event-ID and misses nothing.
      const stopping = c.get('deps').ops?.stopping;
      const done = stopping ? AbortSignal.any([closed.signal, stopping]) : closed.signal;
      while (!done.aborted) {
        const page = await store.changesSince(after, MAX_CHANGES_PAGE);
        for (const ch of page) {
          await stream.writeSSE({
            event: 'change',
            id: String(ch.seq),
            data: JSON.stringify(changeView(ch, visibility)),
          });
          after = ch.seq;
        }
        if (page.length === MAX_CHANGES_PAGE) continue;
        // Caught up: wait until this node applies more (its refresher follows other writers too).
        const moved = await index.whenPast(after, HEARTBEAT_MS, done);
        if (!moved && !done.aborted) await stream.write(': keep-alive\n\n');
      }
    }) as never;
  });

  return app;
}

/** A change as a caller may see it: subjects in their lookup view, never a person's clear name. */
export function changeView(change: Change, visibility: Visibility) {
  const data =
    change.type === 'subject.upserted'
      ? { ...subjectView(subjectFromChange(change), visibility), seq: change.seq }
      : change.data;
  return {
    seq: change.seq,
    at: change.at,
    type: change.type,
    entityId: change.entityId,
    subjectKey: change.subjectKey,
    actor: change.actor,
    data,
    ...(change.why ? { why: change.why } : {}),
  };
}
