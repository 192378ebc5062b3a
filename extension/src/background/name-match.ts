/**
 * Finds a listed organization's name inside a run of page text. The scanner hands over text that
 * ends in a company-form or branch suffix but may start with other words (第一中标候选人鄂州…有限公司),
 * so every start offset is tried and the longest listed name wins; a branch whose own name is not
 * listed but whose parent is becomes `related`. Offsets are in the original text.
 */
import { normalizeName, splitName } from '@credcheck/sdk/names';
import type { PrefixSnapshot, SnapshotStatus } from '@credcheck/sdk/snapshot';

export interface NameMatch {
  start: number;
  end: number;
  /** The normalized name that matched (a branch: its own name). */
  name: string;
  /** For a branch matched through its parent: the parent's normalized name. */
  parent?: string;
  /** The snapshot's class for the name, or for the parent when `parent` is set. */
  status: SnapshotStatus;
}

/** Names shorter than this (after normalization) are too generic to look up (e.g. 公司). */
const MIN_NAME = 4;
/** No organization name is longer: a run's earlier words are not tried beyond it. */
const MAX_NAME = 100;

/**
 * The normalized text with, for each of its code units, where the character that produced it
 * starts and ends in the original. Null when normalizing character by character differs from
 * normalizing the whole (combining marks and other compositions: rare enough for the slow path).
 */
function normalizeWithOffsets(text: string): { norm: string; from: number[]; to: number[] } | null {
  let norm = '';
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    const folded = normalizeName(text.slice(i, i + width));
    for (let k = 0; k < folded.length; k++) {
      from.push(i);
      to.push(i + width);
    }
    norm += folded;
    i += width;
  }
  return norm === normalizeName(text) ? { norm, from, to } : null;
}

/** Lengths at which a candidate may end: all of it, and before closing brackets around it. */
function endsOf(norm: string): number[] {
  let inner = norm.length;
  // （投标人：某某有限公司）: the bracket closes the sentence, not the name; 某某事务所(普通合伙) keeps its own.
  while (inner > 0 && norm.charCodeAt(inner - 1) === 41) inner--;
  return inner < norm.length ? [norm.length, inner] : [norm.length];
}

export function findListedName(text: string, snapshot: PrefixSnapshot): NameMatch | null {
  const mapped = normalizeWithOffsets(text);
  if (!mapped) return findSlowly(text, snapshot);
  const { norm, from, to } = mapped;
  const ends = endsOf(norm);
  let related: NameMatch | null = null;
  for (let k = Math.max(0, norm.length - MAX_NAME); k <= norm.length - MIN_NAME; k++) {
    // One original character can yield two units (a simplified character outside the BMP).
    if (k > 0 && from[k] === from[k - 1]) continue;
    for (const end of ends) {
      if (end - k < MIN_NAME) continue;
      const name = norm.slice(k, end);
      const own = snapshot.lookupName(name);
      const at = { start: from[k]!, end: to[end - 1]!, name };
      // The first start that hits is the longest name: a later one is a suffix of it.
      if (own !== undefined) return { ...at, status: own };
      if (related === null) related = relatedMatch(name, snapshot, at);
    }
  }
  return related;
}

function relatedMatch(
  name: string,
  snapshot: PrefixSnapshot,
  at: { start: number; end: number; name: string },
): NameMatch | null {
  const branch = splitName(name).branch;
  if (!branch || branch.parent.length < MIN_NAME) return null;
  const status = snapshot.lookupName(branch.parent);
  return status === undefined ? null : { ...at, parent: branch.parent, status };
}

/** End of the original text before trailing characters that normalize away (or to `)`). */
function trimmedEnd(text: string, brackets: boolean): number {
  let end = text.length;
  while (end > 0) {
    const width = end >= 2 && /[\udc00-\udfff]/.test(text[end - 1]!) ? 2 : 1;
    const folded = normalizeName(text.slice(end - width, end));
    if (folded !== '' && !(brackets && folded === ')')) break;
    end -= width;
  }
  return end;
}

/** Every start of the original text normalized on its own: exact whatever normalization does. */
function findSlowly(text: string, snapshot: PrefixSnapshot): NameMatch | null {
  const whole = trimmedEnd(text, false);
  const inner = trimmedEnd(text.slice(0, whole), true);
  const ends = inner < whole ? [whole, inner] : [whole];
  let related: NameMatch | null = null;
  for (let start = 0; start < whole; start++) {
    const unit = text.charCodeAt(start);
    if (unit >= 0xdc00 && unit <= 0xdfff) continue;
    if (normalizeName(text.slice(start, start + 1)) === '') continue;
    for (const end of ends) {
      const name = normalizeName(text.slice(start, end));
      if (name.length < MIN_NAME || name.length > MAX_NAME) continue;
      const own = snapshot.lookupName(name);
      if (own !== undefined) return { start, end, name, status: own };
      if (related === null) related = relatedMatch(name, snapshot, { start, end, name });
    }
  }
  return related;
}
