// Types only: domain/model.ts builds zod schemas that must load after @hono/zod-openapi extends zod.
import type { Change, ChangeWhy, Entry, Subject } from '../domain/model.ts';
import { nonEmptyString } from './arguments.ts';
import { auditEventRow, SYSTEM_ACTOR } from './audit.ts';
import type { AuditEventRow } from './audit-chain.js';
import type { CommitmentQuery, CommitmentRecord, CommitmentStatus } from './commitments.ts';
import { fingerprintOf } from './ids.ts';
import { stagedEntryFingerprint } from './stage.ts';

/**
 * Records and writes of the due process (designation, objections, credit repair, expiry), shared
 * by both stores: what they keep, how a row maps to a record, and the one write they perform.
 */

export type ObjectionStatus = 'pending' | 'upheld' | 'rejected';
export type RepairStatus = 'pending' | 'approved' | 'rejected';

/** An objection (异议) against an entry; accepted when filed, so the entry is suspended from then on. */
export interface ObjectionRecord {
  /** `obj_…` */
  id: string;
  entryId: string;
  subjectId: string;
  /** The entry's department: whose designator resolves it. */
  department: string;
  status: ObjectionStatus;
  /** Who objects: the subject (through a published channel, entered by its designator or an admin) or an implementer. */
  source: 'subject' | 'implementer';
  /** How the subject's objection arrived (phone, email, website, counter, letter, app, wechat); null from an implementer. */
  channel: string | null;
  /** The person who filed for the subject; never shown to implementers. */
  submitter: { name: string; contact: string | null } | null;
  /** What is wrong with the information. */
  claim: string;
  /** API key id that entered it. */
  filedBy: string;
  acceptedOn: string;
  /** Working days for verification in force at acceptance. */
  workingDays: number;
  dueOn: string;
  resolution: {
    outcome: 'upheld' | 'rejected';
    /** What an upheld objection did to the entry. */
    action: 'corrected' | 'revoked' | null;
    why: string;
    by: string;
    at: string;
  } | null;
  createdAt: string;
  updatedAt: string;
}

/** A credit-repair request (信用修复申请) with its evidence. */
export interface RepairRecord {
  /** `rep_…` */
  id: string;
  entryId: string;
  subjectId: string;
  department: string;
  status: RepairStatus;
  /** Who applies for the subject (its representative), as the designator's office received it. */
  applicant: { name: string; contact: string | null };
  statement: string;
  evidence: Array<{ title: string; reference: string | null }>;
  /** The day the subject corrected the conduct (paid, refunded, performed), when the rule asks for it. */
  correctedOn: string | null;
  filedBy: string;
  filedOn: string;
  /** The first day the rule allowed the request. */
  earliestOn: string;
  decision: { outcome: 'approved' | 'rejected'; why: string; by: string; at: string } | null;
  createdAt: string;
  updatedAt: string;
}

export type SubjectRecord = Omit<Subject, 'seq'>;
export type EntryRecord = Omit<Entry, 'seq' | 'createdAt' | 'updatedAt'>;

/**
 * One write of the due process, all or nothing: the subject (when new or changed), the entry and
 * its change-log row, the objection or repair row, and the audit record commit together.
 */
export interface DueProcessWrite {
  /** Who: an API key id, or `system`. */
  actor: string;
  /** On each change-log row written; required with a subject or an entry (a request alone logs no change). */
  why?: ChangeWhy;
  /** Created, or updated when it differs from the stored one (each a `subject.upserted` change). */
  subject?: SubjectRecord;
  entry?: {
    type: 'entry.created' | 'entry.updated' | 'entry.status';
    /** The entry after the write; seq and instants are the store's. */
    after: EntryRecord;
    /** The seq the stored entry must still have; null: it must not exist yet. */
    expectSeq: number | null;
  };
  /** Inserted when `expectStatus` is null, else updated only if it still has that status. */
  objection?: { record: ObjectionRecord; expectStatus: ObjectionStatus | null };
  repair?: { record: RepairRecord; expectStatus: RepairStatus | null };
  /**
   * A credit commitment, inserted (`expectStatus` null) or updated while it still has that status,
   * with its own change-log row of `change` (data: commitments.ts commitmentChangeData).
   */
  commitment?: {
    record: CommitmentRecord;
    expectStatus: CommitmentStatus | null;
    change: 'commitment.created' | 'commitment.breached';
  };
  audit: { action: string; target: string; detail: Record<string, unknown> };
}

export interface DueProcessResult {
  /** The change-log seq after the write (unchanged when it logged nothing). */
  seq: number;
  entry: Entry | null;
}

export interface ObjectionQuery {
  status?: ObjectionStatus;
  /** Pending objections whose due date is before this day (overdue on it). */
  overdueOn?: string;
  department?: string;
  filedBy?: string;
  entryId?: string;
  /** Ids after this one (the cursor: ids sort by time). */
  after?: string;
  limit: number;
}

