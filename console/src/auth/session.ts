const KEY = 'credcheck.console.key';

/**
 * The API key lives in sessionStorage: gone when the tab closes, never in localStorage or a cookie,
 * never sent anywhere but this origin's /v1.
 */
export function loadKey(storage: Pick<Storage, 'getItem'> | null): string | null {
  try {
    const v = storage?.getItem(KEY);
    return v ? v : null;
  } catch {
    return null;
  }
}

export function saveKey(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, key: string | null): void {
  try {
    if (key) storage?.setItem(KEY, key);
    else storage?.removeItem(KEY);
  } catch {
    // Storage disabled: the key lasts until reload.
  }
}
