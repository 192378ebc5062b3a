import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps, AppEnv } from './http/env.ts';
import { problemResponse } from './http/problem.ts';
import { PROBLEM_TYPES, type ProblemSlug } from './http/problems.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import { problemDocRoutes } from './routes/problem-docs.ts';
import { subjectRoutes } from './routes/subjects.ts';

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'CredCheck API',
    version: '0.1.0',
    description:
      'Red/black list checks for approval, procurement, bidding, subsidy, licensing and lending workflows (守信联合激励和失信联合惩戒). Errors are RFC 9457 problem details.',
  },
} as const;

/** Builds the HTTP app from its dependencies; no globals and no I/O until a request arrives. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const errors = result.error.issues.map((i) => ({
        field: [result.target, ...i.path.map(String)].join('.'),
        message: i.message,
      }));
      return problemResponse(
        'validation-failed',
        {
          detail: `The request is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
          detailZh: '请求参数不符合要求，请按 errors 所列字段修改后重试。',
          errors,
        },
        c.req.path,
      );
    },
  });

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.set('deps', deps);
    await next();
    c.header('X-Request-Id', id);
  });

  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: deps.config.bodyLimit,
      onError: (c) =>
        problemResponse(
          'payload-too-large',
          {
            detail: `The request body exceeds ${deps.config.bodyLimit} bytes.`,
            detailZh: `请求体超过 ${deps.config.bodyLimit} 字节的上限。`,
          },
          c.req.path,
        ),
    }),
  );

  app.route('/', healthRoutes());
  app.route('/', subjectRoutes());
  app.route('/', catalogRoutes());
  app.route('/', problemDocRoutes());
  app.route('/', docsRoutes());

  app.doc31('/openapi.json', OPENAPI_INFO);

  app.notFound((c) =>
    problemResponse(
      'not-found',
      { detail: `No resource at ${c.req.path}.`, detailZh: `路径 ${c.req.path} 不存在。` },
      c.req.path,
    ),
  );

  app.onError((err, c) => {
    const slug: ProblemSlug = isStoreUnavailable(err) ? 'service-unavailable' : 'internal-error';
    if (slug === 'internal-error') {
      console.error(
        JSON.stringify({ level: 'error', requestId: c.get('requestId'), msg: err.message, stack: err.stack }),
      );
    }
    const t = PROBLEM_TYPES[slug];
    return problemResponse(
      slug,
      {
        detail: `${t.about} Request id: ${c.get('requestId')}.`,
        detailZh: `${t.titleZh}。请求编号：${c.get('requestId')}。`,
      },
      c.req.path,
      slug === 'service-unavailable' ? { 'Retry-After': '5' } : undefined,
    );
  });

  return app;
}

export type App = ReturnType<typeof createApp>;

/** Connection-level failures of either store mean "try again", not "bug". */
function isStoreUnavailable(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    '57P01',
    '57P03',
    '08006',
    '08001',
    'SQLITE_BUSY',
    'SQLITE_IOERR',
  ].includes(code);
}
