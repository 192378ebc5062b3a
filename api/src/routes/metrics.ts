import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { CONTENT_TYPE, type Registry } from '../metrics/registry.ts';

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['Operations'],
  summary: 'Prometheus metrics',
  description:
    'Text exposition format 0.0.4: requests by method, route template and status, latency histograms by route, index size, data versions and change lag, webhook backlog, decisions by outcome, memory and event-loop delay. Counts only, no personal data: open unless CREDCHECK_METRICS_TOKEN is set, then `Authorization: Bearer <token>`.',
  security: [{}, { bearerAuth: [] }],
  responses: {
    200: {
      description: 'The metrics',
      content: {
        'text/plain': { schema: z.string().openapi({ example: 'credcheck_index_entries 1000000' }) },
      },
    },
    401: {
      description: 'CREDCHECK_METRICS_TOKEN is set and the request does not carry it',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function metricsRoutes(registry: Registry) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(metrics, async (c) => {
    const token = c.get('deps').config.metricsToken;
    if (token && !bearerMatches(c.req.header('authorization'), token)) {
      return problem(
        c,
        'unauthorized',
        {
          detail:
            'This server asks for its metrics token: send Authorization: Bearer <CREDCHECK_METRICS_TOKEN>.',
          detailZh: '本服务的指标接口需要令牌：请在 Authorization 头中携带 Bearer 令牌。',
        },
        { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      ) as never;
    }
    const text = await registry.render();
    return c.body(text, 200, { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' }) as never;
  });
  return app;
}

/** Compares digests, so that neither the token's content nor its length shows in the timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m?.[1] ?? ''), digest(token)) && m !== null;
}
