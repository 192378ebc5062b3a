import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog, Measure } from '../src/domain/catalog.ts';
import { type DecideInput, decide } from '../src/domain/decision.ts';
import { type Decision, DecisionSchema, RelatedRole } from '../src/domain/decision-schema.ts';
import type { Entry, StoredStatus } from '../src/domain/model.ts';
import { entryStatusAt, isInForce } from '../src/domain/status.ts';
import { org, person, realCatalog } from './decision-fixtures.ts';

/**
 * The architecture's invariants 1–4, over random catalogs, entries and dates:
 * 1 no unpublished measure is applied; 2 an entry under objection does not punish;
 * 3 expired, repaired and revoked entries never punish; 4 every block or review names its basis,
 * designator and entries.
 */

const LIST_TYPES = ['lt-a', 'lt-b', 'lt-c', 'lt-d', 'lt-e'];
const SCENARIOS = ['s-1', 's-2', 's-3'];
const MEASURE_CODES = [
  ...Array.from({ length: 14 }, (_, i) => `m-${i}`),
  'green-channel',
  'tolerant-acceptance',
];
const STATUSES: StoredStatus[] = ['active', 'suspended', 'repaired', 'revoked'];

const BASE_DAY = Date.UTC(2026, 10, 23);
const dayOffset = (days: number) => new Date(BASE_DAY + days * 86_400_000).toISOString().slice(0, 10);

const measureArb: fc.Arbitrary<Measure> = fc.record({
  code: fc.constantFrom(...MEASURE_CODES),
  nameZh: fc.constant('措施'),
  nameEn: fc.constant('measure'),
  kind: fc.constantFrom('incentive', 'punishment'),
  binding: fc.constantFrom('mandatory', 'recommended'),
  appliesToListTypes: fc.subarray([...LIST_TYPES, 'lt-undeclared']),
  scenarios: fc.subarray([...SCENARIOS, 's-undeclared']),
  effect: fc.constantFrom('block', 'review', 'restrict', 'favour'),
  implementerZh: fc.constant('实施部门'),
  basisZh: fc.string({ minLength: 1, maxLength: 8 }).map((s) => `依据《${s}》`),
  source: fc.constant('synthetic'),
  notes: fc.constant(null),
  published: fc.boolean(),
});

const catalogArb: fc.Arbitrary<Catalog> = fc
  .record({
    listTypes: fc.tuple(
      ...LIST_TYPES.map(() => fc.record({ kind: fc.constantFrom('red', 'black'), ref: fc.boolean() })),
    ),
    measures: fc.uniqueArray(measureArb, { selector: (m) => m.code, maxLength: 16 }),
  })
  .map(({ listTypes, measures }) => ({
    version: 'synthetic',
    listTypes: listTypes.map((lt, i) => ({
      code: LIST_TYPES[i]!,
      nameZh: `名单${i}`,
      nameEn: `list ${i}`,
      kind: lt.kind,
      subjectTypes: ['org', 'person'],
      typicalDesignatorZh: null,
      typicalValidity: null,
      validityNote: null,
      earlyExitNote: null,
      referenceOnly: lt.ref,
      source: 'synthetic',
    })),
    measures,
    scenarios: SCENARIOS.map((code) => ({ code, nameZh: code, nameEn: code, typicalSystemZh: null })),
  }));

interface EntrySpec {
  listType: string;
  kind: 'red' | 'black';
  status: StoredStatus;
  decided: number;
  until: number | null;
  designator: string;
}

const entrySpecArb: fc.Arbitrary<EntrySpec> = fc.record({
  listType: fc.constantFrom(...LIST_TYPES, 'lt-unknown'),
  kind: fc.constantFrom('red', 'black'),
  status: fc.constantFrom(...STATUSES),
  decided: fc.integer({ min: -2000, max: 30 }),
  until: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
  designator: fc.constantFrom('某区人民法院', '某市税务局', '某市人社局'),
});

let serial = 0;
function toEntry(subjectId: string, spec: EntrySpec): Entry {
  const n = serial++;
  return {
    id: `ent_${n}`,
    subjectId,
    listType: spec.listType,
    kind: spec.kind,
    designator: spec.designator,
    department: spec.designator,
    basis: `决定书${n}号`,
    reason: '事由',
    decidedOn: dayOffset(spec.decided),
    publishedOn: null,
    validUntil: spec.until === null ? null : dayOffset(spec.until),
    status: spec.status,
    seq: n,
    createdAt: '2026-01-01T00:00:00+08:00',
    updatedAt: '2026-01-01T00:00:00+08:00',
  };
}

