import {
  type Deadline,
  isOverdue,
  publicationDeadline,
  workingDayDeadline,
  workingDaysLeft,
} from './deadlines.ts';
import type { PublicationPolicy, RepairRule } from './due-process-rules.ts';
import type { Entry, ListKind } from './model.ts';
import { addPeriod } from './periods.ts';
import { entryStatusAt } from './status.ts';
import type { WorkingCalendar } from './working-days.ts';

/**
 * The rules of the due process as pure functions: when a listing must be published, when an
 * objection is due, whether and from when an entry may be repaired, and which changes an entry's
 * state allows. The service applies them; the store only writes what they allow.
 */

export interface PublicationCheck {
  workingDays: number;
  /** The last day the listing is published in time. */
  due: string;
  late: boolean;
  /** The due date crosses a year whose holiday arrangement is not loaded (counted Monday to Friday). */
  estimated: boolean;
}

/** Publication `publishedOn` of a listing decided on `decidedOn`, judged by the rule. */
export function checkPublication(
  calendar: WorkingCalendar,
  rule: PublicationPolicy,
  decidedOn: string,
  publishedOn: string,
): PublicationCheck {
  const d = publicationDeadline(calendar, decidedOn, rule);
  return { workingDays: d.workingDays, due: d.due, late: publishedOn > d.due, estimated: d.estimated };
}

export interface DeadlineView {
  workingDays: number;
  due: string;
  estimated: boolean;
  overdue: boolean;
  /** Working days after today up to the due date; negative once overdue. */
  workingDaysLeft: number;
}

/** The verification deadline of an objection accepted on `acceptedOn`, as of `today`. */
export function objectionDeadlineView(
  calendar: WorkingCalendar,
  acceptedOn: string,
  workingDays: number,
  today: string,
  open: boolean,
): DeadlineView {
  const d: Deadline = workingDayDeadline(calendar, acceptedOn, workingDays);
  return {
    workingDays,
    due: d.due,
    estimated: d.estimated,
    overdue: open && isOverdue(d, today),
    workingDaysLeft: workingDaysLeft(calendar, d, today),
  };
}

export type RepairRefusal =
  | { reason: 'red-list' }
  | { reason: 'not-repairable'; note: string }
  | { reason: 'correction-required'; note: string }
  | { reason: 'correction-in-future'; correctedOn: string }
  | { reason: 'too-early'; earliestOn: string; from: 'publication' | 'correction'; note: string };

export type RepairCheck = { ok: true; earliestOn: string } | ({ ok: false } & RepairRefusal);

/**
 * Whether a repair may be requested today for an entry of this kind under this rule. The period
 * runs from the publication (the decision when the entry has no publication date) or from the
 * correction; a rule that needs the correction also needs its date, not later than today.
 */
export function checkRepair(
  rule: RepairRule,
  kind: ListKind,
  entry: Pick<Entry, 'decidedOn' | 'publishedOn'>,
  correctedOn: string | null,
  today: string,
): RepairCheck {
  if (kind === 'red') return { ok: false, reason: 'red-list' };
  if (!rule.repairable) return { ok: false, reason: 'not-repairable', note: rule.note };
  if (rule.requiresCorrection && correctedOn === null) {
    return { ok: false, reason: 'correction-required', note: rule.note };
  }
  if (correctedOn !== null && correctedOn > today) {
    return { ok: false, reason: 'correction-in-future', correctedOn };
  }
  const listedOn = entry.publishedOn ?? entry.decidedOn;
  const start = rule.from === 'correction' ? correctedOn! : listedOn;
  let earliestOn = addPeriod(start, rule.minimumPeriod);
  // Corrected after the period from publication ran out: the correction itself is the earliest day.
  if (rule.requiresCorrection && correctedOn !== null && correctedOn > earliestOn) earliestOn = correctedOn;
  if (today < earliestOn) {
    return { ok: false, reason: 'too-early', earliestOn, from: rule.from, note: rule.note };
  }
  return { ok: true, earliestOn };
}

/** Why an entry cannot take a change of the due process today; null when it can. */
export type EntryBlock =
  | 'revoked'
  | 'repaired'
  | 'expired'
  | 'suspended'
  | 'not-yet-decided'
  | 'objection-pending'
  | 'repair-pending';

/**
 * An objection suspends an entry that applies today; a repair ends one; both need it active.
 * Revocation and correction are the designator's and work on an active or expired entry, never
 * while an objection is open (its resolution corrects or revokes).
 */
export function blockFor(
  action: 'object' | 'repair' | 'correct' | 'revoke',
  entry: Pick<Entry, 'status' | 'decidedOn' | 'validUntil'>,
  today: string,
  pending: { objection: boolean; repair: boolean },
): EntryBlock | null {
  if (entry.status === 'revoked') return 'revoked';
  if (pending.objection) return 'objection-pending';
  if (action === 'correct' || action === 'revoke') return null;
  // Suspended without an objection here: imported so from the source, which resolves it there.
  if (entry.status === 'suspended') return 'suspended';
  if (entry.status === 'repaired') return 'repaired';
  if (action === 'repair' && pending.repair) return 'repair-pending';
  if (entryStatusAt(entry, today) === 'expired') return 'expired';
  if (entry.decidedOn > today) return 'not-yet-decided';
  return null;
}
