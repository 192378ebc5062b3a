import { validateResidentId, validateUSCC } from '@credcheck/sdk/identifiers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryIdOf, fingerprintOf, subjectIdOf } from '../src/store/ids.ts';
import { copyField, copyLine } from '../src/store/pg-copy.ts';
import { orgRecord, personRecord, usccFor } from './helpers/records.ts';

describe('store ids', () => {
  it('are prefixed, 20 hex characters, and pinned: stored ids must never change meaning', () => {
    // sha256('18:91310110666007217T') and sha256('18:91310110666007217T25:dishonest-judgment-debtor2:法院9:（2024）执1号')
    expect(subjectIdOf('91310110666007217T')).toBe('sub_5da179102b78edcef144');
    expect(entryIdOf('91310110666007217T', 'dishonest-judgment-debtor', '法院', '（2024）执1号')).toBe(
      'ent_bfbb63bd9008f0fb1e31',
    );
  });

  it('keep the parts of a natural key apart', () => {
    expect(entryIdOf('k', 'a b', 'c', 'd')).not.toBe(entryIdOf('k', 'a', 'b c', 'd'));
    expect(entryIdOf('k', '1:a', 'b', 'c')).not.toBe(entryIdOf('k', '', 'a1:b', 'c'));
    fc.assert(
      fc.property(
        fc.array(fc.string(), { minLength: 4, maxLength: 4 }),
        fc.array(fc.string(), { minLength: 4, maxLength: 4 }),
        (a, b) => {
          const same = a.every((x, i) => x === b[i]);
          const [a0, a1, a2, a3] = a as [string, string, string, string];
          const [b0, b1, b2, b3] = b as [string, string, string, string];
          expect(entryIdOf(a0, a1, a2, a3) === entryIdOf(b0, b1, b2, b3)).toBe(same);
          expect(entryIdOf(a0, a1, a2, a3)).toMatch(/^ent_[0-9a-f]{20}$/);
        },
      ),
    );
  });

  it('fingerprints tell null from the string "null" and from an empty string', () => {
    expect(fingerprintOf([null])).not.toBe(fingerprintOf(['null']));
    expect(fingerprintOf([null])).not.toBe(fingerprintOf(['']));
    expect(fingerprintOf(['a', 'b'])).not.toBe(fingerprintOf(['ab', '']));
  });
});

describe('COPY text encoding', () => {
  it('escapes what COPY would misread and writes NULL as \\N', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(42)).toBe('42');
    expect(copyField('plain 中文')).toBe('plain 中文');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('\\N')).toBe('\\\\N');
    expect(copyLine(['x', null, 3])).toBe('x\t\\N\t3\n');
  });
});

describe('test record builder', () => {
  it('makes valid USCCs and resident IDs', () => {
    for (const n of [0, 1, 7, 666007, 12_345_678, 99_999_999]) {
      const code = usccFor(n);
      expect(validateUSCC(code).valid, code).toBe(true);
      expect(orgRecord(n).subject.key).toBe(code);
    }
    expect(new Set([0, 1, 2, 3, 100_000].map(usccFor)).size).toBe(5);
    const person = personRecord(17);
    expect(person.subject.key).toMatch(/^p:[0-9a-f]{40}$/);
    expect(person.subject.idMasked).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
  });

  it('the person builder hashes distinct, valid resident IDs', () => {
    // The builder masks the ID; rebuild the clear value the same way to check its checksum.
    const first17 = '110105196701010000'.slice(0, 17);
    const masked = personRecord(17).subject.idMasked!;
    expect(masked.slice(0, 6)).toBe(first17.slice(0, 6));
    expect(validateResidentId(first17 + masked.slice(-1)).valid).toBe(true);
    const keys = new Set(Array.from({ length: 5000 }, (_, i) => personRecord(i * 7).subject.key));
    expect(keys.size).toBe(5000);
  });
});
