import {
  ID_CHECK_CHARS,
  ID_WEIGHTS,
  NO_VALUE,
  ORG_VALUE,
  ORG_WEIGHTS,
  USCC_CHARSET,
  USCC_VALUE,
  USCC_WEIGHTS,
  valueIn,
} from './charset.ts';

/** Weighted GB 32100 sum over code[0..16]; -1 when a character is outside the charset. */
export function usccSum(code: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = valueIn(USCC_VALUE, code.charCodeAt(i));
    if (v === NO_VALUE) return -1;
    sum += v * (USCC_WEIGHTS[i] as number);
  }
  return sum;
}

/** Charset index of the USCC check character for a weighted sum. */
export function usccCheckValue(sum: number): number {
  return (31 - (sum % 31)) % 31;
}

/** Weighted GB 11714 sum over the 8 body characters starting at `offset`; -1 when one is not 0-9/A-Z. */
export function orgCodeSum(code: string, offset: number): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = valueIn(ORG_VALUE, code.charCodeAt(offset + i));
    if (v === NO_VALUE) return -1;
    sum += v * (ORG_WEIGHTS[i] as number);
  }
  return sum;
}

/** Char code of the GB 11714 check character for a weighted sum: 10 → 'X', 11 → '0'. */
export function orgCodeCheckCodeFromSum(sum: number): number {
  const r = 11 - (sum % 11);
  return r === 10 ? 88 : r === 11 ? 48 : 48 + r;
}

/** GB 11714 check character for a weighted sum. */
export function orgCodeCheckFromSum(sum: number): string {
  return String.fromCharCode(orgCodeCheckCodeFromSum(sum));
}

/** Weighted GB 11643 sum over code[0..16]; -1 when one is not a digit. */
export function residentIdSum(code: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = code.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    sum += d * (ID_WEIGHTS[i] as number);
  }
  return sum;
}

export function residentIdCheckFromSum(sum: number): string {
  return ID_CHECK_CHARS.charAt(sum % 11);
}

function requireLength(input: string, length: number, what: string): void {
  if (typeof input !== 'string' || input.length !== length) {
    throw new RangeError(`${what} needs exactly ${length} characters, got ${String(input?.length)}`);
  }
}

/** USCC check character for the first 17 characters (already cleaned: upper-case ASCII). */
export function usccCheckChar(first17: string): string {
  requireLength(first17, 17, 'usccCheckChar');
  const sum = usccSum(first17);
  if (sum < 0) throw new RangeError(`usccCheckChar: "${first17}" has a character outside ${USCC_CHARSET}`);
  return USCC_CHARSET.charAt(usccCheckValue(sum));
}

/** GB 11714 check character for an 8-character organization-code body (0-9, A-Z). */
export function orgCodeCheckChar(first8: string): string {
  requireLength(first8, 8, 'orgCodeCheckChar');
  const sum = orgCodeSum(first8, 0);
  if (sum < 0) throw new RangeError(`orgCodeCheckChar: "${first8}" may only hold 0-9 and A-Z`);
  return orgCodeCheckFromSum(sum);
}

/** GB 11643 check character for the first 17 digits of a resident ID. */
export function residentIdCheckChar(first17: string): string {
  requireLength(first17, 17, 'residentIdCheckChar');
  const sum = residentIdSum(first17);
  if (sum < 0) throw new RangeError('residentIdCheckChar: the first 17 characters must be digits');
  return residentIdCheckFromSum(sum);
}
