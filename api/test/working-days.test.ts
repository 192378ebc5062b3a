import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import {
  DEFAULT_PUBLICATION_RULE,
  isOverdue,
  objectionDeadline,
  PublicationRuleSchema,
  publicationDeadline,
  workingDaysLeft,
} from '../src/domain/deadlines.ts';
import { loadDefaultHolidays } from '../src/domain/default-holidays.ts';
import { HolidayDataError, parseHolidayData } from '../src/domain/holidays.ts';
import { jsonSyntaxErrorOffset } from '../src/domain/json-syntax.ts';
import { createWorkingCalendar, MAX_WORKING_DAYS } from '../src/domain/working-days.ts';

const calendar = createWorkingCalendar(loadDefaultHolidays());
const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const weekdayOf = (date: string) => WEEKDAY[new Date(`${date}T00:00:00Z`).getUTCDay()];

describe('shipped holiday calendar', () => {
  it('covers the years whose State Council notice was found, 2027 not among them', () => {
    expect(calendar.coveredYears).toEqual([2025, 2026]);
    expect(calendar.source(2026)).toMatchObject({
      title: '国务院办公厅关于2026年部分节假日安排的通知',
      number: '国办发明电〔2025〕7号',
      issued: '2025-11-04',
    });
    expect(calendar.source(2027)).toBeUndefined();
  });

  // The notice states the weekday of every date it names: a transcription slip shows up here.
  it.each([
    ['2026-01-01', '周四'],
    ['2026-01-03', '周六'],
    ['2026-01-04', '周日'],
    ['2026-02-14', '周六'],
    ['2026-02-15', '周日'],
    ['2026-02-23', '周一'],
    ['2026-02-28', '周六'],
    ['2026-04-04', '周六'],
    ['2026-04-06', '周一'],
    ['2026-05-01', '周五'],
    ['2026-05-05', '周二'],
    ['2026-05-09', '周六'],
    ['2026-06-19', '周五'],
    ['2026-06-21', '周日'],
    ['2026-09-20', '周日'],
    ['2026-09-25', '周五'],
    ['2026-09-27', '周日'],
    ['2026-10-01', '周四'],
    ['2026-10-07', '周三'],
    ['2026-10-10', '周六'],
  ])('%s is a %s as the 2026 notice says', (date, weekday) => {
    expect(weekdayOf(date)).toBe(weekday);
  });

  it('has 33 days off and 6 make-up working days in 2026 (3+9+3+5+3+3+7)', () => {
    const y2026 = loadDefaultHolidays().years.find((y) => y.year === 2026)!;
    const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    expect(y2026.holidays.reduce((n, h) => n + days(h.from, h.to), 0)).toBe(33);
    expect(y2026.workdays).toHaveLength(6);
  });

  it('gives 2025 and 2026 each 248 working days: 365 − 104 weekend days − 13 statutory holidays', () => {
    expect(calendar.workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248);
    expect(calendar.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
  });

  it.each([
    ['2026-02-13', true, 'workday', null], // Friday before 春节
    ['2026-02-14', true, 'makeup-workday', '春节'], // Saturday worked
    ['2026-02-15', false, 'holiday', '春节'],
    ['2026-02-16', false, 'holiday', '春节'], // a Monday off
    ['2026-02-23', false, 'holiday', '春节'], // 正月初七, Monday
    ['2026-02-24', true, 'workday', null],
    ['2026-02-28', true, 'makeup-workday', '春节'],
    ['2026-03-01', false, 'weekend', null],
    ['2026-01-04', true, 'makeup-workday', '元旦'], // Sunday worked
    ['2026-05-04', false, 'holiday', '劳动节'],
    ['2026-05-09', true, 'makeup-workday', '劳动节'],
    ['2026-09-20', true, 'makeup-workday', '国庆节'], // Sunday worked
    ['2026-09-25', false, 'holiday', '中秋节'],
    ['2026-10-05', false, 'holiday', '国庆节'],
    ['2026-10-08', true, 'workday', null], // 2025 had 10-08 off; 2026 does not
    ['2026-10-10', true, 'makeup-workday', '国庆节'],
    ['2025-10-08', false, 'holiday', '国庆节、中秋节'],
    ['2025-10-11', true, 'makeup-workday', '国庆节、中秋节'],
  ])('%s: working %s (%s %s)', (date, working, kind, name) => {
    expect(calendar.isWorkingDay(date)).toBe(working);
    expect(calendar.explain(date)).toEqual({ date, kind, name, covered: true });
  });
});

describe('counting working days (the start day is not counted)', () => {
  it('runs through 春节 2026 onto the make-up Saturdays', () => {
    // 02-13 Fri (1), 02-14 Sat worked (2), 02-15..23 off, 02-24..27 (3..6), 02-28 Sat worked (7)
    expect(calendar.addWorkingDays('2026-02-12', 7)).toBe('2026-02-28');
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    expect(calendar.workingDaysBetween('2026-02-14', '2026-02-24')).toBe(1);
  });

  it('runs through 国庆 2026', () => {
    // 10-01..07 off, 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat worked (3), 10-12..15 (4..7)
    expect(calendar.addWorkingDays('2026-09-30', 7)).toBe('2026-10-15');
    // 09-20 Sun is worked: from Fri 09-18, the first working day is that Sunday
    expect(calendar.addWorkingDays('2026-09-18', 1)).toBe('2026-09-20');
    // 中秋 09-25..27 off, 09-28..30 worked, 国庆 10-01..07 off, 10-08 worked
    expect(calendar.workingDaysBetween('2026-09-24', '2026-10-08')).toBe(4);
  });

  it('counts from a day off as from any other day', () => {
    expect(calendar.addWorkingDays('2026-02-15', 1)).toBe('2026-02-24');
    expect(calendar.addWorkingDays('2026-02-21', 0)).toBe('2026-02-21');
  });

  it('counts backwards as a negative number, and the counts add up', () => {
    expect(calendar.workingDaysBetween('2026-02-28', '2026-02-12')).toBe(-7);
    expect(calendar.workingDaysBetween('2026-02-20', '2026-02-20')).toBe(0);
  });

  it('refuses nonsense instead of looping or guessing', () => {
    expect(() => calendar.addWorkingDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-02-12', -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-02-12', 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-02-12', MAX_WORKING_DAYS + 1)).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026/02/12')).toThrow(RangeError);
  });
});

