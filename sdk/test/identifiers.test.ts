import { describe, expect, it } from 'vitest';
import {
  classifyCode,
  cleanCode,
  DEFAULT_AUTHORITIES,
  explain,
  findCodesInText,
  orgCodeCheckChar,
  residentIdCheckChar,
  usccCheckChar,
  validateOrgCode,
  validateResidentId,
  validateUSCC,
} from '../src/identifiers/index.ts';

// Verified in identifiers.md §1 (both checksums computed by hand and by script).
const VERIFIED_USCC = [
  '91512081MA62K0260E',
  '91310110666007217T',
  '91350100M000100Y43',
  '91110108351303601C',
];
const STANDARD_ID = '11010519491231002X'; // GB 11643's own sample
const TODAY = '2026-11-23';

describe('cleanCode', () => {
  it.each([
    ['91310110666007217T', '91310110666007217T'],
    ['  91310110666007217t ', '91310110666007217T'],
    ['９１３１０１１０６６６００７２１７Ｔ', '91310110666007217T'],
    ['9131\u200b0110\u200c6660\u200d0721\u2060 7T\ufeff', '91310110666007217T'],
    ['9131-0110-666007217-T', '91310110666007217T'],
    ['9131\u2014011\u20130\u2212666\u00ad007217T', '91310110666007217T'],
    ['9131\u30000110\u00a0666007217T', '91310110666007217T'],
    ['9131\t0110\n666007217T', '91310110666007217T'],
    ['９１３１０１１０－６６６００７２１７ｔ', '91310110666007217T'],
    ['110105 19491231 002x', '11010519491231002X'],
    ['12345678-9', '123456789'],
    ['', ''],
    ['9131O110#', '9131O110#'], // unknown characters stay so that validation can name them
  ])('%j → %j', (raw, clean) => {
    expect(cleanCode(raw)).toBe(clean);
  });

  it('returns the same string when nothing needs cleaning', () => {
    const code = '91310110666007217T';
    expect(cleanCode(code)).toBe(code);
  });
});

