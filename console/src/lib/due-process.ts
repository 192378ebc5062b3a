import rules from '../../../api/catalog/due-process.json';

interface ObjectionRule {
  verifyWithinWorkingDays?: number;
}
interface Rules {
  defaults: { objection: ObjectionRule };
  listTypes: Record<string, { objection?: ObjectionRule }>;
}

/**
 * Working days a department has to verify an objection on this list type, from the due-process
 * rules shipped with the API (a deployment may replace them with CREDCHECK_DUE_PROCESS; the
 * objection's own deadline, which the API computes, is what counts).
 */
export function objectionWorkingDays(listType: string, r: Rules = rules as Rules): number {
  return (
    r.listTypes[listType]?.objection?.verifyWithinWorkingDays ??
    r.defaults.objection.verifyWithinWorkingDays ??
    10
  );
}

export type Urgency = 'overdue' | 'due-soon' | 'ok' | 'closed';

/** How a queue row is highlighted: overdue first, then due within two working days. */
export function urgency(deadline: { overdue: boolean; workingDaysLeft: number }, pending: boolean): Urgency {
  if (!pending) return 'closed';
  if (deadline.overdue || deadline.workingDaysLeft < 0) return 'overdue';
  if (deadline.workingDaysLeft <= 2) return 'due-soon';
  return 'ok';
}