const inputArb = (catalogs: fc.Arbitrary<Catalog>) =>
  fc
    .record({
      catalog: catalogs,
      listed: fc.boolean(),
      entries: fc.array(entrySpecArb, { maxLength: 6 }),
      related: fc.array(
        fc.record({
          role: fc.constantFrom(...RelatedRole.options),
          entries: fc.array(entrySpecArb, { maxLength: 3 }),
        }),
        { maxLength: 2 },
      ),
      scenarioPick: fc.nat(),
      today: fc.integer({ min: -400, max: 400 }).map(dayOffset),
    })
    .map((r): DecideInput => {
      const subject = r.listed ? org('sub_o') : null;
      return {
        subject,
        entries: subject === null ? [] : r.entries.map((e) => toEntry(subject.id, e)),
        related: r.related.map((rel, i) => {
          const p = person(`sub_p${i}`);
          return { role: rel.role, subject: p, entries: rel.entries.map((e) => toEntry(p.id, e)) };
        }),
        catalog: r.catalog,
        scenario: r.catalog.scenarios[r.scenarioPick % r.catalog.scenarios.length]!.code,
        today: r.today,
      };
    });

/** Random catalogs, and the real one with random measures unpublished. */
const realWithUnpublished: fc.Arbitrary<Catalog> = fc
  .subarray(realCatalog.measures.map((m) => m.code))
  .map((codes) => {
    const off = new Set(codes);
    return {
      ...realCatalog,
      measures: realCatalog.measures.map((m) => ({ ...m, published: !off.has(m.code) })),
    };
  });
const realInputArb = fc
  .record({
    catalog: realWithUnpublished,
    scenario: fc.constantFrom(...realCatalog.scenarios.map((s) => s.code)),
    entries: fc.array(
      fc.record({
        listType: fc.constantFrom(...realCatalog.listTypes.map((l) => l.code)),
        status: fc.constantFrom(...STATUSES),
        decided: fc.integer({ min: -2000, max: 30 }),
        until: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
        designator: fc.constantFrom('某区人民法院', '某市税务局'),
      }),
      { maxLength: 5 },
    ),
    repEntries: fc.array(
      fc.record({
        listType: fc.constantFrom(
          ...realCatalog.listTypes.filter((l) => l.kind === 'black').map((l) => l.code),
        ),
        status: fc.constantFrom(...STATUSES),
        decided: fc.integer({ min: -2000, max: 30 }),
        until: fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }),
        designator: fc.constant('某区人民法院'),
      }),
      { maxLength: 2 },
    ),
  })
  .map((r): DecideInput => {
    const kindOf = (code: string) => realCatalog.listTypes.find((l) => l.code === code)!.kind;
    const subject = org('sub_o');
    const rep = person('sub_rep');
    return {
      subject,
      entries: r.entries.map((e) => toEntry(subject.id, { ...e, kind: kindOf(e.listType) })),
      related: [
        {
          role: 'legal-representative',
          subject: rep,
          entries: r.repEntries.map((e) => toEntry(rep.id, { ...e, kind: 'black' })),
        },
      ],
      catalog: r.catalog,
      scenario: r.scenario,
      today: '2026-11-23',
    };
  });

const anyInput = fc.oneof(inputArb(catalogArb), realInputArb);
const RUNS = { numRuns: 400 };

function allApplied(d: Decision) {
  return [...d.measures, ...d.related.flatMap((r) => r.measures)];
}

/** Ids of entries that some applied measure (own or a related person's) names. */
function actingIds(d: Decision): Set<string> {
  return new Set(allApplied(d).flatMap((m) => m.entries));
}

/** What the outcome must be, judged from the decision's own measure lists. */
function expectedOutcome(d: Decision): Decision['outcome'] {
  let s = 3;
  for (const m of d.measures) {
    const sev = m.kind === 'incentive' ? 2 : m.effect === 'block' ? 0 : 1;
    s = Math.min(s, sev);
  }
  if (d.related.some((r) => r.measures.length > 0)) s = Math.min(s, 1);
  return (['block', 'review', 'favour', 'clear'] as const)[s]!;
}

