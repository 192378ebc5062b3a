import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog, Measure } from '../src/domain/catalog.ts';
import { compileCatalog, severityOf } from '../src/domain/decision-catalog.ts';
import type { ListKind } from '../src/domain/model.ts';
import { realCatalog, withUnpublished } from './decision-fixtures.ts';

/** The scan the index replaces: every measure, every time. */
function naive(
  catalog: Catalog,
  listType: string,
  scenario: string,
  kind: ListKind,
  published: boolean,
): string[] {
  if (!catalog.scenarios.some((s) => s.code === scenario)) return [];
  return catalog.measures
    .map((m, i) => ({ m, i }))
    .filter(
      ({ m }) =>
        m.published === published &&
        (m.kind === 'incentive' ? 'red' : 'black') === kind &&
        m.scenarios.includes(scenario) &&
        m.appliesToListTypes.includes(listType),
    )
    .sort(
      (a, b) =>
        severityOf(a.m) - severityOf(b.m) ||
        Number(a.m.binding === 'recommended') - Number(b.m.binding === 'recommended') ||
        a.i - b.i,
    )
    .map(({ m }) => m.code);
}

function agreesWithScan(catalog: Catalog): void {
  const cc = compileCatalog(catalog);
  const listTypes = [...catalog.listTypes.map((l) => l.code), 'not-a-list-type'];
  const scenarios = [...catalog.scenarios.map((s) => s.code), 'not-a-scenario'];
  for (const lt of listTypes) {
    for (const sc of scenarios) {
      for (const kind of ['red', 'black'] as const) {
        const bucket = cc.measuresFor(lt, sc, kind);
        expect(bucket.published.map((c) => c.measure.code)).toEqual(naive(catalog, lt, sc, kind, true));
        expect(bucket.unpublished.map((c) => c.measure.code)).toEqual(naive(catalog, lt, sc, kind, false));
      }
    }
  }
}

describe('compileCatalog', () => {
  it('is built once per catalog object', () => {
    expect(compileCatalog(realCatalog)).toBe(compileCatalog(realCatalog));
    const copy = structuredClone(realCatalog);
    expect(compileCatalog(copy)).not.toBe(compileCatalog(realCatalog));
  });

  it('indexes the real catalog exactly as a full scan would, in decision order', () => {
    agreesWithScan(realCatalog);
    agreesWithScan(withUnpublished(['procurement-restrict', 'green-channel', 'person-record-linkage']));
  });

  it('agrees with a full scan on random catalogs', () => {
    const measure: fc.Arbitrary<Measure> = fc.record({
      code: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
      nameZh: fc.constant('措施'),
      nameEn: fc.constant('m'),
      kind: fc.constantFrom('incentive', 'punishment'),
      binding: fc.constantFrom('mandatory', 'recommended'),
      appliesToListTypes: fc.array(fc.constantFrom('x', 'y', 'z')),
      scenarios: fc.array(fc.constantFrom('s', 't', 'u')),
      effect: fc.constantFrom('block', 'review', 'restrict', 'favour'),
      implementerZh: fc.constant('部门'),
      basisZh: fc.constant('依据'),
      source: fc.constant('synthetic'),
      notes: fc.constant(null),
      published: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(measure, { selector: (m) => m.code }), (measures) => {
        agreesWithScan({
          version: 'r',
          listTypes: ['x', 'y', 'z'].map((code) => ({
            code,
            nameZh: code,
            nameEn: code,
            kind: 'black',
            subjectTypes: ['org'],
            typicalDesignatorZh: null,
            typicalValidity: null,
            validityNote: null,
            earlyExitNote: null,
            referenceOnly: false,
            source: 's',
          })),
          measures,
          scenarios: ['s', 't'].map((code) => ({ code, nameZh: code, nameEn: code, typicalSystemZh: null })),
        });
      }),
      { numRuns: 200 },
    );
  });

  it('never lets an incentive answer a black entry or a punishment a red one', () => {
    const cc = compileCatalog(realCatalog);
    expect(cc.measuresFor('a-grade-taxpayer', 'admin-licensing', 'black').published).toEqual([]);
    expect(cc.measuresFor('dishonest-judgment-debtor', 'gov-procurement', 'red').published).toEqual([]);
    expect(cc.measuresFor('a-grade-taxpayer', 'admin-licensing', 'red').published.length).toBeGreaterThan(0);
  });

  it('knows where the green channel exists and which list types are reference only', () => {
    const cc = compileCatalog(realCatalog);
    expect(cc.hasGreenChannel('admin-licensing')).toBe(true);
    expect(cc.hasGreenChannel('gov-procurement')).toBe(false);
    expect(
      compileCatalog(withUnpublished(['green-channel', 'tolerant-acceptance'])).hasGreenChannel(
        'admin-licensing',
      ),
    ).toBe(false);
    expect(cc.isReferenceOnly('industry-association-blacklist')).toBe(true);
    expect(cc.isReferenceOnly('dishonest-judgment-debtor')).toBe(false);
  });
});
