import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyCode,
  cleanCode,
  DEFAULT_AUTHORITIES,
  findCodesInText,
  generateResidentId,
  generateUSCC,
  residentIdCheckChar,
  USCC_CHARSET,
  usccCheckChar,
  validateOrgCode,
  validateResidentId,
  validateUSCC,
} from '../src/identifiers/index.ts';

const TODAY = '2026-11-23';

/** mulberry32: a seeded generator, so fast-check can shrink and replay by seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
const authorityArb = fc.constantFrom(...Object.keys(DEFAULT_AUTHORITIES));

function sampleCodes(count: number, make: (rand: () => number) => string): string[] {
  const rand = seeded(20261123);
  return Array.from({ length: count }, () => make(rand));
}

function replaceAt(s: string, i: number, c: string): string {
  return s.slice(0, i) + c + s.slice(i + 1);
}

function swap(s: string, i: number, j: number): string {
  return replaceAt(replaceAt(s, i, s.charAt(j)), j, s.charAt(i));
}

describe('generated codes', () => {
  it('every generated USCC validates, with its embedded organization code', () => {
    fc.assert(
      fc.property(seedArb, authorityArb, (seed, authority) => {
        const types = DEFAULT_AUTHORITIES[authority]?.types;
        const type = types ? (Object.keys(types)[seed % Object.keys(types).length] as string) : '7';
        const code = generateUSCC(seeded(seed), { authority, type });
        const result = validateUSCC(code);
        expect(result).toEqual({ valid: true, kind: 'uscc', normalized: code, failure: null, warnings: [] });
        expect(validateOrgCode(code.slice(8, 17)).valid).toBe(true);
        expect(classifyCode(code, { referenceDate: TODAY })).toBe('uscc');
      }),
      { numRuns: 2000 },
    );
  });

  it('every generated resident ID validates and carries the requested sex and birth date', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.constantFrom('male', 'female') as fc.Arbitrary<'male' | 'female'>,
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2026-11-23T00:00:00Z'),
          noInvalidDate: true,
        }),
        (seed, sex, date) => {
          const birthDate = date.toISOString().slice(0, 10);
          const id = generateResidentId(seeded(seed), { sex, birthDate });
          expect(validateResidentId(id, { referenceDate: TODAY }).valid).toBe(true);
          expect(id.slice(6, 14)).toBe(birthDate.replaceAll('-', ''));
          expect(Number(id.charAt(16)) % 2).toBe(sex === 'male' ? 1 : 0);
          expect(classifyCode(id, { referenceDate: TODAY })).toBe('resident-id');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects impossible generator options with a clear error', () => {
    expect(() => generateUSCC(Math.random, { authority: 'I' })).toThrow(/authority/);
    expect(() => generateUSCC(Math.random, { division: '11010' })).toThrow(/division/);
    expect(() => generateResidentId(Math.random, { birthDate: '1990-02-30' })).toThrow(/birthDate/);
    expect(() => generateResidentId(Math.random, { division: '010101' })).toThrow(/division/);
  });
});

describe('single substitutions (exhaustive over a sample)', () => {
  // Weights 3^i mod 31 are non-zero and 31 is prime, so (a − b)·w ≢ 0: every substitution of one
  // charset symbol by another changes the sum mod 31, and the outer check alone catches it.
  it('every substitution in every position of 300 USCCs is caught by the check character', () => {
    let tried = 0;
    for (const code of sampleCodes(300, (rand) => generateUSCC(rand))) {
      for (let i = 0; i < 18; i++) {
        for (const c of USCC_CHARSET) {
          if (c === code.charAt(i)) continue;
          const result = validateUSCC(replaceAt(code, i, c));
          tried++;
          expect(result.valid).toBe(false);
          expect(result.failure?.check).toBe('check-character');
        }
      }
    }
    expect(tried).toBe(300 * 18 * 30);
  });

  it('a look-alike letter (I, O, Z, S, V) in any position is a charset failure', () => {
    for (const code of sampleCodes(50, (rand) => generateUSCC(rand))) {
      for (let i = 0; i < 18; i++) {
        for (const c of 'IOZSV') expect(validateUSCC(replaceAt(code, i, c)).failure?.check).toBe('charset');
      }
    }
  });

  // MOD 11-2: weights 2^k mod 11 are non-zero and |a − b| ≤ 9 < 11, so every digit substitution
  // changes the sum mod 11.
  it('every digit substitution in every position of 300 resident IDs is caught by the checksum', () => {
    for (const id of sampleCodes(300, (rand) => generateResidentId(rand))) {
      for (let i = 0; i < 18; i++) {
        for (const c of i === 17 ? '0123456789X' : '0123456789') {
          if (c === id.charAt(i)) continue;
          const mutated = replaceAt(id, i, c);
          expect(residentIdCheckChar(mutated.slice(0, 17))).not.toBe(mutated.charAt(17));
          expect(validateResidentId(mutated, { referenceDate: TODAY }).valid).toBe(false);
        }
      }
    }
  });
});

describe('transpositions (what the checksums catch, documented by test)', () => {
  // Swapping a and b at positions i and j changes the sum by (a − b)(w_i − w_j). The USCC weights
  // 3^0 … 3^16 mod 31 are distinct (3 has order 30 mod 31), so every swap among positions 1–17 and
  // every swap with position 18 is caught, except 1 ↔ 18: the check character counts with weight 1,
  // the same as position 1. The embedded org-code check covers positions 9–17 only, so it cannot help.
  it('USCC: every transposition of two different characters is caught except positions 1 and 18', () => {
    const missed = new Set<string>();
    for (const code of sampleCodes(300, (rand) => generateUSCC(rand))) {
      for (let i = 0; i < 18; i++) {
        for (let j = i + 1; j < 18; j++) {
          if (code.charAt(i) === code.charAt(j)) continue;
          const swapped = swap(code, i, j);
          const caught = usccCheckChar(swapped.slice(0, 17)) !== swapped.charAt(17);
          if (!caught) missed.add(`${i + 1}↔${j + 1}`);
          expect(validateUSCC(swapped).valid).toBe(i === 0 && j === 17);
        }
      }
    }
    expect([...missed]).toEqual(['1↔18']);
  });

  // Resident-ID weights are 2^k mod 11 and 2 has order 10 mod 11, so positions 10 apart share a
  // weight (1 ↔ 11, 2 ↔ 12, …, 8 ↔ 18, the check digit having weight 1 like position 8): those
  // swaps go unnoticed by the checksum; every other swap of two different digits is caught.
  it('resident ID: a digit transposition is caught exactly when the positions are not 10 apart', () => {
    for (const id of sampleCodes(300, (rand) => generateResidentId(rand))) {
      for (let i = 0; i < 18; i++) {
        for (let j = i + 1; j < 18; j++) {
          if (id.charAt(i) === id.charAt(j) || id.charAt(i) === 'X' || id.charAt(j) === 'X') continue;
          const swapped = swap(id, i, j);
          const caught = residentIdCheckChar(swapped.slice(0, 17)) !== swapped.charAt(17);
          expect(caught).toBe((j - i) % 10 !== 0);
        }
      }
    }
  });
});

describe('cleaning', () => {
  const noise = fc.constantFrom(
    '',
    ' ',
    '\u3000',
    '\u200b',
    '\u200c',
    '\u200d',
    '\u2060',
    '\ufeff',
    '\u00ad',
    '-',
    '－',
  );

  /** The code with random full width, lower case and invisible noise between characters. */
  function disguise(code: string): fc.Arbitrary<string> {
    return fc
      .tuple(
        fc.array(fc.tuple(fc.boolean(), fc.boolean(), noise), {
          minLength: code.length,
          maxLength: code.length,
        }),
        noise,
      )
      .map(([choices, tail]) => {
        let out = '';
        for (let i = 0; i < code.length; i++) {
          const [wide, lower, gap] = choices[i] as [boolean, boolean, string];
          let c = code.charAt(i);
          if (lower) c = c.toLowerCase();
          if (wide) c = String.fromCharCode(c.charCodeAt(0) + 0xfee0);
          out += gap + c;
        }
        return out + tail;
      });
  }

  it('a disguised USCC cleans back to the code and validates', () => {
    fc.assert(
      fc.property(
        seedArb.chain((seed) => {
          const code = generateUSCC(seeded(seed));
          return disguise(code).map((raw) => [code, raw] as const);
        }),
        ([code, raw]) => {
          expect(cleanCode(raw)).toBe(code);
          expect(validateUSCC(raw)).toMatchObject({ valid: true, normalized: code });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a disguised resident ID cleans back to the ID and validates', () => {
    fc.assert(
      fc.property(
        seedArb.chain((seed) => {
          const id = generateResidentId(seeded(seed));
          return disguise(id).map((raw) => [id, raw] as const);
        }),
        ([id, raw]) => {
          expect(validateResidentId(raw, { referenceDate: TODAY })).toMatchObject({
            valid: true,
            normalized: id,
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('cleanCode is idempotent and validation never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (raw) => {
        const once = cleanCode(raw);
        expect(cleanCode(once)).toBe(once);
        for (const validate of [validateUSCC, validateOrgCode, validateResidentId]) {
          const result = validate(raw);
          expect(typeof result.valid).toBe('boolean');
          expect(result.valid === (result.failure === null)).toBe(true);
        }
        expect(() => classifyCode(raw)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });
});

describe('findCodesInText on generated text', () => {
  const filler = fc.string({
    unit: fc.constantFrom(...'的公司有限中标人代码：，。（）、 \n'),
    maxLength: 12,
  });

  it('finds every code placed in Chinese text, at its exact offsets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(filler, seedArb, fc.boolean()), { minLength: 1, maxLength: 6 }),
        filler,
        (parts, tail) => {
          let text = '';
          const placed: Array<{ code: string; start: number }> = [];
          for (const [before, seed, person] of parts) {
            text += before.length === 0 ? '，' : before;
            const code = person ? generateResidentId(seeded(seed)) : generateUSCC(seeded(seed));
            placed.push({ code, start: text.length });
            text += code;
          }
          text += tail;
          const found = findCodesInText(text, { referenceDate: TODAY });
          expect(found.map((f) => [f.check.normalized, f.start, f.end, f.check.valid])).toEqual(
            placed.map((p) => [p.code, p.start, p.start + 18, true]),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
