import * as OpenCC from 'opencc-js/t2cn';

// Traditional → simplified, one character at a time. The table is built once from opencc-js: every
// single character its dictionaries know is run through the tw→cn and hk→cn converters. Phrase-level
// choices are given up on purpose (乾坤 becomes 干坤): matching only needs both spellings of a name
// to land on the same key, and a per-character map is fast, deterministic and idempotent.

export interface SimplifyTable {
  /** BMP code unit → BMP target; 0 = unchanged, ASTRAL = look in `astral`. */
  bmp: Uint16Array;
  astral: Map<number, string>;
}

/** Marks a BMP character whose simplified form lies outside the BMP. */
export const ASTRAL = 1;
let table: SimplifyTable | null = null;

function dictionaryPairs(dict: unknown): Array<[string, string]> {
  if (typeof dict === 'string') {
    return dict.split('|').map((pair) => {
      const [from = '', to = ''] = pair.split(' ');
      return [from, to];
    });
  }
  return Array.isArray(dict) ? (dict as Array<[string, string]>) : [];
}

function buildTable(): SimplifyTable {
  const locale = OpenCC.Locale;
  const groups = [...(locale.from.tw ?? []), ...(locale.from.hk ?? []), ...(locale.to.cn ?? [])];
  const sources = new Set<string>();
  // A character that the t→cn dictionary itself produces is simplified already; it must stay put
  // (otherwise 么, the output for 麼, would go on to 幺).
  const simplifiedOutputs = new Set<string>();
  for (const group of groups) {
    for (const dict of group) {
      for (const [from] of dictionaryPairs(dict)) {
        if (from.length > 0 && Array.from(from).length === 1) sources.add(from);
      }
    }
  }
  for (const group of locale.to.cn ?? []) {
    for (const dict of group) {
      for (const [from, to] of dictionaryPairs(dict))
        if (Array.from(from).length === 1) simplifiedOutputs.add(to);
    }
  }
  const tw = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const hk = OpenCC.Converter({ from: 'hk', to: 'cn' });
  const direct = new Map<string, string>();
  for (const char of sources) {
    if (simplifiedOutputs.has(char)) continue;
    const target = hk(tw(char)).normalize('NFKC');
    if (target !== char && Array.from(target).length === 1) direct.set(char, target);
  }
  // Follow chains (麽 → 么 → …) to their end so that applying the table twice changes nothing.
  const bmp = new Uint16Array(0x10000);
  const astral = new Map<number, string>();
  for (const [source, first] of direct) {
    let target = first;
    for (let hops = 0; hops < 8 && direct.has(target) && direct.get(target) !== target; hops++) {
      target = direct.get(target) as string;
    }
    if (target === source) continue;
    const code = source.codePointAt(0) as number;
    if (code <= 0xffff && target.length === 1) bmp[code] = target.charCodeAt(0);
    else {
      if (code <= 0xffff) bmp[code] = ASTRAL;
      astral.set(code, target);
    }
  }
  return { bmp, astral };
}

/** The table, built on first use. */
export function simplifyTable(): SimplifyTable {
  table ??= buildTable();
  return table;
}

/** Builds the table now instead of on the first name (≈0.1 s), e.g. while a UI starts. */
export function warmUpSimplify(): void {
  simplifyTable();
}

/** The simplified form of any code point, as a string. */
export function simplifyCodePoint(code: number): string {
  const t = simplifyTable();
  if (code <= 0xffff) {
    const target = t.bmp[code] as number;
    if (target === 0) return String.fromCharCode(code);
    if (target !== ASTRAL) return String.fromCharCode(target);
  }
  return t.astral.get(code) ?? String.fromCodePoint(code);
}
