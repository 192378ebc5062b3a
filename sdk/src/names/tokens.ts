/**
 * Character bigrams of a normalized name, in order and with repeats, for a fuzzy index (Dice or
 * Jaccard over bigrams works well for Chinese names, which have no word boundaries). Counts code
 * points, so a rare character outside the BMP is one character. A one-character name yields itself.
 */
export function nameTokens(normalized: string): string[] {
  const chars = Array.from(normalized);
  if (chars.length < 2) return chars;
  const tokens: string[] = new Array(chars.length - 1);
  for (let i = 0; i < chars.length - 1; i++) tokens[i] = (chars[i] as string) + (chars[i + 1] as string);
  return tokens;
}
