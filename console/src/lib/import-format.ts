export type ImportFormat = 'csv' | 'xlsx' | 'json' | 'ndjson';

/**
 * Files go up as bytes with the format named in the query: a JSON content type would make the API
 * check the body as UTF-8 first, and a GBK-encoded file would be refused before the importer,
 * which detects the encoding, sees it.
 */
export const UPLOAD_CONTENT_TYPE = 'application/octet-stream';

/** The format a file name says; null when the extension is not one the import reads. */
export function formatOf(fileName: string): ImportFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'json') return 'json';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  return null;
}

/** A row error as the import report gives it (see `credcheck import --json`). */
export interface RowErrorView {
  line: number;
  column?: string;
  value?: string;
  message: string;
  messageZh: string;
}

export interface ImportReportView {
  ok: boolean;
  rows: number;
  errors: RowErrorView[];
  errorCount: number;
  warnings: RowErrorView[];
  warningCount: number;
  summary?: Record<string, unknown>;
}

/**
 * The report in an answer: the body of a success, or the members of a problem that carries one
 * (rows rejected). Null when neither holds one.
 */
export function reportOf(body: unknown): ImportReportView | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const inner = b.report && typeof b.report === 'object' ? (b.report as Record<string, unknown>) : b;
  if (typeof inner.rows !== 'number' || !Array.isArray(inner.errors)) return null;
  const rowErrors = (inner.errors as unknown[]).filter(
    (e): e is RowErrorView => !!e && typeof e === 'object' && typeof (e as RowErrorView).line === 'number',
  );
  return {
    ok: inner.ok === true,
    rows: inner.rows,
    errors: rowErrors,
    errorCount: typeof inner.errorCount === 'number' ? inner.errorCount : rowErrors.length,
    warnings: Array.isArray(inner.warnings) ? (inner.warnings as RowErrorView[]) : [],
    warningCount: typeof inner.warningCount === 'number' ? inner.warningCount : 0,
    ...(inner.summary && typeof inner.summary === 'object'
      ? { summary: inner.summary as Record<string, unknown> }
      : {}),
  };
}
