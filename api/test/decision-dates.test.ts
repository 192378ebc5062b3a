import { describe, expect, it } from 'vitest';
import { isIsoDate, yearsBefore } from '../src/domain/decision-dates.ts';

describe('decision dates', () => {
  it.each([
    ['2026-11-23', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['1900-02-29', false],
    ['2000-02-29', true],
    ['2026-04-31', false],
    ['2026-00-10', false],
    ['2026-1-10', false],
    [' 2026-11-23', false],
  ])('%j is a date: %s', (value, ok) => {
    expect(isIsoDate(value)).toBe(ok);
  });

  it('counts years back by the calendar, 29 February falling back to the 28th', () => {
    expect(yearsBefore('2026-11-23', 3)).toBe('2023-11-23');
    expect(yearsBefore('2028-02-29', 3)).toBe('2025-02-28');
    expect(yearsBefore('2028-02-29', 4)).toBe('2024-02-29');
  });
});
