import { DEFAULT_AUTHORITIES, type KnownAuthorities } from './authorities.ts';
import { NO_VALUE, USCC_CHARSET, USCC_VALUE, valueIn } from './charset.ts';
import {
  orgCodeCheckFromSum,
  orgCodeSum,
  residentIdCheckFromSum,
  residentIdSum,
  usccCheckValue,
  usccSum,
} from './checksum.ts';
import { classifyCode } from './classify.ts';
import { cleanCode } from './clean.ts';
import { validateOrgCode } from './org-code.ts';
import { validateResidentId } from './resident-id.ts';
import type { CheckName, CodeCheck } from './result.ts';
import { validateUSCC } from './uscc.ts';

/** A code value with its meaning; names are null when the value is not in the known table. */
export interface CodePart {
  code: string;
  nameZh: string | null;
  nameEn: string | null;
}

/** A check character as found beside the one the other characters call for (null: cannot compute). */
export interface CheckCharacter {
  expected: string | null;
  actual: string;
  valid: boolean;
}

export interface UsccExplanation {
  kind: 'uscc';
  normalized: string;
  check: CodeCheck;
  /** Every check that failed, in the order validateUSCC runs them (check.failure names the first). */
  failedChecks: CheckName[];
  registrationAuthority: CodePart;
  organizationType: CodePart;
  /** Positions 3–8: division code of the registration authority (GB/T 2260). */
  division: string;
  /** Positions 9–17: the GB 11714 organization code, with its own check. */
  organizationCode: { code: string; valid: boolean; checkCharacter: CheckCharacter };
  /** Position 18: the GB 32100 check character. */
  checkCharacter: CheckCharacter;
}

export interface ResidentIdExplanation {
  kind: 'resident-id';
  normalized: string;
  check: CodeCheck;
  failedChecks: CheckName[];
  /** True when the input was a legacy 15-digit number. */
  legacy: boolean;
  division: string;
  /** YYYY-MM-DD, or null when positions 7–14 are not a real date. */
  birthDate: string | null;
  /** From position 17: odd = male, even = female. */
  sex: 'male' | 'female' | null;
  checkCharacter: CheckCharacter;
}

export interface OrgCodeExplanation {
  kind: 'org-code';
  normalized: string;
  check: CodeCheck;
  failedChecks: CheckName[];
  body: string;
  checkCharacter: CheckCharacter;
}

export interface UnknownExplanation {
  kind: 'unknown';
  normalized: string;
}

export type Explanation = UsccExplanation | ResidentIdExplanation | OrgCodeExplanation | UnknownExplanation;

export interface ExplainOptions {
  authorities?: KnownAuthorities;
  referenceDate?: Date | string;
}

function checkCharacter(expected: string | null, actual: string): CheckCharacter {
  return { expected, actual, valid: expected !== null && expected === actual };
}

function explainUscc(code: string, authorities: KnownAuthorities): UsccExplanation {
  const check = validateUSCC(code, { authorities });
  const padded = code.padEnd(18, '?');
  const authority = authorities[padded.charAt(0)];
  const type = authority?.types === null ? undefined : authority?.types[padded.charAt(1)];

  const sum = usccSum(padded);
  const outer = checkCharacter(sum < 0 ? null : USCC_CHARSET.charAt(usccCheckValue(sum)), padded.charAt(17));
  const orgSum = orgCodeSum(padded, 8);
  const inner = checkCharacter(orgSum < 0 ? null : orgCodeCheckFromSum(orgSum), padded.charAt(16));

  const failedChecks: CheckName[] = [];
  if (code.length !== 18) failedChecks.push('length');
  let charsetOk = true;
  for (let i = 0; i < code.length; i++)
    if (valueIn(USCC_VALUE, code.charCodeAt(i)) === NO_VALUE) charsetOk = false;
  if (!charsetOk) failedChecks.push('charset');
  if (!outer.valid) failedChecks.push('check-character');
  if (!inner.valid) failedChecks.push('org-code-check');
  if (!/^\d{6}$/.test(padded.slice(2, 8))) failedChecks.push('division');

  return {
    kind: 'uscc',
    normalized: code,
    check,
    failedChecks,
    registrationAuthority: {
      code: padded.charAt(0),
      nameZh: authority?.nameZh ?? null,
      nameEn: authority?.nameEn ?? null,
    },
    organizationType: {
      code: padded.charAt(1),
      nameZh: type?.nameZh ?? null,
      nameEn: type?.nameEn ?? null,
    },
    division: padded.slice(2, 8),
    organizationCode: { code: padded.slice(8, 17), valid: inner.valid, checkCharacter: inner },
    checkCharacter: outer,
  };
}

function explainResidentId(raw: string, referenceDate?: Date | string): ResidentIdExplanation {
  const check = validateResidentId(raw, referenceDate === undefined ? undefined : { referenceDate });
  const code = check.normalized;
  const legacy = cleanCode(raw).length === 15;
  const year = code.slice(6, 10);
  const month = code.slice(10, 12);
  const day = code.slice(12, 14);
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  const realDate =
    /^\d{8}$/.test(year + month + day) &&
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 10) === `${year}-${month}-${day}`;
  const seventeenth = code.charCodeAt(16) - 48;
  const sum = residentIdSum(code);
  const failedChecks: CheckName[] = check.failure === null ? [] : [check.failure.check];
  const checkChar = checkCharacter(sum < 0 ? null : residentIdCheckFromSum(sum), code.charAt(17));
  if (check.failure !== null && check.failure.check !== 'check-character' && !checkChar.valid) {
    failedChecks.push('check-character');
  }
  return {
    kind: 'resident-id',
    normalized: code,
    check,
    failedChecks,
    legacy,
    division: code.slice(0, 6),
    birthDate: realDate ? `${year}-${month}-${day}` : null,
    sex: seventeenth >= 0 && seventeenth <= 9 ? (seventeenth % 2 === 1 ? 'male' : 'female') : null,
    checkCharacter: checkChar,
  };
}

function explainOrgCode(code: string): OrgCodeExplanation {
  const check = validateOrgCode(code);
  const sum = orgCodeSum(code, 0);
  const checkChar = checkCharacter(sum < 0 ? null : orgCodeCheckFromSum(sum), code.charAt(8));
  return {
    kind: 'org-code',
    normalized: code,
    check,
    failedChecks: check.failure === null ? [] : [check.failure.check],
    body: code.slice(0, 8),
    checkCharacter: checkChar,
  };
}

/**
 * Takes a code apart for display: what each part means and which checks fail, with the expected
 * and the actual check characters. The kind comes from classifyCode; an 18-character string that
 * classifyCode rejects is still explained as a USCC when it is made of letters and digits.
 */
export function explain(raw: string, opts?: ExplainOptions): Explanation {
  const code = cleanCode(raw);
  const kind = classifyCode(code, opts);
  if (kind === 'resident-id') return explainResidentId(code, opts?.referenceDate);
  if (kind === 'org-code') return explainOrgCode(code);
  if (kind === 'uscc' || (code.length === 18 && /^[0-9A-Z]+$/.test(code))) {
    return explainUscc(code, opts?.authorities ?? DEFAULT_AUTHORITIES);
  }
  return { kind: 'unknown', normalized: code };
}
