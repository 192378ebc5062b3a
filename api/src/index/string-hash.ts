/**
 * 32-bit FNV-1a over UTF-16 code units with a final avalanche, so that keys that differ only at
 * the end (names sharing a long region prefix) still spread over an open-addressing table.
 */
export function hashRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return finish(h);
}

export function hashString(s: string): number {
  return hashRange(s, 0, s.length);
}

/** The hash `s` would have with the code unit at `skip` removed, without building that string. */
export function hashWithout(s: string, skip: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    if (i === skip) continue;
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return finish(h);
}

function finish(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** True when s[start, end) equals t. */
export function rangeEquals(s: string, start: number, end: number, t: string): boolean {
  if (end - start !== t.length) return false;
  for (let i = 0; i < t.length; i++) if (s.charCodeAt(start + i) !== t.charCodeAt(i)) return false;
  return true;
}
