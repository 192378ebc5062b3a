export type CodeKind = 'uscc' | 'org-code' | 'resident-id';

export type CheckName =
  | 'length'
  | 'charset'
  | 'check-character'
  | 'org-code-check'
  | 'birth-date'
  | 'division';

export interface CodeFailure {
  check: CheckName;
  message: string;
  messageZh: string;
  /** A corrected code when swapping look-alike letters (O→0, I→1, S→5, Z→2, V→U) makes it valid; never applied. */
  suggestion?: string;
}

/** Outcome of validating one code. A failed checksum is a result with a reason, never an exception. */
export interface CodeCheck {
  valid: boolean;
  kind: CodeKind;
  /** The cleaned code (for a legacy 15-digit ID: its 18-digit form). */
  normalized: string;
  failure: CodeFailure | null;
  /** Stable warning codes, see CODE_WARNINGS. A valid code may carry warnings. */
  warnings: string[];
}

/** Warning codes that may appear in CodeCheck.warnings. */
export const CODE_WARNINGS = {
  unknownAuthority: 'unknown-registration-authority',
  unknownType: 'unknown-organization-type',
  unusualDivision: 'unusual-division',
  unknownProvince: 'unknown-province',
  legacyId: 'legacy-15-digit-id',
} as const;

export function passed(kind: CodeKind, normalized: string, warnings: string[]): CodeCheck {
  return { valid: true, kind, normalized, failure: null, warnings };
}

export function failed(
  kind: CodeKind,
  normalized: string,
  failure: CodeFailure,
  warnings: string[] = [],
): CodeCheck {
  return { valid: false, kind, normalized, failure, warnings };
}

const KIND_EN: Record<CodeKind, string> = {
  uscc: 'A unified social credit code',
  'org-code': 'An organization code',
  'resident-id': 'A resident ID number',
};
const KIND_ZH: Record<CodeKind, string> = {
  uscc: '统一社会信用代码',
  'org-code': '组织机构代码',
  'resident-id': '公民身份号码',
};

export function lengthFailure(kind: CodeKind, expected: string, actual: number): CodeFailure {
  return {
    check: 'length',
    message: `${KIND_EN[kind]} has ${expected} characters; this one has ${actual}.`,
    messageZh: `${KIND_ZH[kind]}应为${expected.replace(' or ', '或')}位，实际为${actual}位。`,
  };
}

/** Names the character by position only for codes that are not personal data. */
export function charsetFailure(kind: CodeKind, char: string, position: number, allowed: string): CodeFailure {
  const shown = kind === 'resident-id' ? '' : ` '${char}'`;
  const shownZh = kind === 'resident-id' ? '' : `“${char}”`;
  return {
    check: 'charset',
    message: `Character${shown} at position ${position} is not allowed in ${KIND_EN[kind].replace(/^An? /, 'a ')} (allowed: ${allowed}).`,
    messageZh: `第${position}位字符${shownZh}不是${KIND_ZH[kind]}允许的字符（允许：${allowed}）。`,
  };
}

export function checkCharFailure(kind: CodeKind, expected: string, actual: string): CodeFailure {
  const personal = kind === 'resident-id';
  return {
    check: 'check-character',
    message: personal
      ? 'The check character does not match the rest of the ID number; it has a typo.'
      : `The check character is '${actual}' but the rest of the code gives '${expected}'; the code has a typo or is not genuine.`,
    messageZh: personal
      ? '校验码与号码其余部分不符，号码有误。'
      : `校验码为“${actual}”，按前${kind === 'uscc' ? 17 : 8}位应为“${expected}”，代码有误或不真实。`,
  };
}

export function orgCodeFailure(expected: string, actual: string): CodeFailure {
  return {
    check: 'org-code-check',
    message: `The embedded organization code (positions 9–17) fails its GB 11714 check: '${actual}' where '${expected}' is expected.`,
    messageZh: `代码第9–17位的组织机构代码校验不通过：校验码为“${actual}”，应为“${expected}”。`,
  };
}

export function divisionFailure(kind: CodeKind, detail: string, detailZh: string): CodeFailure {
  return {
    check: 'division',
    message: `The administrative division code (positions ${kind === 'uscc' ? '3–8' : '1–6'}) ${detail}.`,
    messageZh: `行政区划代码（第${kind === 'uscc' ? '3–8' : '1–6'}位）${detailZh}。`,
  };
}

export function birthDateFailure(detail: string, detailZh: string): CodeFailure {
  return {
    check: 'birth-date',
    message: `The date of birth (positions 7–14) ${detail}.`,
    messageZh: `出生日期（第7–14位）${detailZh}。`,
  };
}
