// zod as @hono/zod-openapi extends it: a schema made before that extension loads has no .openapi(),
// so shared schemas would break the OpenAPI routes depending on which module happened to load first.
import { z } from '@hono/zod-openapi';

/** The shapes every part of the api shares; store rows, import records and HTTP bodies derive from these. */

export const ListKind = z.enum(['red', 'black']);
export type ListKind = z.infer<typeof ListKind>;

export const SubjectType = z.enum(['org', 'person']);
export type SubjectType = z.infer<typeof SubjectType>;

/** What the store records; `expired` is never stored because it follows from the date alone. */
export const StoredStatus = z.enum(['active', 'suspended', 'repaired', 'revoked']);
export type StoredStatus = z.infer<typeof StoredStatus>;

/** What an entry is at a given date. */
export const EntryStatus = z.enum(['active', 'suspended', 'repaired', 'expired', 'revoked']);
export type EntryStatus = z.infer<typeof EntryStatus>;

/** What a badge or summary shows for a subject (CONVENTIONS.md, precedence left to right). */
export const SubjectStatus = z.enum(['black', 'suspended', 'red', 'expired', 'clean']);
export type SubjectStatus = z.infer<typeof SubjectStatus>;

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export interface Subject {
  /** `sub_…`, derived from the key so that every store gives the same id. */
  id: string;
  type: SubjectType;
  /** USCC for an organization; `p:<hmac>` of the resident ID for a person. Unique. */
  key: string;
  /** USCC for an organization, null for a person (the ID number is never stored in clear). */
  code: string | null;
  /** Staff-view mask of a person's ID (first 6 + last 4); null for organizations. */
  idMasked: string | null;
  name: string;
  /** Name after sdk normalization, for matching. */
  normName: string;
  /** Legal representative's name (organizations). */
  legalRep: string | null;
  /** Person key (`p:<hmac>`) of the legal representative when the source gave an ID number (落实到人). */
  legalRepKey: string | null;
  /** Administrative division code (6 digits) when known. */
  division: string | null;
  /** Change-log sequence of the last change to this subject. */
  seq: number;
}

export interface Entry {
  /** `ent_…`, derived from the natural key (subject key, list type, designator, basis). */
  id: string;
  subjectId: string;
  listType: string;
  kind: ListKind;
  designator: string;
  /** Department code the designator role is scoped to; defaults to the designator's name. */
  department: string;
  basis: string;
  reason: string;
  decidedOn: string;
  publishedOn: string | null;
  validUntil: string | null;
  status: StoredStatus;
  /** Change-log sequence of the last change to this entry. */
  seq: number;
  createdAt: string;
  updatedAt: string;
}

export interface Change {
  seq: number;
  /** RFC 3339 instant. */
  at: string;
  type:
    | 'subject.upserted'
    | 'entry.created'
    | 'entry.updated'
    | 'entry.status'
    | 'entry.expired'
    | 'catalog.replaced'
    | 'commitment.created'
    | 'commitment.breached';
  /** Id of the subject or entry (or `catalog`). */
  entityId: string;
  /** Subject key the change concerns, for feeds that filter by watch list. */
  subjectKey: string | null;
  actor: string;
  /** The entity as it stands after the change (no clear ID numbers, ever). */
  data: unknown;
  /** Why, for changes of the due process (designation, objection, repair, expiry); imports have none. */
  why?: ChangeWhy;
}

/** What set off a change of the due process. */
export const ChangeCause = z.enum([
  'designation',
  'correction',
  'revocation',
  'objection.accepted',
  'objection.upheld',
  'objection.rejected',
  'repair.approved',
  'expiry',
  'commitment.breached',
]);
export type ChangeCause = z.infer<typeof ChangeCause>;

export interface ChangeWhy {
  cause: ChangeCause;
  /** The reason as the actor gave it (the system's own words for an expiry). */
  text: string;
  objectionId?: string;
  repairId?: string;
  /** The credit commitment whose breach this change records. */
  commitmentId?: string;
  /**
   * Implementers to tell (a measure they applied may have to be lifted, 恢复信誉): the API keys
   * that made decisions on the subject since the entry was listed, at most 1,000.
   */
  notify?: { keyIds: string[]; decisions: number; since: string };
}

/** One validated row of an import, ready for the store. */
export interface ImportRecord {
  line: number;
  subject: {
    type: SubjectType;
    key: string;
    code: string | null;
    idMasked: string | null;
    name: string;
    normName: string;
    legalRep: string | null;
    legalRepKey: string | null;
    division: string | null;
  };
  entry: {
    listType: string;
    kind: ListKind;
    designator: string;
    department: string;
    basis: string;
    reason: string;
    decidedOn: string;
    publishedOn: string | null;
    validUntil: string | null;
    status: StoredStatus;
  };
}

export interface ImportSummary {
  rows: number;
  subjectsCreated: number;
  subjectsUpdated: number;
  entriesCreated: number;
  entriesUpdated: number;
  unchanged: number;
  /**
   * Records whose status was not taken because the entry is under the due process (a pending
   * objection keeps it suspended; a repair or revocation stays); their other fields still apply.
   */
  statusKept: number;
  /** Sequence after the import (unchanged when nothing changed). */
  seq: number;
  dryRun: boolean;
}
