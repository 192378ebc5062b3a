import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS, type Principal } from '../auth/roles.ts';
import { commonErrors, security } from '../due-process/http.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { F } from '../import/fields.ts';
import { ImportFileError, type ImportReport, importFile, type RowError } from '../import/index.ts';

/**
 * A list file uploaded from the console, imported as `credcheck import --json` imports one: the
 * same validation, the same report, all rows or none. A designator imports for its own
 * department only: any other row is a row error, so nothing of such a file is written.
 */

const FORMATS = ['csv', 'xlsx', 'json', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

const BY_CONTENT_TYPE: Array<[RegExp, Format]> = [
  [/^text\/csv\b/i, 'csv'],
  [/^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet\b/i, 'xlsx'],
  [/^application\/(x-)?ndjson\b/i, 'ndjson'],
  [/^application\/json\b/i, 'json'],
];

const RowErrorSchema = z
  .object({
    line: z.number().int(),
    column: z.string().optional(),
    value: z.string().optional(),
    message: z.string(),
    messageZh: z.string(),
  })
  .openapi('ImportRowError');

const ImportReportSchema = z
  .object({
    ok: z.boolean(),
    format: z.enum(FORMATS),
    encoding: z.string(),
    rows: z.number().int(),
    errors: z.array(RowErrorSchema).openapi({ description: 'The first 1,000 rejected rows, in file order' }),
    errorCount: z.number().int(),
    warnings: z.array(RowErrorSchema),
    warningCount: z.number().int(),
    summary: z
      .object({
        rows: z.number().int(),
        subjectsCreated: z.number().int(),
        subjectsUpdated: z.number().int(),
        entriesCreated: z.number().int(),
        entriesUpdated: z.number().int(),
        unchanged: z.number().int(),
        statusKept: z.number().int(),
        seq: z.number().int(),
        dryRun: z.boolean(),
      })
      .optional(),
  })
  .openapi('ImportReport');

const upload = createRoute({
  method: 'post',
  path: '/v1/imports',
  tags: ['Designation'],
  summary: 'Import a list file (CSV, XLSX, JSON, NDJSON): all rows or none',
  description:
    'The body is the file itself. Its format comes from `format`, else the Content-Type (text/csv, the XLSX type, application/json, application/x-ndjson), else the file’s content; send application/octet-stream with `format` to be sure. The answer is the report of `credcheck import --json`. Any rejected row writes nothing and answers 422 with the report (`report`); a designator’s rows must be of its own department. A file that cannot be read at all is a 400 `import-file` problem naming why (`code`). Larger files than the general body limit are accepted up to CREDCHECK_IMPORT_LIMIT.',
  security,
  middleware: [requirePermission('designate')] as const,
  request: {
    query: z
      .object({
        dryRun: z
          .enum(['true', 'false'])
          .default('false')
          .openapi({ description: 'Validate and count what would change, then write nothing' }),
        format: z.enum(FORMATS).optional(),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'Every row valid: written (or, in a dry run, counted)',
      content: { 'application/json': { schema: ImportReportSchema } },
    },
    ...commonErrors,
    413: {
      description: 'The file exceeds CREDCHECK_IMPORT_LIMIT',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
    422: {
      description: 'Rows were rejected: nothing was written; `report` lists them',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

function formatOf(query: Format | undefined, contentType: string | undefined): Format | null {
  if (query) return query;
  for (const [re, f] of BY_CONTENT_TYPE) if (re.test(contentType ?? '')) return f;
  return null;
}

/** A designator's rows must be its own department's; an admin's may be any. */
function departmentRule(caller: Principal) {
  if (caller.role === 'admin') return undefined;
  const own = caller.department ?? '';
  return (
    record: { entry: { department: string } },
    line: number,
    labels: readonly string[],
  ): RowError | null =>
    record.entry.department === own
      ? null
      : {
          line,
          column: labels[F.department] ?? 'department',
          value: record.entry.department,
          message: `your key imports for department "${own}" only`,
          messageZh: `您的密钥只能导入“${own}”的条目`,
        };
}

export function importRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(upload, async (c) => {
    const { store, clock, catalog, refreshIndex } = c.get('deps');
    const caller = c.get('principal') ?? ANONYMOUS;
    const q = c.req.valid('query');
    const body = Buffer.from(await c.req.arrayBuffer());
    const format = formatOf(q.format, c.req.header('content-type'));
    const dir = await mkdtemp(join(tmpdir(), 'credcheck-upload-'));
    // The extension tells the reader the format; without one it judges by the content.
    const file = join(dir, format ? `upload.${format}` : 'upload');
    let report: ImportReport;
    try {
      await writeFile(file, body);
      const rule = departmentRule(caller);
      report = await importFile(store, file, {
        actor: caller.keyId ?? 'anonymous',
        catalog: catalog()!,
        dryRun: q.dryRun === 'true',
        today: clock.today(),
        ...(rule ? { checkRecord: rule } : {}),
      });
    } catch (err) {
      if (!(err instanceof ImportFileError)) throw err;
      const hide = (s: string) => s.replaceAll(file, 'the file').replaceAll(dir, '');
      return problem(c, 'import-file', {
        detail: hide(err.message),
        detailZh: hide(err.messageZh),
        extra: { code: err.code },
      }) as never;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    if (!report.ok) {
      return problem(c, 'import-rows-rejected', {
        detail: `${report.errorCount} of ${report.rows} rows were rejected; nothing was written. The report lists them by line.`,
        detailZh: `共 ${report.rows} 行，其中 ${report.errorCount} 行未通过校验，未写入任何数据。详见报告中的行号。`,
        extra: { report },
      }) as never;
    }
    if (report.summary && !report.summary.dryRun) await refreshIndex?.();
    return c.json(report, 200);
  });

  return app;
}