describe('check characters', () => {
  it.each(VERIFIED_USCC)('usccCheckChar and orgCodeCheckChar reproduce %s', (code) => {
    expect(usccCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
    expect(orgCodeCheckChar(code.slice(8, 16))).toBe(code.charAt(16));
  });

  it('orgCodeCheckChar maps 10 to X and 11 to 0 (GB 11714)', () => {
    expect(orgCodeCheckChar('66600721')).toBe('7'); // the worked example: sum 180
    // Bodies chosen so that 11 − (sum mod 11) is 10 and 11.
    const bodies = Array.from({ length: 2000 }, (_, i) => String(10_000_000 + i * 7919).slice(0, 8));
    const checks = new Set(bodies.map(orgCodeCheckChar));
    expect(checks.has('X')).toBe(true);
    expect(checks.has('0')).toBe(true);
    expect([...checks].every((c) => /^[0-9X]$/.test(c))).toBe(true);
  });

  it('residentIdCheckChar reproduces the standard sample', () => {
    expect(residentIdCheckChar(STANDARD_ID.slice(0, 17))).toBe('X');
  });

  it.each([
    [() => usccCheckChar('9131011066600721'), /17 characters/],
    [() => usccCheckChar('9131011066600721I'), /outside/],
    [() => orgCodeCheckChar('6660072'), /8 characters/],
    [() => orgCodeCheckChar('6660072*'), /0-9 and A-Z/],
    [() => residentIdCheckChar('1101051949123100A'), /digits/],
  ])('rejects malformed input with a RangeError (%#)', (call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});

describe('validateUSCC', () => {
  it.each(VERIFIED_USCC)('accepts the verified example %s', (code) => {
    expect(validateUSCC(code)).toEqual({
      valid: true,
      kind: 'uscc',
      normalized: code,
      failure: null,
      warnings: [],
    });
  });

  it.each([
    ['91310110666007217A', 'check-character', /'T'/],
    ['9131011066600721', 'length', /18 characters; this one has 16/],
    ['91310110666007217TT', 'length', /this one has 19/],
    ['', 'length', /has 0/],
    ['9131011066600721IT', 'charset', /'I' at position 17/],
    ['9131O110666007217T', 'charset', /'O' at position 5/],
    ['91310110666007217#', 'charset', /'#' at position 18/],
  ])('%s fails %s', (code, check, message) => {
    const result = validateUSCC(code);
    expect(result.valid).toBe(false);
    expect(result.failure?.check).toBe(check);
    expect(result.failure?.message).toMatch(message);
    expect(result.failure?.messageZh.length).toBeGreaterThan(0);
  });

  it('reports a failing embedded organization code separately from the outer check', () => {
    // Change the org-code check digit (position 17), then repair the outer check character.
    const first17 = '91310110666007218';
    const code = first17 + usccCheckChar(first17);
    const result = validateUSCC(code);
    expect(result.failure?.check).toBe('org-code-check');
    expect(result.failure?.message).toMatch(/'8' where '7' is expected/);
  });

  it('fails a code whose division holds a letter even when both checksums pass', () => {
    const body = '66600721';
    const first17 = '913101A0' + body + orgCodeCheckChar(body);
    const result = validateUSCC(first17 + usccCheckChar(first17));
    expect(result.failure?.check).toBe('division');
  });

  it('suggests, never applies, a look-alike correction', () => {
    const result = validateUSCC('9131O11O666OO7217T');
    expect(result.valid).toBe(false);
    expect(result.normalized).toBe('9131O11O666OO7217T');
    expect(result.failure?.suggestion).toBe('91310110666007217T');
    expect(validateUSCC('91310110666007217I').failure?.suggestion).toBeUndefined();
  });

  it('validates what real pages contain: full width, lower case, zero-width, spaces, dashes', () => {
    for (const raw of [
      '９１３１０１１０６６６００７２１７ｔ',
      ' 9131-0110-6660\u200b07217t ',
      '91310110 666007217T',
    ]) {
      expect(validateUSCC(raw)).toMatchObject({ valid: true, normalized: '91310110666007217T' });
    }
  });

  it('warns on an unknown authority or type but does not fail', () => {
    const make = (prefix: string): string => {
      const first17 = prefix + '310110666007217';
      return first17 + usccCheckChar(first17);
    };
    expect(validateUSCC(make('91')).warnings).toEqual([]);
    expect(validateUSCC(make('31')).warnings).toEqual([]); // law firm, in the standard
    expect(validateUSCC(make('Y7')).warnings).toEqual([]); // 'other' accepts any type
    expect(validateUSCC(make('B1'))).toMatchObject({
      valid: true,
      warnings: ['unknown-registration-authority'],
    });
    expect(validateUSCC(make('94'))).toMatchObject({ valid: true, warnings: ['unknown-organization-type'] });
  });

  it('takes the known authorities from the caller', () => {
    const first17 = '91310110666007217';
    const code = first17 + usccCheckChar(first17);
    const onlyCivilAffairs = { '5': DEFAULT_AUTHORITIES['5']! };
    expect(validateUSCC(code, { authorities: onlyCivilAffairs }).warnings).toEqual([
      'unknown-registration-authority',
    ]);
  });

  it('warns on a division that starts with 0 or 9', () => {
    const first17 = '91010110666007217';
    expect(validateUSCC(first17 + usccCheckChar(first17))).toMatchObject({
      valid: true,
      warnings: ['unusual-division'],
    });
  });

  it('never throws on odd input', () => {
    for (const raw of [undefined, null, 42, '\u{20000}'.repeat(18), '💩'.repeat(9)] as unknown as string[]) {
      expect(validateUSCC(raw).valid).toBe(false);
    }
  });
});

describe('validateOrgCode', () => {
  it.each([
    ['666007217', true, null],
    ['66600721-7', true, null],
    ['MA62K0260', true, null],
    ['666007218', false, 'check-character'],
    ['66600721', false, 'length'],
    ['6660072#7', false, 'charset'],
    ['66600721Y', false, 'charset'],
  ])('%s → valid %s (%s)', (code, valid, check) => {
    const result = validateOrgCode(code);
    expect(result.kind).toBe('org-code');
    expect(result.valid).toBe(valid);
    expect(result.failure?.check ?? null).toBe(check);
  });

  it('accepts letters outside the USCC charset (old codes may hold I, O, S, V, Z)', () => {
    const body = 'OSVZI123';
    expect(validateOrgCode(body + orgCodeCheckChar(body)).valid).toBe(true);
  });
});

describe('validateResidentId', () => {
  const ref = { referenceDate: TODAY };

  it('accepts the standard sample, with a lower-case x', () => {
    for (const raw of [STANDARD_ID, '11010519491231002x', '１１０１０５１９４９１２３１００２ｘ']) {
      expect(validateResidentId(raw, ref)).toEqual({
        valid: true,
        kind: 'resident-id',
        normalized: STANDARD_ID,
        failure: null,
        warnings: [],
      });
    }
  });

  it('converts a legacy 15-digit ID by inserting 19 and computing the check', () => {
    expect(validateResidentId('110105491231002', ref)).toEqual({
      valid: true,
      kind: 'resident-id',
      normalized: STANDARD_ID,
      failure: null,
      warnings: ['legacy-15-digit-id'],
    });
  });

  it.each([
    ['110105194912310021', 'check-character'],
    ['11010519491231002', 'length'],
    ['1101051949123100', 'length'],
    ['11010519491231002Y', 'charset'],
    ['1101051949123100X2', 'charset'],
    ['11010549123100A', 'charset'],
    ['010105194912310021', 'division'],
    ['110105194902300021', 'birth-date'], // 30 February
    ['110105190002290021', 'birth-date'], // 1900 was not a leap year
    ['110105202612010021', 'birth-date'], // after the reference date
    ['110105184912310021', 'birth-date'], // implausibly early
  ])('%s fails %s', (id, check) => {
    const result = validateResidentId(id, ref);
    expect(result.valid).toBe(false);
    expect(result.failure?.check).toBe(check);
  });

  it('accepts a leap day and a birth on the reference date', () => {
    for (const first17 of ['11010520000229002', '11010520261123002']) {
      expect(validateResidentId(first17 + residentIdCheckChar(first17), ref).valid).toBe(true);
    }
  });

  it('takes the reference date as a Date, too', () => {
    const first17 = '11010520261124002';
    const id = first17 + residentIdCheckChar(first17);
    expect(validateResidentId(id, { referenceDate: new Date(2026, 10, 23) }).failure?.check).toBe(
      'birth-date',
    );
    expect(validateResidentId(id, { referenceDate: new Date(2026, 10, 24) }).valid).toBe(true);
    expect(() => validateResidentId(id, { referenceDate: 'tomorrow' })).toThrow(RangeError);
  });

  it('never repeats the number in its messages', () => {
    const result = validateResidentId('110105194912310021', ref);
    expect(result.failure?.message).not.toContain('1101');
    expect(result.failure?.messageZh).not.toContain('1101');
  });

  it('warns on a division outside the known provinces', () => {
    const first17 = '99010519491231002';
    expect(validateResidentId(first17 + residentIdCheckChar(first17), ref)).toMatchObject({
      valid: true,
      warnings: ['unknown-province'],
    });
  });
});

describe('classifyCode', () => {
  const opts = { referenceDate: TODAY };
  // An all-digit 18-character string that passes both checks: classifyCode must pick one.
  const bothValid = (() => {
    for (let n = 0; n < 1_000_000; n++) {
      const first17 = '110105' + '19800101' + String(n).padStart(3, '0');
      const id = first17 + residentIdCheckChar(first17);
      if (id.length === 18 && validateUSCC(id).valid) return id;
    }
    return null;
  })();

  it.each([
    ['91310110666007217T', 'uscc'],
    ['91310110666007217A', 'uscc'], // bad check: still a USCC
    ['9131O110666007217T', 'uscc'], // look-alike letter: still a USCC, so validation can suggest
    ['91350100M000100Y43', 'uscc'],
    [STANDARD_ID, 'resident-id'],
    ['11010519491231002x', 'resident-id'],
    ['110105194912310021', 'resident-id'], // typo in an ID: plausible date and division
    ['110105491231002', 'resident-id'], // legacy
    ['110105991331002', null], // 15 digits with month 13: a registration number, not an ID
    ['666007217', 'org-code'],
    ['66600721-7', 'org-code'],
    ['000000000000000000', null], // all-digit, no plausible ID, no known USCC prefix
    ['123456789012345678', 'uscc'], // known authority 1, type 2: a mistyped USCC is the better guess
    ['ABCDEFGHIJKLMNOPQR', null], // letters in the division
    ['', null],
    ['9131011066600721', null],
  ])('%s → %s', (raw, kind) => {
    expect(classifyCode(raw, opts)).toBe(kind);
  });

  it('prefers resident-id when an all-digit string passes both checksums', () => {
    expect(bothValid).not.toBeNull();
    expect(classifyCode(bothValid as string, opts)).toBe('resident-id');
  });

  it('an all-digit valid USCC whose ID reading is implausible is a USCC', () => {
    for (let n = 0; n < 100_000; n++) {
      const first17 = '9111010' + String(n).padStart(10, '0');
      const body = first17.slice(8, 16);
      const withOrg = first17.slice(0, 16) + orgCodeCheckChar(body);
      const code = withOrg + usccCheckChar(withOrg);
      if (/^\d{18}$/.test(code)) {
        expect(classifyCode(code, opts)).toBe('uscc');
        return;
      }
    }
    throw new Error('no all-digit code found');
  });
});

describe('explain', () => {
  it.each([
    ['91512081MA62K0260E', '512081', 'MA62K0260', 'E', '0'],
    ['91310110666007217T', '310110', '666007217', 'T', '7'],
    ['91350100M000100Y43', '350100', 'M000100Y4', '3', '4'],
    ['91110108351303601C', '110108', '351303601', 'C', '1'],
  ])('takes %s apart', (code, division, orgCode, check, orgCheck) => {
    const e = explain(code);
    expect(e).toMatchObject({
      kind: 'uscc',
      normalized: code,
      failedChecks: [],
      registrationAuthority: { code: '9', nameZh: '工商（市场监管）', nameEn: 'market regulation' },
      organizationType: { code: '1', nameZh: '企业', nameEn: 'enterprise' },
      division,
      organizationCode: {
        code: orgCode,
        valid: true,
        checkCharacter: { expected: orgCheck, actual: orgCheck },
      },
      checkCharacter: { expected: check, actual: check, valid: true },
    });
  });

  it('names the expected and actual check characters of a failing code', () => {
    const e = explain('91310110666007217A');
    expect(e).toMatchObject({
      kind: 'uscc',
      failedChecks: ['check-character'],
      checkCharacter: { expected: 'T', actual: 'A', valid: false },
      organizationCode: { valid: true },
    });
  });

  it('lists both checks when both the USCC and the embedded org-code check fail', () => {
    const e = explain('91310110666007218A');
    expect(e.kind === 'uscc' && e.failedChecks).toEqual(['check-character', 'org-code-check']);
    expect(e).toMatchObject({
      organizationCode: { valid: false, checkCharacter: { expected: '7', actual: '8' } },
    });
  });

  it('keeps going on a charset failure, with no expected character where none can be computed', () => {
    const e = explain('9131O110666007217T');
    expect(e).toMatchObject({
      kind: 'uscc',
      failedChecks: ['charset', 'check-character', 'division'],
      checkCharacter: { expected: null, actual: 'T', valid: false },
      organizationCode: { valid: true },
    });
  });

  it('labels an unknown authority and type with null names', () => {
    const first17 = 'B4310110666007217';
    expect(explain(first17 + usccCheckChar(first17))).toMatchObject({
      registrationAuthority: { code: 'B', nameZh: null, nameEn: null },
      organizationType: { code: '4', nameZh: null, nameEn: null },
    });
    expect(explain('12100000400000624D')).toMatchObject({
      registrationAuthority: { nameEn: 'establishment office' },
      organizationType: { nameZh: '事业单位' },
    });
  });

  it('takes a resident ID apart', () => {
    expect(explain(STANDARD_ID, { referenceDate: TODAY })).toMatchObject({
      kind: 'resident-id',
      legacy: false,
      division: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
      checkCharacter: { expected: 'X', actual: 'X', valid: true },
      failedChecks: [],
    });
    expect(explain('110105491231001', { referenceDate: TODAY })).toMatchObject({
      kind: 'resident-id',
      legacy: true,
      sex: 'male',
      birthDate: '1949-12-31',
    });
    expect(explain('110105194912310021', { referenceDate: TODAY })).toMatchObject({
      failedChecks: ['check-character'],
      checkCharacter: { expected: 'X', actual: '1', valid: false },
    });
  });

  it('takes an organization code apart', () => {
    expect(explain('66600721-8')).toMatchObject({
      kind: 'org-code',
      body: '66600721',
      failedChecks: ['check-character'],
      checkCharacter: { expected: '7', actual: '8', valid: false },
    });
  });

  it('says unknown for anything else', () => {
    expect(explain('hello')).toEqual({ kind: 'unknown', normalized: 'HELLO' });
  });
});

describe('findCodesInText', () => {
  const ref = { referenceDate: TODAY };

  it('finds a code inside a Chinese sentence, full width and zero-width included', () => {
    const text = '中标人：北京某某有限公司（统一社会信用代码：９１\u200b110108MA0U94MT1P）';
    const found = findCodesInText(text, ref);
    expect(found).toHaveLength(1);
    const [hit] = found;
    expect(hit?.raw).toBe('９１\u200b110108MA0U94MT1P');
    expect(text.slice(hit?.start, hit?.end)).toBe(hit?.raw);
    expect(hit?.check).toMatchObject({ valid: true, kind: 'uscc', normalized: '91110108MA0U94MT1P' });
  });

  it('finds several codes and IDs, invalid ones included', () => {
    const text = `供应商A 91310110666007217T，供应商B 91310110666007217A；自然人 ${STANDARD_ID}、${'11010519491231002x'}。`;
    const found = findCodesInText(text, ref);
    expect(found.map((f) => [f.check.kind, f.check.valid])).toEqual([
      ['uscc', true],
      ['uscc', false],
      ['resident-id', true],
      ['resident-id', true],
    ]);
  });

  it('does not match inside longer alphanumeric runs', () => {
    for (const text of [
      'ref X91310110666007217T',
      'ref 91310110666007217TX',
      'hash 891310110666007217T00',
      'https://example.test/91310110666007217T0',
      `${STANDARD_ID}0`,
    ]) {
      expect(findCodesInText(text, ref)).toEqual([]);
    }
  });

  it('is bounded by Chinese characters and punctuation, not by spaces inside the code', () => {
    expect(findCodesInText('代码91310110666007217T号', ref)).toHaveLength(1);
    expect(findCodesInText('代码：9131 0110 6660 0721 7T', ref)).toEqual([]);
  });

  it('ignores texts without 18-character runs and ID-shaped numbers that are neither', () => {
    expect(findCodesInText('', ref)).toEqual([]);
    expect(findCodesInText('电话 010-12345678，金额 1234567.89 元', ref)).toEqual([]);
    expect(findCodesInText('订单号 000000000000000000', ref)).toEqual([]);
  });
});
