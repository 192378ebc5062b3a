/**
 * ISO 8601 durations of fixed length: weeks, days, hours, minutes, seconds (`P7D`, `PT36H`,
 * `P1DT12H`, `P2W`). Years and months are refused: their length depends on the date they start
 * from, and a deadline that moves with the calendar would be a surprise here.
 */

const DURATION = /^P(?:(\d{1,5})W|(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,8})M)?(?:(\d{1,9})S)?)?)$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds, or null when the text is not such a duration. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text);
  // `P` and `PT` alone match the pattern but say nothing.
  if (m === null || text === 'P' || text.endsWith('T')) return null;
  const [, w, d, h, min, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  return w! * 7 * DAY + d! * DAY + h! * HOUR + min! * MINUTE + s! * SECOND;
}

/** The shortest form parseDuration reads back to the same length (whole seconds). */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / SECOND)) * SECOND;
  const d = Math.floor(rest / DAY);
  rest -= d * DAY;
  const h = Math.floor(rest / HOUR);
  rest -= h * HOUR;
  const min = Math.floor(rest / MINUTE);
  rest -= min * MINUTE;
  const s = rest / SECOND;
  const time = `${h ? `${h}H` : ''}${min ? `${min}M` : ''}${s ? `${s}S` : ''}`;
  if (d === 0 && time === '') return 'P0D';
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}
