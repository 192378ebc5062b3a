import type {
  Change,
  ChangeWhy,
  Entry,
  ListKind,
  StoredStatus,
  Subject,
  SubjectType,
} from '../domain/model.ts';

/**
 * Row shapes as both dialects return them (same column names). PostgreSQL hands back bigint as a
 * string, timestamptz as a Date and jsonb parsed; SQLite gives numbers, text and JSON text.
 */
export interface SubjectRow {
  id: string;
  type: string;
  key: string;
  code: string | null;
  id_masked: string | null;
  name: string;
  norm_name: string;
  legal_rep: string | null;
  legal_rep_key: string | null;
  division: string | null;
  seq: number | string;
}

export interface EntryRow {
  id: string;
  subject_id: string;
  list_type: string;
  kind: string;
  designator: string;
  department: string;
  basis: string;
  reason: string;
  decided_on: string;
  published_on: string | null;
  valid_until: string | null;
  status: string;
  seq: number | string;
  created_at: string | Date;
  updated_at: string | Date;
}

export interface ChangeRow {
  seq: number | string;
  at: string | Date;
  type: string;
  entity_id: string;
  subject_key: string | null;
  actor: string;
  data: unknown;
  /** JSON text in SQLite, parsed in PostgreSQL; null for changes without a why (imports). */
  why: unknown;
}

export const SUBJECT_COLUMNS =
  'id, type, key, code, id_masked, name, norm_name, legal_rep, legal_rep_key, division, seq';
export const ENTRY_COLUMNS =
  'id, subject_id, list_type, kind, designator, department, basis, reason, decided_on, published_on, valid_until, status, seq, created_at, updated_at';
export const CHANGE_COLUMNS = 'seq, at, type, entity_id, subject_key, actor, data, why';

function instant(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

export function toSubject(row: SubjectRow): Subject {
  return {
    id: row.id,
    type: row.type as SubjectType,
    key: row.key,
    code: row.code,
    idMasked: row.id_masked,
    name: row.name,
    normName: row.norm_name,
    legalRep: row.legal_rep,
    legalRepKey: row.legal_rep_key,
    division: row.division,
    seq: Number(row.seq),
  };
}

export function toEntry(row: EntryRow): Entry {
  return {
    id: row.id,
    subjectId: row.subject_id,
    listType: row.list_type,
    kind: row.kind as ListKind,
    designator: row.designator,
    department: row.department,
    basis: row.basis,
    reason: row.reason,
    decidedOn: row.decided_on,
    publishedOn: row.published_on,
    validUntil: row.valid_until,
    status: row.status as StoredStatus,
    seq: Number(row.seq),
    createdAt: instant(row.created_at),
    updatedAt: instant(row.updated_at),
  };
}

export function toChange(row: ChangeRow): Change {
  return {
    seq: Number(row.seq),
    at: instant(row.at),
    type: row.type as Change['type'],
    entityId: row.entity_id,
    subjectKey: row.subject_key,
    actor: row.actor,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    ...(row.why === null || row.why === undefined
      ? {}
      : { why: (typeof row.why === 'string' ? JSON.parse(row.why) : row.why) as ChangeWhy }),
  };
}
