/** Calendar dates as lists write them, reduced to `YYYY-MM-DD`. */

// Excel serials are read where XLSX is (the sdk); re-exported for the importer's callers.
export { excelSerialToIso } from '@credcheck/sdk/tabular';

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOOSE = /^(\d{4})\s*(?:[-/.年]\s*)(\d{1,2})\s*(?:[-/.月]\s*)(\d{1,2})\s*日?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

export type DateParse = { ok: true; iso: string } | { ok: false; reason: 'format' | 'calendar' };

/**
 * Accepts 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 and 20240305; a time part after the date
 * (as Excel's CSV export may add) is ignored. Rejects dates that do not exist (2023-02-29).
 */
export function parseDate(input: string): DateParse {
  let s = input;
  const space = s.indexOf(' ');
  if (space === 10 || (space > 0 && /^\d{4}[-/.]/.test(s) && /^\s*\d{1,2}:\d{2}/.test(s.slice(space))))
    s = s.slice(0, space);
  const m = ISO.exec(s) ?? LOOSE.exec(s) ?? COMPACT.exec(s);
  if (!m) return { ok: false, reason: 'format' };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo))
    return { ok: false, reason: 'calendar' };
  return { ok: true, iso: `${m[1]}-${pad2(mo)}-${pad2(d)}` };
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
