import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/domain/duration.ts';
import { objectionStats, repairStats } from '../src/oversight/due-process-stats.ts';
import { buildStatsReport, parsePeriod } from '../src/oversight/stats.ts';
import { statsCsv } from '../src/oversight/stats-csv.ts';
import type { ObjectionRecord, RepairRecord } from '../src/store/due-process.ts';

const period = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };
const now = new Date('2026-11-20T04:00:00Z'); // 2026-11-20 in China

function objection(over: Partial<ObjectionRecord>): ObjectionRecord {
  return {
    id: 'obj_1',
    entryId: 'ent_1',
    subjectId: 'sub_1',
    department: '法院',
    status: 'pending',
    source: 'implementer',
    channel: null,
    submitter: null,
    claim: '信息有误',
    filedBy: 'key_1',
    acceptedOn: '2026-11-02',
    workingDays: 5,
    dueOn: '2026-11-09',
    resolution: null,
    createdAt: '2026-11-02T02:00:00.000Z',
    updatedAt: '2026-11-02T02:00:00.000Z',
    ...over,
  };
}

function repair(over: Partial<RepairRecord>): RepairRecord {
  return {
    id: 'rep_1',
    entryId: 'ent_1',
    subjectId: 'sub_1',
    department: '税务局',
    status: 'pending',
    applicant: { name: '张三', contact: null },
    statement: '已补缴',
    evidence: [],
    correctedOn: null,
    filedBy: 'key_1',
    filedOn: '2026-11-03',
    earliestOn: '2026-11-01',
    decision: null,
    createdAt: '2026-11-03T02:00:00.000Z',
    updatedAt: '2026-11-03T02:00:00.000Z',
    ...over,
  };
}

const resolution = (outcome: 'upheld' | 'rejected', at: string) => ({
  outcome,
  action: outcome === 'upheld' ? ('revoked' as const) : null,
  why: '核实',
  by: 'key_2',
  at,
});

describe('objection and repair statistics', () => {
  it('counts received, resolved (on time or late), pending and overdue, with days to resolution', () => {
    const s = objectionStats(
      [
        // Resolved in 3 days, before its due day.
        objection({
          id: 'obj_a',
          status: 'upheld',
          resolution: resolution('upheld', '2026-11-05T02:00:00.000Z'),
        }),
        // Resolved in 9 days, after its due day (11-09) in China: late.
        objection({
          id: 'obj_b',
          status: 'rejected',
          resolution: resolution('rejected', '2026-11-11T02:00:00.000Z'),
        }),
        // Pending past its due day.
        objection({ id: 'obj_c', department: '市场监管局', dueOn: '2026-11-19' }),
        // Pending, due later.
        objection({
          id: 'obj_d',
          department: '市场监管局',
          dueOn: '2026-11-25',
          createdAt: '2026-11-18T00:00:00.000Z',
        }),
        // Received before the period and resolved in it: resolved counts, received does not.
        objection({
          id: 'obj_e',
          createdAt: '2026-10-25T00:00:00.000Z',
          status: 'upheld',
          dueOn: '2026-11-01',
          resolution: resolution('upheld', '2026-11-04T00:00:00.000Z'),
        }),
        // Outside the period altogether, and no longer pending: not counted.
        objection({
          id: 'obj_f',
          department: '旧部门',
          createdAt: '2026-09-01T00:00:00.000Z',
          status: 'rejected',
          resolution: resolution('rejected', '2026-09-05T00:00:00.000Z'),
        }),
      ],
      period,
      now,
    );
    expect(s.total).toEqual({
      received: 4,
      resolved: 3,
      upheld: 2,
      rejected: 1,
      resolvedOnTime: 1,
      pending: 2,
      overdue: 1,
      medianDays: 9,
      meanDays: 7.3,
    });
    expect(s.byDepartment.map((d) => [d.department, d.received, d.resolved, d.overdue])).toEqual([
      ['市场监管局', 2, 0, 1],
      ['法院', 2, 3, 0],
    ]);
    expect(s.byDepartment[0]!.medianDays).toBeNull();
  });

  it('counts repair requests received and decided, with days to decision', () => {
    const s = repairStats(
      [
        repair({
          id: 'rep_a',
          status: 'approved',
          decision: { outcome: 'approved', why: 'ok', by: 'key_2', at: '2026-11-05T14:00:00.000Z' },
        }),
        repair({
          id: 'rep_b',
          status: 'rejected',
          decision: { outcome: 'rejected', why: 'no', by: 'key_2', at: '2026-11-04T02:00:00.000Z' },
        }),
        repair({ id: 'rep_c' }),
      ],
      period,
    );
    expect(s.total).toEqual({
      received: 3,
      decided: 2,
      approved: 1,
      rejected: 1,
      pending: 1,
      medianDays: 1.8,
      meanDays: 1.8,
    });
    expect(repairStats([], period).total).toMatchObject({ received: 0, medianDays: null, meanDays: null });
  });
});

