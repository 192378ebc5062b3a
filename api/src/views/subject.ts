import { maskIdPublic, maskPersonName } from '@credcheck/sdk/mask';
import type { Catalog } from '../domain/catalog.ts';
import type { Subject } from '../domain/model.ts';
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

export function entryView(entry: EntryFacts, today: string, catalog: Catalog | null) {
  const lt = listTypeOf(catalog, entry.listType);
  const status = entryStatusAt(entry, today);
  return {
    id: entry.id,
    listType: entry.listType,
    listTypeName: lt?.nameZh ?? entry.listType,
    listTypeNameEn: lt?.nameEn ?? entry.listType,
    kind: entry.kind,
    designator: entry.designator,
    basis: entry.basis,
    reason: entry.reason,
    decidedOn: entry.decidedOn,
    publishedOn: entry.publishedOn,
    validUntil: entry.validUntil,
    status,
    inForce: status === 'active' && isInForce(entry, today),
  };
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
