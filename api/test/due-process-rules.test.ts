import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/domain/clock.ts';
import { loadDefaultCatalog } from '../src/domain/default-catalog.ts';
import { loadDefaultDueProcess } from '../src/domain/default-due-process.ts';
import { loadDefaultHolidays } from '../src/domain/default-holidays.ts';
import { blockFor, checkPublication, checkRepair, objectionDeadlineView } from '../src/domain/due-process.ts';
import {
  createDueProcessRules,
  DueProcessDataError,
  parseDueProcessOverride,
} from '../src/domain/due-process-rules.ts';
import { addPeriod, parsePeriod } from '../src/domain/periods.ts';
import { createWorkingCalendar } from '../src/domain/working-days.ts';
import { startExpiryScheduler } from '../src/due-process/expiry-scheduler.ts';

const calendar = createWorkingCalendar(loadDefaultHolidays());
const rules = createDueProcessRules(loadDefaultDueProcess());

describe('periods', () => {
  it('reads whole years, months and days', () => {
    expect(parsePeriod('P1Y')).toEqual({ years: 1, months: 0, days: 0 });
    expect(parsePeriod('P1Y6M10D')).toEqual({ years: 1, months: 6, days: 10 });
    for (const bad of ['P', '1Y', 'PT1H', 'P1W', 'P-1Y', '']) expect(parsePeriod(bad), bad).toBeNull();
  });

  it('adds them by the calendar, falling back to the month’s last day', () => {
    expect(addPeriod('2026-11-23', 'P1Y')).toBe('2027-11-23');
    expect(addPeriod('2026-11-23', 'P12M')).toBe('2027-11-23');
    expect(addPeriod('2024-02-29', 'P1Y')).toBe('2025-02-28');
    expect(addPeriod('2026-08-31', 'P6M')).toBe('2027-02-28');
    expect(addPeriod('2026-12-31', 'P1M')).toBe('2027-01-31');
    expect(addPeriod('2026-11-23', 'P0D')).toBe('2026-11-23');
    expect(addPeriod('2026-12-25', 'P10D')).toBe('2027-01-04');
    expect(() => addPeriod('2026-02-30', 'P1Y')).toThrow(RangeError);
  });
});

describe('the shipped rules (api/catalog/due-process.json)', () => {
  const catalog = loadDefaultCatalog();
  const byCode = new Map(catalog.listTypes.map((t) => [t.code, t]));

  it('name only list types of the catalog, and only black ones', () => {
    for (const code of Object.keys(rules.data.listTypes)) {
      expect(byCode.get(code)?.kind, code).toBe('black');
    }
  });

  it('give every black list type an explicit repair rule, copied from its exit note', () => {
    for (const t of catalog.listTypes.filter((lt) => lt.kind === 'black')) {
      expect(rules.data.listTypes[t.code]?.repair, t.code).toBeDefined();
    }
    // Spot checks against list-types.json early_exit_note / validity.
    expect(rules.rulesFor('wage-arrears-migrant-workers').repair).toMatchObject({
      repairable: true,
      minimumPeriod: 'P6M',
      from: 'correction',
    });
    expect(rules.rulesFor('work-safety-serious').repair).toMatchObject({
      minimumPeriod: 'P12M',
      from: 'publication',
    });
    expect(rules.rulesFor('gov-procurement-serious-violation').repair.repairable).toBe(false);
    expect(rules.rulesFor('dishonest-judgment-debtor').repair.repairable).toBe(false);
    expect(rules.rulesFor('serious-dishonest-generic').repair).toMatchObject({ minimumPeriod: 'P1Y' });
  });

  it('default to publication within 7 working days and verification within 10', () => {
    expect(rules.rulesFor('anything').publication).toMatchObject({
      publishWithinWorkingDays: 7,
      late: 'flag',
    });
    expect(rules.rulesFor('anything').objection.verifyWithinWorkingDays).toBe(10);
    expect(rules.rulesFor('integrity-model').repair.repairable).toBe(false);
  });
});

