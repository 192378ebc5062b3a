/**
 * The effective settings: `browser.storage.local` key `settings` merged with the administrator's
 * managed storage, which wins (src/settings/settings.ts).
 */
import { browser } from 'wxt/browser';
import { type EffectiveSettings, mergeSettings } from '../settings/settings.ts';

export const SETTINGS_KEY = 'settings';

/**
 * Managed storage without a policy: Chrome answers {}, Firefox rejects, and some builds have no
 * `storage.managed` at all; every case means "no policy".
 */
async function readManaged(): Promise<unknown> {
  try {
    const managed = browser.storage.managed;
    if (!managed) return undefined;
    const all = await managed.get(null);
    if (!all || typeof all !== 'object' || Object.keys(all).length === 0) return undefined;
    // A policy may nest the fields under `settings` (as local storage does) or give them flat.
    const nested = (all as Record<string, unknown>)[SETTINGS_KEY];
    return nested && typeof nested === 'object' ? nested : all;
  } catch {
    return undefined;
  }
}

export async function loadSettings(): Promise<EffectiveSettings> {
  const [local, managed] = await Promise.all([
    browser.storage.local.get(SETTINGS_KEY).then((r) => r[SETTINGS_KEY]),
    readManaged(),
  ]);
  return mergeSettings(local, managed);
}

/** Calls `changed` when local settings or the policy change. Returns the unsubscribe function. */
export function watchSettings(changed: () => void): () => void {
  const listener = (changes: Record<string, unknown>, area: string) => {
    if (area === 'managed' || (area === 'local' && SETTINGS_KEY in changes)) changed();
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}
