/** A calendar date reduced to yyyymmdd so that comparing dates is comparing integers. */
export function dayNumber(year: number, month: number, day: number): number {
  return year * 10000 + month * 100 + day;
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/**
 * Today, or the given reference, as yyyymmdd. A Date counts in the process's local time zone;
 * a string must start with YYYY-MM-DD (an RFC 3339 instant is read by its own date part).
 */
export function referenceDay(reference?: Date | string): number {
  if (typeof reference === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(reference);
    if (m === null) throw new RangeError(`referenceDate must be YYYY-MM-DD, got "${reference}"`);
    return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  const d = reference ?? new Date();
  if (Number.isNaN(d.getTime())) throw new RangeError('referenceDate is an invalid Date');
  return dayNumber(d.getFullYear(), d.getMonth() + 1, d.getDate());
}
