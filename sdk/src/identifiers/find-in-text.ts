import { classifyCode } from './classify.ts';
import { foldCodeChar } from './clean.ts';
import { validateResidentId } from './resident-id.ts';
import type { CodeCheck } from './result.ts';
import { validateUSCC } from './uscc.ts';

export interface FoundCode {
  /** The text as it appears, zero-width or full-width characters included. */
  raw: string;
  /** UTF-16 offsets into the text: text.slice(start, end) === raw. */
  start: number;
  end: number;
  check: CodeCheck;
}

export interface FindOptions {
  /** "Today" for resident-ID birth dates; defaults to the current date. */
  referenceDate?: Date | string;
}

/** Invisible characters that pages (and copy-paste protection) put between the characters of a code. */
function isInvisible(c: number): boolean {
  return c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/**
 * Finds USCC and resident-ID candidates (18 characters) in running text. A candidate is a run of
 * letters and digits, full-width or half-width, any case, with invisible characters allowed between
 * them; a run longer than 18 is some other token and is skipped whole. Spaces and hyphens end a
 * run here (unlike cleanCode) so that neighbouring numbers are never glued together. Legacy 15-digit
 * IDs are not searched: in running text they are indistinguishable from registration numbers.
 * Candidates that fail their checksum are returned with check.valid = false so callers can warn.
 */
export function findCodesInText(text: string, opts?: FindOptions): FoundCode[] {
  const found: FoundCode[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isAlnum(foldCodeChar(text.charCodeAt(i)))) {
      i++;
      continue;
    }
    const start = i;
    let end = i;
    let code = '';
    let length = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const folded = foldCodeChar(c);
      if (isAlnum(folded)) {
        length++;
        if (length <= 18) code += String.fromCharCode(folded);
        end = i + 1;
      } else if (!isInvisible(c)) {
        break;
      }
      i++;
    }
    if (length !== 18) continue;
    const kind = classifyCode(code, opts);
    if (kind === 'uscc') found.push({ raw: text.slice(start, end), start, end, check: validateUSCC(code) });
    else if (kind === 'resident-id') {
      found.push({ raw: text.slice(start, end), start, end, check: validateResidentId(code, opts) });
    }
  }
  return found;
}
