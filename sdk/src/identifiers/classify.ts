import { DEFAULT_AUTHORITIES, isKnownProvince } from './authorities.ts';
import { isDigitCode } from './charset.ts';
import { residentIdCheckFromSum, residentIdSum } from './checksum.ts';
import { cleanCode } from './clean.ts';
import { referenceDay } from './dates.ts';
import { residentIdStructureFailure } from './resident-id.ts';
import type { CodeKind } from './result.ts';
import { validateUSCC } from './uscc.ts';

export interface ClassifyOptions {
  /** "Today" for judging whether an ID's birth date is plausible. */
  referenceDate?: Date | string;
}

function isUpperAlnum(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 90);
}

/** O, I, S, Z: letters typed for 0, 1, 5, 2. */
function isDigitLookAlike(c: number): boolean {
  return c === 79 || c === 73 || c === 83 || c === 90;
}

/** 18 upper-case letters or digits whose positions 3–8 (the division) are digits or look like them. */
function hasUsccShape(code: string): boolean {
  for (let i = 0; i < 18; i++) {
    const c = code.charCodeAt(i);
    if (i >= 2 && i < 8 ? !isDigitCode(c) && !isDigitLookAlike(c) : !isUpperAlnum(c)) return false;
  }
  return true;
}

function hasIdShape(code: string): boolean {
  for (let i = 0; i < 17; i++) if (!isDigitCode(code.charCodeAt(i))) return false;
  const last = code.charCodeAt(17);
  return isDigitCode(last) || last === 88;
}

/** Known authority and type: what a genuine all-digit USCC starts with (91, 92, 12, 52 …). */
function hasKnownUsccPrefix(code: string): boolean {
  const authority = DEFAULT_AUTHORITIES[code.charAt(0)];
  return (
    authority !== undefined && (authority.types === null || authority.types[code.charAt(1)] !== undefined)
  );
}

function isPlausibleId(code: string, today: number): boolean {
  return isKnownProvince(code) && residentIdStructureFailure(code, today) === null;
}

/**
 * What kind of code a string looks like, from its cleaned shape alone (checksums only settle ties):
 * - 9 chars, 8 of 0-9/A-Z then 0-9/X: an organization code;
 * - 15 digits: a legacy resident ID when its division and birth date are plausible, else null;
 * - 18 chars with a letter, positions 3–8 digits (or O, I, S, Z typed for them): a USCC, look-alike
 *   letters included so that validation can point at them;
 * - 17 digits then a digit or X fit both a USCC and a resident ID. In order: a resident ID whose
 *   checksum passes and whose division and birth date are plausible; else a USCC that starts with
 *   a known authority and type and whose checks pass; else a resident ID if its structure is
 *   plausible (a typo in an ID); else a USCC with a known authority and type (a typo in a code);
 *   else null (an order or account number, not a code: 000000000000000000 passes both USCC checks).
 */
export function classifyCode(raw: string, opts?: ClassifyOptions): CodeKind | null {
  const code = cleanCode(raw);
  if (code.length === 9) return /^[0-9A-Z]{8}[0-9X]$/.test(code) ? 'org-code' : null;
  if (code.length === 15) {
    if (!/^\d{15}$/.test(code)) return null;
    const first17 = code.slice(0, 6) + '19' + code.slice(6);
    const upgraded = first17 + residentIdCheckFromSum(residentIdSum(first17));
    return isPlausibleId(upgraded, referenceDay(opts?.referenceDate)) ? 'resident-id' : null;
  }
  if (code.length !== 18) return null;
  if (!hasIdShape(code)) return hasUsccShape(code) ? 'uscc' : null;
  const plausibleId = isPlausibleId(code, referenceDay(opts?.referenceDate));
  const idChecks = residentIdCheckFromSum(residentIdSum(code)).charCodeAt(0) === code.charCodeAt(17);
  if (plausibleId && idChecks) return 'resident-id';
  const knownPrefix = hasKnownUsccPrefix(code);
  if (knownPrefix && validateUSCC(code).valid) return 'uscc';
  if (plausibleId) return 'resident-id';
  return knownPrefix ? 'uscc' : null;
}
