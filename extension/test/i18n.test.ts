// @vitest-environment node
// The two locale files are the manifest's and the pages' text: they must say the same things.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatMessage, localeCatalog, localeOf, translator } from '../src/ui/i18n.ts';

const read = (locale: string) =>
  JSON.parse(
    readFileSync(new URL(`../public/_locales/${locale}/messages.json`, import.meta.url), 'utf8'),
  ) as Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

const placeholdersUsed = (message: string) =>
  [...message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1]!.toLowerCase()).sort();

describe('i18n', () => {
  const zh = read('zh_CN');
  const en = read('en');

  it('has the same keys and placeholders in both locales', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh)) {
      const z = zh[key]!;
      const e = en[key]!;
      expect(Object.keys(e.placeholders ?? {}).sort(), key).toEqual(Object.keys(z.placeholders ?? {}).sort());
      for (const entry of [z, e]) {
        expect(entry.message.trim(), key).not.toBe('');
        // Every $NAME$ in a message is declared, and every declared one is used.
        expect(placeholdersUsed(entry.message), key).toEqual(Object.keys(entry.placeholders ?? {}).sort());
        for (const p of Object.values(entry.placeholders ?? {})) expect(p.content).toMatch(/^\$[1-9]$/);
      }
    }
  });

  it('defines the names the manifest uses, within the browsers’ limits', () => {
    for (const catalog of [zh, en]) {
      expect(catalog.extName!.message.length).toBeLessThanOrEqual(75);
      expect(catalog.extDescription!.message.length).toBeLessThanOrEqual(132);
    }
  });

  it('bundles the same files the manifest uses', () => {
    expect(localeCatalog('zh_CN')).toEqual(zh);
    expect(localeCatalog('en')).toEqual(en);
  });

  it('picks the language from the settings, Chinese by default', () => {
    expect(translator('zh_CN')('popupSyncNow')).toBe('立即同步');
    expect(translator('en')('popupSyncNow')).toBe('Sync now');
    expect(localeOf(undefined)).toBe('zh_CN');
    expect(localeOf('fr')).toBe('zh_CN');
    expect(localeOf('en')).toBe('en');
  });

  it('fills placeholders as Chrome does', () => {
    expect(translator('zh_CN')('popupOffline', '2026/12/03 08:15')).toBe(
      '离线：使用 2026/12/03 08:15 的本地数据',
    );
    expect(translator('en')('popupOffline', '03/12/2026')).toBe(
      'Offline: using the local copy from 03/12/2026',
    );
    expect(translator('en')('optApiKeySaved', 'x9Q2')).toBe('Saved ••••x9Q2');
    const entry = {
      message: 'Cost $$5 for $WHO$ ($Who$), $UNKNOWN$',
      placeholders: { who: { content: '$1' } },
    };
    expect(formatMessage(entry, ['$2 Alice'])).toBe('Cost $5 for $2 Alice ($2 Alice), $UNKNOWN$');
  });
});
