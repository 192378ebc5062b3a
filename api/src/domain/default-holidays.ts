import { readFileSync } from 'node:fs';
import { type HolidayData, parseHolidayData } from './holidays.ts';

const SHIPPED = new URL('../../holidays/cn.json', import.meta.url);

let cached: HolidayData | undefined;

/** The holiday arrangement the product ships (api/holidays/cn.json), checked. */
export function loadDefaultHolidays(): HolidayData {
  if (!cached) {
    try {
      cached = parseHolidayData(readFileSync(SHIPPED, 'utf8'));
    } catch (err) {
      throw new Error(
        `cannot read the shipped holiday calendar api/holidays/cn.json: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  return structuredClone(cached);
}
