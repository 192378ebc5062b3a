import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { SnapshotPublisher } from '../snapshots/publisher.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const binary = { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } };

export const SnapshotStepSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    bytes: z.number().int(),
    href: z.string().openapi({ example: '/v1/snapshot/deltas/1041' }),
  })
  .openapi('SnapshotStep');

export const SnapshotSyncSchema = z
  .object({
    version: z.number().int().openapi({ description: 'The current snapshot version' }),
    dataVersion: z.number().int().openapi({ description: 'Change-log sequence it was built from' }),
    asOf: z.string().openapi({ description: 'The day its status classes hold for' }),
    checksum: z
      .string()
      .openapi({ description: 'SHA-256 (hex) of the full set: what a patched copy must show' }),
    steps: z
      .array(SnapshotStepSchema)
      .openapi({ description: 'Deltas to apply in order; empty when up to date' }),
  })
  .openapi('SnapshotSync');

const getSnapshot = createRoute({
  method: 'get',
  path: '/v1/snapshot',
  tags: ['Feeds'],
  summary: 'Hash-prefix snapshot of every listed organization, for a local check',
  description:
    'The binary snapshot (format in sdk/src/snapshot/README.md; decode with `decodeSnapshot` from `@credcheck/sdk/snapshot`): SHA-256 prefixes of the codes and normalized names of every listed organization, each in its status class. Persons are never in it. The ETag is the checksum of the set.',
  responses: {
    200: { description: 'The current snapshot', content: binary },
    304: { description: 'Not modified since the ETag' },
    503: { description: 'No snapshot published yet (the server is starting)', content: problemContent },
  },
});

const syncSnapshot = createRoute({
  method: 'get',
  path: '/v1/snapshot/deltas',
  tags: ['Feeds'],
  summary: 'What a copy at version `from` must apply to become current',
  request: {
    query: z.object({ from: z.coerce.number().int().min(0).openapi({ example: 1041 }) }).strict(),
  },
  responses: {
    200: {
      description: 'The steps, oldest first',
      content: { 'application/json': { schema: SnapshotSyncSchema } },
    },
    400: { description: 'Bad parameters', content: problemContent },
    410: { description: 'Too old (or unknown): download /v1/snapshot whole', content: problemContent },
    503: { description: 'No snapshot published yet', content: problemContent },
  },
});

const getStep = createRoute({
  method: 'get',
  path: '/v1/snapshot/deltas/{from}',
  tags: ['Feeds'],
  summary: 'One delta, from version `from` to the next (immutable)',
  request: { params: z.object({ from: z.coerce.number().int().min(0) }) },
  responses: {
    200: { description: 'The encoded delta (`applyDelta` in @credcheck/sdk/snapshot)', content: binary },
    404: { description: 'No delta from this version is kept', content: problemContent },
  },
});

export function snapshotRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(getSnapshot, async (c) => {
    const published = await publisherOf(c)?.awaitCurrent(FIRST_BUILD_WAIT_MS);
    if (!published) return notYet(c) as never;
    const etag = `"${published.checksum}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    c.header('X-Snapshot-Version', String(published.version));
    if (c.req.header('if-none-match') === etag) return c.body(null, 304) as never;
    return c.body(published.bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
    }) as never;
  });

  app.openapi(syncSnapshot, async (c) => {
    const publisher = publisherOf(c);
    const published = await publisher?.awaitCurrent(FIRST_BUILD_WAIT_MS);
    if (!publisher || !published) return notYet(c) as never;
    const { from } = c.req.valid('query');
    const steps = publisher.stepsFrom(from);
    if (steps === null) {
      return problem(c, 'snapshot-too-old', {
        detail: `No deltas from version ${from} are kept; download /v1/snapshot whole (version ${published.version}).`,
        detailZh: `服务器未保留自版本 ${from} 起的增量，请重新下载完整快照 /v1/snapshot（当前版本 ${published.version}）。`,
        extra: { version: published.version },
      }) as never;
    }
    c.header('Cache-Control', 'no-cache');
    return c.json(
      {
        version: published.version,
        dataVersion: published.dataVersion,
        asOf: published.asOf,
        checksum: published.checksum,
        steps: steps.map((s) => ({
          from: s.from,
          to: s.to,
          bytes: s.bytes.length,
          href: `/v1/snapshot/deltas/${s.from}`,
        })),
      },
      200,
    );
  });

  app.openapi(getStep, (c) => {
    const { from } = c.req.valid('param');
    const step = publisherOf(c)?.step(from);
    if (!step) {
      return problem(c, 'not-found', {
        detail: `No delta from snapshot version ${from} is kept.`,
        detailZh: `未保留自快照版本 ${from} 起的增量。`,
      }) as never;
    }
    // A step never changes once published.
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('X-Snapshot-Version', String(step.to));
    return c.body(step.bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': 'application/octet-stream',
    }) as never;
  });

  return app;
}

/** How long a request waits for the first version before the 503: long enough for a county's lists. */
const FIRST_BUILD_WAIT_MS = 3000;

function publisherOf(c: Context<AppEnv>): SnapshotPublisher | undefined {
  return c.get('deps').snapshots;
}

function notYet(c: Context<AppEnv>) {
  return problem(
    c,
    'service-unavailable',
    {
      detail: 'No snapshot has been published yet; the server builds one after it starts. Retry shortly.',
      detailZh: '快照尚未生成（服务启动后生成），请稍后重试。',
    },
    { 'Retry-After': '5' },
  );
}
