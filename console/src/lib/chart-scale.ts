/**
 * Axis arithmetic for the dashboard's SVG charts: a round upper bound and evenly spaced ticks, so
 * that gridlines fall on numbers a reader can use (0, 50, 100 rather than 0, 43, 86).
 */

/** The smallest 1, 2, 2.5 or 5 × 10^k that is at least `max` (1 for an empty or zero series). */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * power;
    if (candidate >= max - 1e-9) return candidate;
  }
  return 10 * power;
}

/**
 * Tick values from 0 to `top` inclusive, `count` intervals; whole numbers only when the chart
 * counts things (a top of 2 with 4 intervals gives 0, 1, 2, not quarter checks).
 */
export function ticks(top: number, count = 4, integers = true): number[] {
  if (top <= 0) return [0];
  let n = Math.max(1, count);
  if (integers) {
    // The nearest interval count that divides the top evenly, one more preferred to fewer.
    const tries = [n, n + 1, ...Array.from({ length: n - 1 }, (_, i) => n - 1 - i)];
    n = tries.find((c) => (top / c) % 1 === 0) ?? 1;
  }
  return Array.from({ length: n + 1 }, (_, i) => Math.round((top / n) * i * 1e6) / 1e6);
}

/** Pixels for `value` on an axis of `length` pixels whose end is `top`; clamped to the axis. */
export function scale(value: number, top: number, length: number): number {
  if (top <= 0 || !Number.isFinite(value)) return 0;
  return Math.max(0, Math.min(length, (value / top) * length));
}

export interface Segment {
  key: string;
  value: number;
  /** Offset from the baseline where the segment starts, and its extent, in pixels. */
  start: number;
  size: number;
}

/** One stacked column: the segments in `keys` order, each starting where the previous ended. */
export function stack(
  values: Record<string, number>,
  keys: readonly string[],
  top: number,
  length: number,
): Segment[] {
  let sum = 0;
  return keys.map((key) => {
    const value = values[key] ?? 0;
    const start = scale(sum, top, length);
    sum += value;
    return { key, value, start, size: scale(sum, top, length) - start };
  });
}

/** Column slots across `width`: the x of each column and its width, with a gap between them. */
export function bands(count: number, width: number, gapShare = 0.25): { x: number; width: number }[] {
  if (count <= 0) return [];
  const slot = width / count;
  const w = Math.max(1, slot * (1 - gapShare));
  return Array.from({ length: count }, (_, i) => ({ x: i * slot + (slot - w) / 2, width: w }));
}

/** Large counts shortened for an axis label (12 500 → 12.5k); the data table keeps exact values. */
export function shortNumber(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e4) return `${trim(n / 1e3)}k`;
  return trim(n);
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** A share (0..1, or null when there was nothing to count) as a percentage for people. */
export function percent(rate: number | null, digits = 1): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(digits)}%`;
}
