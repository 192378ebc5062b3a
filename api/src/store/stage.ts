import type { ImportRecord } from '../domain/model.ts';
import { entryIdOf, fingerprintOf, subjectIdOf } from './ids.ts';
import type { ImportGuard } from './import-guard.ts';

/**
 * Import records flattened into staging rows, with ids and content fingerprints computed once
 * here so that the database only compares and merges. A subject row is staged only when it
 * differs from the previous record's subject, so a run of entries for one subject (the usual
 * shape of a list) stages and hashes that subject once; the last subject row staged for a key
 * therefore always holds the last record's version of it. `ord` is the record's position in the
 * import: the versions of one subject or entry apply in that order. Both dialects stage these
 * columns in this order.
 */
export const SUBJECT_STAGE_COLUMNS = [
  'ord',
  'sub_id',
  'sub_type',
  'sub_key',
  'code',
  'id_masked',
  'name',
  'norm_name',
  'legal_rep',
  'legal_rep_key',
  'division',
  'sub_fp',
] as const;

export const ENTRY_STAGE_COLUMNS = [
  'ord',
  'ent_id',
  'sub_id',
  'sub_key',
  'list_type',
  'kind',
  'designator',
  'department',
  'basis',
  'reason',
  'decided_on',
  'published_on',
  'valid_until',
  'status',
  'ent_fp',
] as const;

export type StageRow = Array<string | number | null>;

/**
 * Optional last column of each staging row: the change's JSON up to `"seq":`, for a database that
 * appends the seq (and timestamps) to text faster than it builds JSON itself.
 */
export const CHANGE_JSON_COLUMN = { subject: 'sub_json', entry: 'ent_json' } as const;

const SUBJECT_TYPES = new Set(['org', 'person']);
const KINDS = new Set(['red', 'black']);
const STATUSES = new Set(['active', 'suspended', 'repaired', 'revoked']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ImportRecordError extends Error {
  constructor(
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`import record${line === undefined ? '' : ` at line ${line}`}: ${detail}`);
    this.name = 'ImportRecordError';
  }
}

type Subject = ImportRecord['subject'];

export class Stager {
  /** `guard`: the due process's hold on entries' statuses (import-guard.ts), applied as rows are staged. */
  constructor(
    private readonly withChangeJson = false,
    private readonly guard?: ImportGuard,
  ) {}

  private lastSubject: Subject | null = null;
  private lastSubjectId = '';
  private ord = 0;

  get rowsStaged(): number {
    return this.ord;
  }

  /** The subject row (null when the previous record staged the same subject) and the entry row of one record. */
  stage(record: ImportRecord): { subject: StageRow | null; entry: StageRow } {
    check(record);
    const s = record.subject;
    const e = record.entry;
    const ord = ++this.ord;
    let subject: StageRow | null = null;
    if (!sameSubject(this.lastSubject, s)) {
      if (this.lastSubject?.key !== s.key) this.lastSubjectId = subjectIdOf(s.key);
      this.lastSubject = s;
      subject = [
        ord,
        this.lastSubjectId,
        s.type,
        s.key,
        s.code,
        s.idMasked,
        s.name,
        s.normName,
        s.legalRep,
        s.legalRepKey,
        s.division,
        fingerprintOf([
          s.type,
          s.code,
          s.idMasked,
          s.name,
          s.normName,
          s.legalRep,
          s.legalRepKey,
          s.division,
        ]),
      ];
      if (this.withChangeJson) subject.push(subjectJsonHead(this.lastSubjectId, s));
    }
    const entryId = entryIdOf(s.key, e.listType, e.designator, e.basis);
    const status = this.guard ? this.guard.statusFor(ord, record.line, entryId, e.status) : e.status;
    const entry: StageRow = [
      ord,
      entryId,
      this.lastSubjectId,
      s.key,
      e.listType,
      e.kind,
      e.designator,
      e.department,
      e.basis,
      e.reason,
      e.decidedOn,
      e.publishedOn,
      e.validUntil,
      status,
      stagedEntryFingerprint(e, status),
    ];
    if (this.withChangeJson) entry.push(entryJsonHead(entryId, this.lastSubjectId, e, status));
    return { subject, entry };
  }
}

/** The entry's content fingerprint as staged, with the status it is staged with. */
export function stagedEntryFingerprint(
  e: {
    kind: string;
    department: string;
    reason: string;
    decidedOn: string;
    publishedOn: string | null;
    validUntil: string | null;
  },
  status: string,
): string {
  return fingerprintOf([e.kind, e.department, e.reason, e.decidedOn, e.publishedOn, e.validUntil, status]);
}

