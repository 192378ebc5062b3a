import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ListTypeSchema, MeasureSchema, ScenarioSchema } from '../domain/catalog.ts';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

const listOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z.object({ catalogVersion: z.string(), items: z.array(item) }).openapi(name);

const ListTypes = listOf(ListTypeSchema.openapi('ListType'), 'ListTypeList');
const Measures = listOf(MeasureSchema.openapi('Measure'), 'MeasureList');
const Scenarios = listOf(ScenarioSchema.openapi('Scenario'), 'ScenarioList');

const getListTypes = createRoute({
  method: 'get',
  path: '/v1/list-types',
  tags: ['Catalog'],
  summary: 'Red and black list types (名单类型)',
  request: { query: z.object({ kind: z.enum(['red', 'black']).optional() }).strict() },
  responses: {
    200: { description: 'List types', content: { 'application/json': { schema: ListTypes } } },
    400: { description: 'Bad query', content: problemContent },
    503: { description: 'Catalog not loaded', content: problemContent },
  },
});

const getMeasures = createRoute({
  method: 'get',
  path: '/v1/measures',
  tags: ['Catalog'],
  summary: 'Incentive and punishment measures (措施清单), filterable',
  request: {
    query: z
      .object({
        scenario: z.string().max(64).optional(),
        listType: z.string().max(64).optional(),
        kind: z.enum(['incentive', 'punishment']).optional(),
        published: z.enum(['true', 'false']).optional(),
      })
      .strict(),
  },
  responses: {
    200: { description: 'Measures', content: { 'application/json': { schema: Measures } } },
    400: { description: 'Bad query', content: problemContent },
    503: { description: 'Catalog not loaded', content: problemContent },
  },
});

const getScenarios = createRoute({
  method: 'get',
  path: '/v1/scenarios',
  tags: ['Catalog'],
  summary: 'Business scenarios where checks are embedded (应查必查)',
  responses: {
    200: { description: 'Scenarios', content: { 'application/json': { schema: Scenarios } } },
    503: { description: 'Catalog not loaded', content: problemContent },
  },
});

export function catalogRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  const noCatalog = (c: Parameters<typeof problem>[0]) =>
    problem(c, 'service-unavailable', {
      detail: 'The measure catalog is not loaded.',
      detailZh: '措施清单尚未加载。',
    }) as never;

  app.openapi(getListTypes, (c) => {
    const catalog = c.get('deps').catalog();
    if (!catalog) return noCatalog(c);
    const { kind } = c.req.valid('query');
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(
      { catalogVersion: catalog.version, items: catalog.listTypes.filter((t) => !kind || t.kind === kind) },
      200,
    );
  });

  app.openapi(getMeasures, (c) => {
    const catalog = c.get('deps').catalog();
    if (!catalog) return noCatalog(c);
    const q = c.req.valid('query');
    const items = catalog.measures.filter(
      (m) =>
        (!q.scenario || m.scenarios.includes(q.scenario)) &&
        (!q.listType || m.appliesToListTypes.includes(q.listType)) &&
        (!q.kind || m.kind === q.kind) &&
        (!q.published || String(m.published) === q.published),
    );
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ catalogVersion: catalog.version, items }, 200);
  });

  app.openapi(getScenarios, (c) => {
    const catalog = c.get('deps').catalog();
    if (!catalog) return noCatalog(c);
    c.header('Cache-Control', 'public, max-age=300');
    return c.json({ catalogVersion: catalog.version, items: catalog.scenarios }, 200);
  });

  return app;
}
