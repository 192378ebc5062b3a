/**
 * A SubjectCard from the API's record of a subject: what the hover card shows, all of it text.
 * Codes and names are passed on as the API gave them (a person's ID and name come masked for the
 * key's role); measures are those of the portal's scenario that the entries in force trigger.
 */
import type { EntryCard, MeasureCard, SubjectCard } from '../messages.ts';
import type { UiLocale } from '../settings/settings.ts';
import type { ApiEntry, ApiMeasure, ApiSubject } from './api-types.ts';

export interface CardInput {
  subject: ApiSubject;
  entries: ApiEntry[];
  dataVersion: number;
}

export function buildCard(
  record: CardInput,
  opts: { scenario: string | null; measures: readonly ApiMeasure[]; locale: UiLocale; apiUrl: string },
): SubjectCard {
  const { subject } = record;
  const en = opts.locale === 'en';
  // What decides the badge first: entries in force, black before red.
  const ordered = [...record.entries].sort(
    (a, b) =>
      Number(b.inForce) - Number(a.inForce) || Number(b.kind === 'black') - Number(a.kind === 'black'),
  );
  const entries: EntryCard[] = ordered.map((e) => ({
    listType: e.listType,
    listTypeName: en ? e.listTypeNameEn || e.listTypeName : e.listTypeName,
    kind: e.kind,
    status: e.status,
    reason: e.reason,
    designator: e.designator,
    basis: e.basis,
    decidedOn: e.decidedOn,
    validFrom: e.decidedOn,
    validUntil: e.validUntil,
  }));
  return {
    displayCode: subject.type === 'person' ? (subject.idMasked ?? '') : (subject.code ?? ''),
    displayName: subject.name,
    subjectType: subject.type,
    entries,
    measures: measuresFor(record.entries, opts.scenario, opts.measures, en),
    dataVersion: record.dataVersion,
    objectionUrl: `${opts.apiUrl}/docs#tag/objections`,
  };
}

/**
 * Published measures of the scenario that an entry in force triggers (a suspended or expired
 * entry punishes no one), mandatory first, each once.
 */
export function measuresFor(
  entries: readonly ApiEntry[],
  scenario: string | null,
  catalog: readonly ApiMeasure[],
  en: boolean,
): MeasureCard[] {
  if (!scenario) return [];
  const listTypes = new Set(entries.filter((e) => e.inForce).map((e) => e.listType));
  if (listTypes.size === 0) return [];
  const out: MeasureCard[] = [];
  for (const m of catalog) {
    if (!m.published || !m.scenarios.includes(scenario)) continue;
    if (!m.appliesToListTypes.some((t) => listTypes.has(t))) continue;
    out.push({ code: m.code, name: en ? m.nameEn : m.nameZh, binding: m.binding, effect: m.effect });
  }
  return out.sort((a, b) => Number(b.binding === 'mandatory') - Number(a.binding === 'mandatory'));
}
