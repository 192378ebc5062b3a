import { type FormEvent, useMemo, useState } from 'react';
import { useAuth } from '../../auth/context.tsx';
import { type Bar, BarChart } from '../../components/charts/BarChart.tsx';
import { ColumnChart } from '../../components/charts/ColumnChart.tsx';
import { Field } from '../../components/Field.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useI18n } from '../../i18n/context.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { percent } from '../../lib/chart-scale.ts';
import { fetchWithKey, filenameFromDisposition, saveBlob, statsCsvName } from '../../lib/download.ts';
import {
  addDays,
  buckets,
  chinaToday,
  type Dimension,
  type Granularity,
  granularityFor,
  isDate,
  mapLimited,
  NONE,
  OTHER,
  type StatsReport,
  seriesOf,
} from '../../lib/stats-series.ts';
import { useLoad } from '../../lib/use-load.ts';

const OUTCOME_COLORS: Record<string, string> = {
  block: '#1b1b1b',
  review: '#c77700',
  favour: '#b3261e',
  clear: '#1e7c3a',
};
const PALETTE = ['#0b57d0', '#1e7c3a', '#b3261e', '#8a5a00', '#6f42c1', '#00838f'];
const MAX_COLUMNS = 62;

interface Range {
  from: string;
  to: string;
  granularity: Granularity | 'auto';
}

/**
 * Statistics for oversight (统计评估). The API answers for one period; the trend is drawn from one
 * call per day, week or month of the range (a few at a time), the rest from one call for the
 * whole range (medians cannot be added up across periods).
 */
