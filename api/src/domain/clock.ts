/** Today's date decides which entries apply; CREDCHECK_NOW pins it for demos and tests. */
export interface Clock {
  now(): Date;
  /** The calendar date in China (UTC+8), `YYYY-MM-DD`. */
  today(): string;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** A pinned value `YYYY-MM-DD` means midday of that date in China, so the date never shifts. */
export function parsePinnedNow(value: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00+08:00`) : new Date(value);
  if (Number.isNaN(d.getTime())) {
    throw new Error(`CREDCHECK_NOW must be YYYY-MM-DD or an RFC 3339 instant, got "${value}"`);
  }
  return d;
}

export function createClock(pinned?: string): Clock {
  // A pinned clock still moves forward from the pinned instant, so durations stay real.
  const shift = pinned ? parsePinnedNow(pinned).getTime() - Date.now() : 0;
  const nowMs = () => Date.now() + shift;
  // today() is on every request's path: the date string is kept until China's next midnight.
  let day = '';
  let dayEnds = 0;
  return {
    now: () => new Date(nowMs()),
    today() {
      const ms = nowMs();
      if (ms >= dayEnds) {
        day = chinaDate(new Date(ms));
        dayEnds = Date.parse(`${day}T00:00:00+08:00`) + 86_400_000;
      }
      return day;
    },
  };
}

/** A clock that stands still, for tests. */
export function fixedClock(value: string): Clock {
  const fixed = parsePinnedNow(value);
  return { now: () => new Date(fixed), today: () => chinaDate(fixed) };
}
