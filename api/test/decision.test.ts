import { describe, expect, it } from 'vitest';
import { DecisionInputError, decide } from '../src/domain/decision.ts';
import { type Decision, DecisionSchema } from '../src/domain/decision-schema.ts';
import type { Entry } from '../src/domain/model.ts';
import { entry, org, person, realCatalog, TODAY, withUnpublished } from './decision-fixtures.ts';

const ORG = org();

function decideFor(
  entries: Entry[],
  scenario: string,
  extra: Partial<Parameters<typeof decide>[0]> = {},
): Decision {
  const decision = decide({
    subject: ORG,
    entries,
    related: [],
    catalog: realCatalog,
    scenario,
    today: TODAY,
    ...extra,
  });
  // Every decision must also be a valid wire shape for the HTTP layer.
  expect(DecisionSchema.parse(decision)).toEqual(decision);
  return decision;
}

const codes = (d: { measures: Array<{ code: string }> }) => d.measures.map((m) => m.code);

describe('decide: outcomes on the real catalog', () => {
  it('blocks a judgment debtor that is also a grade-A taxpayer in government procurement', () => {
    const black = entry(ORG.id, 'dishonest-judgment-debtor', 'black');
    const red = entry(ORG.id, 'a-grade-taxpayer', 'red');
    const d = decideFor([black, red], 'gov-procurement');

    expect(d.outcome).toBe('block');
    expect(d.status).toBe('black');
    const first = d.measures[0]!;
    expect(first).toMatchObject({
      code: 'procurement-refuse-listed-supplier',
      binding: 'mandatory',
      effect: 'block',
      kind: 'punishment',
      entries: [black.id],
    });
    expect(first.basisZh).toContain('财库〔2016〕125号');
    // Severity order: block, then review/restrict, then favour.
    const effects = d.measures.map((m) => m.effect);
    expect(effects.indexOf('restrict')).toBeGreaterThan(effects.lastIndexOf('block'));
    expect(effects.indexOf('favour')).toBeGreaterThan(effects.lastIndexOf('restrict'));
    expect(codes(d)).toContain('procurement-restrict');
    expect(d.entries.map((e) => e.id).sort()).toEqual([black.id, red.id].sort());
    expect(d.notApplied).toEqual([]);
    expect(d.greenChannel.eligible).toBe(false);
    expect(
      d.basis.some((l) => l.includes('procurement-refuse-listed-supplier') && l.includes(black.id)),
    ).toBe(true);
    expect(d.basis.at(-1)).toContain('Outcome: block');
  });

  it('puts mandatory before recommended within one severity', () => {
    const d = decideFor([entry(ORG.id, 'wage-arrears-migrant-workers', 'black')], 'fiscal-funds');
    expect(d.outcome).toBe('review');
    expect(codes(d)).toEqual(['wage-arrears-statutory-restrictions', 'fiscal-funds-restrict']);
    expect(d.measures[0]).toMatchObject({ binding: 'mandatory', effect: 'restrict' });
    expect(d.measures[1]).toMatchObject({ binding: 'recommended', effect: 'restrict' });
  });

  it('favours a grade-A taxpayer in licensing, green channel included', () => {
    const red = entry(ORG.id, 'a-grade-taxpayer', 'red');
    const d = decideFor([red], 'admin-licensing');
    expect(d.outcome).toBe('favour');
    expect(d.status).toBe('red');
    expect(d.greenChannel).toMatchObject({
      eligible: true,
      measures: ['green-channel', 'tolerant-acceptance'],
    });
    expect(d.greenChannel.reasonZh).toContain('连续三年无不良信用记录');
    expect(codes(d)[0]).toBe('a-grade-taxpayer-joint-incentives'); // the mandatory incentive first
    expect(codes(d)).toEqual(
      expect.arrayContaining(['green-channel', 'tolerant-acceptance', 'notify-commit']),
    );
    expect(d.measures.every((m) => m.entries.includes(red.id))).toBe(true);
  });

  it('withholds the green channel after a bad record in the last three years, even an expired one', () => {
    const red = entry(ORG.id, 'a-grade-taxpayer', 'red');
    const old = entry(ORG.id, 'wage-arrears-migrant-workers', 'black', {
      decidedOn: '2024-06-01',
      validUntil: '2025-06-01',
    });
    const d = decideFor([red, old], 'admin-licensing');
    expect(d.outcome).toBe('favour'); // other incentives still apply
    expect(d.greenChannel.eligible).toBe(false);
    expect(d.greenChannel.reason).toContain(old.id);
    expect(codes(d)).not.toContain('green-channel');
    expect(codes(d)).not.toContain('tolerant-acceptance');
    expect(d.notApplied.map((n) => [n.id, n.why])).toEqual([[old.id, 'expired']]);
  });

  it('grants the green channel when the only bad record ended before the three years or was revoked', () => {
    const red = entry(ORG.id, 'a-grade-taxpayer', 'red');
    const older = entry(ORG.id, 'major-tax-violation', 'black', {
      decidedOn: '2019-11-23',
      validUntil: '2023-11-22',
      status: 'repaired',
    });
    const wrong = entry(ORG.id, 'major-tax-violation', 'black', {
      decidedOn: '2026-01-10',
      status: 'revoked',
    });
    expect(decideFor([red, older, wrong], 'admin-licensing').greenChannel.eligible).toBe(true);
    const recent = entry(ORG.id, 'major-tax-violation', 'black', {
      decidedOn: '2023-11-24',
      status: 'repaired',
    });
    expect(decideFor([red, recent], 'admin-licensing').greenChannel.eligible).toBe(false);
    // Decided long ago but in force until inside the window: still a bad record in the three years.
    const lingering = entry(ORG.id, 'major-tax-violation', 'black', {
      decidedOn: '2018-01-01',
      validUntil: '2024-06-30',
    });
    expect(decideFor([red, lingering], 'admin-licensing').greenChannel.eligible).toBe(false);
  });

  it('withholds the green channel while a black entry is under objection', () => {
    const red = entry(ORG.id, 'a-grade-taxpayer', 'red');
    const disputed = entry(ORG.id, 'major-tax-violation', 'black', {
      decidedOn: '2020-01-01',
      status: 'suspended',
    });
    const d = decideFor([red, disputed], 'admin-licensing');
    expect(d.greenChannel.eligible).toBe(false);
    expect(d.outcome).toBe('favour');
  });

  it('says when a scenario has no green channel at all', () => {
    const d = decideFor([entry(ORG.id, 'a-grade-taxpayer', 'red')], 'fiscal-funds');
    expect(d.outcome).toBe('favour');
    expect(d.greenChannel).toMatchObject({ eligible: false, measures: [] });
    expect(d.greenChannel.reason).toMatch(/scenario/);
  });

  it('never lets an association black list punish on its own', () => {
    const assoc = entry(ORG.id, 'industry-association-blacklist', 'black', {
      designator: '上海市建筑业行业协会',
    });
    for (const scenario of ['gov-procurement', 'industry-self-regulation']) {
      const d = decideFor([assoc], scenario);
      expect(d.outcome).toBe('clear');
      expect(d.measures).toEqual([]);
      expect(d.notApplied).toMatchObject([{ id: assoc.id, why: 'reference-only' }]);
      expect(d.notApplied[0]!.messageZh).toContain('仅供参考');
    }
  });

  it('lets a government listing act beside an association listing, which stays reference only', () => {
    const assoc = entry(ORG.id, 'industry-association-blacklist', 'black');
    const court = entry(ORG.id, 'dishonest-judgment-debtor', 'black');
    const d = decideFor([assoc, court], 'gov-procurement');
    expect(d.outcome).toBe('block');
    expect(d.measures.every((m) => !m.entries.includes(assoc.id))).toBe(true);
    expect(d.notApplied.map((n) => n.why)).toEqual(['reference-only']);
  });

  it('clears a subject that is not listed', () => {
    const d = decide({
      subject: null,
      entries: [],
      related: [],
      catalog: realCatalog,
      scenario: 'gov-procurement',
      today: TODAY,
    });
    expect(d).toMatchObject({
      outcome: 'clear',
      status: 'clean',
      subjectId: null,
      measures: [],
      entries: [],
    });
    expect(d.basis.some((l) => l.includes('not listed'))).toBe(true);
    expect(DecisionSchema.parse(d)).toEqual(d);
  });

  it('clears a listed subject whose list type has no measure in the scenario', () => {
    const d = decideFor([entry(ORG.id, 'a-grade-taxpayer', 'red')], 'high-consumption');
    expect(d.outcome).toBe('clear');
    expect(d.notApplied).toMatchObject([{ why: 'no-measure-for-scenario' }]);
  });
});

