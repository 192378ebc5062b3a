/**
 * A natural person's name for display: 2 characters keep the surname (张*), 3 or more keep the
 * first and the last (张*明, 欧**峰); a single character is hidden. Compound surnames follow the
 * same rule (欧阳娜娜 → 欧**娜). Counts code points, so rare characters outside the BMP stay whole.
 */
export function maskPersonName(name: string): string {
  const chars = Array.from(String(name ?? '').trim());
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return chars[0] + '*';
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}
