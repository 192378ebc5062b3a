import { describe, expect, it } from 'vitest';
import { compactDetail, departmentRule, keyState } from '../src/lib/admin-types.ts';
import { bands, niceMax, percent, scale, shortNumber, stack, ticks } from '../src/lib/chart-scale.ts';
import { parseEvidence, parseLines } from '../src/lib/commitment-form.ts';
import { filenameFromDisposition, reportFileName, safeFileName, statsCsvName } from '../src/lib/download.ts';
import { reportCss, splitReportStyles } from '../src/lib/report-frame.ts';
import {
  addDays,
  buckets,
  chinaToday,
  granularityFor,
  isDate,
  mapLimited,
  NONE,
  OTHER,
  type StatsReport,
  seriesOf,
  spanDays,
} from '../src/lib/stats-series.ts';
import { allowed, findRoute } from '../src/routes.tsx';

describe('chart scaling', () => {
  it('rounds the axis end up to 1, 2, 2.5 or 5 × 10^k', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(-3)).toBe(1);
    expect(niceMax(Number.NaN)).toBe(1);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(13)).toBe(20);
    expect(niceMax(21)).toBe(25);
    expect(niceMax(26)).toBe(50);
    expect(niceMax(100)).toBe(100);
    expect(niceMax(101)).toBe(200);
    expect(niceMax(0.37)).toBe(0.5);
  });

  it('spaces ticks evenly and, for counts, on whole numbers', () => {
    expect(ticks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(ticks(2)).toEqual([0, 1, 2]);
    expect(ticks(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticks(25)).toEqual([0, 5, 10, 15, 20, 25]);
    expect(ticks(7)).toEqual([0, 7]);
    expect(ticks(1)).toEqual([0, 1]);
    expect(ticks(1, 4, false)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(ticks(0)).toEqual([0]);
  });

  it('maps values to pixels, clamped to the axis', () => {
    expect(scale(50, 100, 200)).toBe(100);
    expect(scale(150, 100, 200)).toBe(200);
    expect(scale(-1, 100, 200)).toBe(0);
    expect(scale(5, 0, 200)).toBe(0);
  });

  it('stacks segments end to end in key order, missing keys as zero', () => {
    const s = stack({ a: 10, b: 30 }, ['a', 'b', 'c'], 40, 200);
    expect(s.map((x) => [x.key, x.start, x.size])).toEqual([
      ['a', 0, 50],
      ['b', 50, 150],
      ['c', 200, 0],
    ]);
  });

  it('lays columns in equal slots with gaps', () => {
    const b = bands(4, 400, 0.25);
    expect(b).toHaveLength(4);
    expect(b[0]).toEqual({ x: 12.5, width: 75 });
    expect(b[3]!.x + b[3]!.width).toBe(387.5);
    expect(bands(0, 400)).toEqual([]);
  });

  it('writes numbers and shares for people', () => {
    expect(shortNumber(950)).toBe('950');
    expect(shortNumber(12_500)).toBe('12.5k');
    expect(shortNumber(3_000_000)).toBe('3M');
    expect(percent(0.1234)).toBe('12.3%');
    expect(percent(1, 0)).toBe('100%');
    expect(percent(null)).toBe('—');
  });
});

function report(rows: StatsReport['checks']['rows']): StatsReport {
  return { checks: { rows } } as StatsReport;
}

describe('statistics over time', () => {
  it('knows real dates and counts days inclusively', () => {
    expect(isDate('2026-02-28')).toBe(true);
    expect(isDate('2026-02-30')).toBe(false);
    expect(isDate('2026-2-3')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(spanDays('2026-11-01', '2026-11-01')).toBe(1);
    expect(spanDays('2026-11-01', '2026-11-30')).toBe(30);
    // 2026-12-03 20:00 UTC is already the 4th in China.
    expect(chinaToday(new Date('2026-12-03T20:00:00Z'))).toBe('2026-12-04');
  });

  it('chooses periods that keep the calls few', () => {
    expect(granularityFor('2026-11-01', '2026-11-30')).toBe('day');
    expect(granularityFor('2026-10-01', '2026-11-30')).toBe('week');
    expect(granularityFor('2025-01-01', '2026-11-30')).toBe('month');
    expect(granularityFor('2020-01-01', '2026-11-30')).toBe('year');
  });

  it('covers the range exactly, the last period cut at the end', () => {
    const weeks = buckets('2026-11-01', '2026-11-20', 'week');
    expect(weeks).toEqual([
      { from: '2026-11-01', to: '2026-11-07', label: '11-01' },
      { from: '2026-11-08', to: '2026-11-14', label: '11-08' },
      { from: '2026-11-15', to: '2026-11-20', label: '11-15' },
    ]);
    const months = buckets('2026-01-15', '2026-03-10', 'month');
    expect(months.map((b) => [b.from, b.to, b.label])).toEqual([
      ['2026-01-15', '2026-01-31', '2026-01'],
      ['2026-02-01', '2026-02-28', '2026-02'],
      ['2026-03-01', '2026-03-10', '2026-03'],
    ]);
    expect(buckets('2026-11-03', '2026-11-03', 'day')).toHaveLength(1);
    expect(buckets('2024-06-01', '2026-01-01', 'year').map((b) => b.to)).toEqual([
      '2024-12-31',
      '2025-12-31',
      '2026-01-01',
    ]);
    expect(buckets('2026-11-05', '2026-11-01')).toEqual([]);
    expect(buckets('x', '2026-11-01')).toEqual([]);
  });

  it('splits checks by outcome in a fixed order and keeps the largest departments', () => {
    const [a, b] = buckets('2026-11-01', '2026-11-02', 'day') as [never, never];
    const periods = [
      {
        bucket: a,
        report: report([
          { department: 'D1', scenario: 's1', outcome: 'block', checks: 5, listed: 5 },
          { department: 'D2', scenario: 's1', outcome: 'clear', checks: 3, listed: 0 },
          { department: null, scenario: 's2', outcome: 'review', checks: 1, listed: 1 },
        ]),
      },
      {
        bucket: b,
        report: report([
          { department: 'D3', scenario: 's2', outcome: 'clear', checks: 2, listed: 0 },
          { department: 'D1', scenario: 's1', outcome: 'favour', checks: 4, listed: 4 },
        ]),
      },
    ];
    const byOutcome = seriesOf(periods, 'outcome');
    expect(byOutcome.keys).toEqual(['block', 'review', 'favour', 'clear']);
    expect(byOutcome.columns.map((c) => c.values)).toEqual([
      { block: 5, review: 1, favour: 0, clear: 3 },
      { block: 0, review: 0, favour: 4, clear: 2 },
    ]);
    expect(byOutcome.columns.map((c) => c.total)).toEqual([9, 6]);

    const byDept = seriesOf(periods, 'department', 2);
    expect(byDept.keys).toEqual(['D1', 'D2', OTHER]);
    expect(byDept.columns[0]!.values).toEqual({ D1: 5, D2: 3, [OTHER]: 1 });
    expect(byDept.columns[1]!.values).toEqual({ D1: 4, D2: 0, [OTHER]: 2 });
    // Every check is in exactly one series.
    expect(byDept.columns.map((c) => Object.values(c.values).reduce((x, y) => x + y))).toEqual([9, 6]);

    const all = seriesOf(periods, 'department');
    expect(all.keys).toContain(NONE);
    expect(seriesOf(periods, 'scenario').keys).toEqual(['s1', 's2']);
  });

  it('runs calls a few at a time and answers in order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimited([30, 10, 20, 5, 15], 2, async (ms, i) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight -= 1;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(await mapLimited([], 3, async () => 1)).toEqual([]);
  });
});

describe('download names', () => {
  it('keep letters, digits, dots and dashes only', () => {
    expect(safeFileName('../../etc/passwd')).toBe('etc-passwd');
    expect(safeFileName('信用报告 "a".pdf')).toBe('信用报告-a.pdf');
    expect(safeFileName('')).toBe('download');
    expect(safeFileName('a\u0000b\nc')).toBe('a-b-c');
  });

  it('follow Content-Disposition, filename* first, else the fallback', () => {
    expect(
      filenameFromDisposition('attachment; filename="credcheck-stats-2026-11-01-2026-11-30.csv"', 'x.csv'),
    ).toBe('credcheck-stats-2026-11-01-2026-11-30.csv');
    expect(
      filenameFromDisposition(
        'attachment; filename="report.pdf"; filename*=UTF-8\'\'%E4%BF%A1%E7%94%A8%E6%8A%A5%E5%91%8A.pdf',
        'x.pdf',
      ),
    ).toBe('信用报告.pdf');
    expect(filenameFromDisposition('inline; filename=credit-report-dec_1.pdf', 'x.pdf')).toBe(
      'credit-report-dec_1.pdf',
    );
    expect(filenameFromDisposition('attachment; filename="../../x.csv"', 'y.csv')).toBe('x.csv');
    expect(filenameFromDisposition(null, 'fallback.csv')).toBe('fallback.csv');
    expect(filenameFromDisposition('attachment', 'fallback.csv')).toBe('fallback.csv');
  });

  it('name the statistics and the report by what they hold', () => {
    expect(statsCsvName('2026-11-01', '2026-11-30')).toBe('credcheck-stats-2026-11-01-2026-11-30.csv');
    expect(reportFileName('91500235MA5U3XXX0Q', 'admin-licensing', 'pdf')).toBe(
      'credit-report-91500235MA5U3XXX0Q-admin-licensing.pdf',
    );
  });
});

describe('administration helpers', () => {
  it('know which key roles carry a department', () => {
    expect(departmentRule('designator')).toBe('required');
    expect(departmentRule('implementer')).toBe('optional');
    expect(departmentRule('admin')).toBe('none');
    expect(departmentRule('public')).toBe('none');
    expect(keyState({ revokedAt: null })).toBe('active');
    expect(keyState({ revokedAt: '2026-12-01T00:00:00Z' })).toBe('revoked');
  });

  it('shorten audit details but keep them as stored when not JSON', () => {
    expect(compactDetail('{ "a" : 1 }')).toBe('{"a":1}');
    expect(compactDetail('plain text')).toBe('plain text');
    const long = compactDetail(JSON.stringify({ x: 'y'.repeat(500) }), 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith('…')).toBe(true);
  });

  it('read commitment lists and evidence a line each', () => {
    expect(parseLines(' a \n\n b\r\n')).toEqual(['a', 'b']);
    expect(parseEvidence('现场核查笔录 | 渝建执〔2026〕12号\n照片\n｜仅文号')).toEqual([
      { title: '现场核查笔录', reference: '渝建执〔2026〕12号' },
      { title: '照片' },
      { title: '仅文号', reference: '仅文号' },
    ]);
  });

  it('finds the report stylesheet to hand to the sandboxed frame', () => {
    const doc = new DOMParser().parseFromString(
      '<!doctype html><html><head><style>h1{color:red}</style></head><body><style>p{margin:0}</style></body></html>',
      'text/html',
    );
    expect(reportCss(doc)).toBe('h1{color:red}\np{margin:0}');
    const split = splitReportStyles(
      '<!doctype html><html lang="zh-CN"><head><style>h1{color:red}</style><title>报告</title></head><body><h1>信用报告</h1></body></html>',
    );
    expect(split.css).toBe('h1{color:red}');
    expect(split.html).not.toContain('<style');
    expect(split.html).toContain('<h1>信用报告</h1>');
    expect(split.html).toContain('lang="zh-CN"');
  });

  it('open the administration and statistics views to admins only, commitments to deciding keys', () => {
    for (const path of ['admin', 'admin/measures', 'admin/webhooks', 'admin/audit', 'stats']) {
      const route = findRoute(path)!.route;
      expect(allowed(route, 'admin')).toBe(true);
      expect(allowed(route, 'designator')).toBe(false);
      expect(allowed(route, null)).toBe(false);
    }
    expect(findRoute('admin/webhooks/wh_1')?.params).toEqual({ id: 'wh_1' });
    for (const path of ['commitments', 'report']) {
      const route = findRoute(path)!.route;
      expect(allowed(route, 'implementer')).toBe(true);
      expect(allowed(route, 'designator')).toBe(true);
      expect(allowed(route, 'public')).toBe(false);
    }
  });
});
