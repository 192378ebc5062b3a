import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { HealthSchema, ProblemSchema } from '../http/schemas.ts';

const health = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Operations'],
  summary: 'Liveness and store reachability',
  responses: {
    200: { description: 'Serving', content: { 'application/json': { schema: HealthSchema } } },
    503: {
      description: 'The store cannot be reached',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function healthRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(health, async (c) => {
    const { store, clock } = c.get('deps');
    try {
      const [dataVersion, counts] = await Promise.all([store.currentSeq(), store.counts()]);
      return c.json(
        { status: 'ok' as const, store: store.dialect, dataVersion, ...counts, asOf: clock.today() },
        200,
      );
    } catch {
      return problem(c, 'service-unavailable', {
        detail: 'The data store cannot be reached.',
        detailZh: '数据存储暂不可用。',
      }) as never;
    }
  });
  return app;
}
