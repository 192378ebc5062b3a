import { z } from '@hono/zod-openapi';
import { addDays, type WorkingCalendar } from './working-days.ts';

/**
 * Deadlines of the due process counted in working days: publication of a new listing and
 * verification of an objection. The start day is never counted (期间开始的日，不计算在内).
 */

export interface Deadline {
  /** The day the period runs from (decision, acceptance); not counted. */
  from: string;
  workingDays: number;
  /** The last day on which the act is still in time. */
  due: string;
  /**
   * Years the count crossed without their holiday arrangement loaded, counted Monday to Friday;
   * when not empty the due date is an estimate the caller should say is one.
   */
  missingYears: number[];
  estimated: boolean;
}

export function workingDayDeadline(calendar: WorkingCalendar, from: string, workingDays: number): Deadline {
  const due = calendar.addWorkingDays(from, workingDays);
  // Only the days counted matter: from the day after `from` to the due date.
  const missingYears = workingDays === 0 ? [] : calendar.missingYears(addDays(from, 1), due);
  return { from, workingDays, due, missingYears, estimated: missingYears.length > 0 };
}

export const PublicationRuleSchema = z.strictObject({
  /** Publicity within this many working days of the decision date. */
  publishWithinWorkingDays: z.number().int().min(0).max(365),
});
export type PublicationRule = z.infer<typeof PublicationRuleSchema>;

/**
 * Decisions are published within 7 working days of the decision date (鄂州 §4, 临沂 §3,
 * 克拉玛依 (三)); the same 7 days apply to pushing serious cases to the provincial platform (鄂州 §13).
 */
export const DEFAULT_PUBLICATION_RULE: PublicationRule = { publishWithinWorkingDays: 7 };

/** The latest date a listing decided on `decidedOn` may be published (and so take effect). */
export function publicationDeadline(
  calendar: WorkingCalendar,
  decidedOn: string,
  rule: PublicationRule = DEFAULT_PUBLICATION_RULE,
): Deadline {
  return workingDayDeadline(calendar, decidedOn, rule.publishWithinWorkingDays);
}

/**
 * The date by which an objection accepted on `acceptedOn` must be verified and answered. The local
 * texts only say "promptly", so the number of working days is the caller's (catalog or config).
 */
export function objectionDeadline(
  calendar: WorkingCalendar,
  acceptedOn: string,
  verifyWithinWorkingDays: number,
): Deadline {
  return workingDayDeadline(calendar, acceptedOn, verifyWithinWorkingDays);
}

/** Overdue from the day after the due date on. */
export function isOverdue(deadline: Deadline, today: string): boolean {
  return today > deadline.due;
}

/**
 * Working days after today up to the due date: 0 on the due date (or a rest day right after it),
 * negative once working days have passed since.
 */
export function workingDaysLeft(calendar: WorkingCalendar, deadline: Deadline, today: string): number {
  return calendar.workingDaysBetween(today, deadline.due);
}
