import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS } from '../auth/roles.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { gatherReport, ReportInputError } from '../reports/data.ts';
import { reportDocument } from '../reports/document.ts';
import { REPORT_CSP, reportHtml } from '../reports/html.ts';
import { reportPdf } from '../reports/pdf.ts';
import { qrMatrix } from '../reports/qr.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

const getReport = createRoute({
  method: 'get',
  path: '/v1/reports/{code}',
  tags: ['Reports'],
  summary: 'Credit report (信用报告) of a subject, as printable HTML or PDF',
  description:
    'The subject’s red/black status, every entry with its history, its credit commitments, and a decision for `scenario` — made, signed and recorded like POST /v1/decisions (hence the `decide` permission) — with its id, data version and receipt, also as a QR code: scan it and verify the receipt offline with the SDK’s verifyReceipt and /.well-known/jwks.json. HTML (self-contained: inline CSS and SVG, no script, A4 print rules) or PDF (A4, text in the reader’s STSong-Light), by `format` or the Accept header. Persons are masked for the caller’s role. Chinese, or English with `lang=en`.',
  security: [{ bearerAuth: [] }],
  middleware: [requirePermission('decide')] as const,
  request: {
    params: z.object({
      code: z.string().min(1).max(64).openapi({ example: '91500235MA5U3XXX0Q' }),
    }),
    query: z
      .object({
        scenario: z.string().min(1).max(64).openapi({ example: 'admin-licensing' }),
        format: z.enum(['html', 'pdf']).optional().openapi({
          description: 'Wins over the Accept header (text/html or application/pdf; default HTML)',
        }),
        lang: z.enum(['zh', 'en']).default('zh'),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'The report',
      content: {
        'text/html': { schema: z.string() },
        'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    400: { description: 'Invalid code or unknown scenario', content: problemContent },
    401: { description: 'Unknown or revoked API key', content: problemContent },
    403: { description: 'The role cannot decide', content: problemContent },
    429: { description: 'Rate limit reached; see Retry-After', content: problemContent },
  },
});

/** PDF when asked for by `format`, or by Accept without preferring HTML. */
export function wantsPdf(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === 'pdf';
  const a = (accept ?? '').toLowerCase();
  return a.includes('application/pdf') && !a.includes('text/html');
}

export function reportRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(getReport, async (c) => {
    const { code } = c.req.valid('param');
    const q = c.req.valid('query');
    const deps = c.get('deps');
    let data: Awaited<ReturnType<typeof gatherReport>>;
    try {
      data = await gatherReport(deps, code, q.scenario, c.get('principal') ?? ANONYMOUS);
    } catch (err) {
      if (err instanceof ReportInputError) {
        return problem(c, err.slug, {
          detail: err.message,
          detailZh: err.messageZh,
          extra: err.extra,
        }) as never;
      }
      throw err;
    }
    const doc = reportDocument(data, q.lang);
    const qr = qrMatrix(data.decision.receipt);
    const headers = {
      'Cache-Control': 'no-store',
      'X-Decision-Id': data.decision.id,
      'X-Data-Version': String(data.dataVersion),
      'X-Qr-Version': String(qr.version),
    };
    if (wantsPdf(q.format, c.req.header('accept'))) {
      const pdf = reportPdf(doc, qr);
      return c.body(new Uint8Array(pdf), 200, {
        ...headers,
        'Content-Type': 'application/pdf',
        'Content-Disposition': `inline; filename="credit-report-${data.decision.id}.pdf"`,
      }) as never;
    }
    return c.body(reportHtml(doc, qr), 200, {
      ...headers,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': REPORT_CSP,
      'X-Content-Type-Options': 'nosniff',
    }) as never;
  });

  return app;
}
