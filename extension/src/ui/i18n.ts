/**
 * Interface text in the language the user chose in the settings. `browser.i18n.getMessage` follows
 * the browser's language only, so both locales' messages are bundled from the same files the
 * manifest uses and picked per `settings.locale` (Chinese by default).
 */

import en from '../../public/_locales/en/messages.json';
import zhCN from '../../public/_locales/zh_CN/messages.json';
import type { UiLocale } from '../settings/settings.ts';

interface LocaleEntry {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

export type MessageKey = keyof typeof zhCN;
export type Translate = (key: MessageKey, ...substitutions: (string | number)[]) => string;

export const DEFAULT_LOCALE: UiLocale = 'zh_CN';

const CATALOGS: Record<UiLocale, Record<string, LocaleEntry>> = { zh_CN: zhCN, en };

/**
 * Chrome's messages.json format: `$NAME$` names a placeholder whose content may be `$1`…`$9`
 * (the substitutions), and `$$` is a literal dollar sign.
 */
export function formatMessage(entry: LocaleEntry, substitutions: readonly (string | number)[]): string {
  const subst = (text: string) =>
    text.replace(/\$(\d)/g, (_, n: string) => String(substitutions[Number(n) - 1] ?? ''));
  const named = entry.placeholders ?? {};
  const lowerNamed = new Map(Object.entries(named).map(([k, v]) => [k.toLowerCase(), v.content]));
  return entry.message.replace(/\$\$|\$([A-Za-z0-9_@]+)\$/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    const content = lowerNamed.get(name!.toLowerCase());
    return content === undefined ? whole : subst(content);
  });
}

export function localeOf(value: unknown): UiLocale {
  return value === 'en' || value === 'zh_CN' ? value : DEFAULT_LOCALE;
}

export function translator(locale: UiLocale): Translate {
  const catalog = CATALOGS[locale];
  const fallback = CATALOGS[DEFAULT_LOCALE];
  return (key, ...substitutions) => {
    const entry = catalog[key] ?? fallback[key];
    return entry ? formatMessage(entry, substitutions) : key;
  };
}

/** The BCP 47 tag for `lang` attributes and Intl formatting. */
export function languageTag(locale: UiLocale): string {
  return locale === 'en' ? 'en' : 'zh-CN';
}

export function localeCatalog(locale: UiLocale): Readonly<Record<string, LocaleEntry>> {
  return CATALOGS[locale];
}
