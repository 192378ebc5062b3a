import type { Change, Entry, Subject } from '../domain/model.ts';

/** A change row the index cannot apply: its data is not the entity the type announces. */
export class ChangeDataError extends Error {
  /** What the batch did before this change (set by ListIndex.applyChanges). */
  partial?: { renamed: number[]; touched: number[]; applied: number; seq: number };

  constructor(
    readonly change: Pick<Change, 'seq' | 'type' | 'entityId'>,
    problem: string,
  ) {
    super(`change ${change.seq} (${change.type} ${change.entityId}): ${problem}`);
    this.name = 'ChangeDataError';
  }
}

type Fields = Record<string, unknown>;

function text(change: Change, data: Fields, field: string): string {
  const value = data[field];
  if (typeof value !== 'string') throw new ChangeDataError(change, `data.${field} must be a string`);
  return value;
}

function optionalText(change: Change, data: Fields, field: string): string | null {
  const value = data[field];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new ChangeDataError(change, `data.${field} must be a string or null`);
  return value;
}

function oneOf<T extends string>(change: Change, data: Fields, field: string, allowed: readonly T[]): T {
  const value = text(change, data, field);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ChangeDataError(change, `data.${field} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function record(change: Change): Fields {
  const data = change.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ChangeDataError(change, 'data must be an object');
  }
  return data as Fields;
}

/** The subject a `subject.upserted` change carries; its seq is the change's. */
export function subjectFromChange(change: Change): Subject {
  const d = record(change);
  const subject: Subject = {
    id: text(change, d, 'id'),
    type: oneOf(change, d, 'type', ['org', 'person'] as const),
    key: text(change, d, 'key'),
    code: optionalText(change, d, 'code'),
    idMasked: optionalText(change, d, 'idMasked'),
    name: text(change, d, 'name'),
    normName: text(change, d, 'normName'),
    legalRep: optionalText(change, d, 'legalRep'),
    legalRepKey: optionalText(change, d, 'legalRepKey'),
    division: optionalText(change, d, 'division'),
    seq: change.seq,
  };
  if (subject.id !== change.entityId) throw new ChangeDataError(change, `data.id is "${subject.id}"`);
  return subject;
}

/** The entry an `entry.*` change carries; its seq is the change's. */
export function entryFromChange(change: Change): Entry {
  const d = record(change);
  const entry: Entry = {
    id: text(change, d, 'id'),
    subjectId: text(change, d, 'subjectId'),
    listType: text(change, d, 'listType'),
    kind: oneOf(change, d, 'kind', ['red', 'black'] as const),
    designator: text(change, d, 'designator'),
    department: text(change, d, 'department'),
    basis: text(change, d, 'basis'),
    reason: text(change, d, 'reason'),
    decidedOn: text(change, d, 'decidedOn'),
    publishedOn: optionalText(change, d, 'publishedOn'),
    validUntil: optionalText(change, d, 'validUntil'),
    status: oneOf(change, d, 'status', ['active', 'suspended', 'repaired', 'revoked'] as const),
    seq: change.seq,
    createdAt: text(change, d, 'createdAt'),
    updatedAt: text(change, d, 'updatedAt'),
  };
  if (entry.id !== change.entityId) throw new ChangeDataError(change, `data.id is "${entry.id}"`);
  return entry;
}