describe('overrides (CREDCHECK_DUE_PROCESS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replace defaults and whole list types, keep the rest', () => {
    const file = join(dir, 'rules.json');
    writeFileSync(
      file,
      JSON.stringify({
        defaults: { publication: { publishWithinWorkingDays: 5, late: 'refuse' } },
        listTypes: {
          'bidding-serious-violation': {
            repair: {
              repairable: true,
              minimumPeriod: 'P2Y',
              from: 'publication',
              requiresCorrection: false,
              note: 'local rule',
            },
          },
        },
      }),
    );
    const config = loadConfig({ CREDCHECK_DUE_PROCESS: file });
    expect(config.dueProcess.rulesFor('x').publication).toEqual({
      publishWithinWorkingDays: 5,
      late: 'refuse',
    });
    expect(config.dueProcess.rulesFor('x').objection.verifyWithinWorkingDays).toBe(10);
    expect(config.dueProcess.rulesFor('bidding-serious-violation').repair).toMatchObject({
      minimumPeriod: 'P2Y',
    });
    expect(config.dueProcess.rulesFor('wage-arrears-migrant-workers').repair).toMatchObject({
      minimumPeriod: 'P6M',
    });
  });

  it('a bad file stops the start with the field at fault', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ listTypes: { x: { repair: { repairable: true, minimumPeriod: 'one year' } } } }),
    );
    expect(() => loadConfig({ CREDCHECK_DUE_PROCESS: file })).toThrow(ConfigError);
    expect(() => loadConfig({ CREDCHECK_DUE_PROCESS: file })).toThrow(
      /CREDCHECK_DUE_PROCESS: .*listTypes\.x\.repair/,
    );
    expect(() => parseDueProcessOverride('{ "defaults": ')).toThrow(DueProcessDataError);
    expect(() => parseDueProcessOverride('{ "defaults": ')).toThrow(/line 1/);
    expect(() => loadConfig({ CREDCHECK_DUE_PROCESS: join(dir, 'missing.json') })).toThrow(/cannot read/);
  });
});

describe('publication rule', () => {
  const rule = rules.rulesFor('wage-arrears-migrant-workers').publication;

  it('counts working days from the decision, the decision day not counted, across holidays', () => {
    // Friday 2026-11-20 + 7 working days = Tuesday 2026-12-01.
    expect(checkPublication(calendar, rule, '2026-11-20', '2026-12-01')).toEqual({
      workingDays: 7,
      due: '2026-12-01',
      late: false,
      estimated: false,
    });
    expect(checkPublication(calendar, rule, '2026-11-20', '2026-12-02').late).toBe(true);
    // National Day 2026: 1–7 October off, Saturday 10 October worked: 8, 9, 10, 12, 13, 14, 15.
    expect(checkPublication(calendar, rule, '2026-09-30', '2026-10-01').due).toBe('2026-10-15');
  });
});

describe('objection deadline', () => {
  it('is due after the verification working days, overdue only while open', () => {
    const open = objectionDeadlineView(calendar, '2026-11-23', 10, '2026-12-08', true);
    expect(open).toEqual({
      workingDays: 10,
      due: '2026-12-07',
      estimated: false,
      overdue: true,
      workingDaysLeft: -1,
    });
    expect(objectionDeadlineView(calendar, '2026-11-23', 10, '2026-12-08', false).overdue).toBe(false);
    expect(objectionDeadlineView(calendar, '2026-11-23', 10, '2026-11-23', true).workingDaysLeft).toBe(10);
    // Into 2027, whose arrangement is not shipped: the due date is an estimate.
    expect(objectionDeadlineView(calendar, '2026-12-28', 10, '2026-12-28', true).estimated).toBe(true);
  });
});