describe('years without a loaded notice', () => {
  it('are counted Monday to Friday and reported as missing', () => {
    expect(calendar.isWorkingDay('2027-02-08')).toBe(true); // a Monday; 春节 2027 not loaded
    expect(calendar.explain('2027-02-06')).toEqual({
      date: '2027-02-06',
      kind: 'weekend',
      name: null,
      covered: false,
    });
    expect(calendar.missingYears('2027-03-01')).toEqual([2027]);
    expect(calendar.missingYears('2024-06-01', '2026-01-10')).toEqual([2024]);
    expect(calendar.missingYears('2026-01-10', '2024-06-01')).toEqual([2024]);
  });

  it('flag the end of December too, which next year’s notice may still change', () => {
    expect(calendar.missingYears('2026-12-24')).toEqual([]);
    expect(calendar.missingYears('2026-12-25')).toEqual([2027]);
    expect(calendar.missingYears('2025-12-31')).toEqual([]); // 2026 is loaded
    expect(calendar.explain('2026-12-28')).toMatchObject({ kind: 'workday', covered: false });
  });
});

describe('deadlines', () => {
  it('publishes within 7 working days of the decision by default', () => {
    expect(DEFAULT_PUBLICATION_RULE).toEqual({ publishWithinWorkingDays: 7 });
    expect(publicationDeadline(calendar, '2026-12-03')).toEqual({
      from: '2026-12-03',
      workingDays: 7,
      due: '2026-12-14',
      missingYears: [],
      estimated: false,
    });
    expect(publicationDeadline(calendar, '2026-09-30', { publishWithinWorkingDays: 7 }).due).toBe(
      '2026-10-15',
    );
    expect(publicationDeadline(calendar, '2026-12-03', { publishWithinWorkingDays: 0 }).due).toBe(
      '2026-12-03',
    );
  });

  it('marks a deadline counted into a year without its notice as estimated', () => {
    const d = publicationDeadline(calendar, '2026-12-03', { publishWithinWorkingDays: 20 });
    expect(d).toMatchObject({ due: '2026-12-31', missingYears: [2027], estimated: true });
    // The start day itself is not counted, so a year it alone lies in is not needed.
    expect(objectionDeadline(calendar, '2024-12-31', 3)).toMatchObject({
      due: '2025-01-06',
      missingYears: [],
      estimated: false,
    });
  });

  it('verifies an objection within N working days of acceptance, and knows when it is overdue', () => {
    const d = objectionDeadline(calendar, '2026-02-12', 5); // 02-13, 02-14, 02-24, 02-25, 02-26
    expect(d.due).toBe('2026-02-26');
    expect(isOverdue(d, '2026-02-26')).toBe(false);
    expect(isOverdue(d, '2026-02-27')).toBe(true);
    expect(workingDaysLeft(calendar, d, '2026-02-13')).toBe(4);
    expect(workingDaysLeft(calendar, d, '2026-02-20')).toBe(3); // in 春节: 02-24..26 remain
    expect(workingDaysLeft(calendar, d, '2026-02-26')).toBe(0);
    expect(workingDaysLeft(calendar, d, '2026-03-02')).toBe(-3); // 02-27, 02-28 (worked), 03-02
  });

  it('checks a configured publication rule', () => {
    expect(PublicationRuleSchema.safeParse({ publishWithinWorkingDays: 7 }).success).toBe(true);
    expect(PublicationRuleSchema.safeParse({ publishWithinWorkingDays: -1 }).success).toBe(false);
    expect(PublicationRuleSchema.safeParse({ publishWithinWorkingDays: 2.5 }).success).toBe(false);
  });
});

