/** GB 32100 charset: digits plus 21 letters, without I, O, Z, S, V (they read like 1, 0, 2, 5, U). */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** 3^i mod 31 for i = 0..16; all distinct and coprime to 31, so every single substitution is caught. */
export const USCC_WEIGHTS: Uint8Array = Uint8Array.of(
  1,
  3,
  9,
  27,
  19,
  26,
  16,
  17,
  20,
  29,
  25,
  13,
  8,
  24,
  10,
  30,
  28,
);

/** GB 11714 weights over the 8 body characters of an organization code. */
export const ORG_WEIGHTS: Uint8Array = Uint8Array.of(3, 7, 9, 10, 5, 8, 4, 2);

/** GB 11643 weights (2^(17-i) mod 11) over the first 17 digits of a resident ID. */
export const ID_WEIGHTS: Uint8Array = Uint8Array.of(7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2);

/** Resident-ID check character indexed by (weighted sum mod 11). */
export const ID_CHECK_CHARS = '10X98765432';

/** Marks a char code that has no value in a table. */
export const NO_VALUE = 255;

/** Value of an ASCII char code in the USCC charset (NO_VALUE otherwise); lookups stay allocation-free. */
export const USCC_VALUE: Uint8Array = new Uint8Array(128).fill(NO_VALUE);
for (let i = 0; i < USCC_CHARSET.length; i++) USCC_VALUE[USCC_CHARSET.charCodeAt(i)] = i;

/** GB 11714 value of an ASCII char code: 0–9, then A=10 … Z=35 in plain alphabet order. */
export const ORG_VALUE: Uint8Array = new Uint8Array(128).fill(NO_VALUE);
for (let c = 48; c <= 57; c++) ORG_VALUE[c] = c - 48;
for (let c = 65; c <= 90; c++) ORG_VALUE[c] = c - 55;

/** Charset value of one char code, NO_VALUE when outside the table. */
export function valueIn(table: Uint8Array, charCode: number): number {
  return charCode < 128 ? (table[charCode] as number) : NO_VALUE;
}

/** Letters people type for USCC symbols that do not exist; suggested, never applied silently. */
export const USCC_CONFUSABLES: Readonly<Record<string, string>> = { O: '0', I: '1', S: '5', Z: '2', V: 'U' };

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}