export function Stats() {
  const { t, lang } = useI18n();
  const { api } = useAuth();
  const today = chinaToday();
  const [draft, setDraft] = useState<Range>({ from: addDays(today, -55), to: today, granularity: 'auto' });
  const [range, setRange] = useState<Range>(draft);
  const [dim, setDim] = useState<Dimension>('outcome');
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const invalid = !isDate(draft.from) || !isDate(draft.to) || draft.from > draft.to;

  const granularity =
    range.granularity === 'auto' || buckets(range.from, range.to, range.granularity).length > MAX_COLUMNS
      ? granularityFor(range.from, range.to)
      : range.granularity;
  const scenarios = useLoad((signal) => api.get('/v1/scenarios', { signal }), [api]);
  const data = useLoad(
    async (signal) => {
      const get = (from: string, to: string) => api.get('/v1/stats', { query: { from, to }, signal });
      const [whole, periods] = await Promise.all([
        get(range.from, range.to),
        mapLimited(buckets(range.from, range.to, granularity), 3, async (bucket) => ({
          bucket,
          report: await get(bucket.from, bucket.to),
        })),
      ]);
      return { whole, periods };
    },
    [api, range, granularity],
  );

  const scenarioName = useMemo(() => {
    const names = new Map(
      (scenarios.data?.items ?? []).map((s) => [s.code, lang === 'zh' ? s.nameZh : s.nameEn]),
    );
    return (code: string) => names.get(code) ?? code;
  }, [scenarios.data, lang]);
  const dept = (d: string | null) => (d === null || d === NONE ? t('stats.noDepartment') : d);
  const seriesLabel = (k: string) =>
    k === OTHER
      ? t('stats.other')
      : dim === 'outcome'
        ? t(`stats.outcome.${k}` as MessageKey)
        : dim === 'scenario'
          ? scenarioName(k)
          : dept(k);
  const seriesColor = (k: string, i: number) =>
    dim === 'outcome'
      ? (OUTCOME_COLORS[k] ?? '#5b6474')
      : k === OTHER
        ? '#9aa3b2'
        : PALETTE[i % PALETTE.length]!;

  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (!invalid) setRange(draft);
  };
  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const res = await fetchWithKey('/v1/stats', 'text/csv', { query: { from: range.from, to: range.to } });
      const name = filenameFromDisposition(
        res.headers.get('content-disposition'),
        statsCsvName(range.from, range.to),
      );
      saveBlob(await res.blob(), name);
    } catch (err) {
      setExportError(err);
    } finally {
      setExporting(false);
    }
  };

  const whole: StatsReport | undefined = data.data?.whole;
  const series = data.data ? seriesOf(data.data.periods, dim) : null;
  const days = (n: number | null) => (n === null ? '—' : t('stats.days', { n: Math.round(n * 10) / 10 }));
  const rateBars = (rows: { label: string; rate: number | null; part: number; whole: number }[]): Bar[] =>
    rows.map((r) => ({ label: r.label, value: r.rate, text: `${percent(r.rate)} (${r.part}/${r.whole})` }));

  return (
    <section aria-labelledby="stats-title">
      <h1 id="stats-title">{t('stats.title')}</h1>
      <form className="filters" onSubmit={apply} aria-label={t('stats.period')}>
        <Field label={t('stats.from')}>
          {(p) => (
            <input
              {...p}
              type="date"
              name="from"
              value={draft.from}
              max={draft.to}
              onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))}
            />
          )}
        </Field>
        <Field label={t('stats.to')}>
          {(p) => (
            <input
              {...p}
              type="date"
              name="to"
              value={draft.to}
              min={draft.from}
              onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))}
            />
          )}
        </Field>
        <Field label={t('stats.granularity')}>
          {(p) => (
            <select
              {...p}
              value={draft.granularity}
              onChange={(e) =>
                setDraft((d) => ({ ...d, granularity: e.target.value as Range['granularity'] }))
              }
            >
              {(['auto', 'day', 'week', 'month', 'year'] as const).map((g) => (
                <option key={g} value={g}>
                  {t(`stats.by.${g}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={invalid}>
          {t('stats.show')}
        </button>
        <span className="spacer" />
        <button type="button" onClick={exportCsv} disabled={exporting} data-testid="export-csv">
          {t('stats.exportCsv')}
        </button>
      </form>
      {invalid && <p className="alert alert-warn">{t('stats.badRange')}</p>}
      <ProblemAlert error={data.error ?? exportError} />
      {data.loading && <p role="status">{t('stats.loading')}</p>}
      {whole && (
        <ul className="kpis" data-testid="kpis">
          <Kpi label={t('stats.checks')} value={String(whole.checks.total.checks)} />
          <Kpi label={t('stats.hitRate')} value={percent(whole.checks.total.hitRate)} />
          <Kpi label={t('stats.feedbackCompletion')} value={percent(whole.feedback.total.completion)} />
          <Kpi label={t('stats.feedbackOverdue')} value={String(whole.feedback.total.overdue)} />
          <Kpi
            label={t('stats.objectionsTurnaround')}
            value={days(whole.objections.total.medianDays)}
            note={t('stats.objectionsNote', {
              received: whole.objections.total.received,
              onTime: whole.objections.total.resolvedOnTime,
              resolved: whole.objections.total.resolved,
            })}
          />
          <Kpi
            label={t('stats.repairsTurnaround')}
            value={days(whole.repairs.total.medianDays)}
            note={t('stats.repairsNote', {
              received: whole.repairs.total.received,
              decided: whole.repairs.total.decided,
            })}
          />
        </ul>
      )}
      {series && whole && (
        <>
          <div className="title-row">
            <h2>{t('stats.overTime')}</h2>
            <span className="spacer" />
            <fieldset className="radio-row">
              <legend className="muted">{t('stats.splitBy')}</legend>
              {(['outcome', 'department', 'scenario'] as const).map((d) => (
                <label key={d}>
                  <input type="radio" name="dim" value={d} checked={dim === d} onChange={() => setDim(d)} />{' '}
                  {t(`stats.dim.${d}`)}
                </label>
              ))}
            </fieldset>
          </div>
          <ColumnChart
            testId="checks-over-time"
            title={t('stats.checksOverTime', {
              by: t(`stats.dim.${dim}`),
              unit: t(`stats.by.${granularity}`),
            })}
            desc={t('stats.checksOverTimeDesc', {
              from: range.from,
              to: range.to,
              n: whole.checks.total.checks,
              periods: series.columns.length,
            })}
            series={series}
            label={seriesLabel}
            color={seriesColor}
          />
          <div className="chart-grid">
            <BarChart
              testId="hit-rate-department"
              title={t('stats.hitRateByDepartment')}
              desc={t('stats.hitRateDesc')}
              bars={rateBars(
                whole.checks.byDepartment.map((r) => ({
                  label: dept(r.department),
                  rate: r.hitRate,
                  part: r.listed,
                  whole: r.checks,
                })),
              )}
              max={1}
              tickText={(v) => percent(v, 0)}
              valueHeading={t('stats.hitRate')}
            />
            <BarChart
              testId="hit-rate-scenario"
              title={t('stats.hitRateByScenario')}
              desc={t('stats.hitRateDesc')}
              bars={rateBars(
                whole.checks.byScenario.map((r) => ({
                  label: scenarioName(r.scenario),
                  rate: r.hitRate,
                  part: r.listed,
                  whole: r.checks,
                })),
              )}
              max={1}
              tickText={(v) => percent(v, 0)}
              valueHeading={t('stats.hitRate')}
              color="#6f42c1"
            />
            <BarChart
              testId="feedback-department"
              title={t('stats.feedbackByDepartment')}
              desc={t('stats.feedbackDesc', { due: whole.feedback.dueAfter })}
              bars={rateBars(
                whole.feedback.byDepartment.map((r) => ({
                  label: dept(r.department),
                  rate: r.completion,
                  part: r.reported,
                  whole: r.expected,
                })),
              )}
              max={1}
              tickText={(v) => percent(v, 0)}
              valueHeading={t('stats.feedbackCompletion')}
              color="#1e7c3a"
            />
            <BarChart
              testId="turnaround"
              title={t('stats.turnaroundByDepartment')}
              desc={t('stats.turnaroundDesc')}
              bars={[
                ...whole.objections.byDepartment.map((r) => ({
                  label: `${t('stats.objection')} · ${r.department}`,
                  value: r.medianDays,
                  text: `${days(r.medianDays)} (${r.resolved}/${r.received})`,
                })),
                ...whole.repairs.byDepartment.map((r) => ({
                  label: `${t('stats.repair')} · ${r.department}`,
                  value: r.medianDays,
                  text: `${days(r.medianDays)} (${r.decided}/${r.received})`,
                })),
              ]}
              tickText={(v) => String(v)}
              valueHeading={t('stats.medianDays')}
              color="#8a5a00"
            />
          </div>
          <p className="muted">
            {t('stats.generated', {
              at: whole.generatedAt.slice(0, 19).replace('T', ' '),
              from: range.from,
              to: range.to,
            })}
          </p>
        </>
      )}
    </section>
  );
}

function Kpi({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <li>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value">{value}</span>
      {note && <span className="kpi-label">{note}</span>}
    </li>
  );
}
