import { normalizeName } from '@credcheck/sdk/names';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { subjectStatusAt } from '../domain/status.ts';
import type { AppEnv } from '../http/env.ts';
import { ProblemSchema, SearchResponseSchema } from '../http/schemas.ts';

const NOTICE =
  '名称不能确定主体身份：以下均为疑似匹配，须以统一社会信用代码核实后方可采取措施。 / A name is not an identity: every hit is a possible match; confirm it by the unified social credit code before acting.';

const search = createRoute({
  method: 'get',
  path: '/v1/search',
  tags: ['Lookups'],
  summary: 'Search listed organizations by name',
  description:
    'Ranked candidates with a score and the kind of match: exact, normalized (full-width/half-width, brackets, traditional characters, spaces), branch-of, similar (company form differs, one character differs, similar characters). Every hit is a possible match that the caller confirms by code. Persons are not searchable by name.',
  request: {
    query: z
      .object({
        name: z.string().trim().min(1).max(200).openapi({ example: '北京某某建设工程有限公司' }),
        limit: z.coerce.number().int().min(1).max(100).default(10),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'Candidates, best first',
      content: { 'application/json': { schema: SearchResponseSchema } },
    },
    400: {
      description: 'Missing or too long name',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function searchRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(search, async (c) => {
    const { index, clock } = c.get('deps');
    const { name, limit } = c.req.valid('query');
    // Right after a start without a snapshot the name index may still be building: wait for it.
    const names = index.namesReady ? index.names : await index.whenNamesReady();
    const today = clock.today();
    const hits = names.search(name, { limit }).map((h) => {
      const found = index.list.get(h.key);
      return {
        subjectId: h.subjectId,
        code: h.code,
        name: h.name,
        score: h.score,
        match: h.match,
        ...(h.reason === undefined ? {} : { reason: h.reason }),
        status: found ? subjectStatusAt(found.entries, today) : ('clean' as const),
        possibleMatch: true as const,
      };
    });
    return c.json(
      {
        dataVersion: index.seq,
        asOf: today,
        query: name,
        normalized: normalizeName(name),
        hits,
        notice: NOTICE,
      },
      200,
    );
  });
  return app;
}
