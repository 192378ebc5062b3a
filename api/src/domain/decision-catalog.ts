import type { Catalog, Measure } from './catalog.ts';
import type { DecisionMeasure } from './decision-schema.ts';
import type { ListKind } from './model.ts';

/**
 * A catalog indexed for the decision engine: which measures a list type triggers in a scenario,
 * looked up in two map reads instead of a scan of every measure per entry.
 */

/** 0 = block, 1 = review (review or restrict), 2 = favour. */
export type Severity = 0 | 1 | 2;

export interface CompiledMeasure {
  measure: Measure;
  /** What this measure makes of the outcome. */
  severity: Severity;
  /** Sort key: severity, then mandatory before recommended, then catalog order. */
  rank: number;
  /** The measure as a decision shows it, without its entries. */
  view: Omit<DecisionMeasure, 'entries'>;
}

export interface MeasureBucket {
  published: readonly CompiledMeasure[];
  unpublished: readonly CompiledMeasure[];
}

/** The measures of one list type in one scenario, by the kind of entry that triggers them. */
export type ListTypeMeasures = Readonly<Record<ListKind, MeasureBucket>>;

export type ScenarioIndex = ReadonlyMap<string, ListTypeMeasures>;

export interface CompiledCatalog {
  readonly catalog: Catalog;
  readonly version: string;
  /** Undefined for a scenario the catalog does not know. */
  scenario(code: string): ScenarioIndex | undefined;
  scenarioName(code: string): { zh: string; en: string };
  listTypeName(code: string): { zh: string; en: string };
  isReferenceOnly(listType: string): boolean;
  measuresFor(listType: string, scenario: string, kind: ListKind): MeasureBucket;
  /** Scenarios with a published green-channel or tolerant-acceptance measure. */
  hasGreenChannel(scenario: string): boolean;
}

/** The measures that need three years without a bad record (绿色通道, 容缺受理). */
export const GREEN_CHANNEL_MEASURES: ReadonlySet<string> = new Set(['green-channel', 'tolerant-acceptance']);

export const EMPTY_BUCKET: MeasureBucket = Object.freeze({ published: [], unpublished: [] });

/**
 * A punishment acts by its effect; a punishment with a non-punishing effect still needs a human.
 * An incentive only ever favours, whatever effect a catalog gives it.
 */
export function severityOf(measure: Pick<Measure, 'kind' | 'effect'>): Severity {
  if (measure.kind === 'incentive') return 2;
  return measure.effect === 'block' ? 0 : 1;
}

/** Incentives answer red entries and punishments black ones; a catalog that mixes them is not obeyed. */
function triggeringKind(measure: Measure): ListKind {
  return measure.kind === 'incentive' ? 'red' : 'black';
}

function compile(catalog: Catalog): CompiledCatalog {
  const scenarios = new Map<string, Map<string, { red: MutableBucket; black: MutableBucket }>>();
  const scenarioNames = new Map<string, { zh: string; en: string }>();
  for (const s of catalog.scenarios) {
    scenarios.set(s.code, new Map());
    scenarioNames.set(s.code, { zh: s.nameZh, en: s.nameEn });
  }
  const listTypeNames = new Map<string, { zh: string; en: string }>();
  const referenceOnly = new Set<string>();
  for (const lt of catalog.listTypes) {
    listTypeNames.set(lt.code, { zh: lt.nameZh, en: lt.nameEn });
    if (lt.referenceOnly) referenceOnly.add(lt.code);
  }
  const greenChannel = new Set<string>();

  catalog.measures.forEach((measure, index) => {
    const severity = severityOf(measure);
    const compiled: CompiledMeasure = {
      measure,
      severity,
      rank: (severity * 2 + (measure.binding === 'mandatory' ? 0 : 1)) * 1_000_000 + index,
      view: {
        code: measure.code,
        nameZh: measure.nameZh,
        nameEn: measure.nameEn,
        kind: measure.kind,
        binding: measure.binding,
        effect: measure.effect,
        implementerZh: measure.implementerZh,
        basisZh: measure.basisZh,
        source: measure.source,
      },
    };
    const kind = triggeringKind(measure);
    for (const scenario of new Set(measure.scenarios)) {
      const byListType = scenarios.get(scenario);
      if (byListType === undefined) continue; // a scenario the catalog does not declare is never asked for
      if (measure.published && GREEN_CHANNEL_MEASURES.has(measure.code)) greenChannel.add(scenario);
      for (const listType of new Set(measure.appliesToListTypes)) {
        let slot = byListType.get(listType);
        if (slot === undefined) {
          slot = { red: { published: [], unpublished: [] }, black: { published: [], unpublished: [] } };
          byListType.set(listType, slot);
        }
        (measure.published ? slot[kind].published : slot[kind].unpublished).push(compiled);
      }
    }
  });
  // Buckets are kept in rank order so a decision with one entry needs no sort.
  for (const byListType of scenarios.values()) {
    for (const slot of byListType.values()) {
      for (const bucket of [slot.red, slot.black]) {
        bucket.published.sort(byRank);
        bucket.unpublished.sort(byRank);
      }
    }
  }

  return {
    catalog,
    version: catalog.version,
    scenario: (code) => scenarios.get(code),
    scenarioName: (code) => scenarioNames.get(code) ?? { zh: code, en: code },
    listTypeName: (code) => listTypeNames.get(code) ?? { zh: code, en: code },
    isReferenceOnly: (listType) => referenceOnly.has(listType),
    measuresFor: (listType, scenario, kind) => scenarios.get(scenario)?.get(listType)?.[kind] ?? EMPTY_BUCKET,
    hasGreenChannel: (scenario) => greenChannel.has(scenario),
  };
}

interface MutableBucket {
  published: CompiledMeasure[];
  unpublished: CompiledMeasure[];
}

export function byRank(a: CompiledMeasure, b: CompiledMeasure): number {
  return a.rank - b.rank;
}

const compiledCatalogs = new WeakMap<Catalog, CompiledCatalog>();

/**
 * The index of a catalog, built once per catalog object. A catalog is treated as immutable once
 * compiled: a store that replaces its catalog hands the engine a new object.
 */
export function compileCatalog(catalog: Catalog): CompiledCatalog {
  let compiled = compiledCatalogs.get(catalog);
  if (compiled === undefined) {
    compiled = compile(catalog);
    compiledCatalogs.set(catalog, compiled);
  }
  return compiled;
}
