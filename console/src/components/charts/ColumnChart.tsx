import { useId } from 'react';
import { useI18n } from '../../i18n/context.tsx';
import { bands, niceMax, shortNumber, stack, ticks } from '../../lib/chart-scale.ts';
import type { Series } from '../../lib/stats-series.ts';
import './charts.css';

// Close to the width it is shown at on a 1366-pixel screen, so text keeps its size.
const W = 1200;
const H = 280;
const PAD = { left: 48, right: 12, top: 12, bottom: 36 };

/**
 * Stacked columns over time, drawn as inline SVG (the CSP allows no chart script from elsewhere
 * and none is needed). Screen readers get the title and description; everyone gets the legend in
 * words and the figures as a table.
 */
export function ColumnChart({
  title,
  desc,
  series,
  label,
  color,
  testId,
}: {
  title: string;
  desc: string;
  series: Series;
  label(key: string): string;
  color(key: string, index: number): string;
  testId?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const top = niceMax(Math.max(0, ...series.columns.map((c) => c.total)));
  const slots = bands(series.columns.length, plotW);
  // Every label when they fit, else every n-th, so that they never overlap.
  const every = Math.max(1, Math.ceil(series.columns.length / 20));
  return (
    <figure className="chart" data-chart={testId}>
      <figcaption className="chart-title">{title}</figcaption>
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
          {ticks(top).map((v) => {
            const y = plotH - (v / top) * plotH;
            return (
              <g key={v}>
                <line x1={0} x2={plotW} y1={y} y2={y} stroke="#d5d9e0" />
                <text x={-6} y={y + 4} textAnchor="end" fontSize="11" fill="#5b6474">
                  {shortNumber(v)}
                </text>
              </g>
            );
          })}
          {series.columns.map((col, i) => {
            const slot = slots[i]!;
            return (
              <g key={col.bucket.from} data-column={col.bucket.from} data-total={col.total}>
                {stack(col.values, series.keys, top, plotH).map((s, k) =>
                  s.size > 0 ? (
                    <rect
                      key={s.key}
                      x={slot.x}
                      width={slot.width}
                      y={plotH - s.start - s.size}
                      height={s.size}
                      fill={color(s.key, k)}
                    >
                      <title>{`${col.bucket.from}–${col.bucket.to} · ${label(s.key)}: ${s.value}`}</title>
                    </rect>
                  ) : null,
                )}
                {i % every === 0 && (
                  <text
                    x={slot.x + slot.width / 2}
                    y={plotH + 16}
                    textAnchor="middle"
                    fontSize="11"
                    fill="#5b6474"
                  >
                    {col.bucket.label}
                  </text>
                )}
              </g>
            );
          })}
          <line x1={0} x2={plotW} y1={plotH} y2={plotH} stroke="#5b6474" />
        </g>
      </svg>
      <ul className="legend">
        {series.keys.map((k, i) => (
          <li key={k}>
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" fill={color(k, i)} />
            </svg>
            {label(k)}
          </li>
        ))}
      </ul>
      <details className="chart-data">
        <summary>{t('stats.dataTable')}</summary>
        <div className="table-wrap">
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('stats.period')}</th>
                {series.keys.map((k) => (
                  <th scope="col" key={k}>
                    {label(k)}
                  </th>
                ))}
                <th scope="col">{t('stats.total')}</th>
              </tr>
            </thead>
            <tbody>
              {series.columns.map((c) => (
                <tr key={c.bucket.from}>
                  <th scope="row">
                    {c.bucket.from === c.bucket.to ? c.bucket.from : `${c.bucket.from} – ${c.bucket.to}`}
                  </th>
                  {series.keys.map((k) => (
                    <td key={k}>{c.values[k] ?? 0}</td>
                  ))}
                  <td>{c.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