export interface RepairQuery {
  status?: RepairStatus;
  department?: string;
  entryId?: string;
  after?: string;
  limit: number;
}

/** What the store keeps for the due process; both stores implement it (api/test/store-due-process.conformance.test.ts). */
export interface DueProcessStore {
  /** The entry with this id, whatever its status. */
  getEntry(id: string): Promise<Entry | null>;
  /**
   * One write of the due process (see DueProcessWrite), in one transaction with its change-log
   * rows (`why` on each) and one audit record (`audit`, by `actor`, with the resulting seq). Throws
   * WriteConflictError, writing nothing, when the entry or request is no longer as expected.
   */
  writeDueProcess(write: DueProcessWrite): Promise<DueProcessResult>;
  getObjection(id: string): Promise<ObjectionRecord | null>;
  /** In id order (time order), at most `limit`. */
  listObjections(query: ObjectionQuery): Promise<ObjectionRecord[]>;
  getRepair(id: string): Promise<RepairRecord | null>;
  listRepairs(query: RepairQuery): Promise<RepairRecord[]>;
  getCommitment(id: string): Promise<CommitmentRecord | null>;
  /** In id order (time order), at most `limit`. */
  listCommitments(query: CommitmentQuery): Promise<CommitmentRecord[]>;
  /** Distinct API keys (at most `limit`, in id order) that made decisions on the subject at or after `since`, and how many decisions. */
  decisionKeysFor(
    subjectId: string,
    since: string,
    limit: number,
  ): Promise<{ keyIds: string[]; decisions: number }>;
  /**
   * Appends one `entry.expired` change (actor `system`, data the entry as stored) for each entry
   * recorded as active or suspended whose validity ended before `today` (it was in force on the
   * day it was recorded, so an entry listed already expired gets none), once per entry and
   * validity end whatever the number of processes and restarts, at most `limit` per call, with one
   * `entries.expired` audit record; returns the changes appended. `from` (a day an earlier run
   * completed) skips validity ends before it: that run wrote them.
   */
  recordExpiries(today: string, limit: number, from?: string | null): Promise<Change[]>;
}

/** Another write got there first (the entry moved on, the request was resolved, a duplicate id). */
export class WriteConflictError extends Error {
  readonly code = 'WRITE_CONFLICT';
  constructor(message: string) {
    super(message);
    this.name = 'WriteConflictError';
  }
}

/** The columns an import compares (stage.ts): equal fingerprints mean a re-import changes nothing. */
export function subjectFingerprint(s: SubjectRecord): string {
  return fingerprintOf([
    s.type,
    s.code,
    s.idMasked,
    s.name,
    s.normName,
    s.legalRep,
    s.legalRepKey,
    s.division,
  ]);
}

/** The same fingerprint an import stages, so that a re-import of what a designator wrote changes nothing. */
export function entryFingerprint(e: EntryRecord): string {
  return stagedEntryFingerprint(e, e.status);
}

/** A change's data: the entity as the index reads it (change-data.ts), keys in the type's order. */
export function subjectChangeData(s: SubjectRecord, seq: number): Subject {
  return {
    id: s.id,
    type: s.type,
    key: s.key,
    code: s.code,
    idMasked: s.idMasked,
    name: s.name,
    normName: s.normName,
    legalRep: s.legalRep,
    legalRepKey: s.legalRepKey,
    division: s.division,
    seq,
  };
}

export function entryChangeData(e: EntryRecord, seq: number, createdAt: string, updatedAt: string): Entry {
  return {
    id: e.id,
    subjectId: e.subjectId,
    listType: e.listType,
    kind: e.kind,
    designator: e.designator,
    department: e.department,
    basis: e.basis,
    reason: e.reason,
    decidedOn: e.decidedOn,
    publishedOn: e.publishedOn,
    validUntil: e.validUntil,
    status: e.status,
    seq,
    createdAt,
    updatedAt,
  };
}

export const OBJECTION_COLUMNS = 'id, entry_id, subject_id, department, status, filed_by, due_on, data';
export const REPAIR_COLUMNS = 'id, entry_id, subject_id, department, status, filed_by, data';

/** Column values of a subjects row, in the order both stores' upserts list them. */
export function subjectValues(s: SubjectRecord, fingerprint: string, seq: number): unknown[] {
  return [
    s.id,
    s.type,
    s.key,
    s.code,
    s.idMasked,
    s.name,
    s.normName,
    s.legalRep,
    s.legalRepKey,
    s.division,
    fingerprint,
    seq,
  ];
}

