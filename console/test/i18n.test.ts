import { describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en.ts';
import { format, initialLang, translate } from '../src/i18n/translate.ts';
import { zh } from '../src/i18n/zh.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it('fill the same placeholders in both languages, and no message is empty', () => {
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(zh[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  it('keep Chinese in the Chinese dictionary (no English left untranslated in the default)', () => {
    const untranslated = Object.entries(zh).filter(
      ([k, v]) => v === en[k as keyof typeof en] && /[a-z]{4,}/i.test(v) && !/CredCheck|API|CSV/.test(v),
    );
    expect(untranslated).toEqual([]);
  });
});

describe('translate', () => {
  it('is Chinese by default and English when chosen', () => {
    expect(initialLang(null)).toBe('zh');
    expect(initialLang({ getItem: () => 'en' })).toBe('en');
    expect(initialLang({ getItem: () => 'fr' })).toBe('zh');
    expect(translate('zh', 'nav.signIn')).toBe('登录');
    expect(translate('en', 'nav.signIn')).toBe('Sign in');
  });

  it('fills placeholders and leaves a missing one visible', () => {
    expect(translate('en', 'deadline.left', { days: 3 })).toBe('3 working days left');
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
