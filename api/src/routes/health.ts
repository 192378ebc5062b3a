import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { HealthSchema, ProblemSchema } from '../http/schemas.ts';
import { checkReadiness, type NotReadyReason } from '../index/readiness.ts';

const ReadySchema = z
  .object({
    status: z.literal('ready'),
    dataVersion: z.number().int().openapi({ description: 'Change-log seq the in-memory index has applied' }),
    storeVersion: z.number().int().openapi({ description: 'Newest seq in the store' }),
    lag: z.number().int().openapi({ description: 'storeVersion − dataVersion: changes on their way' }),
  })
  .openapi('Ready');

const NOT_READY: Record<NotReadyReason, [string, string]> = {
  'shutting-down': ['This instance is shutting down.', '本实例正在停止服务。'],
  'store-unreachable': ['The data store cannot be reached.', '数据存储暂不可用。'],
  'refresh-failing': [
    'The in-memory index cannot catch up with the change log: its last refresh failed.',
    '内存索引最近一次同步变更日志失败。',
  ],
  'catching-up': [
    'The in-memory index has not caught up with the change log recently.',
    '内存索引尚未同步到最新变更。',
  ],
};

const ready = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['Operations'],
  summary: 'Readiness: the index is loaded and caught up',
  description:
    'For a load balancer. 200 while the in-memory index keeps up with the store’s change log (its last catch-up succeeded within max(3 × CREDCHECK_REFRESH_MS, 5 s)); 503 `not-ready` with `reason` (shutting-down, store-unreachable, refresh-failing, catching-up) and `lag` otherwise. No key needed; it shows counts only.',
  responses: {
    200: { description: 'Ready for traffic', content: { 'application/json': { schema: ReadySchema } } },
    503: {
      description: 'Not ready; `reason` says why',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

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
  app.openapi(ready, async (c) => {
    const r = await checkReadiness(c.get('deps'));
    c.header('Cache-Control', 'no-store');
    if (r.ready && r.storeVersion !== null && r.lag !== null) {
      return c.json(
        { status: 'ready' as const, dataVersion: r.dataVersion, storeVersion: r.storeVersion, lag: r.lag },
        200,
      );
    }
    const reason = r.reason ?? 'catching-up';
    const [detail, detailZh] = NOT_READY[reason];
    return problem(
      c,
      'not-ready',
      {
        detail,
        detailZh,
        extra: {
          reason,
          lag: r.lag,
          dataVersion: r.dataVersion,
          storeVersion: r.storeVersion,
          sinceRefreshMs: r.sinceRefreshMs,
        },
      },
      { 'Retry-After': '1' },
    ) as never;
  });
  return app;
}