describe('decide: entries that do not act', () => {
  it('suspends punishment while an objection is verified', () => {
    const disputed = entry(ORG.id, 'dishonest-judgment-debtor', 'black', { status: 'suspended' });
    const d = decideFor([disputed], 'gov-procurement');
    expect(d.outcome).toBe('clear');
    expect(d.status).toBe('suspended');
    expect(d.notApplied).toHaveLength(1);
    expect(d.notApplied[0]).toMatchObject({ id: disputed.id, why: 'suspended', status: 'suspended' });
    expect(d.notApplied[0]!.messageZh).toContain('联合惩戒措施在信息核实期间暂不执行');
    expect(d.notApplied[0]!.message).toMatch(/suspended while the information is verified/);
    expect(d.notApplied[0]!.measures).toContain('procurement-refuse-listed-supplier');
  });

  it.each([
    ['expired', { validUntil: '2026-11-22' }],
    ['repaired', { status: 'repaired' }],
    ['revoked', { status: 'revoked' }],
    ['not-yet-decided', { decidedOn: '2026-11-24' }],
  ] as const)('does not punish an entry that is %s', (why, over) => {
    const e = entry(ORG.id, 'dishonest-judgment-debtor', 'black', over);
    const d = decideFor([e], 'gov-procurement');
    expect(d.outcome).toBe('clear');
    expect(d.measures).toEqual([]);
    expect(d.notApplied).toMatchObject([{ id: e.id, why }]);
  });

  it('still punishes on the last day of validity', () => {
    const e = entry(ORG.id, 'dishonest-judgment-debtor', 'black', { validUntil: TODAY });
    expect(decideFor([e], 'gov-procurement').outcome).toBe('block');
  });

  it('applies no unpublished punishment (未经公布的惩戒措施不得实施)', () => {
    const catalog = withUnpublished(['wage-arrears-statutory-restrictions', 'fiscal-funds-restrict']);
    const e = entry(ORG.id, 'wage-arrears-migrant-workers', 'black');
    const d = decideFor([e], 'fiscal-funds', { catalog });
    expect(d.outcome).toBe('clear');
    expect(d.measures).toEqual([]);
    expect(d.notApplied).toMatchObject([{ id: e.id, why: 'no-published-measure' }]);
    expect(d.notApplied[0]!.messageZh).toContain('未经公布的惩戒措施不得实施');
    expect(d.unpublishedMeasures).toEqual(['fiscal-funds-restrict', 'wage-arrears-statutory-restrictions']);
  });

  it('applies the published measures and reports the unpublished ones when a catalog mixes them', () => {
    const catalog = withUnpublished(['procurement-refuse-listed-supplier']);
    const e = entry(ORG.id, 'dishonest-judgment-debtor', 'black');
    const d = decideFor([e], 'gov-procurement', { catalog });
    expect(d.outcome).toBe('review'); // procurement-restrict (restrict) is still published
    expect(codes(d)).toEqual(['procurement-restrict']);
    expect(d.unpublishedMeasures).toEqual(['procurement-refuse-listed-supplier']);
    expect(
      d.basis.some((l) => l.includes('procurement-refuse-listed-supplier') && l.includes('未经公布')),
    ).toBe(true);
  });
});

