import { isIsoDate } from './decision-dates.ts';

/**
 * Calendar periods of the due-process rules, written as ISO 8601 durations of whole years, months
 * and days (`P1Y`, `P6M`, `P12M`, `P0D`): "one year after publication", "six months after the
 * correction". Counted by the calendar, not in working days.
 */

const PERIOD = /^P(?:(\d{1,3})Y)?(?:(\d{1,4})M)?(?:(\d{1,5})D)?$/;

export interface Period {
  years: number;
  months: number;
  days: number;
}

export function parsePeriod(text: string): Period | null {
  const m = PERIOD.exec(text);
  if (m === null || text === 'P') return null;
  return { years: Number(m[1] ?? 0), months: Number(m[2] ?? 0), days: Number(m[3] ?? 0) };
}

export function isPeriod(text: string): boolean {
  return parsePeriod(text) !== null;
}

/**
 * The date `period` after `date`. Years and months move the month and keep the day, falling back
 * to the month's last day when it has no such day (2024-02-29 + P1Y = 2025-02-28, 2026-08-31 + P6M
 * = 2027-02-28), as a period "of one year" ends on the corresponding day; days are added last.
 */
export function addPeriod(date: string, period: string): string {
  if (!isIsoDate(date)) throw new RangeError(`not a date YYYY-MM-DD: ${JSON.stringify(date)}`);
  const p = parsePeriod(period);
  if (p === null) throw new RangeError(`not a period like P1Y, P6M or P30D: ${JSON.stringify(period)}`);
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + p.years * 12 + p.months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(Number(date.slice(8, 10)), lastDay(year, month));
  const moved = Date.UTC(year, month - 1, day) + p.days * 86_400_000;
  return new Date(moved).toISOString().slice(0, 10);
}

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
