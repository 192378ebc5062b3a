import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FC_SEED,
  HOSTILE_STRINGS,
  hostileString,
  MARKUP,
  SQL_INJECTION,
} from '../../test/helpers/hostile-input.ts';
import {
  classifyCode,
  cleanCode,
  explain,
  findCodesInText,
  generateUSCC,
  validateOrgCode,
  validateResidentId,
  validateUSCC,
} from '../src/identifiers/index.ts';
import { compareNames, nameTokens, normalizeName, splitName } from '../src/names/index.ts';

/**
 * Issue 9, hostile input to the shared parsers of codes and names (the API, the SDK and the
 * extension all run these on text they do not control): SQL, markup, NUL, lone surrogates, bidi
 * controls, prototype keys, and inputs of 100,000 characters and more. None throws, each answers
 * in its documented shape, none accepts garbage as a valid code, and none takes more than linear
 * time (a regular expression that backtracks on a crafted input would hang a lookup for minutes).
 * Replay with FC_SEED=<seed>.
 */

const RUNS = 200;
const anyText = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
);

/** A code, with hostile text around and inside it. */
const codeInHostileText = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 31 }), hostileString, hostileString)
  .map(([seed, before, after]) => {
    let s = seed;
    const code = generateUSCC(() => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    });
    return { code, text: `${before} ${code} ${after}` };
  });

function everyParser(text: string): void {
  for (const check of [validateUSCC(text), validateOrgCode(text), validateResidentId(text)]) {
    expect(typeof check.valid).toBe('boolean');
    expect(check.valid === (check.failure === null)).toBe(true);
  }
  const kind = classifyCode(text);
  expect(kind === null || typeof kind === 'string').toBe(true);
  expect(typeof explain(text)).toBe('object');
  const cleaned = cleanCode(text);
  expect(cleanCode(cleaned)).toBe(cleaned);
  for (const found of findCodesInText(text)) {
    expect(found.start).toBeGreaterThanOrEqual(0);
    expect(found.end).toBeLessThanOrEqual(text.length);
  }
  const normalized = normalizeName(text);
  expect(normalizeName(normalized)).toBe(normalized);
  expect(Array.isArray(nameTokens(normalized))).toBe(true);
  expect(typeof splitName(text)).toBe('object');
  expect(typeof compareNames(text, normalized)).toBe('string');
}

describe('hostile text into the code and name parsers', () => {
  it('never throws, answers in shape, and normalizes idempotently', () => {
    fc.assert(
      fc.property(anyText, (text) => everyParser(text)),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it('every fixed hostile string, alone and as a code-sized slice', () => {
    for (const text of HOSTILE_STRINGS) {
      everyParser(text);
      everyParser(text.slice(0, 18).padEnd(18, '0'));
      expect(validateUSCC(text).valid).toBe(false);
      expect(validateResidentId(text).valid).toBe(false);
    }
  });

  it('a real code in hostile surroundings is still found, and the surroundings never make one', () => {
    fc.assert(
      fc.property(codeInHostileText, ({ code, text }) => {
        const found = findCodesInText(text).map((f) => text.slice(f.start, f.end));
        expect(found.some((f) => cleanCode(f) === code)).toBe(true);
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it('SQL and markup are only text to the name normalizer: kept as characters, never dropped whole', () => {
    for (const text of [...SQL_INJECTION, ...MARKUP]) {
      const n = normalizeName(`${text}有限公司`);
      expect(n.length).toBeGreaterThan(0);
      expect(normalizeName(n)).toBe(n);
    }
  });

  it('inputs of 100,000 characters and more take linear time: no backtracking blow-up', () => {
    const shapes = [
      '9'.repeat(100_000),
      '91'.repeat(50_000),
      '9131011066600721'.repeat(6_000),
      `${'('.repeat(50_000)}${')'.repeat(50_000)}`,
      '（有限公司）'.repeat(20_000),
      '分公司'.repeat(30_000),
      `${'a'.repeat(100_000)}\u0000`,
      '\ud800'.repeat(100_000),
      ' -'.repeat(50_000),
      'X'.repeat(200_000),
      '110105194912310'.repeat(7_000),
      '有限公司'.repeat(25_000),
      '北京分行'.repeat(25_000),
    ];
    for (const text of shapes) {
      const started = performance.now();
      everyParser(text);
      const ms = performance.now() - started;
      // Generous for a loaded 2-core machine; quadratic work on 100,000 characters takes minutes.
      expect(ms, `${JSON.stringify(text.slice(0, 20))}… (${text.length} chars)`).toBeLessThan(5_000);
    }
  });
});