describe('statistics period and durations', () => {
  it('reads dates as days in China, `to` inclusive; instants as given', () => {
    expect(parsePeriod('2026-11-01', '2026-11-30', now)).toEqual({
      from: new Date('2026-10-31T16:00:00.000Z'),
      to: new Date('2026-11-30T16:00:00.000Z'),
    });
    expect(parsePeriod('2026-11-01T00:00:00Z', undefined, now)).toEqual({
      from: new Date('2026-11-01T00:00:00.000Z'),
      to: now,
    });
    expect(parsePeriod(undefined, undefined, now).from).toEqual(new Date('2026-10-21T04:00:00.000Z'));
    expect(() => parsePeriod('2026-11-02', '2026-11-01', now)).toThrow(/before/);
    expect(() => parsePeriod('11/01/2026', undefined, now)).toThrow(/date/);
  });

  it('parses and prints fixed-length ISO 8601 durations only', () => {
    expect(parseDuration('P7D')).toBe(7 * 86_400_000);
    expect(parseDuration('PT36H')).toBe(36 * 3_600_000);
    expect(parseDuration('P1DT12H30M15S')).toBe(86_400_000 + 12 * 3_600_000 + 30 * 60_000 + 15_000);
    expect(parseDuration('P2W')).toBe(14 * 86_400_000);
    expect(parseDuration('P0D')).toBe(0);
    for (const bad of ['P', 'PT', 'P1M', 'P1Y', '7d', 'P1DT', 'p7d', 'P1W2D', ''])
      expect(parseDuration(bad), bad).toBeNull();
    for (const ms of [0, 1000, 7 * 86_400_000, 36 * 3_600_000, 86_400_000 + 61_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
    expect(formatDuration(7 * 86_400_000)).toBe('P7D');
    expect(formatDuration(36 * 3_600_000)).toBe('P1DT12H');
  });
});

describe('statistics CSV', () => {
  it('quotes commas, quotes and line breaks, disarms formulas, and starts with a BOM', () => {
    const report = buildStatsReport({
      rows: {
        checks: [
          {
            department: '=HYPERLINK("x")',
            scenario: 'gov-procurement',
            outcome: 'block',
            checks: 2,
            listed: 2,
          },
          {
            department: '甲局,\n"乙"科',
            scenario: 'gov-procurement',
            outcome: 'clear',
            checks: 1,
            listed: 0,
          },
        ],
        feedback: [],
        measures: [],
        clearances: { created: 0, revoked: 0 },
      },
      objections: [],
      repairs: [],
      period,
      generatedAt: now,
      feedbackDueMs: 86_400_000,
    });
    const csv = statsCsv(report);
    expect(csv.startsWith('\uFEFFsection,by,department,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain(`checks,department,"'=HYPERLINK(""x"")",,,,checks,2\r\n`);
    expect(csv).toContain('checks,department,"甲局,\n""乙""科",,,,checks,1\r\n');
    expect(csv).toContain('checks,total,,,,,hit_rate,0.6667\r\n');
    expect(csv).toContain('feedback,total,,,,,completion,\r\n');
    expect(csv).toContain('objections,total,,,,,median_days,\r\n');
    expect(csv).toContain('period,total,,,,,feedback_due_after,P1D\r\n');
  });
});