describe('decide: related persons (落实到人)', () => {
  const rep = person('sub_rep');

  it('reviews an organisation whose legal representative is a judgment debtor', () => {
    const red = entry(ORG.id, 'a-grade-taxpayer', 'red');
    const repEntry = entry(rep.id, 'dishonest-judgment-debtor', 'black');
    const d = decideFor([red], 'market-access', {
      related: [{ role: 'legal-representative', subject: rep, entries: [repEntry] }],
    });
    expect(d.outcome).toBe('review');
    expect(d.status).toBe('red');
    expect(d.related).toHaveLength(1);
    const r = d.related[0]!;
    expect(r).toMatchObject({ role: 'legal-representative', subjectId: rep.id });
    expect(r.entries.map((e) => e.id)).toEqual([repEntry.id]);
    expect(r.measures.map((m) => m.code)).toEqual(
      expect.arrayContaining(['person-record-linkage', 'debtor-public-institution-legal-rep-restrict']),
    );
    expect(r.measures.every((m) => m.entries.includes(repEntry.id))).toBe(true);
    expect(d.basis.some((l) => l.includes('法定代表人') && l.includes('person-record-linkage'))).toBe(true);
    expect(d.basis.some((l) => l.includes(repEntry.id) && l.includes(repEntry.designator))).toBe(true);
    expect(d.basis.at(-1)).toContain(`person-record-linkage@${rep.id}`);
  });

  it('keeps a block of the organisation itself when the legal representative is also listed', () => {
    const d = decideFor([entry(ORG.id, 'dishonest-judgment-debtor', 'black')], 'market-access', {
      related: [
        {
          role: 'legal-representative',
          subject: rep,
          entries: [entry(rep.id, 'major-tax-violation', 'black')],
        },
      ],
    });
    expect(d.outcome).toBe('block');
  });

  it('does not escalate for a legal representative whose entry is suspended or where no person measure applies', () => {
    const suspended = entry(rep.id, 'dishonest-judgment-debtor', 'black', { status: 'suspended' });
    const d = decideFor([], 'market-access', {
      related: [{ role: 'legal-representative', subject: rep, entries: [suspended] }],
    });
    expect(d.outcome).toBe('clear');
    expect(d.related[0]).toMatchObject({ measures: [], entries: [], notApplied: [{ why: 'suspended' }] });

    const active = entry(rep.id, 'dishonest-judgment-debtor', 'black');
    const none = decideFor([], 'promotion-events', {
      related: [{ role: 'principal', subject: rep, entries: [active] }],
    });
    expect(none.outcome).toBe('clear');
    expect(none.related[0]).toMatchObject({ role: 'principal', measures: [] });
  });

  it('leaves out related persons with nothing in force and ignores their red entries', () => {
    const d = decideFor([], 'market-access', {
      related: [
        {
          role: 'responsible-person',
          subject: rep,
          entries: [
            entry(rep.id, 'dishonest-judgment-debtor', 'black', { status: 'repaired' }),
            entry(rep.id, 'moral-model-person', 'red'),
          ],
        },
      ],
    });
    expect(d.related).toEqual([]);
    expect(d.outcome).toBe('clear');
  });
});

