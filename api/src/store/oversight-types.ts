import type { DecisionOutcome } from '../domain/decision-schema.ts';
import type { DecisionRecord } from './types.ts';

/**
 * What the store keeps for oversight (domain §11): false matches cleared by implementers, the
 * feedback implementers give on decisions (执行反馈), and the counts statistics are built from.
 */

/**
 * A recorded false match: the subject presented to an implementer (a name as given, and its code
 * if one was given) is not the listed candidate the name matched. "The same pair" is
 * (candidateSubjectId, presentedNormName, presentedKey): the candidate, the presented name after
 * sdk normalization, and the presented code as a subject key (null when only a name was given).
 */
export interface ClearanceRecord {
  /** `clr_…` */
  id: string;
  /** Position in the order clearances were created or revoked (store-assigned; refreshes follow it). */
  rev: number;
  candidateSubjectId: string;
  /** The candidate's USCC, or the staff mask of a person's ID number; null when it has neither. */
  candidateCode: string | null;
  /** The candidate's listed name when the clearance was made. */
  candidateName: string;
  /** The name as the implementer gave it. */
  presentedName: string;
  presentedNormName: string;
  /** USCC or `p:<hmac>`, never a clear ID number; null when only a name was presented. */
  presentedKey: string | null;
  /** The presented code as shown: USCC, or the staff mask of an ID number. */
  presentedCode: string | null;
  reason: string;
  /** The API key that recorded it. */
  keyId: string;
  /** RFC 3339 instant; stores return it as UTC with milliseconds (`…Z`). */
  at: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
}

export type NewClearance = Omit<ClearanceRecord, 'rev' | 'revokedAt' | 'revokedBy' | 'revokeReason'>;

export interface ClearanceRevocation {
  at: string;
  /** The API key revoking it. */
  by: string;
  reason: string;
}

/** Thrown by createClearance when an active clearance already holds the same pair. */
export class ClearanceConflictError extends Error {
  constructor(readonly existing: ClearanceRecord) {
    super(`clearance ${existing.id} already clears this pair`);
  }
}

export interface FeedbackMeasure {
  /** A measure code of the decision. */
  code: string;
  applied: boolean;
  /** Why it was not applied; null when applied (may be given then too). */
  reason: string | null;
}

/** One report of what an implementer did with a decision; a later report supersedes an earlier one. */
export interface FeedbackRecord {
  /** `fbk_…` */
  id: string;
  decisionId: string;
  at: string;
  /** The API key that reported. */
  keyId: string;
  measures: FeedbackMeasure[];
  note: string | null;
}

export interface DecisionQuery {
  /** Only decisions made with this key; null = every key's. */
  keyId: string | null;
  /** Only decisions made before this instant. */
  before: string;
  /** `missing`: only decisions that expect feedback (outcome other than clear) and have none. */
  feedback?: 'missing';
  /** Resume after this decision (the last of the previous page), in (at, id) order. */
  after?: { at: string; id: string } | null;
  limit: number;
}

export interface DecisionStatsQuery {
  /** Decisions made at or after `from` and before `to` (instants). */
  from: string;
  to: string;
  /** Decisions made before this instant without feedback are overdue. */
  overdueBefore: string;
}

/** Raw counts; api/src/stats builds the report (rates, totals) from them. */
export interface DecisionStatsRows {
  /** Per department of the deciding key (null: a key without one, or no stored key), scenario and outcome. */
  checks: Array<{
    department: string | null;
    scenario: string;
    outcome: DecisionOutcome;
    checks: number;
    /** Of these, decisions about a subject identified on a list (by code). */
    listed: number;
  }>;
  /** Decisions that expect feedback (outcome other than clear), per department. */
  feedback: Array<{ department: string | null; expected: number; reported: number; overdue: number }>;
  /** Latest report per decision: how often each measure was applied or not. */
  measures: Array<{ measure: string; applied: number; notApplied: number }>;
  clearances: { created: number; revoked: number };
}

/** Oversight part of the Store contract (see types.ts). */
export interface OversightStore {
  /**
   * Records a clearance with the next revision, audited as `clearance.created` by its key. Throws
   * ClearanceConflictError when an active clearance holds the same pair.
   */
  createClearance(record: NewClearance): Promise<ClearanceRecord>;
  /**
   * Revokes a clearance (it stays, with who, when and why), audited as `clearance.revoked`; null
   * when no clearance has this id, `changed: false` (and nothing written) when it is already revoked.
   */
  revokeClearance(
    id: string,
    revocation: ClearanceRevocation,
  ): Promise<{ record: ClearanceRecord; changed: boolean } | null>;
  getClearance(id: string): Promise<ClearanceRecord | null>;
  /** Clearances created or revoked after revision `rev`, in revision order; a reader never skips one. */
  clearancesSince(rev: number, limit: number): Promise<ClearanceRecord[]>;

  /** Writes the report (its decision must exist), audited as `feedback.recorded` by its key. */
  recordFeedback(record: FeedbackRecord): Promise<void>;
  /** Every report on a decision, oldest first. */
  listFeedback(decisionId: string): Promise<FeedbackRecord[]>;
  /** Decisions in (at, id) order, oldest first. */
  listDecisions(query: DecisionQuery): Promise<DecisionRecord[]>;
  decisionStats(query: DecisionStatsQuery): Promise<DecisionStatsRows>;
}