describe('decision invariants (property tests)', () => {
  it('1: never applies an unpublished measure, and the outcome comes only from applied ones', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const d = decide(input);
        DecisionSchema.parse(d);
        const published = new Map(input.catalog.measures.map((m) => [m.code, m.published]));
        for (const m of allApplied(d)) expect(published.get(m.code)).toBe(true);
        expect(d.outcome).toBe(expectedOutcome(d));
        for (const code of d.unpublishedMeasures) expect(published.get(code)).toBe(false);
      }),
      RUNS,
    );
  });

  it('1: removing the unpublished measures from a catalog changes neither outcome nor measures', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const before = decide(input);
        const stripped = { ...input.catalog, measures: input.catalog.measures.filter((m) => m.published) };
        const after = decide({ ...input, catalog: stripped });
        expect(after.outcome).toBe(before.outcome);
        expect(after.measures).toEqual(before.measures);
        expect(after.related.map((r) => r.measures)).toEqual(before.related.map((r) => r.measures));
        expect(after.unpublishedMeasures).toEqual([]);
      }),
      RUNS,
    );
  });

  it('2: an entry under objection never punishes and says it is suspended', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const d = decide(input);
        const acting = actingIds(d);
        const notApplied = new Map(
          [...d.notApplied, ...d.related.flatMap((r) => r.notApplied)].map((n) => [n.id, n]),
        );
        const all = [...input.entries, ...(input.related ?? []).flatMap((r) => r.entries)];
        for (const e of all) {
          if (e.status !== 'suspended') continue;
          expect(acting.has(e.id)).toBe(false);
          const relatedRed = e.subjectId !== 'sub_o' && e.kind === 'red';
          if (isInForce(e, input.today) && entryStatusAt(e, input.today) === 'suspended' && !relatedRed) {
            expect(notApplied.get(e.id)?.why).toBe('suspended');
            expect(notApplied.get(e.id)?.status).toBe('suspended');
          }
        }
      }),
      RUNS,
    );
  });

  it('3: expired, repaired, revoked and undecided entries never act, and say why', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const d = decide(input);
        const acting = actingIds(d);
        const own = new Map(d.notApplied.map((n) => [n.id, n.why]));
        for (const e of input.entries) {
          const status = entryStatusAt(e, input.today);
          if (!isInForce(e, input.today)) {
            expect(acting.has(e.id)).toBe(false);
            expect(own.get(e.id)).toBe('not-yet-decided');
          } else if (status === 'expired' || status === 'repaired' || status === 'revoked') {
            expect(acting.has(e.id)).toBe(false);
            expect(own.get(e.id)).toBe(status);
          }
        }
        // Every own entry is accounted for exactly once: behind a measure, or not applied with a reason.
        const shown = [...d.entries.map((e) => e.id), ...d.notApplied.map((n) => n.id)].sort();
        expect(shown).toEqual(input.entries.map((e) => e.id).sort());
      }),
      RUNS,
    );
  });

  it('3: adding an entry that is not active never makes the decision punish', () => {
    const extra = fc.record({
      spec: entrySpecArb,
      how: fc.constantFrom('expired', 'undecided', 'repaired', 'revoked', 'suspended'),
      storedWhenExpired: fc.constantFrom<StoredStatus>('active', 'suspended'),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(anyInput, extra, (input, { spec, how, storedWhenExpired, pick }) => {
        if (input.subject === null) return;
        // A list type of the catalog in use, so that the entry would punish if it were active.
        const lt = input.catalog.listTypes[pick % input.catalog.listTypes.length]!;
        const e = toEntry(input.subject.id, { ...spec, listType: lt.code, kind: lt.kind });
        if (how === 'expired') {
          e.status = storedWhenExpired;
          e.decidedOn = shiftDay(input.today, -400);
          e.validUntil = shiftDay(input.today, -1);
        } else if (how === 'undecided') {
          e.status = 'active';
          e.decidedOn = shiftDay(input.today, 1);
          e.validUntil = null;
        } else e.status = how;
        const before = decide(input);
        const after = decide({ ...input, entries: [...input.entries, e] });
        const punitive = (o: Decision['outcome']) => (o === 'block' || o === 'review' ? o : 'none');
        expect(punitive(after.outcome)).toBe(punitive(before.outcome));
        expect(after.measures.filter((m) => m.kind === 'punishment')).toEqual(
          before.measures.filter((m) => m.kind === 'punishment'),
        );
      }),
      RUNS,
    );
  });

  it('reference-only (association) entries never act, alone or beside others', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const d = decide(input);
        const acting = actingIds(d);
        const refOnly = new Set(input.catalog.listTypes.filter((l) => l.referenceOnly).map((l) => l.code));
        for (const e of [...input.entries, ...(input.related ?? []).flatMap((r) => r.entries)]) {
          if (refOnly.has(e.listType)) expect(acting.has(e.id)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('4: every block or review names its legal basis, designator and entries', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const d = decide(input);
        if (d.outcome !== 'block' && d.outcome !== 'review') return;
        const punishing = [
          ...d.measures.filter((m) => m.kind === 'punishment').map((m) => ({ m, entries: d.entries })),
          ...d.related.flatMap((r) => r.measures.map((m) => ({ m, entries: r.entries }))),
        ];
        expect(punishing.length).toBeGreaterThan(0);
        for (const { m, entries } of punishing) {
          expect(m.entries.length).toBeGreaterThan(0);
          expect(
            d.basis.some(
              (l) =>
                l.includes(`(${m.code})`) && l.includes(m.basisZh) && m.entries.every((id) => l.includes(id)),
            ),
          ).toBe(true);
          for (const id of m.entries) {
            const e = entries.find((x) => x.id === id);
            expect(e).toBeDefined();
            expect(
              d.basis.some((l) => l.includes(id) && l.includes(e!.designator) && l.includes(e!.basis)),
            ).toBe(true);
          }
        }
        expect(d.basis.at(-1)).toContain(`Outcome: ${d.outcome}`);
      }),
      RUNS,
    );
  });

  it('is deterministic: the same input gives the same decision', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        expect(decide(input)).toEqual(decide(structuredClone(input)));
      }),
      { numRuns: 100 },
    );
  });
});

function shiftDay(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}