describe('decide: bad input', () => {
  it('rejects an unknown scenario with a typed error', () => {
    const call = () => decideFor([], 'no-such-scenario');
    expect(call).toThrow(DecisionInputError);
    try {
      call();
    } catch (err) {
      expect(err).toMatchObject({ problem: 'unknown-scenario', field: 'scenario' });
      expect((err as DecisionInputError).messageZh).toContain('no-such-scenario');
    }
  });

  it.each(['2026-02-30', '20261123', '', '2026-13-01'])('rejects the date %j', (today) => {
    expect(() => decideFor([], 'gov-procurement', { today })).toThrow(
      expect.objectContaining({ problem: 'invalid-date', field: 'today' }),
    );
  });

  it("rejects another subject's entry and entries for a subject that is not listed", () => {
    const foreign = entry('sub_other', 'dishonest-judgment-debtor', 'black');
    expect(() => decideFor([foreign], 'gov-procurement')).toThrow(
      expect.objectContaining({ problem: 'inconsistent-input', field: 'entries[0].subjectId' }),
    );
    expect(() => decideFor([foreign], 'gov-procurement', { subject: null })).toThrow(DecisionInputError);
    const rep = person('sub_rep');
    expect(() =>
      decideFor([], 'gov-procurement', {
        related: [{ role: 'legal-representative', subject: rep, entries: [foreign] }],
      }),
    ).toThrow(expect.objectContaining({ field: 'related[0].entries[0].subjectId' }));
  });

  it('rejects clearances until they exist', () => {
    expect(() => decideFor([], 'gov-procurement', { clearances: [{}] })).toThrow(
      expect.objectContaining({ field: 'clearances' }),
    );
  });
});