/** Column values of an entries row, in the order both stores' upserts list them. */
export function entryValues(e: EntryRecord, seq: number, createdAt: string, updatedAt: string): unknown[] {
  return [
    e.id,
    e.subjectId,
    e.listType,
    e.kind,
    e.designator,
    e.department,
    e.basis,
    e.reason,
    e.decidedOn,
    e.publishedOn,
    e.validUntil,
    e.status,
    entryFingerprint(e),
    seq,
    createdAt,
    updatedAt,
  ];
}

export function objectionValues(r: ObjectionRecord): unknown[] {
  return [r.id, r.entryId, r.subjectId, r.department, r.status, r.filedBy, r.dueOn, JSON.stringify(r)];
}

export function repairValues(r: RepairRecord): unknown[] {
  return [r.id, r.entryId, r.subjectId, r.department, r.status, r.filedBy, JSON.stringify(r)];
}

/** Rows keep the whole record as JSON text beside the columns queries filter on. */
export function fromDataRow<T>(row: { data: string }): T {
  return JSON.parse(row.data) as T;
}

/** Where-clause parts of a list query, with `?` placeholders (PostgreSQL renumbers them). */
export function objectionFilter(q: ObjectionQuery): { where: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    parts.push(sql);
    values.push(v);
  };
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.overdueOn !== undefined) {
    parts.push(`status = 'pending'`);
    add('due_on < ?', q.overdueOn);
  }
  if (q.department !== undefined) add('department = ?', q.department);
  if (q.filedBy !== undefined) add('filed_by = ?', q.filedBy);
  if (q.entryId !== undefined) add('entry_id = ?', q.entryId);
  if (q.after !== undefined) add('id > ?', q.after);
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

export function repairFilter(q: RepairQuery): { where: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    parts.push(sql);
    values.push(v);
  };
  if (q.status !== undefined) add('status = ?', q.status);
  if (q.department !== undefined) add('department = ?', q.department);
  if (q.entryId !== undefined) add('entry_id = ?', q.entryId);
  if (q.after !== undefined) add('id > ?', q.after);
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

/** `?` placeholders as `$1, $2, …` from `start`. */
export function numbered(sql: string, start = 1): string {
  let n = start;
  return sql.replace(/\?/g, () => `$${n++}`);
}

/** The why of an expiry, written by the store for each entry whose validity ended. */
export function expiryWhy(validUntil: string): ChangeWhy {
  return {
    cause: 'expiry',
    text: `有效期已于 ${validUntil} 届满，不再适用 / Validity ended on ${validUntil}: the entry no longer applies`,
  };
}

/** Entries handled per expiry transaction: a backlog after downtime is written in several short ones. */
export const EXPIRY_BATCH = 1000;

/** Distinct API keys to tell at most, per change (ChangeWhy.notify). */
export const NOTIFY_KEYS_MAX = 1000;

/** Checks shared by both stores, so that a malformed write fails the same clear way in each. */
export function validDueProcessWrite(w: DueProcessWrite): DueProcessWrite {
  nonEmptyString(w?.actor, 'actor');
  if (w.why !== undefined || w.subject || w.entry) {
    nonEmptyString(w.why?.text as string, 'why.text');
    nonEmptyString(w.why!.cause, 'why.cause');
  }
  nonEmptyString(w.audit?.action, 'audit.action');
  if (w.subject && w.entry && w.entry.after.subjectId !== w.subject.id) {
    throw new TypeError('entry.after.subjectId must be the id of the subject written with it');
  }
  const entryId = w.entry?.after.id;
  for (const r of [w.objection?.record, w.repair?.record]) {
    if (r && entryId !== undefined && r.entryId !== entryId) {
      throw new TypeError(`request ${r.id} is about ${r.entryId}, not the entry written (${entryId})`);
    }
  }
  const breachEntry = w.commitment?.record.breach?.entryId;
  if (w.commitment && entryId !== undefined && breachEntry !== entryId) {
    throw new TypeError(
      `commitment ${w.commitment.record.id} is not breached by the entry written (${entryId})`,
    );
  }
  if (!w.entry && !w.objection && !w.repair && !w.commitment)
    throw new TypeError('a due-process write needs an entry, objection, repair or commitment');
  return w;
}

export function dueProcessAudit(at: string, w: DueProcessWrite, seq: number): AuditEventRow {
  return auditEventRow(at, {
    actor: w.actor,
    action: w.audit.action,
    target: w.audit.target,
    detail: { ...w.audit.detail, ...(w.why ? { cause: w.why.cause } : {}), seq },
  });
}

export function expiryAudit(at: string, today: string, changes: readonly Change[]): AuditEventRow {
  return auditEventRow(at, {
    actor: SYSTEM_ACTOR,
    action: 'entries.expired',
    target: `seq:${changes[changes.length - 1]!.seq}`,
    detail: { today, count: changes.length, entries: changes.map((c) => c.entityId) },
  });
}

/** A unique index said no: the same id, or a second pending request for the entry. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
