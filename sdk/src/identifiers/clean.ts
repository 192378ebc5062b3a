/**
 * Characters that real pages put inside codes without meaning anything: whitespace of every kind,
 * zero-width and bidi marks, soft hyphens and the many dashes people type between code groups.
 */
export function isIgnorableInCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c === 0x2d || c === 0x85 || c === 0xa0 || c === 0xad) return true;
  if (c < 0x1680) return false;
  return (
    c === 0x1680 ||
    c === 0x180e ||
    (c >= 0x2000 && c <= 0x2015) || // spaces, zero-width chars, LRM/RLM, hyphens and dashes
    (c >= 0x2028 && c <= 0x202f) || // line/paragraph separators, bidi embeddings, narrow no-break space
    c === 0x2043 ||
    (c >= 0x205f && c <= 0x2064) || // medium math space, word joiner, invisible operators
    c === 0x2212 ||
    c === 0x3000 ||
    c === 0xfe58 ||
    c === 0xfe63 ||
    c === 0xfeff ||
    c === 0xff0d
  );
}

/** Char code after folding full width to ASCII and lower case to upper case. */
export function foldCodeChar(c: number): number {
  const ascii = c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c;
  return ascii >= 97 && ascii <= 122 ? ascii - 32 : ascii;
}

function isCleanCodeChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
}

/**
 * The code as it should be validated: full-width ASCII folded to ASCII, upper case, and every
 * whitespace, zero-width character, soft hyphen and dash removed. Other characters stay, so that
 * validation can name them instead of silently changing the code.
 */
export function cleanCode(raw: string): string {
  const text = typeof raw === 'string' ? raw : String(raw ?? '');
  const n = text.length;
  let i = 0;
  // Most input is already clean; returning it as is keeps validation allocation-free.
  while (i < n && isCleanCodeChar(text.charCodeAt(i))) i++;
  if (i === n) return text;
  let out = text.slice(0, i);
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isIgnorableInCode(c)) continue;
    const folded = foldCodeChar(c);
    out += folded === c ? text.charAt(i) : String.fromCharCode(folded);
  }
  return out;
}
