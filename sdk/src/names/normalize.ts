import { ASTRAL, simplifyCodePoint, simplifyTable } from './simplify.ts';

/** Every bracket form seen in names, unified to ASCII so that （集团） and (集团) and 【集团】 agree. */
const OPEN_BRACKETS = '(（[［【〔〈「『{｛〖﹙﹝⦅｟〘〚⟨';
const CLOSE_BRACKETS = ')）]］】〕〉」』}｝〗﹚﹞⦆｠〙〛⟩';

/** What happens to an ASCII code unit: DROP, or the code unit to emit. */
const DROP = -1;
const ASCII_ACTION = new Int16Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (c >= 97 && c <= 122) ASCII_ACTION[c] = c - 32;
  else if (OPEN_BRACKETS.includes(ch)) ASCII_ACTION[c] = 40;
  else if (CLOSE_BRACKETS.includes(ch)) ASCII_ACTION[c] = 41;
  else if (/[\p{P}\p{Z}\p{Cc}]/u.test(ch)) ASCII_ACTION[c] = DROP;
  else ASCII_ACTION[c] = c; // letters, digits and symbols such as + or $ carry meaning
}

const BRACKET_ACTION = new Map<number, number>();
for (const ch of OPEN_BRACKETS) BRACKET_ACTION.set(ch.charCodeAt(0), 40);
for (const ch of CLOSE_BRACKETS) BRACKET_ACTION.set(ch.charCodeAt(0), 41);

function isInvisible(c: number): boolean {
  return c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff || c === 0x3000;
}

/** Output buffer reused across calls; sized up front so the loop needs no bounds checks. */
let buffer = new Uint16Array(256);

function bufferToString(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 4096) {
    out += String.fromCharCode.apply(
      null,
      buffer.subarray(i, Math.min(length, i + 4096)) as unknown as number[],
    );
  }
  return out;
}

const PUNCTUATION_OR_SPACE = /^[\p{P}\p{Z}\p{Cc}\p{Cf}]$/u;
const LOWER_LATIN = /^(?=\p{Script=Latin})\p{Ll}$/u;

/**
 * One pass over the text. Returns null when a character needs Unicode normalization first
 * (compatibility forms, combining marks, other scripts): the caller then runs the slow path.
 */
function fold(text: string, slow: boolean): string | null {
  // A code unit yields at most 2 (a BMP character simplified to one outside the BMP) and
  // NFKC-expanded or upper-cased characters come from the slow path, which reserves more.
  const capacity = text.length * (slow ? 8 : 2) + 8;
  if (buffer.length < capacity) buffer = new Uint16Array(capacity);
  const out = buffer;
  const { bmp } = simplifyTable();
  let length = 0;
  // While the output equals the input so far, the input itself is returned: no new string.
  let unchanged = true;
  for (let i = 0; i < text.length; i++) {
    const original = text.charCodeAt(i);
    let c = original;
    if (c >= 0xff01 && c <= 0xff5e && !BRACKET_ACTION.has(c)) c -= 0xfee0;
    if (c < 128) {
      const action = ASCII_ACTION[c] as number;
      if (action !== DROP) {
        out[length++] = action;
        if (action !== original) unchanged = false;
      } else unchanged = false;
      continue;
    }
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) {
      const target = bmp[c] as number;
      if (target === 0) out[length++] = c;
      else {
        unchanged = false;
        if (target !== ASTRAL) out[length++] = target;
        else for (const unit of simplifyCodePoint(c)) out[length++] = unit.charCodeAt(0);
      }
      continue;
    }
    unchanged = false;
    const bracket = BRACKET_ACTION.get(c);
    if (bracket !== undefined) {
      out[length++] = bracket;
      continue;
    }
    if (isInvisible(c)) continue;
    if (!slow) return null;
    const code = text.codePointAt(i) as number;
    const ch = String.fromCodePoint(code);
    if (code > 0xffff) i++;
    if (PUNCTUATION_OR_SPACE.test(ch)) continue;
    const folded = LOWER_LATIN.test(ch) ? ch.toUpperCase() : simplifyCodePoint(code);
    for (let k = 0; k < folded.length; k++) out[length++] = folded.charCodeAt(k);
  }
  return unchanged ? text : bufferToString(length);
}

/**
 * The key two spellings of one organization name share: full width folded to half width, every
 * bracket form turned into ( ), whitespace, punctuation and zero-width characters dropped (bracket
 * contents stay), traditional characters simplified, Latin letters upper-cased. Deterministic and
 * idempotent: normalizeName(normalizeName(x)) === normalizeName(x).
 */
export function normalizeName(raw: string): string {
  const text = typeof raw === 'string' ? raw : String(raw ?? '');
  const fast = fold(text, false);
  if (fast !== null) return fast;
  // Rare input (compatibility ideographs, combining accents, ㈱ …): NFKC first, then fold, and
  // repeat because dropping a character can let NFKC compose its neighbours.
  let current = text;
  for (let round = 0; round < 4; round++) {
    const next = fold(current.normalize('NFKC'), true) as string;
    if (next === current) break;
    current = next;
  }
  return current;
}