describe('properties', () => {
  // Days from mid-2024 (not loaded) through 2028 (not loaded), across the loaded 2025 and 2026.
  const FIRST = Date.UTC(2024, 5, 1) / 86_400_000;
  const date = fc
    .integer({ min: FIRST, max: FIRST + 4 * 366 })
    .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
  const count = fc.integer({ min: 0, max: 400 });
  const RUNS = { numRuns: 300 };

  it('addWorkingDays then workingDaysBetween gives n back', () => {
    fc.assert(
      fc.property(date, count, (d, n) => calendar.workingDaysBetween(d, calendar.addWorkingDays(d, n)) === n),
      RUNS,
    );
  });

  it('a due date after at least one working day is always a working day, after the start', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 400 }), (d, n) => {
        const due = calendar.addWorkingDays(d, n);
        return calendar.isWorkingDay(due) && due > d;
      }),
      RUNS,
    );
  });

  it('one more working day is always later', () => {
    fc.assert(
      fc.property(date, count, (d, n) => calendar.addWorkingDays(d, n + 1) > calendar.addWorkingDays(d, n)),
      RUNS,
    );
  });

  it('counts add up and reverse with the order of the dates', () => {
    fc.assert(
      fc.property(date, date, date, (a, b, c) => {
        const ab = calendar.workingDaysBetween(a, b);
        return (
          ab === -calendar.workingDaysBetween(b, a) &&
          ab + calendar.workingDaysBetween(b, c) === calendar.workingDaysBetween(a, c)
        );
      }),
      RUNS,
    );
  });
});

