import { maskIdPublic, maskPersonName } from '@credcheck/sdk/mask';
import type { Catalog } from '../domain/catalog.ts';
import type { Subject, SubjectStatus } from '../domain/model.ts';
import { entryStatusAt, isInForce } from '../domain/status.ts';
import type { EntryFacts } from '../index/list-index.ts';

/** Who is asking decides how much of a person is shown (identifiers.md §3). */
export type Visibility = 'public' | 'staff';

const listTypesByCatalog = new WeakMap<Catalog, Map<string, Catalog['listTypes'][number]>>();

/** A batch shows thousands of entries: list types by code, once per catalog. */
function listTypeOf(catalog: Catalog | null, code: string) {
  if (catalog === null) return undefined;
  let byCode = listTypesByCatalog.get(catalog);
  if (byCode === undefined) {
    byCode = new Map(catalog.listTypes.map((t) => [t.code, t]));
    listTypesByCatalog.set(catalog, byCode);
  }
  return byCode.get(code);
}

export function subjectView(subject: Subject, visibility: Visibility) {
  const isPerson = subject.type === 'person';
  return {
    id: subject.id,
    type: subject.type,
    code: subject.code,
    // The store only ever holds the staff mask; the public one is derived from it, never from a clear ID.
    idMasked:
      subject.idMasked === null
        ? null
        : visibility === 'staff'
          ? subject.idMasked
          : maskIdPublic(subject.idMasked),
    name: isPerson ? maskPersonName(subject.name) : subject.name,
    legalRep: subject.legalRep === null ? null : maskPersonName(subject.legalRep),
    division: subject.division,
  };
}

/*
 * Lookups and batches are written straight to JSON text: building objects and then stringifying
 * them cost more than finding the subject. api/test/views-json.test.ts checks the text against
 * the OpenAPI schema and an independent reading of the same record.
 */

const str = JSON.stringify as (value: string) => string;
const strOrNull = (value: string | null) => (value === null ? 'null' : str(value));

/** `"listType":…,"listTypeName":…,"listTypeNameEn":…` per list type code, once per catalog. */
const listTypeJsonByCatalog = new WeakMap<Catalog, Map<string, string>>();
const noCatalogJson = new Map<string, string>();

function listTypeJson(catalog: Catalog | null, code: string): string {
  let byCode = catalog === null ? noCatalogJson : listTypeJsonByCatalog.get(catalog);
  if (byCode === undefined) {
    byCode = new Map();
    listTypeJsonByCatalog.set(catalog!, byCode);
  }
  let json = byCode.get(code);
  if (json === undefined) {
    const lt = listTypeOf(catalog, code);
    json = `"listType":${str(code)},"listTypeName":${str(lt?.nameZh ?? code)},"listTypeNameEn":${str(lt?.nameEn ?? code)}`;
    byCode.set(code, json);
  }
  return json;
}

export function entryJson(entry: EntryFacts, today: string, catalog: Catalog | null): string {
  const status = entryStatusAt(entry, today);
  const inForce = status === 'active' && isInForce(entry, today);
  return `{"id":${str(entry.id)},${listTypeJson(catalog, entry.listType)},"kind":"${entry.kind}","designator":${str(entry.designator)},"basis":${str(entry.basis)},"reason":${str(entry.reason)},"decidedOn":"${entry.decidedOn}","publishedOn":${strOrNull(entry.publishedOn)},"validUntil":${strOrNull(entry.validUntil)},"status":"${status}","inForce":${inForce}}`;
}

export function entriesJson(entries: readonly EntryFacts[], today: string, catalog: Catalog | null): string {
  let out = '[';
  for (let i = 0; i < entries.length; i++) {
    if (i > 0) out += ',';
    out += entryJson(entries[i]!, today, catalog);
  }
  return `${out}]`;
}

export function subjectJson(subject: Subject, visibility: Visibility): string {
  const v = subjectView(subject, visibility);
  return `{"id":${str(v.id)},"type":"${v.type}","code":${strOrNull(v.code)},"idMasked":${strOrNull(v.idMasked)},"name":${str(v.name)},"legalRep":${strOrNull(v.legalRep)},"division":${strOrNull(v.division)}}`;
}

export function stringsJson(values: readonly string[]): string {
  return values.length === 0 ? '[]' : JSON.stringify(values);
}

/** The body of a found subject (SubjectLookupSchema). */
export function lookupJson(opts: {
  subject: Subject;
  entries: EntryFacts[];
  status: SubjectStatus;
  today: string;
  dataVersion: number;
  catalog: Catalog | null;
  visibility: Visibility;
  warnings: string[];
}): string {
  const match = opts.subject.type === 'person' ? 'id' : 'code';
  return `{"dataVersion":${opts.dataVersion},"asOf":"${opts.today}","match":"${match}","status":"${opts.status}","subject":${subjectJson(opts.subject, opts.visibility)},"entries":${entriesJson(opts.entries, opts.today, opts.catalog)},"warnings":${stringsJson(opts.warnings)}}`;
}
