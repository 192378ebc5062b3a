import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { answerOversight } from '../oversight/problem.ts';
import { StatsSchema } from '../oversight/schemas.ts';
import { buildStatsReport, parsePeriod } from '../oversight/stats.ts';
import { STATS_CSV_COLUMNS, statsCsv } from '../oversight/stats-csv.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
const DAY_MS = 86_400_000;
const PAGE = 1000;

const stats = createRoute({
  method: 'get',
  path: '/v1/stats',
  tags: ['Oversight'],
  summary: 'Statistics for oversight (统计评估): checks, hit rates, feedback, objections and repairs',
  description:
    'Decisions made in the period by the department of the deciding key, scenario and outcome; hit rates; feedback completion and overdue decisions; measures applied or not per feedback; false matches cleared; objections and credit repair with their times. As CSV with `Accept: text/csv` or `?format=csv`: one row per figure (columns ' +
    `${STATS_CSV_COLUMNS.join(', ')}), UTF-8 with a byte-order mark for Excel. Admin only.`,
  security: [{ bearerAuth: [] }],
  middleware: [requirePermission('audit')] as const,
  request: {
    query: z
      .object({
        from: z.string().max(40).optional().openapi({
          description:
            'A date (a day in China, from its start) or an RFC 3339 instant; default: 30 days before `to`',
          example: '2026-11-01',
        }),
        to: z.string().max(40).optional().openapi({
          description: 'A date (that whole day included) or an RFC 3339 instant (excluded); default: now',
          example: '2026-11-30',
        }),
        format: z.enum(['json', 'csv']).optional().openapi({ description: 'Overrides the Accept header' }),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'The statistics',
      content: {
        'application/json': { schema: StatsSchema },
        'text/csv': {
          schema: z.string().openapi({ description: 'UTF-8 with BOM, CRLF line ends (RFC 4180)' }),
        },
      },
    },
    400: { description: 'Invalid period', content: problemContent },
    401: { description: 'Unknown or revoked API key', content: problemContent },
    403: { description: 'Admin only', content: problemContent },
    429: { description: 'Rate limit reached; see Retry-After', content: problemContent },
  },
});

export function statsRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    stats,
    (c) =>
      answerOversight(c, async () => {
        const { store, clock, config } = c.get('deps');
        const q = c.req.valid('query');
        const now = clock.now();
        const period = parsePeriod(q.from, q.to, now);
        const dueMs = config.feedbackDueMs ?? 7 * DAY_MS;
        const rows = await store.decisionStats({
          from: period.from.toISOString(),
          to: period.to.toISOString(),
          overdueBefore: new Date(now.getTime() - dueMs).toISOString(),
        });
        const [objections, repairs] = await Promise.all([
          readAll((after) => store.listObjections({ ...after, limit: PAGE })),
          readAll((after) => store.listRepairs({ ...after, limit: PAGE })),
        ]);
        const report = buildStatsReport({
          rows,
          objections,
          repairs,
          period,
          generatedAt: now,
          feedbackDueMs: dueMs,
        });
        const csv = q.format === 'csv' || (q.format === undefined && wantsCsv(c.req.header('accept')));
        if (!csv) return c.json(report, 200);
        const name = `credcheck-stats-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
        return c.body(statsCsv(report), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${name}"`,
        });
      }) as never,
  );
  return app;
}

/** Every record of a listing paged by id (objections and repairs: few, and read only by an admin). */
async function readAll<T extends { id: string }>(
  page: (after: { after?: string }) => Promise<T[]>,
): Promise<T[]> {
  const all: T[] = [];
  for (;;) {
    const rows = await page(all.length ? { after: all[all.length - 1]!.id } : {});
    all.push(...rows);
    if (rows.length < PAGE) return all;
  }
}

/** text/csv asked for and preferred over JSON (a browser's wildcard alone means JSON). */
function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let csv = -1;
  let json = -1;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = qParam ? Number(qParam.slice(2)) : 1;
    if (type === 'text/csv') csv = Math.max(csv, weight);
    if (type === 'application/json') json = Math.max(json, weight);
  }
  return csv > 0 && csv >= json;
}