describe('JSON syntax error offset', () => {
  it('finds no error exactly where JSON.parse finds none', () => {
    const parses = (text: string) => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.json(), (text) => jsonSyntaxErrorOffset(text) === null),
      { numRuns: 300 },
    );
    // Valid JSON with one character changed is mostly invalid: both must agree either way.
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom(...'{}[]",:0-.eE \\tnu'), (text, at, c) => {
        const i = at % (text.length + 1);
        const changed = text.slice(0, i) + c + text.slice(i + 1);
        return (jsonSyntaxErrorOffset(changed) === null) === parses(changed);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('CREDCHECK_HOLIDAYS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-holidays-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  // A made-up year far enough ahead that no one mistakes it for a real notice.
  const year2030 = {
    year: 2030,
    source: { title: 'test arrangement, not a real notice' },
    holidays: [{ name: '测试', from: '2030-01-01', to: '2030-01-02' }],
    workdays: [{ name: '测试', date: '2030-01-05' }],
  };
  const configError = (text: string) => {
    const path = file(`bad-${Math.random().toString(36).slice(2)}.json`, text);
    try {
      loadConfig({ CREDCHECK_HOLIDAYS: path });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).toContain('CREDCHECK_HOLIDAYS');
      expect(message).toContain(path);
      return message;
    }
    throw new Error('expected a ConfigError');
  };

  it('is optional: without it the shipped calendar is used', () => {
    const config = loadConfig({});
    expect(config.holidaysFile).toBeNull();
    expect(config.calendar.coveredYears).toEqual([2025, 2026]);
  });

  it('adds the years it lists and replaces a shipped year whole', () => {
    const only春节 = {
      year: 2026,
      source: { title: 'test: 2026 with only 春节' },
      holidays: [{ name: '春节', from: '2026-02-15', to: '2026-02-23' }],
    };
    const path = file('extra.json', JSON.stringify({ years: [year2030, only春节] }));
    const { calendar: c, holidaysFile } = loadConfig({ CREDCHECK_HOLIDAYS: path });
    expect(holidaysFile).toBe(path);
    expect(c.coveredYears).toEqual([2025, 2026, 2030]);
    expect(c.isWorkingDay('2030-01-01')).toBe(false);
    expect(c.isWorkingDay('2030-01-05')).toBe(true); // a Saturday made a working day
    expect(c.isWorkingDay('2026-10-05')).toBe(true); // 国庆 is gone with the replaced year
    expect(c.isWorkingDay('2026-02-16')).toBe(false);
    expect(c.isWorkingDay('2025-10-08')).toBe(false); // 2025 kept as shipped
  });

  it('names the line of a JSON syntax error', () => {
    expect(configError('{\n  "years": [\n    { "year": 2030 }\n    { "year": 2031 }\n  ]\n}')).toMatch(
      /line 4, column 5: not valid JSON/,
    );
    expect(configError('{\n  "years": [')).toMatch(/line 2, column 13: not valid JSON/);
    // Node 20 gives no position for an unexpected token; the line is still named.
    expect(configError('{\n "years": [}')).toMatch(/line 2, column 12: not valid JSON/);
    expect(configError('{\n "years": [],\n "notes": ["a\tb"]\n}')).toMatch(/line 3, column 14/);
  });

  it('accepts a file that starts with a byte-order mark', () => {
    const path = file('bom.json', `\uFEFF${JSON.stringify({ years: [year2030] })}`);
    expect(loadConfig({ CREDCHECK_HOLIDAYS: path }).calendar.coveredYears).toContain(2030);
  });

  it('names the field of a bad value, with the value', () => {
    const bad = structuredClone(year2030);
    bad.holidays[0]!.to = '2030-02-30';
    expect(configError(JSON.stringify({ years: [bad] }))).toMatch(
      /years\[0\]\.holidays\[0\]\.to: must be a real date YYYY-MM-DD \(got "2030-02-30"\)/,
    );
    expect(configError(JSON.stringify({ years: [{ ...year2030, year: '2030' }] }))).toMatch(
      /years\[0\]\.year/,
    );
    expect(configError(JSON.stringify({ years: [{ ...year2030, holidays: [] }] }))).toMatch(
      /years\[0\]\.holidays/,
    );
    expect(configError(JSON.stringify({ years: [{ ...year2030, extra: 1 }] }))).toMatch(/years\[0\].*extra/);
    expect(configError(JSON.stringify({ year: 2030 }))).toMatch(/years|year/);
  });

  it('refuses dates that cannot be what a notice says', () => {
    const weekday = { ...year2030, workdays: [{ name: '测试', date: '2030-01-07' }] }; // a Monday
    expect(configError(JSON.stringify({ years: [weekday] }))).toMatch(
      /years\[0\]\.workdays\[0\]\.date: 2030-01-07 is a weekday/,
    );
    const reversed = { ...year2030, holidays: [{ name: '测试', from: '2030-01-03', to: '2030-01-01' }] };
    expect(configError(JSON.stringify({ years: [reversed] }))).toMatch(/years\[0\]\.holidays\[0\]\.to/);
    const outside = { ...year2030, holidays: [{ name: '测试', from: '2031-01-01', to: '2031-01-01' }] };
    expect(configError(JSON.stringify({ years: [outside] }))).toMatch(/outside 2029-12-01\.\.2030-12-31/);
    expect(configError(JSON.stringify({ years: [year2030, year2030] }))).toMatch(/years\[1\]\.year: 2030/);
    const clash = { ...year2030, workdays: [{ name: '测试', date: '2029-12-29' }] };
    const clashing = {
      ...year2030,
      holidays: [{ name: '测试', from: '2029-12-29', to: '2030-01-01' }],
      workdays: clash.workdays,
    };
    expect(configError(JSON.stringify({ years: [clashing] }))).toMatch(
      /2029-12-29 is both a day off \(测试\) and a make-up working day/,
    );
  });

  it('says when the file cannot be read', () => {
    expect(() => loadConfig({ CREDCHECK_HOLIDAYS: join(dir, 'missing.json') })).toThrow(
      /CREDCHECK_HOLIDAYS: cannot read .*missing\.json/,
    );
  });

  it('parses the shipped file with the same checks', () => {
    expect(() => parseHolidayData('[]')).toThrow(HolidayDataError);
    expect(loadDefaultHolidays().years.map((y) => y.year)).toEqual([2025, 2026]);
  });
});
