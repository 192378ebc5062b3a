import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateResidentId,
  generateUSCC,
  cleanCode as sdkCleanCode,
  USCC_CHARSET,
  validateResidentId,
  validateUSCC,
} from '../src/identifiers/index.ts';

const source = readFileSync(new URL('../web/credcheck-check.js', import.meta.url), 'utf8');

interface WebCodes {
  cleanCode(raw: string): string;
  codeKind(code: string): 'uscc' | 'id' | null;
  STATUS: Record<string, { zh: string; en: string }>;
  OUTCOME: Record<string, { zh: string; en: string }>;
}

/** The script run the way a browser without a DOM would: it only exports its pure parts. */
function loadScript(): WebCodes {
  const mod = { exports: {} as WebCodes };
  runInNewContext(source, { module: mod });
  return mod.exports;
}

const web = loadScript();
const failedOn = (code: string) => validateUSCC(code).failure?.check;

describe('credcheck-check.js: the standalone copy of the code checks', () => {
  it('accepts every generated USCC and resident ID, as the sdk does', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        let s = seed >>> 0;
        const rand = () => {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          return s / 4294967296;
        };
        const uscc = generateUSCC(rand);
        const id = generateResidentId(rand);
        expect(web.codeKind(uscc)).toBe('uscc');
        expect(validateResidentId(id).valid).toBe(true);
        expect(web.codeKind(id)).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('rejects exactly the codes whose USCC check character fails in the sdk', () => {
    const codeChar = fc.constantFrom(...USCC_CHARSET.split(''));
    fc.assert(
      fc.property(fc.array(codeChar, { minLength: 18, maxLength: 18 }), (chars) => {
        const code = chars.join('');
        const sdkCheckFails = failedOn(code) === 'check-character';
        const residentIdValid = validateResidentId(code).valid;
        // The script cannot call an ID's date impossible; it only answers for check characters.
        if (web.codeKind(code) === null) expect(sdkCheckFails && !residentIdValid).toBe(true);
        if (sdkCheckFails && !/^\d{17}[\dX]$/.test(code)) expect(web.codeKind(code)).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('catches every single-character substitution of a valid code', () => {
    const code = '91371312MAJ8QY3F5N';
    expect(web.codeKind(code)).toBe('uscc');
    for (let i = 0; i < 18; i++) {
      for (const c of USCC_CHARSET) {
        if (c === code[i]) continue;
        const typo = code.slice(0, i) + c + code.slice(i + 1);
        expect(web.codeKind(typo), typo).toBeNull();
      }
    }
  });

  it('cleans typed input as the sdk does: full width, lower case, spaces and dashes', () => {
    for (const raw of [
      '９１３７１３１２ＭＡＪ８ＱＹ３Ｆ５Ｎ',
      ' 91371312-maj8-qy3f5n ',
      '9137\u3000 1312MAJ8QY3F5N',
    ]) {
      expect(web.cleanCode(raw)).toBe(sdkCleanCode(raw));
      expect(web.codeKind(web.cleanCode(raw))).toBe('uscc');
    }
  });

  it('uses the statuses and outcomes of the conventions, in Chinese and English', () => {
    for (const s of ['black', 'suspended', 'red', 'expired', 'clean', 'invalid', 'unavailable']) {
      expect(web.STATUS[s]?.zh).toBeTruthy();
    }
    expect(web.STATUS.unavailable).toMatchObject({ zh: '查询不可用', en: 'check unavailable' });
    expect(Object.keys(web.OUTCOME)).toEqual(['block', 'review', 'favour', 'clear']);
  });

  it('stays ES5 so that a browser without custom elements can still parse it and show the fallback', () => {
    // Strings and comments aside, no syntax newer than ES5.
    const code = source
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
    for (const modern of [
      /=>/,
      /\blet\s/,
      /\bconst\s/,
      /\bclass\s/,
      /`/,
      /\?\./,
      /\.\.\./,
      /,\s*\)/,
      /\basync\b/,
    ]) {
      expect(code, String(modern)).not.toMatch(modern);
    }
    expect(source).not.toMatch(/innerHTML/);
  });
});
