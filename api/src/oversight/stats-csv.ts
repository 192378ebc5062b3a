import type { StatsReport } from './schemas.ts';

/**
 * The statistics as CSV for spreadsheet users: one row per figure (long form), so that a pivot
 * table regroups it freely and a section added later adds rows, never columns. RFC 4180 (CRLF,
 * fields with a comma, quote or line break quoted, quotes doubled), UTF-8 with a byte-order mark
 * so that Excel reads Chinese names correctly.
 */

export const STATS_CSV_COLUMNS = [
  'section',
  'by',
  'department',
  'scenario',
  'outcome',
  'measure',
  'metric',
  'value',
] as const;

type Row = Partial<Record<(typeof STATS_CSV_COLUMNS)[number], string | number | null>>;

/** A text cell; one a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with '. */
function cell(value: string | number | null | undefined, text: boolean): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function statsCsv(report: StatsReport): string {
  const rows: Row[] = [];
  const add = (section: string, by: string, dims: Row, figures: Record<string, number | string | null>) => {
    for (const [metric, value] of Object.entries(figures)) rows.push({ section, by, ...dims, metric, value });
  };

  add(
    'period',
    'total',
    {},
    {
      from: report.from,
      to: report.to,
      generated_at: report.generatedAt,
      feedback_due_after: report.feedback.dueAfter,
    },
  );

  const c = report.checks;
  add('checks', 'total', {}, { checks: c.total.checks, listed: c.total.listed, hit_rate: c.total.hitRate });
  for (const [outcome, n] of Object.entries(c.byOutcome))
    add('checks', 'outcome', { outcome }, { checks: n });
  for (const d of c.byDepartment) {
    add(
      'checks',
      'department',
      { department: d.department },
      { checks: d.checks, listed: d.listed, hit_rate: d.hitRate },
    );
  }
  for (const s of c.byScenario) {
    add(
      'checks',
      'scenario',
      { scenario: s.scenario },
      { checks: s.checks, listed: s.listed, hit_rate: s.hitRate },
    );
  }
  for (const r of c.rows) {
    add(
      'checks',
      'department,scenario,outcome',
      { department: r.department, scenario: r.scenario, outcome: r.outcome },
      { checks: r.checks, listed: r.listed },
    );
  }

  const f = report.feedback;
  const feedbackFigures = (x: (typeof f)['total']) => ({
    expected: x.expected,
    reported: x.reported,
    completion: x.completion,
    overdue: x.overdue,
  });
  add('feedback', 'total', {}, feedbackFigures(f.total));
  for (const d of f.byDepartment)
    add('feedback', 'department', { department: d.department }, feedbackFigures(d));
  for (const m of f.measures) {
    add('feedback', 'measure', { measure: m.measure }, { applied: m.applied, not_applied: m.notApplied });
  }

  add('clearances', 'total', {}, { created: report.clearances.created, revoked: report.clearances.revoked });

  for (const section of ['objections', 'repairs'] as const) {
    const { total, byDepartment } = report[section];
    add(section, 'total', {}, snakeCase(total));
    for (const { department, ...figures } of byDepartment)
      add(section, 'department', { department }, snakeCase(figures));
  }

  const lines = [STATS_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      STATS_CSV_COLUMNS.map((col) => cell(r[col], col !== 'value' || typeof r[col] === 'string')).join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** medianDays → median_days, like every other metric name. */
function snakeCase(figures: object): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(figures)) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  return out;
}
