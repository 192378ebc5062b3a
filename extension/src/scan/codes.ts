/** Codes and ID numbers in a run of text, classified for the badge and the check request. */
import { findCodesInText } from '@credcheck/sdk/identifiers';
import { maskIdPublic } from '@credcheck/sdk/mask';

export interface CodeHit {
  start: number;
  end: number;
  match: 'code' | 'id';
  valid: boolean;
  /** The cleaned code or ID number: sent to the background (when valid), never shown for an ID. */
  key: string;
  /** What the badge's data-code shows: the code, or the publicly masked ID number. */
  display: string;
}

/** Runs shorter than a code cannot hold one: most table cells are skipped without a search. */
const MIN_LENGTH = 18;

export function findCodeHits(text: string): CodeHit[] {
  if (text.length < MIN_LENGTH) return [];
  return findCodesInText(text).map((f) => {
    const match = f.check.kind === 'resident-id' ? 'id' : 'code';
    const key = f.check.normalized;
    return {
      start: f.start,
      end: f.end,
      match,
      valid: f.check.valid,
      key,
      display: match === 'id' ? maskIdPublic(key) : key,
    };
  });
}
