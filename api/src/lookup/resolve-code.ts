import {
  type CodeCheck,
  type CodeFailure,
  classifyCode,
  cleanCode,
  validateResidentId,
  validateUSCC,
} from '@credcheck/sdk/identifiers';
import { maskIdStaff } from '@credcheck/sdk/mask';
import { personKey } from '../domain/person-key.ts';

/**
 * A caller's code, cleaned and checked, with the subject key it would be stored under. A failing
 * check character still yields a key: real registries publish such codes, so whether the code is
 * listed decides between "listed, with a warning" and "invalid" (never a silent drop).
 */
export type ResolvedCode =
  | {
      usable: true;
      kind: 'uscc' | 'resident-id';
      check: CodeCheck;
      /** Subject key: the USCC, or `p:<hmac>` of a resident ID (the clear ID goes no further). */
      key: string;
      /** What may be echoed back: the USCC, or the staff mask of an ID number. */
      display: string;
    }
  | {
      usable: false;
      /** Cleaned input, only when it cannot be a person's ID number. */
      display: string | null;
      failure: CodeFailure;
    };

const NOT_A_CODE: CodeFailure = {
  check: 'length',
  message: 'Expected an 18-character Unified Social Credit Code or a resident ID number.',
  messageZh: '请输入18位统一社会信用代码或公民身份号码。',
};

export function resolveCode(raw: string, idHmacKey: string): ResolvedCode {
  const cleaned = cleanCode(raw);
  const kind = classifyCode(cleaned);
  if (kind === 'uscc') {
    const check = validateUSCC(cleaned);
    if (!check.valid && isFormatFailure(check.failure)) {
      return { usable: false, display: check.normalized, failure: check.failure! };
    }
    return { usable: true, kind, check, key: check.normalized, display: check.normalized };
  }
  if (kind === 'resident-id') {
    const check = validateResidentId(cleaned);
    if (!check.valid && isFormatFailure(check.failure)) {
      return { usable: false, display: null, failure: check.failure! };
    }
    const display = maskIdStaff(check.normalized);
    return { usable: true, kind, check, key: personKey(idHmacKey, check.normalized), display };
  }
  // Never echo something that might be a mistyped ID number.
  return {
    usable: false,
    display: /^\d+X?$/i.test(cleaned) ? null : cleaned.slice(0, 64),
    failure: NOT_A_CODE,
  };
}

/** Wrong length or characters: no registry publishes such a code, so it is never looked up. */
function isFormatFailure(f: CodeFailure | null): boolean {
  return f !== null && (f.check === 'length' || f.check === 'charset');
}

/** The warning a listed code with a failing check gets, ahead of the validator's own warnings. */
export function checkWarnings(check: CodeCheck): string[] {
  if (check.valid) return check.warnings;
  return [
    `${check.failure?.message} This code is listed as it was published by the designator; confirm it against the registration record. / ${check.failure?.messageZh}该代码按认定部门公布的原样列入名单，请与登记信息核对。`,
    ...check.warnings,
  ];
}
