import { chinaDate } from '../domain/clock.ts';
import type { ObjectionRecord, RepairRecord } from '../store/due-process.ts';

/**
 * Objections (异议) and credit repair (信用修复) for the statistics, with their times. Pure: the
 * records in, the figures out. Per department of the entry; "in the period" means created (or
 * resolved, or decided) at or after `from` and before `to`; pending and overdue are as of `now`.
 */

const DAY_MS = 86_400_000;

export interface ObjectionFigures {
  received: number;
  resolved: number;
  upheld: number;
  rejected: number;
  /** Resolved on or before the due day (a day in China). */
  resolvedOnTime: number;
  pending: number;
  /** Pending past the due day. */
  overdue: number;
  /** Days from acceptance to resolution, of those resolved in the period (1 decimal); null when none. */
  medianDays: number | null;
  meanDays: number | null;
}

export interface RepairFigures {
  received: number;
  decided: number;
  approved: number;
  rejected: number;
  pending: number;
  /** Days from the request to the decision, of those decided in the period (1 decimal); null when none. */
  medianDays: number | null;
  meanDays: number | null;
}

interface Period {
  from: Date;
  to: Date;
}

const within = (instant: string, p: Period) => {
  const t = Date.parse(instant);
  return t >= p.from.getTime() && t < p.to.getTime();
};

const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS;
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return oneDecimal(s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
}

const mean = (values: number[]) =>
  values.length === 0 ? null : oneDecimal(values.reduce((a, b) => a + b, 0) / values.length);

/** Totals first, then per department in code-point order. */
function byDepartment<R extends { department: string }, F>(
  records: readonly R[],
  figures: (rs: readonly R[]) => F,
): { total: F; byDepartment: Array<{ department: string } & F> } {
  const groups = new Map<string, R[]>();
  for (const r of records) {
    const list = groups.get(r.department);
    if (list) list.push(r);
    else groups.set(r.department, [r]);
  }
  const departments = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    total: figures(records),
    byDepartment: departments.map((department) => ({ department, ...figures(groups.get(department)!) })),
  };
}

export function objectionStats(records: readonly ObjectionRecord[], period: Period, now: Date) {
  const today = chinaDate(now);
  // Only departments with something to show in the period, or something pending now.
  const relevant = records.filter(
    (o) =>
      within(o.createdAt, period) ||
      (o.resolution !== null && within(o.resolution.at, period)) ||
      o.status === 'pending',
  );
  return byDepartment(relevant, (rs): ObjectionFigures => {
    const resolved = rs.filter((o) => o.resolution !== null && within(o.resolution.at, period));
    const durations = resolved.map((o) => days(o.createdAt, o.resolution!.at));
    return {
      received: rs.filter((o) => within(o.createdAt, period)).length,
      resolved: resolved.length,
      upheld: resolved.filter((o) => o.resolution!.outcome === 'upheld').length,
      rejected: resolved.filter((o) => o.resolution!.outcome === 'rejected').length,
      resolvedOnTime: resolved.filter((o) => chinaDate(new Date(o.resolution!.at)) <= o.dueOn).length,
      pending: rs.filter((o) => o.status === 'pending').length,
      overdue: rs.filter((o) => o.status === 'pending' && o.dueOn < today).length,
      medianDays: median(durations),
      meanDays: mean(durations),
    };
  });
}

export function repairStats(records: readonly RepairRecord[], period: Period) {
  const relevant = records.filter(
    (r) =>
      within(r.createdAt, period) ||
      (r.decision !== null && within(r.decision.at, period)) ||
      r.status === 'pending',
  );
  return byDepartment(relevant, (rs): RepairFigures => {
    const decided = rs.filter((r) => r.decision !== null && within(r.decision.at, period));
    const durations = decided.map((r) => days(r.createdAt, r.decision!.at));
    return {
      received: rs.filter((r) => within(r.createdAt, period)).length,
      decided: decided.length,
      approved: decided.filter((r) => r.decision!.outcome === 'approved').length,
      rejected: decided.filter((r) => r.decision!.outcome === 'rejected').length,
      pending: rs.filter((r) => r.status === 'pending').length,
      medianDays: median(durations),
      meanDays: mean(durations),
    };
  });
}
