import type { components } from '@credcheck/sdk/client';

/**
 * GET /v1/stats answers for one period. The dashboard's "checks over time" asks it once per
 * day, week, month or year of the chosen range and lines the answers up here. Dates are days in
 * China (YYYY-MM-DD), as the API reads them: `to` includes its whole day.
 */

export type StatsReport = components['schemas']['Stats'];
export type Granularity = 'day' | 'week' | 'month' | 'year';
export type Dimension = 'outcome' | 'department' | 'scenario';

export interface Bucket {
  from: string;
  to: string;
  label: string;
}

export const OUTCOMES = ['block', 'review', 'favour', 'clear'] as const;
/** Series keys for what is not one of the top departments/scenarios, and for keys without one. */
export const OTHER = '__other__';
export const NONE = '__none__';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function isDate(s: string): boolean {
  return DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && toDate(fromDate(s)) === s;
}

function fromDate(s: string): number {
  return Date.parse(`${s}T00:00:00Z`);
}

function toDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return toDate(fromDate(date) + n * DAY_MS);
}

/** Days from a to b inclusive (1 when a = b). */
export function spanDays(from: string, to: string): number {
  return Math.round((fromDate(to) - fromDate(from)) / DAY_MS) + 1;
}

/** Today in China, where every date of the API is a day. */
export function chinaToday(now: Date = new Date()): string {
  return toDate(now.getTime() + 8 * 3_600_000);
}

/** Fine enough to show a trend, coarse enough to stay within a few dozen calls. */
export function granularityFor(from: string, to: string): Granularity {
  const days = spanDays(from, to);
  if (days <= 31) return 'day';
  if (days <= 26 * 7) return 'week';
  if (days <= 3 * 366) return 'month';
  return 'year';
}

/** Consecutive periods covering from..to exactly; the first and last may be partial. */
export function buckets(
  from: string,
  to: string,
  granularity: Granularity = granularityFor(from, to),
): Bucket[] {
  if (!isDate(from) || !isDate(to) || from > to) return [];
  const out: Bucket[] = [];
  let start = from;
  while (start <= to) {
    let end: string;
    let label: string;
    if (granularity === 'day') {
      end = start;
      label = start.slice(5);
    } else if (granularity === 'week') {
      end = addDays(start, 6);
      label = start.slice(5);
    } else if (granularity === 'month') {
      const [y, m] = start.split('-').map(Number) as [number, number];
      end = addDays(toDate(Date.UTC(y, m, 1)), -1);
      label = start.slice(0, 7);
    } else {
      end = `${start.slice(0, 4)}-12-31`;
      label = start.slice(0, 4);
    }
    if (end > to) end = to;
    out.push({ from: start, to: end, label });
    start = addDays(end, 1);
  }
  return out;
}

export interface Column {
  bucket: Bucket;
  values: Record<string, number>;
  total: number;
}

export interface Series {
  /** Stack order: outcomes in their fixed order, otherwise the largest first and OTHER last. */
  keys: string[];
  columns: Column[];
}

function keyOf(row: StatsReport['checks']['rows'][number], dim: Dimension): string {
  if (dim === 'outcome') return row.outcome;
  if (dim === 'scenario') return row.scenario;
  return row.department ?? NONE;
}

/** Checks per period split by `dim`; beyond the `top` largest keys the rest is summed as OTHER. */
export function seriesOf(
  periods: readonly { bucket: Bucket; report: StatsReport }[],
  dim: Dimension,
  top = 5,
): Series {
  const totals = new Map<string, number>();
  for (const { report } of periods) {
    for (const row of report.checks.rows) {
      const k = keyOf(row, dim);
      totals.set(k, (totals.get(k) ?? 0) + row.checks);
    }
  }
  let keys: string[];
  let fold = (k: string) => k;
  if (dim === 'outcome') keys = [...OUTCOMES];
  else {
    const ranked = [...totals.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([k]) => k);
    if (ranked.length > top) {
      const kept = new Set(ranked.slice(0, top));
      keys = [...ranked.slice(0, top), OTHER];
      fold = (k) => (kept.has(k) ? k : OTHER);
    } else keys = ranked;
  }
  const columns = periods.map(({ bucket, report }) => {
    const values: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
    let total = 0;
    for (const row of report.checks.rows) {
      const k = fold(keyOf(row, dim));
      values[k] = (values[k] ?? 0) + row.checks;
      total += row.checks;
    }
    return { bucket, values, total };
  });
  return { keys, columns };
}

/** Runs fn over items with at most `limit` calls in flight, answers in item order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
