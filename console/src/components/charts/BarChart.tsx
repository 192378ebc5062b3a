import { useId } from 'react';
import { useI18n } from '../../i18n/context.tsx';
import { niceMax, scale, ticks } from '../../lib/chart-scale.ts';
import './charts.css';

export interface Bar {
  /** Unique within a chart. */
  label: string;
  /** null: nothing to measure (drawn as no bar, told as "—"). */
  value: number | null;
  /** How the value reads in words and in the table (e.g. "42.0%", "3.5 days"). */
  text: string;
}

// About the width it is shown at (half the page at 1366 pixels), so text keeps its size.
const W = 600;
const ROW = 26;
const PAD = { left: 190, right: 90, top: 8, bottom: 24 };

/** Horizontal bars (one per department or scenario): for rates and durations, with a data table. */
export function BarChart({
  title,
  desc,
  bars,
  max,
  tickText,
  color = '#0b57d0',
  valueHeading,
  testId,
}: {
  title: string;
  desc: string;
  bars: Bar[];
  /** The axis end; by default a round number above the largest value. */
  max?: number;
  tickText(v: number): string;
  color?: string;
  valueHeading: string;
  testId?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const plotW = W - PAD.left - PAD.right;
  const plotH = Math.max(1, bars.length) * ROW;
  const H = plotH + PAD.top + PAD.bottom;
  const top = max ?? niceMax(Math.max(0, ...bars.map((b) => b.value ?? 0)));
  return (
    <figure className="chart" data-chart={testId}>
      <figcaption className="chart-title">{title}</figcaption>
      {bars.length === 0 ? (
        <p className="muted">{t('stats.noData')}</p>
      ) : (
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-labelledby={`${id}-t`}
          aria-describedby={`${id}-d`}
          className="chart-svg"
        >
          <title id={`${id}-t`}>{title}</title>
          <desc id={`${id}-d`}>{desc}</desc>
          <g transform={`translate(${PAD.left},${PAD.top})`}>
            {ticks(top, 4, false).map((v) => {
              const x = scale(v, top, plotW);
              return (
                <g key={v}>
                  <line x1={x} x2={x} y1={0} y2={plotH} stroke="#d5d9e0" />
                  <text x={x} y={plotH + 16} textAnchor="middle" fontSize="11" fill="#5b6474">
                    {tickText(v)}
                  </text>
                </g>
              );
            })}
            {bars.map((b, i) => {
              const y = i * ROW;
              const w = b.value === null ? 0 : scale(b.value, top, plotW);
              return (
                <g key={b.label} data-bar={b.label}>
                  <text x={-8} y={y + ROW / 2 + 4} textAnchor="end" fontSize="12" fill="#1d2330">
                    {clip(b.label)}
                    <title>{b.label}</title>
                  </text>
                  <rect x={0} y={y + 4} width={w} height={ROW - 8} fill={color}>
                    <title>{`${b.label}: ${b.text}`}</title>
                  </rect>
                  <text x={w + 6} y={y + ROW / 2 + 4} fontSize="12" fill="#1d2330">
                    {b.text}
                  </text>
                </g>
              );
            })}
          </g>
        </svg>
      )}
      {bars.length > 0 && (
        <details className="chart-data">
          <summary>{t('stats.dataTable')}</summary>
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('stats.item')}</th>
                <th scope="col">{valueHeading}</th>
              </tr>
            </thead>
            <tbody>
              {bars.map((b) => (
                <tr key={b.label}>
                  <th scope="row">{b.label}</th>
                  <td>{b.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}

/** Long department names are cut on the axis; the full name is in the bar's title and the table. */
function clip(s: string, max = 14): string {
  return [...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s;
}
