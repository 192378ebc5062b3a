import { isKnownProvince } from './authorities.ts';
import { isDigitCode } from './charset.ts';
import { residentIdCheckFromSum, residentIdSum } from './checksum.ts';
import { cleanCode } from './clean.ts';
import { dayNumber, isRealDate, referenceDay } from './dates.ts';
import {
  birthDateFailure,
  CODE_WARNINGS,
  type CodeCheck,
  type CodeFailure,
  charsetFailure,
  checkCharFailure,
  divisionFailure,
  failed,
  lengthFailure,
  passed,
} from './result.ts';

export interface ResidentIdOptions {
  /** "Today" for the not-in-the-future check: a Date or YYYY-MM-DD. Defaults to the current date. */
  referenceDate?: Date | string;
}

/** Births before this year are treated as typos: nobody listed today was born then. */
export const EARLIEST_BIRTH_YEAR = 1850;

function allDigits(code: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!isDigitCode(code.charCodeAt(i))) return i;
  return -1;
}

/** 18-digit form of a legacy 15-digit ID: century '19' inserted after the division, check appended. */
export function upgradeLegacyId(digits15: string): string {
  const first17 = digits15.slice(0, 6) + '19' + digits15.slice(6);
  return first17 + residentIdCheckFromSum(residentIdSum(first17));
}

/** The structural checks shared by validation and classification: division and birth date. */
export function residentIdStructureFailure(code: string, today: number): CodeFailure | null {
  if (code.charCodeAt(0) === 48) {
    return divisionFailure('resident-id', 'cannot start with 0', '不能以0开头');
  }
  const year = Number(code.slice(6, 10));
  const month = Number(code.slice(10, 12));
  const day = Number(code.slice(12, 14));
  if (!isRealDate(year, month, day)) return birthDateFailure('is not a real date', '不是有效日期');
  if (year < EARLIEST_BIRTH_YEAR) {
    return birthDateFailure(`is before ${EARLIEST_BIRTH_YEAR}`, `早于${EARLIEST_BIRTH_YEAR}年`);
  }
  if (dayNumber(year, month, day) > today) return birthDateFailure('is in the future', '晚于当前日期');
  return null;
}

/**
 * Validates a resident ID number (GB 11643). Accepts a legacy 15-digit number (converted to 18
 * digits, with a warning) and a lower-case x. Checks the division, the birth date and the check
 * character. Messages never repeat the number: it is personal data.
 */
export function validateResidentId(raw: string, opts?: ResidentIdOptions): CodeCheck {
  let code = cleanCode(raw);
  const warnings: string[] = [];
  if (code.length === 15) {
    const bad = allDigits(code, 0, 15);
    if (bad >= 0)
      return failed('resident-id', code, charsetFailure('resident-id', code.charAt(bad), bad + 1, '0-9'));
    code = upgradeLegacyId(code);
    warnings.push(CODE_WARNINGS.legacyId);
  }
  if (code.length !== 18) {
    return failed('resident-id', code, lengthFailure('resident-id', '18 or 15', code.length));
  }
  const bad = allDigits(code, 0, 17);
  if (bad >= 0)
    return failed('resident-id', code, charsetFailure('resident-id', code.charAt(bad), bad + 1, '0-9'));
  const last = code.charCodeAt(17);
  if (!isDigitCode(last) && last !== 88) {
    return failed('resident-id', code, charsetFailure('resident-id', code.charAt(17), 18, '0-9, X'));
  }
  const structure = residentIdStructureFailure(code, referenceDay(opts?.referenceDate));
  if (structure !== null) return failed('resident-id', code, structure, warnings);
  const expected = residentIdCheckFromSum(residentIdSum(code));
  if (expected.charCodeAt(0) !== last) {
    return failed('resident-id', code, checkCharFailure('resident-id', expected, code.charAt(17)), warnings);
  }
  if (!isKnownProvince(code)) warnings.push(CODE_WARNINGS.unknownProvince);
  return passed('resident-id', code, warnings);
}
