import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { createAuth } from './http/auth.ts';
import { apiCors, corsHeaders } from './http/cors.ts';
import type { AppDeps, AppEnv } from './http/env.ts';
import { fieldMessageZh } from './http/field-message-zh.ts';
import { hotLookup, nodeLookup } from './http/hot-lookup.ts';
import { problem } from './http/problem.ts';
import { PROBLEM_TYPES, type ProblemSlug } from './http/problems.ts';
import { readBody } from './http/read-body.ts';
import { requestIdFrom } from './http/request-id.ts';
import { wellFormedRequest } from './http/well-formed.ts';
import { silentLogger } from './logging/logger.ts';
import { createAnswerCache, DEFAULT_LOOKUP_CACHE_BYTES } from './lookup/answer-cache.ts';
import { observeRequests } from './metrics/http-metrics.ts';
import { registerProcessMetrics } from './metrics/process-metrics.ts';
import { Registry } from './metrics/registry.ts';
import { openApiTemplate, type RouteSpec } from './metrics/route-matcher.ts';
import { countDecisions, registerServiceMetrics } from './metrics/service-metrics.ts';
import { auditRoutes } from './routes/audit.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { changeRoutes } from './routes/changes.ts';
import { clearanceRoutes } from './routes/clearances.ts';
import { commitmentRoutes } from './routes/commitments.ts';
import { consoleRoutes } from './routes/console.ts';
import { decisionRoutes } from './routes/decisions.ts';
import { docsRoutes } from './routes/docs.ts';
import { entryRoutes } from './routes/entries.ts';
import { entryListRoutes } from './routes/entry-list.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/imports.ts';
import { keyRoutes } from './routes/keys.ts';
import { meRoutes } from './routes/me.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { objectionRoutes } from './routes/objections.ts';
import { problemDocRoutes } from './routes/problem-docs.ts';
import { repairRoutes } from './routes/repairs.ts';
import { reportRoutes } from './routes/reports.ts';
import { searchRoutes } from './routes/search.ts';
import { snapshotRoutes } from './routes/snapshot.ts';
import { statsRoutes } from './routes/stats.ts';
import { subjectRoutes } from './routes/subjects.ts';
import { webSdkRoutes } from './routes/web-sdk.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { wellKnownRoutes } from './routes/well-known.ts';

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
export function createApp(appDeps: AppDeps) {
  // Each app has its own registry: two apps in one process (tests) never mix their counts.
  const metrics = new Registry();
  const deps: AppDeps = {
    ...appDeps,
    decisions: countDecisions(metrics, appDeps.decisions),
    lookupAnswers:
      appDeps.lookupAnswers ??
      createAnswerCache(appDeps.config.lookupCacheBytes ?? DEFAULT_LOOKUP_CACHE_BYTES),
  };
  registerServiceMetrics(metrics, deps);
  registerProcessMetrics(metrics);
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const errors = result.error.issues.map((i) => ({
        field: [result.target, ...i.path.map(String)].join('.'),
        message: i.message,
        messageZh: fieldMessageZh(i),
      }));
      return problem(c, 'validation-failed', {
        detail: `The request is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        detailZh: '请求参数不符合要求，请按 errors 所列字段修改后重试。',
        errors,
      });
    },
  });

  app.use('*', async (c, next) => {
    const id = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', id);
    c.set('deps', deps);
    // Headers go on before the response exists: setting one afterwards makes Hono copy the
    // response into a streamed body, which costs a third of the throughput of a lookup.
    c.header('X-Request-Id', id);
    await next();
  });

  // CORS first, so that preflights need no key and 401/403/413/429 answers stay readable by the
  // page; the body is read only for a caller who passed authentication and the rate limit.
  const corsOrigins = deps.config.corsOrigins ?? ['*'];
  const cors = apiCors(corsOrigins);
  app.use('/v1/*', cors);
  app.use('/.well-known/*', cors);
  const auth = createAuth(deps);
  app.use('/v1/*', auth.middleware);
  const bodies = readBody(deps.config.bodyLimit);
  // A list file may be far larger than any other request.
  const files = readBody(deps.config.importLimit ?? deps.config.bodyLimit);
  app.use('/v1/*', (c, next) => (c.req.path === '/v1/imports' ? files : bodies)(c, next));
  app.use('/v1/*', wellFormedRequest({ fileUploads: ['/v1/imports'] }));

  app.route('/', healthRoutes());
  app.route('/', metricsRoutes(metrics));
  app.route('/', subjectRoutes());
  app.route('/', searchRoutes());
  app.route('/', changeRoutes());
  app.route('/', snapshotRoutes());
  app.route('/', decisionRoutes());
  app.route('/', entryRoutes());
  app.route('/', entryListRoutes());
  app.route('/', keyRoutes(auth.keys));
  app.route('/', auditRoutes());
  app.route('/', importRoutes());
  app.route('/', objectionRoutes());
  app.route('/', repairRoutes());
  app.route('/', commitmentRoutes());
  app.route('/', reportRoutes());
  app.route('/', feedbackRoutes());
  app.route('/', clearanceRoutes());
  app.route('/', statsRoutes());
  app.route('/', webhookRoutes());
  app.route('/', wellKnownRoutes());
  app.route('/', catalogRoutes());
  app.route('/', problemDocRoutes());
  app.route('/', docsRoutes());
  app.route('/', webSdkRoutes());
  app.route('/', meRoutes());
  app.route('/', consoleRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from `credcheck keys create`. Without one you have the public role.',
  });
  app.doc31('/openapi.json', OPENAPI_INFO);

  app.notFound((c) =>
    problem(c, 'not-found', {
      detail: `No resource at ${c.req.path}.`,
      detailZh: `路径 ${c.req.path} 不存在。`,
    }),
  );

  app.onError((err, c) => {
    // Hono's own 4xx (a body that is not JSON, say) are the client's mistake, not ours.
    if (err instanceof HTTPException && err.status < 500) {
      const slug: ProblemSlug = err.status === 413 ? 'payload-too-large' : 'malformed-body';
      return problem(c, slug, {
        detail: `${err.message || PROBLEM_TYPES[slug].about}`,
        detailZh:
          slug === 'malformed-body' ? '请求体不是有效的 JSON，或内容类型与接口要求不符。' : '请求体过大。',
      });
    }
    const slug: ProblemSlug = isStoreUnavailable(err) ? 'service-unavailable' : 'internal-error';
    if (slug === 'internal-error') {
      const fields = { requestId: c.get('requestId'), stack: err.stack };
      if (deps.logger) deps.logger.log('error', err.message, fields);
      else console.error(JSON.stringify({ level: 'error', msg: err.message, ...fields }));
    }
    const t = PROBLEM_TYPES[slug];
    return problem(
      c,
      slug,
      {
        detail: `${t.about} Request id: ${c.get('requestId')}.`,
        detailZh: `${t.titleZh}。请求编号：${c.get('requestId')}。`,
      },
      slug === 'service-unavailable' ? { 'Retry-After': '5' } : undefined,
    );
  });

  // Lookups skip the middleware chain (see hot-lookup.ts); app.request in tests goes through it too.
  const corsFor = corsHeaders(corsOrigins);
  const hot = hotLookup(deps, auth.gate, corsFor);
  const general = app.fetch;
  const observe = observeRequests(metrics, routeSpecs(app), deps.logger ?? silentLogger);
  app.fetch = (request, env, ctx) => observe(request, () => hot(request, env) ?? general(request, env, ctx));
  // For the server: lookups answered on Node's request and response, before the adapter (false: not taken).
  const nodeLane = nodeLookup(deps, auth.gate, corsFor, observe.record);
  return Object.assign(app, { nodeLane });
}

export type App = ReturnType<typeof createApp>;

/**
 * The route templates metrics and request logs label requests with: the documented routes as the
 * OpenAPI document names them, and the undocumented ones (docs, problem pages) from the router.
 */
function routeSpecs(app: OpenAPIHono<AppEnv>): RouteSpec[] {
  const specs: RouteSpec[] = [];
  for (const d of app.openAPIRegistry.definitions) {
    if (d.type === 'route') specs.push({ method: d.route.method, template: d.route.path });
  }
  for (const r of app.routes) {
    if (!r.path.includes('*') && r.method !== 'ALL') {
      specs.push({ method: r.method, template: openApiTemplate(r.path) });
    }
  }
  return specs;
}

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
