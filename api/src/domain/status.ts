import type { Entry, EntryStatus, SubjectStatus } from './model.ts';

/** The status of an entry at a date: `expired` follows from validity, the rest is recorded. */
export function entryStatusAt(
  entry: Pick<Entry, 'status' | 'decidedOn' | 'validUntil'>,
  today: string,
): EntryStatus {
  if (entry.status !== 'active' && entry.status !== 'suspended') return entry.status;
  if (entry.validUntil !== null && entry.validUntil < today) return 'expired';
  return entry.status;
}

/** An entry not yet decided (future decidedOn) is not in force. */
export function isInForce(entry: Pick<Entry, 'decidedOn'>, today: string): boolean {
  return entry.decidedOn <= today;
}

/** Precedence black > suspended > red > expired > clean (CONVENTIONS.md). */
export function subjectStatusAt(
  entries: ReadonlyArray<Pick<Entry, 'kind' | 'status' | 'decidedOn' | 'validUntil'>>,
  today: string,
): SubjectStatus {
  if (entries.length === 0) return 'clean';
  let black = false;
  let suspended = false;
  let red = false;
  for (const e of entries) {
    if (!isInForce(e, today)) continue;
    const s = entryStatusAt(e, today);
    if (e.kind === 'black') {
      if (s === 'active') black = true;
      else if (s === 'suspended') suspended = true;
    } else if (s === 'active') red = true;
  }
  if (black) return 'black';
  if (suspended) return 'suspended';
  if (red) return 'red';
  return 'expired';
}
