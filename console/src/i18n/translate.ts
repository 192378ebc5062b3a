import { en } from './en.ts';
import { type MessageKey, zh } from './zh.ts';

export type Lang = 'zh' | 'en';
export type { MessageKey };

export const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { zh, en };

/** `{name}` placeholders filled from vars; a missing var stays visible rather than vanishing. */
export function format(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  return format(DICTIONARIES[lang][key], vars);
}

const STORAGE_KEY = 'credcheck.console.lang';

export function initialLang(storage: Pick<Storage, 'getItem'> | null): Lang {
  try {
    return storage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function saveLang(storage: Pick<Storage, 'setItem'> | null, lang: Lang): void {
  try {
    storage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}
