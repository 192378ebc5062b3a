import type { DecisionOutcome } from '../domain/decision-schema.ts';
import { formatDuration } from '../domain/duration.ts';
import type { ObjectionRecord, RepairRecord } from '../store/due-process.ts';
import type { DecisionStatsRows } from '../store/oversight-types.ts';
import { objectionStats, repairStats } from './due-process-stats.ts';
import { OversightError } from './errors.ts';
import type { StatsReport } from './schemas.ts';

/** Statistics (统计评估, domain §11): the report built from the store's raw counts. Pure. */

const DAY_MS = 86_400_000;
const DEFAULT_SPAN_MS = 30 * DAY_MS;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The period asked for. A date is a day in China (UTC+8, like every date here): `from` starts at
 * its midnight, `to` includes the whole day. An RFC 3339 instant is taken as is (`to` exclusive).
 * Defaults: up to now, over the 30 days before `to`.
 */
export function parsePeriod(
  from: string | undefined,
  to: string | undefined,
  now: Date,
): { from: Date; to: Date } {
  const end = to === undefined ? now : bound(to, 'to', true);
  const start = from === undefined ? new Date(end.getTime() - DEFAULT_SPAN_MS) : bound(from, 'from', false);
  if (start.getTime() >= end.getTime()) {
    throw new OversightError('validation-failed', 'from', 'from must be before to.', 'from 须早于 to。');
  }
  return { from: start, to: end };
}

function bound(value: string, field: string, endOfDay: boolean): Date {
  const ms = DATE.test(value)
    ? Date.parse(`${value}T00:00:00+08:00`) + (endOfDay ? DAY_MS : 0)
    : /^\d{4}-\d\d-\d\dT/.test(value)
      ? Date.parse(value)
      : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new OversightError(
      'validation-failed',
      field,
      `${field} must be a date YYYY-MM-DD (a day in China) or an RFC 3339 instant.`,
      `${field} 须为日期 YYYY-MM-DD（北京时间）或 RFC 3339 时间。`,
    );
  }
  return new Date(ms);
}

const rate = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

/** Code-point order, null last: the same order on every machine, whatever its locale data. */
function byText<T>(key: (r: T) => string | null) {
  return (a: T, b: T) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  };
}

const OUTCOMES: readonly DecisionOutcome[] = ['block', 'review', 'favour', 'clear'];

export interface StatsInput {
  rows: DecisionStatsRows;
  /** Every objection and repair request (they are few); the period is applied here. */
  objections: readonly ObjectionRecord[];
  repairs: readonly RepairRecord[];
  period: { from: Date; to: Date };
  generatedAt: Date;
  feedbackDueMs: number;
}

export function buildStatsReport({
  rows,
  objections,
  repairs,
  period,
  generatedAt,
  feedbackDueMs,
}: StatsInput): StatsReport {
  const byOutcome = { block: 0, review: 0, favour: 0, clear: 0 };
  const departments = new Map<string | null, { checks: number; listed: number }>();
  const scenarios = new Map<string, { checks: number; listed: number }>();
  let checks = 0;
  let listed = 0;
  for (const r of rows.checks) {
    checks += r.checks;
    listed += r.listed;
    byOutcome[r.outcome] += r.checks;
    for (const [map, key] of [
      [departments, r.department],
      [scenarios, r.scenario],
    ] as Array<[Map<string | null, { checks: number; listed: number }>, string | null]>) {
      const sum = map.get(key) ?? { checks: 0, listed: 0 };
      sum.checks += r.checks;
      sum.listed += r.listed;
      map.set(key, sum);
    }
  }
  const counts = (c: { checks: number; listed: number }) => ({ ...c, hitRate: rate(c.listed, c.checks) });

  const fb = { expected: 0, reported: 0, overdue: 0 };
  for (const r of rows.feedback) {
    fb.expected += r.expected;
    fb.reported += r.reported;
    fb.overdue += r.overdue;
  }
  const completion = (r: { expected: number; reported: number; overdue: number }) => ({
    expected: r.expected,
    reported: r.reported,
    completion: rate(r.reported, r.expected),
    overdue: r.overdue,
  });

  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    generatedAt: generatedAt.toISOString(),
    checks: {
      total: counts({ checks, listed }),
      byOutcome,
      byDepartment: [...departments]
        .map(([department, c]) => ({ department, ...counts(c) }))
        .sort(byText((r) => r.department)),
      byScenario: [...scenarios]
        .map(([scenario, c]) => ({ scenario: scenario as string, ...counts(c) }))
        .sort(byText((r) => r.scenario)),
      rows: [...rows.checks].sort(
        (a, b) =>
          byText<typeof a>((r) => r.department)(a, b) ||
          byText<typeof a>((r) => r.scenario)(a, b) ||
          OUTCOMES.indexOf(a.outcome) - OUTCOMES.indexOf(b.outcome),
      ),
    },
    feedback: {
      dueAfter: formatDuration(feedbackDueMs),
      total: completion(fb),
      byDepartment: rows.feedback
        .map((r) => ({ department: r.department, ...completion(r) }))
        .sort(byText((r) => r.department)),
      measures: [...rows.measures].sort(byText((r) => r.measure)),
    },
    clearances: rows.clearances,
    objections: objectionStats(objections, period, generatedAt),
    repairs: repairStats(repairs, period),
  };
}