/** The Subject as JSON, open at its last key `seq` (the same keys, in the same order, as the Subject type). */
function subjectJsonHead(id: string, s: Subject): string {
  const json = JSON.stringify({
    id,
    type: s.type,
    key: s.key,
    code: s.code,
    idMasked: s.idMasked,
    name: s.name,
    normName: s.normName,
    legalRep: s.legalRep,
    legalRepKey: s.legalRepKey,
    division: s.division,
  });
  return json.slice(0, -1) + ',"seq":';
}

/** The Entry as JSON up to `"seq":`; seq, createdAt and updatedAt are known only when merging. */
function entryJsonHead(id: string, subjectId: string, e: ImportRecord['entry'], status: string): string {
  const json = JSON.stringify({
    id,
    subjectId,
    listType: e.listType,
    kind: e.kind,
    designator: e.designator,
    department: e.department,
    basis: e.basis,
    reason: e.reason,
    decidedOn: e.decidedOn,
    publishedOn: e.publishedOn,
    validUntil: e.validUntil,
    status,
  });
  return json.slice(0, -1) + ',"seq":';
}

function sameSubject(a: Subject | null, b: Subject): boolean {
  return (
    a !== null &&
    a.key === b.key &&
    a.type === b.type &&
    a.code === b.code &&
    a.idMasked === b.idMasked &&
    a.name === b.name &&
    a.normName === b.normName &&
    a.legalRep === b.legalRep &&
    a.legalRepKey === b.legalRepKey &&
    a.division === b.division
  );
}

/** The importer validates fully; this guards the store's own invariants so bad input fails clearly. */
function check(record: ImportRecord): void {
  const line = typeof record?.line === 'number' ? record.line : undefined;
  const fail = (detail: string): never => {
    throw new ImportRecordError(line, detail);
  };
  const s = record?.subject;
  const e = record?.entry;
  if (typeof s !== 'object' || s === null) fail('subject is missing');
  if (typeof e !== 'object' || e === null) fail('entry is missing');
  if (!SUBJECT_TYPES.has(s.type)) fail(`subject.type must be org or person, got ${JSON.stringify(s.type)}`);
  if (typeof s.key !== 'string' || s.key === '') fail('subject.key must be a non-empty string');
  if (typeof s.name !== 'string' || s.name === '') fail('subject.name must be a non-empty string');
  if (typeof s.normName !== 'string' || s.normName === '')
    fail('subject.normName must be a non-empty string');
  if (!nullableString(s.code)) fail('subject.code must be a string or null');
  if (!nullableString(s.idMasked)) fail('subject.idMasked must be a string or null');
  if (!nullableString(s.legalRep)) fail('subject.legalRep must be a string or null');
  if (!nullableString(s.legalRepKey)) fail('subject.legalRepKey must be a string or null');
  if (!nullableString(s.division)) fail('subject.division must be a string or null');
  if (typeof e.listType !== 'string' || e.listType === '') fail('entry.listType must be a non-empty string');
  if (typeof e.designator !== 'string' || e.designator === '')
    fail('entry.designator must be a non-empty string');
  if (typeof e.department !== 'string' || e.department === '')
    fail('entry.department must be a non-empty string');
  if (typeof e.basis !== 'string' || e.basis === '') fail('entry.basis must be a non-empty string');
  if (typeof e.reason !== 'string') fail('entry.reason must be a string');
  if (!KINDS.has(e.kind)) fail(`entry.kind must be red or black, got ${JSON.stringify(e.kind)}`);
  if (!STATUSES.has(e.status)) fail(`entry.status is not a stored status: ${JSON.stringify(e.status)}`);
  if (typeof e.decidedOn !== 'string' || !DATE.test(e.decidedOn)) fail('entry.decidedOn must be YYYY-MM-DD');
  if (!nullableDate(e.publishedOn)) fail('entry.publishedOn must be YYYY-MM-DD or null');
  if (!nullableDate(e.validUntil)) fail('entry.validUntil must be YYYY-MM-DD or null');
}

function nullableString(v: unknown): boolean {
  return v === null || typeof v === 'string';
}

function nullableDate(v: unknown): boolean {
  return v === null || (typeof v === 'string' && DATE.test(v));
}