describe('repair rule', () => {
  const entry = { decidedOn: '2025-06-01', publishedOn: '2025-06-05' };
  const repair = (listType: string) => rules.rulesFor(listType).repair;

  it('counts the minimum period from publication, or from the correction', () => {
    expect(checkRepair(repair('work-safety-serious'), 'black', entry, null, '2026-06-04')).toMatchObject({
      ok: false,
      reason: 'too-early',
      earliestOn: '2026-06-05',
    });
    expect(checkRepair(repair('work-safety-serious'), 'black', entry, null, '2026-06-05')).toEqual({
      ok: true,
      earliestOn: '2026-06-05',
    });
    expect(
      checkRepair(repair('wage-arrears-migrant-workers'), 'black', entry, '2026-03-31', '2026-09-29'),
    ).toMatchObject({
      reason: 'too-early',
      earliestOn: '2026-09-30',
      from: 'correction',
    });
    // Publication period passed, arrears paid later: the payment day opens the way.
    expect(
      checkRepair(repair('social-insurance-serious'), 'black', entry, '2026-08-01', '2026-08-01'),
    ).toEqual({
      ok: true,
      earliestOn: '2026-08-01',
    });
  });

  it('refuses red lists, types without repair, a missing or future correction date', () => {
    expect(checkRepair(repair('a-grade-taxpayer'), 'red', entry, null, '2030-01-01')).toEqual({
      ok: false,
      reason: 'red-list',
    });
    expect(
      checkRepair(repair('gov-procurement-serious-violation'), 'black', entry, null, '2030-01-01'),
    ).toMatchObject({
      reason: 'not-repairable',
    });
    expect(
      checkRepair(repair('wage-arrears-migrant-workers'), 'black', entry, null, '2030-01-01'),
    ).toMatchObject({
      reason: 'correction-required',
    });
    expect(
      checkRepair(repair('wage-arrears-migrant-workers'), 'black', entry, '2030-01-02', '2030-01-01'),
    ).toMatchObject({
      reason: 'correction-in-future',
    });
  });
});

describe('what an entry’s state allows', () => {
  const active = { status: 'active' as const, decidedOn: '2026-01-01', validUntil: '2027-01-01' };
  const none = { objection: false, repair: false };

  it('objections and repairs need an entry that applies today; corrections and revocations do not', () => {
    expect(blockFor('object', active, '2026-06-01', none)).toBeNull();
    expect(blockFor('object', active, '2027-01-02', none)).toBe('expired');
    expect(blockFor('correct', active, '2027-01-02', none)).toBeNull();
    expect(blockFor('repair', { ...active, status: 'repaired' }, '2026-06-01', none)).toBe('repaired');
    expect(blockFor('revoke', { ...active, status: 'repaired' }, '2026-06-01', none)).toBeNull();
    expect(blockFor('revoke', { ...active, status: 'revoked' }, '2026-06-01', none)).toBe('revoked');
    expect(blockFor('object', { ...active, decidedOn: '2026-07-01' }, '2026-06-01', none)).toBe(
      'not-yet-decided',
    );
  });

  it('nothing but the resolution while an objection is pending; one repair request at a time', () => {
    const pending = { objection: true, repair: false };
    for (const action of ['object', 'repair', 'correct', 'revoke'] as const) {
      expect(blockFor(action, { ...active, status: 'suspended' }, '2026-06-01', pending)).toBe(
        'objection-pending',
      );
    }
    expect(blockFor('repair', active, '2026-06-01', { objection: false, repair: true })).toBe(
      'repair-pending',
    );
    expect(blockFor('object', { ...active, status: 'suspended' }, '2026-06-01', none)).toBe('suspended');
  });
});

describe('expiry scheduler', () => {
  it('runs at start and again only when the day changes; a failed run is retried', async () => {
    let today = '2026-11-23';
    const clock = { ...fixedClock(today), today: () => today };
    const runs: string[] = [];
    let fail = false;
    const scheduler = startExpiryScheduler({
      clock,
      checkMs: 5,
      run: async () => {
        runs.push(today);
        if (fail) throw new Error('store down');
        return 0;
      },
    });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await wait(30);
    expect(runs).toEqual(['2026-11-23']);
    fail = true;
    today = '2026-11-24';
    await wait(30);
    const failed = runs.length;
    expect(failed).toBeGreaterThan(2);
    fail = false;
    await wait(30);
    const settled = runs.length;
    await wait(30);
    expect(runs.length).toBe(settled);
    expect(await scheduler.runNow()).toBe(0);
    await scheduler.stop();
  });
});
