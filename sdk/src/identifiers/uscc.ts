import { DEFAULT_AUTHORITIES, type KnownAuthorities } from './authorities.ts';
import {
  NO_VALUE,
  ORG_VALUE,
  ORG_WEIGHTS,
  USCC_CHARSET,
  USCC_CONFUSABLES,
  USCC_VALUE,
  USCC_WEIGHTS,
} from './charset.ts';
import { orgCodeCheckCodeFromSum, usccCheckValue } from './checksum.ts';
import { cleanCode } from './clean.ts';
import {
  CODE_WARNINGS,
  type CodeCheck,
  charsetFailure,
  checkCharFailure,
  divisionFailure,
  failed,
  lengthFailure,
  orgCodeFailure,
  passed,
} from './result.ts';

export interface UsccOptions {
  /** Registration authorities (position 1) and their types (position 2) that raise no warning. */
  authorities?: KnownAuthorities;
}

/** Warnings for an unknown authority or type; these never make a code invalid. */
export function usccWarnings(code: string, authorities: KnownAuthorities = DEFAULT_AUTHORITIES): string[] {
  const warnings: string[] = [];
  const authority = authorities[code.charAt(0)];
  if (authority === undefined) warnings.push(CODE_WARNINGS.unknownAuthority);
  else if (authority.types !== null && authority.types[code.charAt(1)] === undefined) {
    warnings.push(CODE_WARNINGS.unknownType);
  }
  const province = code.charCodeAt(2);
  if (province === 48 || province === 57) warnings.push(CODE_WARNINGS.unusualDivision);
  return warnings;
}

// Results of the last scan. Module state instead of a returned object keeps validation
// allocation-free on the hot path; scanUscc is synchronous, so nothing can interleave.
let scanSum = 0;
let scanOrgSum = 0;
let scanBadAt = -1;
let scanDivisionDigits = true;

/**
 * One pass over an 18-character candidate: the USCC weighted sum, the embedded org-code sum and
 * whether the division is all digits. False (with scanBadAt set) at the first non-charset character.
 */
function scanUscc(code: string): boolean {
  let sum = 0;
  let orgSum = 0;
  let divisionDigits = true;
  for (let i = 0; i < 18; i++) {
    const c = code.charCodeAt(i);
    const v = c < 128 ? (USCC_VALUE[c] as number) : NO_VALUE;
    if (v === NO_VALUE) {
      scanBadAt = i;
      return false;
    }
    if (i < 17) sum += v * (USCC_WEIGHTS[i] as number);
    if (i >= 8 && i < 16) orgSum += (ORG_VALUE[c] as number) * (ORG_WEIGHTS[i - 8] as number);
    else if (i >= 2 && i < 8 && c > 57) divisionDigits = false;
  }
  scanSum = sum;
  scanOrgSum = orgSum;
  scanDivisionDigits = divisionDigits;
  return true;
}

/** Replaces look-alike letters; returns the result only if it then validates. */
function suggestCorrection(code: string): string | undefined {
  let fixed = '';
  for (let i = 0; i < code.length; i++) fixed += USCC_CONFUSABLES[code.charAt(i)] ?? code.charAt(i);
  return fixed !== code && validateUSCC(fixed).valid ? fixed : undefined;
}

/**
 * Validates a unified social credit code (GB 32100) after cleaning it: length, charset, the check
 * character, the embedded organization code's GB 11714 check, and the division's digits, reporting
 * the first that fails in that order.
 */
export function validateUSCC(raw: string, opts?: UsccOptions): CodeCheck {
  let code = typeof raw === 'string' ? raw : '';
  // Clean input (the usual case) is validated as it is; anything else is cleaned and scanned again.
  if (code.length !== 18 || !scanUscc(code)) {
    code = cleanCode(raw);
    if (code.length !== 18) return failed('uscc', code, lengthFailure('uscc', '18', code.length));
    if (!scanUscc(code)) {
      const failure = charsetFailure('uscc', code.charAt(scanBadAt), scanBadAt + 1, USCC_CHARSET);
      const suggestion = suggestCorrection(code);
      if (suggestion !== undefined) failure.suggestion = suggestion;
      return failed('uscc', code, failure);
    }
  }

  const expected = usccCheckValue(scanSum);
  if (USCC_VALUE[code.charCodeAt(17)] !== expected) {
    return failed('uscc', code, checkCharFailure('uscc', USCC_CHARSET.charAt(expected), code.charAt(17)));
  }
  const orgExpected = orgCodeCheckCodeFromSum(scanOrgSum);
  if (code.charCodeAt(16) !== orgExpected) {
    return failed('uscc', code, orgCodeFailure(String.fromCharCode(orgExpected), code.charAt(16)));
  }
  const warnings = usccWarnings(code, opts?.authorities);
  if (!scanDivisionDigits) {
    return failed('uscc', code, divisionFailure('uscc', 'must be 6 digits', '应为6位数字'), warnings);
  }
  return passed('uscc', code, warnings);
}
