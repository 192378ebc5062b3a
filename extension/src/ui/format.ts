/** Dates and secrets as the popup and the options page show them. */
/**
 * An ISO instant as `YYYY-MM-DD HH:mm` in the user's time zone, the same in both languages (a
 * numeric date in English would be read differently in different countries); a bare date stays.
 */
export function formatTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The last four characters of a key: enough to tell keys apart, never enough to use one. */
export function keyTail(key: string): string {
  return key.length <= 4 ? '' : key.slice(-4);
}
