/** Spaces and zero-width characters that pages put inside numbers; they carry nothing worth keeping. */
const FILLER = /[\s\u00ad\u200b-\u200d\u2060\ufeff]/g;

function stars(count: number): string {
  return '*'.repeat(Math.max(0, count));
}

/** Keeps `head` and `tail` characters; short values are fully hidden rather than half shown. */
function keepEnds(value: string, head: number, tail: number): string {
  if (value.length <= head + tail) return stars(value.length);
  return value.slice(0, head) + stars(value.length - head - tail) + value.slice(value.length - tail);
}

/**
 * Public display of a resident ID (badge, extension): first 1 + 16 '*' + last 1. Every output
 * character is either '*' or the input's own character at that place, so masking a masked value
 * changes nothing and never reveals more.
 */
export function maskIdPublic(id: string): string {
  const v = String(id ?? '')
    .replace(FILLER, '')
    .toUpperCase();
  return keepEnds(v, 1, 1);
}

/**
 * Authorised staff view: first 6 (division) + 8 '*' + last 4. A legacy 15-digit number keeps its
 * division and last 3 (its birth date sits in positions 7–12); other lengths fall back to the
 * public rule, so a malformed value never shows more than a well-formed one.
 */
export function maskIdStaff(id: string): string {
  const v = String(id ?? '')
    .replace(FILLER, '')
    .toUpperCase();
  if (v.length === 18) return keepEnds(v, 6, 4);
  if (v.length === 15) return keepEnds(v, 6, 3);
  return keepEnds(v, 1, 1);
}
