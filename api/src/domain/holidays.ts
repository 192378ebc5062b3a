import { z } from '@hono/zod-openapi';
import { isIsoDate } from './decision-dates.ts';
import { jsonSyntaxErrorOffset } from './json-syntax.ts';

/**
 * The holiday arrangement as data: for each year, the days off and the make-up working days of the
 * State Council notice (国务院办公厅关于<year>年部分节假日安排的通知). The shipped file and a
 * CREDCHECK_HOLIDAYS file share this format.
 */

const IsoDate = z.string().refine(isIsoDate, { message: 'must be a real date YYYY-MM-DD' });

export const HolidaySpanSchema = z.strictObject({
  name: z.string().min(1),
  from: IsoDate,
  to: IsoDate,
});

export const MakeupWorkdaySchema = z.strictObject({
  name: z.string().min(1),
  date: IsoDate,
});

export const HolidaySourceSchema = z.strictObject({
  title: z.string().min(1),
  number: z.string().optional(),
  issued: IsoDate.optional(),
  url: z.string().optional(),
  checkedAgainst: z.string().optional(),
});

export const HolidayYearSchema = z.strictObject({
  year: z.number().int().min(1949).max(2200),
  source: HolidaySourceSchema,
  // A year listed without a single day off is almost surely a placeholder for an unpublished notice:
  // accepting it would make the calendar claim an exact answer it does not have.
  holidays: z.array(HolidaySpanSchema).min(1),
  workdays: z.array(MakeupWorkdaySchema).default([]),
});

export const HolidayDataSchema = z.strictObject({
  $schema: z.string().optional(),
  country: z.string().optional(),
  notes: z.array(z.string()).optional(),
  years: z.array(HolidayYearSchema),
});

export type HolidaySpan = z.infer<typeof HolidaySpanSchema>;
export type MakeupWorkday = z.infer<typeof MakeupWorkdaySchema>;
export type HolidayYear = z.infer<typeof HolidayYearSchema>;
export type HolidayData = z.infer<typeof HolidayDataSchema>;

/** Bad holiday data; `where` is a line/column of the text or the path of the offending field. */
export class HolidayDataError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/** Parses and checks holiday data from JSON text; throws HolidayDataError naming the line or field. */
export function parseHolidayData(text: string): HolidayData {
  // Editors on Windows like to start a file with a byte-order mark; JSON.parse does not.
  const json = text.replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    const at = jsonSyntaxErrorOffset(json) ?? 0;
    throw new HolidayDataError(lineColumn(json, at), `not valid JSON (${(err as Error).message})`);
  }
  const parsed = HolidayDataSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const value = valueAt(raw, issue.path);
    const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
    throw new HolidayDataError(fieldPath(issue.path), `${issue.message}${shown}`);
  }
  checkYears(parsed.data);
  return parsed.data;
}

/** Checks that need more than one field: ranges in order, dates inside their notice's reach, no clashes. */
export function checkYears(data: HolidayData): void {
  const seen = new Set<number>();
  data.years.forEach((y, i) => {
    if (seen.has(y.year)) throw new HolidayDataError(`years[${i}].year`, `${y.year} is listed twice`);
    seen.add(y.year);
    // A notice sets its own year and, for 元旦, sometimes the last days of December before it.
    const first = `${y.year - 1}-12-01`;
    const last = `${y.year}-12-31`;
    const inReach = (d: string) => d >= first && d <= last;
    y.holidays.forEach((h, j) => {
      const at = `years[${i}].holidays[${j}]`;
      if (h.from > h.to) throw new HolidayDataError(`${at}.to`, `"${h.to}" is before "from" ${h.from}`);
      if (!inReach(h.from) || !inReach(h.to)) {
        throw new HolidayDataError(
          at,
          `${h.from}..${h.to} is outside ${first}..${last}, the reach of ${y.year}`,
        );
      }
    });
    y.workdays.forEach((w, j) => {
      const at = `years[${i}].workdays[${j}].date`;
      if (!inReach(w.date)) {
        throw new HolidayDataError(at, `${w.date} is outside ${first}..${last}, the reach of ${y.year}`);
      }
      // A make-up working day is a Saturday or Sunday worked; a weekday is a working day anyway.
      if (!isWeekend(w.date))
        throw new HolidayDataError(at, `${w.date} is a weekday, not a make-up working day`);
    });
  });
}

export function isWeekend(date: string): boolean {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return typeof v === 'object' ? undefined : v;
}
