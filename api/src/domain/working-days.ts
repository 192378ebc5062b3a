import { isIsoDate } from './decision-dates.ts';
import { checkYears, type HolidayData, HolidayDataError, type HolidayYear } from './holidays.ts';

/**
 * Working days in mainland China: Monday to Friday, minus the days off of the State Council's
 * holiday arrangement, plus its make-up working days (调休上班). Pure: built from holiday data
 * (the shipped file, optionally with a CREDCHECK_HOLIDAYS file over it).
 *
 * Counting follows the rule for legal periods (期间开始的日，不计算在内): the day a period starts
 * on is not counted, so "within 7 working days of the decision" ends on the 7th working day after
 * the decision date, inclusive.
 *
 * Years without loaded data fall back to plain Monday to Friday; `missingYears` tells the caller,
 * so that a deadline counted across such a year can be shown as estimated.
 */

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';

export interface DayInfo {
  date: string;
  kind: DayKind;
  /** The festival a day off or make-up working day belongs to, e.g. 春节. */
  name: string | null;
  /** False when the date is judged Monday to Friday because its year's arrangement is not loaded. */
  covered: boolean;
}

export interface WorkingCalendar {
  /** Years whose official arrangement is loaded, ascending. */
  readonly coveredYears: readonly number[];
  /** The notice a covered year's data comes from. */
  source(year: number): HolidayYear['source'] | undefined;
  isWorkingDay(date: string): boolean;
  explain(date: string): DayInfo;
  /**
   * The `n`th working day after `date` (n >= 0): the due date of "within n working days of date".
   * `date` itself is never counted; `n` = 0 returns `date` unchanged, working day or not.
   */
  addWorkingDays(date: string, n: number): string;
  /**
   * Working days after `a` up to and including `b`, so that
   * workingDaysBetween(a, addWorkingDays(a, n)) === n. Negative (minus the working days after `b`
   * up to and including `a`) when `b` is before `a`, so counts add up: (a, b) + (b, c) = (a, c).
   */
  workingDaysBetween(a: string, b: string): number;
  /**
   * Years whose arrangement would be needed to judge the dates from `a` to `b` exactly but is not
   * loaded; empty when every date in the range is covered. Includes next year for dates from
   * 25 December on, because the next year's notice can move days at the end of December.
   */
  missingYears(a: string, b?: string): number[];
}

/** Larger counts are a configuration mistake, not a deadline; refusing them keeps loops short. */
export const MAX_WORKING_DAYS = 10_000;

/**
 * From this day of December on, the next year's notice may still change a date: 2006-12-30,
 * 2011-12-31 and 2022-12-31 were set by the notices for 2007, 2012 and 2023.
 */
const NEXT_NOTICE_REACH = '12-25';

const DAY_MS = 86_400_000;

/**
 * The shipped data with an operator's file over it: each year the override lists replaces that year
 * whole (a corrected or newly published notice), years it does not list are kept.
 */
export function mergeHolidayData(base: HolidayData, override?: HolidayData | null): HolidayData {
  if (!override) return base;
  const byYear = new Map<number, HolidayYear>();
  for (const y of base.years) byYear.set(y.year, y);
  for (const y of override.years) byYear.set(y.year, y);
  return { ...base, years: [...byYear.values()].sort((a, b) => a.year - b.year) };
}

export function createWorkingCalendar(base: HolidayData, override?: HolidayData | null): WorkingCalendar {
  const data = mergeHolidayData(base, override);
  checkYears(data);
  const daysOff = new Map<string, string>();
  const workdays = new Map<string, string>();
  const sources = new Map<number, HolidayYear['source']>();
  for (const y of data.years) {
    sources.set(y.year, y.source);
    for (const h of y.holidays) {
      for (let d = dayNumber(h.from); d <= dayNumber(h.to); d++) daysOff.set(isoDate(d), h.name);
    }
    for (const w of y.workdays) workdays.set(w.date, w.name);
  }
  for (const [date, name] of workdays) {
    const off = daysOff.get(date);
    if (off !== undefined) {
      throw new HolidayDataError(
        `year ${date.slice(0, 4)}`,
        `${date} is both a day off (${off}) and a make-up working day (${name})`,
      );
    }
  }
  const coveredYears = [...sources.keys()].sort((a, b) => a - b);
  const covered = new Set(coveredYears);

  const missingYears = (a: string, b: string = a): number[] => {
    assertDate(a);
    assertDate(b);
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const missing: number[] = [];
    const last = yearOf(hi) + (hi.slice(5) >= NEXT_NOTICE_REACH ? 1 : 0);
    for (let y = yearOf(lo); y <= last; y++) if (!covered.has(y)) missing.push(y);
    return missing;
  };

  // Day numbers keep the loops free of date parsing; the maps are keyed by the ISO string.
  const working = (d: number): boolean => {
    const date = isoDate(d);
    if (workdays.has(date)) return true;
    if (daysOff.has(date)) return false;
    const weekday = (((d + 4) % 7) + 7) % 7; // 1970-01-01, day 0, was a Thursday
    return weekday !== 0 && weekday !== 6;
  };

  return {
    coveredYears,
    source: (year) => sources.get(year),
    isWorkingDay(date) {
      assertDate(date);
      return working(dayNumber(date));
    },
    explain(date) {
      assertDate(date);
      const isCovered = missingYears(date).length === 0;
      const workName = workdays.get(date);
      if (workName !== undefined) return { date, kind: 'makeup-workday', name: workName, covered: isCovered };
      const offName = daysOff.get(date);
      if (offName !== undefined) return { date, kind: 'holiday', name: offName, covered: isCovered };
      const kind = working(dayNumber(date)) ? 'workday' : 'weekend';
      return { date, kind, name: null, covered: isCovered };
    },
    addWorkingDays(date, n) {
      assertDate(date);
      assertCount(n);
      let d = dayNumber(date);
      for (let left = n; left > 0; ) {
        d++;
        if (working(d)) left--;
      }
      return isoDate(d);
    },
    workingDaysBetween(a, b) {
      assertDate(a);
      assertDate(b);
      const da = dayNumber(a);
      const db = dayNumber(b);
      const [lo, hi] = da <= db ? [da, db] : [db, da];
      let count = 0;
      for (let d = lo + 1; d <= hi; d++) if (working(d)) count++;
      return da <= db ? count : -count;
    },
    missingYears,
  };
}

/** The calendar day `days` after `date` (before it when negative), working day or not. */
export function addDays(date: string, days: number): string {
  assertDate(date);
  return isoDate(dayNumber(date) + days);
}

function assertDate(date: string): void {
  if (!isIsoDate(date) || date < '1900-01-01' || date > '9899-12-31') {
    throw new RangeError(`not a date YYYY-MM-DD between 1900 and 9899: ${JSON.stringify(date)}`);
  }
}

function assertCount(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new RangeError(`working days must be a whole number from 0 to ${MAX_WORKING_DAYS}, got ${n}`);
  }
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

function dayNumber(date: string): number {
  return Date.UTC(yearOf(date), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
