/**
 * Credit commitments (信用承诺) as both stores keep them: the record, its row values and list
 * filter, and the view of it the change log carries. A commitment is written through the
 * due-process write (due-process.ts), so that a breach and the black-list entry it creates commit
 * together.
 */

export type CommitmentStatus = 'active' | 'breached';

export interface CommitmentRecord {
  /** `com_…` */
  id: string;
  /** The organization's USCC: its subject key. */
  code: string;
  name: string;
  /** comprehensive: a general pledge of lawful conduct; specific: for one approval (容缺受理, 告知承诺…). */
  kind: 'comprehensive' | 'specific';
  /** What a specific commitment is for; null for a comprehensive one. */
  matter: {
    /** tolerant-acceptance (容缺受理), notify-commit (告知承诺制), or other. */
    type: 'tolerant-acceptance' | 'notify-commit' | 'other';
    /** The approval or application it is for, as the department names it. */
    title: string;
    /** Catalog scenario, when one fits. */
    scenario: string | null;
    /** The department's case or application number. */
    reference: string | null;
    /** Materials promised (容缺受理). */
    materials: string[];
    /** Deadline to supply them or to fulfil the pledge. */
    dueOn: string | null;
  } | null;
  /** The pledge as the subject signed it. */
  text: string;
  madeOn: string;
  validUntil: string | null;
  /** The department that received it: its designator may find it breached. */
  department: string;
  /** How it reached the department (counter, website, …). */
  channel: string;
  /** Who signed for the organization; never shown outside the department. */
  submitter: { name: string; contact: string | null };
  status: CommitmentStatus;
  /** API key id that entered it. */
  filedBy: string;
  filedOn: string;
  breach: {
    reason: string;
    evidence: Array<{ title: string; reference: string | null }>;
    decidedOn: string;
    /** The black-list entry the breach created. */
    entryId: string;
    by: string;
    at: string;
  } | null;
  createdAt: string;
  updatedAt: string;
}

export interface CommitmentQuery {
  code?: string;
  department?: string;
  status?: CommitmentStatus;
  /** Ids after this one (ids sort by time). */
  after?: string;
  limit: number;
}

export const COMMITMENT_COLUMNS = 'id, code, department, status, entry_id, filed_by, data';

export function commitmentValues(r: CommitmentRecord): unknown[] {
  return [r.id, r.code, r.department, r.status, r.breach?.entryId ?? null, r.filedBy, JSON.stringify(r)];
}

export function commitmentFilter(q: CommitmentQuery): { where: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    parts.push(sql);
    values.push(v);
  };
  if (q.code !== undefined) add('code = ?', q.code);
  if (q.department !== undefined) add('department = ?', q.department);
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.after !== undefined) add('id > ?', q.after);
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

/**
 * What a `commitment.*` change carries: the change feed is public, so never who signed or the
 * key that entered it.
 */
export function commitmentChangeData(r: CommitmentRecord): Record<string, unknown> {
  const { submitter: _s, filedBy: _f, breach, ...shown } = r;
  return {
    ...shown,
    breach:
      breach === null
        ? null
        : { reason: breach.reason, decidedOn: breach.decidedOn, entryId: breach.entryId },
  };
}
