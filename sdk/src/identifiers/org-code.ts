import { orgCodeCheckFromSum, orgCodeSum } from './checksum.ts';
import { cleanCode } from './clean.ts';
import { type CodeCheck, charsetFailure, checkCharFailure, failed, lengthFailure, passed } from './result.ts';

/**
 * Validates a 9-character organization code (GB 11714): 8 body characters (0-9, A-Z) and a check
 * character (0-9 or X). The usual printed form "12345678-9" is accepted; cleaning drops the hyphen.
 */
export function validateOrgCode(raw: string): CodeCheck {
  const code = cleanCode(raw);
  if (code.length !== 9) return failed('org-code', code, lengthFailure('org-code', '9', code.length));
  const sum = orgCodeSum(code, 0);
  if (sum < 0) {
    let bad = 0;
    while (/[0-9A-Z]/.test(code.charAt(bad))) bad++;
    return failed('org-code', code, charsetFailure('org-code', code.charAt(bad), bad + 1, '0-9, A-Z'));
  }
  const last = code.charAt(8);
  if (!/[0-9X]/.test(last)) return failed('org-code', code, charsetFailure('org-code', last, 9, '0-9, X'));
  const expected = orgCodeCheckFromSum(sum);
  if (last !== expected) return failed('org-code', code, checkCharFailure('org-code', expected, last));
  return passed('org-code', code, []);
}
