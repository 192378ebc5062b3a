import {
  orgCodeCheckChar,
  residentIdCheckChar,
  USCC_CHARSET,
  usccCheckChar,
} from '@credcheck/sdk/identifiers';
import type { ListKind, SubjectType } from '../domain/model.ts';
import { LIST_RULES, type ListRule } from './list-rules.ts';
import { type OrgForm, orgName, personName, type Sector } from './names.ts';
import { createRng, type Rng, type WeightedTable, weightedTable } from './prng.ts';
import { REGIONS, type Region, WEIGHTED_REGIONS } from './regions.ts';

/** The import CSV's columns, in the order the generator writes them. */
export const DATASET_COLUMNS = [
  'uscc',
  'name',
  'list_type',
  'kind',
  'designator',
  'basis',
  'reason',
  'decided_on',
  'valid_until',
  'published_on',
  'legal_rep',
  'legal_rep_id',
  'subject_type',
  'status',
] as const;
export type DatasetColumn = (typeof DATASET_COLUMNS)[number];
export type DatasetRow = Record<DatasetColumn, string>;

export interface DatasetOptions {
  seed: string;
  /** Subjects to invent (legal representatives who are listed themselves come on top). */
  subjects: number;
  /** Dates are laid out around this day (YYYY-MM-DD): some entries active, some long expired. */
  today: string;
  /** Stop after this many rows. */
  limit?: number;
}

/** Rows per subject on average, for sizing a data set by rows. */
export const ROWS_PER_SUBJECT = 1.3;

type Plan = 'black' | 'red' | 'both' | 'expired' | 'history' | 'suspended' | 'repaired' | 'revoked';

const ORG_PLANS = weightedTable<Plan>([
  ['black', 40],
  ['red', 30],
  ['both', 6],
  ['expired', 14],
  ['history', 5],
  ['suspended', 2],
  ['repaired', 2],
  ['revoked', 1],
]);
const PERSON_PLANS = weightedTable<Plan>([
  ['black', 66],
  ['red', 12],
  ['expired', 14],
  ['suspended', 3],
  ['repaired', 3],
  ['revoked', 2],
]);
const ORG_FORMS = weightedTable<OrgForm>([
  ['enterprise', 82],
  ['branch', 4],
  ['individual-business', 7],
  ['cooperative', 3],
  ['private-non-enterprise', 4],
]);
const FORM_PREFIX: Record<OrgForm, string> = {
  enterprise: '91',
  branch: '91',
  'individual-business': '92',
  cooperative: '93',
  'private-non-enterprise': '52',
};

/** How often each list type is used relative to the others (失信被执行人 dwarfs the rest, as in reality). */
const BASE_WEIGHT: Record<string, number> = {
  'dishonest-judgment-debtor': 30,
  'gov-procurement-serious-violation': 8,
  'major-tax-violation': 6,
  'wage-arrears-migrant-workers': 6,
  'work-safety-serious': 4,
  'a-grade-taxpayer': 20,
  'contract-abiding-enterprise': 8,
  'customs-advanced-certified': 3,
  'moral-model-person': 10,
  'industry-association-blacklist': 1,
  'honest-association-member': 1,
};

const DAY = 86_400_000;
const dayOf = (iso: string) =>
  Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY;

/**
 * Day numbers to dates, memoized: a data set spans a few thousand distinct days, and formatting a
 * Date for each of a million rows would dominate the generator's time.
 */
class Calendar {
  /** Days from `base` (80 years before today, room for birth dates) to 20 years after today. */
  private readonly base: number;
  private readonly iso: Array<string | undefined>;
  private readonly parts: Array<Int32Array | undefined>;

  constructor(today: number) {
    this.base = today - 80 * 366;
    const size = 100 * 366;
    this.iso = new Array<string | undefined>(size).fill(undefined);
    this.parts = new Array<Int32Array | undefined>(size).fill(undefined);
  }

  isoOf(day: number): string {
    const i = day - this.base;
    let s = this.iso[i];
    if (s === undefined) {
      s = new Date(day * DAY).toISOString().slice(0, 10);
      this.iso[i] = s;
    }
    return s;
  }

  yearOf(day: number): number {
    return this.partsOf(day)[0]!;
  }

  /** `years` after `day`, less one day: the last day of a publication period. */
  periodEnd(day: number, years: number): number {
    const p = this.partsOf(day);
    return Date.UTC(p[0]! + years, p[1]!, p[2]!) / DAY - 1;
  }

  private partsOf(day: number): Int32Array {
    const i = day - this.base;
    let p = this.parts[i];
    if (p === undefined) {
      const d = new Date(day * DAY);
      p = Int32Array.of(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      this.parts[i] = p;
    }
    return p;
  }
}

/**
 * Builds injective codes: the k-th body of a style is an affine permutation of k, so a million
 * subjects get a million distinct codes without a lookup table.
 */
class CodeFactory {
  private newStyle = 0;
  private numeric = 0;
  private readonly personIds = new Set<string>();

  uscc(prefix: string, region: Region, numericBody: boolean): string {
    let body: string;
    if (numericBody) {
      const n = (this.numeric++ * 37_124_957 + 10_293_847) % 100_000_000;
      body = String(n).padStart(8, '0');
    } else {
      let n = (this.newStyle++ * 400_000_019 + 123_456_789) % 887_503_681;
      body = '';
      for (let i = 0; i < 6; i++) {
        body = USCC_CHARSET.charAt(n % 31) + body;
        n = Math.floor(n / 31);
      }
      // 52… social organizations draw MJ bodies, enterprises MA.
      body = (prefix === '52' ? 'MJ' : 'MA') + body;
    }
    const first17 = prefix + region.code + body + orgCodeCheckChar(body);
    return first17 + usccCheckChar(first17);
  }

  residentId(rng: Rng, region: Region, today: number, cal: Calendar): string {
    for (;;) {
      // Adults aged 22 to 70 today.
      const iso = cal.isoOf(today - rng.int(22 * 365, 70 * 365));
      const birth = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
      const first17 = region.code + birth + String(rng.int(1, 999)).padStart(3, '0');
      const id = first17 + residentIdCheckChar(first17);
      if (this.personIds.has(id)) continue;
      this.personIds.add(id);
      return id;
    }
  }
}

/**
 * A deterministic synthetic data set in the import CSV format: organizations of every form (with
 * some 集团, branches, 个体工商户 and cooperatives) and natural persons, on red and black lists of
 * the catalog, with active, expired, open-ended, suspended, repaired and revoked entries, some
 * subjects on both lists, and some organizations whose legal representative is listed too.
 */
export function* generateDataset(opts: DatasetOptions): Generator<DatasetRow> {
  const rng = createRng(`credcheck-demo:${opts.seed}`);
  const today = dayOf(opts.today);
  if (!Number.isFinite(today)) throw new RangeError(`today must be YYYY-MM-DD, got "${opts.today}"`);
  const ctx: Context = { rng, today, cal: new Calendar(today), designators: [] };
  const codes = new CodeFactory();
  const picker = new ListTypePicker();
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const planned: PlannedEntry[] = [];
  const rows: DatasetRow[] = [];
  let emitted = 0;

  for (let i = 0; i < opts.subjects && emitted < limit; i++) {
    const region = rng.weighted(WEIGHTED_REGIONS);
    const isPerson = rng.chance(0.15);
    rows.length = 0;
    planned.length = 0;
    if (isPerson) {
      const id = codes.residentId(rng, region, today, ctx.cal);
      const subject: SubjectFields = {
        code: id,
        name: personName(rng),
        type: 'person',
        legalRep: '',
        legalRepId: '',
      };
      planEntries(rng, rng.weighted(PERSON_PLANS), picker, 'person', 'services', planned);
      for (const e of planned) rows.push(entryRow(ctx, subject, region, e));
    } else {
      const form = rng.weighted(ORG_FORMS);
      const { name, sector } = orgName(rng, region, form);
      const numeric = form === 'enterprise' && rng.chance(0.3);
      const code = codes.uscc(FORM_PREFIX[form], region, numeric);
      const subject: SubjectFields = { code, name, type: 'org', legalRep: personName(rng), legalRepId: '' };
      planEntries(rng, rng.weighted(ORG_PLANS), picker, 'org', sector, planned);
      // 落实到人: a debtor company's legal representative is sometimes listed as a person as well.
      let debtor: PlannedEntry | undefined;
      for (const e of planned)
        if (e.rule.code === 'dishonest-judgment-debtor' && e.state === 'active') debtor = e;
      let repRow: DatasetRow | undefined;
      if (debtor && rng.chance(0.25)) {
        subject.legalRepId = codes.residentId(rng, region, today, ctx.cal);
        const rep: SubjectFields = {
          code: subject.legalRepId,
          name: subject.legalRep,
          type: 'person',
          legalRep: '',
          legalRepId: '',
        };
        repRow = entryRow(ctx, rep, region, { rule: debtor.rule, state: 'active', status: 'active' });
      }
      for (const e of planned) rows.push(entryRow(ctx, subject, region, e));
      if (repRow) rows.push(repRow);
    }
    for (const row of rows) {
      if (emitted >= limit) return;
      emitted++;
      yield row;
    }
  }
}

interface Context {
  rng: Rng;
  today: number;
  cal: Calendar;
  /** Designator per list rule and region, filled as needed. */
  designators: string[];
}

interface PlannedEntry {
  rule: ListRule;
  state: 'active' | 'expired';
  status: 'active' | 'suspended' | 'repaired' | 'revoked';
}

/** Adds an entry on a list type the subject is not on yet (a subject is on each list type once). */
function addEntry(
  rng: Rng,
  picker: ListTypePicker,
  type: SubjectType,
  sector: Sector,
  out: PlannedEntry[],
  kind: ListKind,
  state: PlannedEntry['state'],
  status: PlannedEntry['status'],
): void {
  for (let tries = 0; tries < 10; tries++) {
    const rule = picker.pick(rng, kind, type, sector);
    let taken = false;
    for (const e of out) if (e.rule === rule) taken = true;
    if (!taken) {
      out.push({ rule, state, status });
      return;
    }
  }
}

function planEntries(
  rng: Rng,
  plan: Plan,
  picker: ListTypePicker,
  type: SubjectType,
  sector: Sector,
  out: PlannedEntry[],
): void {
  switch (plan) {
    case 'black':
      addEntry(rng, picker, type, sector, out, 'black', 'active', 'active');
      if (rng.chance(0.2)) addEntry(rng, picker, type, sector, out, 'black', 'active', 'active');
      if (rng.chance(0.1)) addEntry(rng, picker, type, sector, out, 'black', 'expired', 'active');
      break;
    case 'red':
      addEntry(rng, picker, type, sector, out, 'red', 'active', 'active');
      if (rng.chance(0.2)) addEntry(rng, picker, type, sector, out, 'red', 'active', 'active');
      break;
    case 'both':
      addEntry(rng, picker, type, sector, out, 'black', 'active', 'active');
      addEntry(rng, picker, type, sector, out, 'red', 'active', 'active');
      break;
    case 'expired':
      addEntry(rng, picker, type, sector, out, rng.chance(0.6) ? 'black' : 'red', 'expired', 'active');
      break;
    case 'history':
      addEntry(rng, picker, type, sector, out, 'black', 'expired', 'active');
      addEntry(rng, picker, type, sector, out, 'red', 'active', 'active');
      break;
    case 'suspended':
      addEntry(rng, picker, type, sector, out, 'black', 'active', 'suspended');
      break;
    case 'repaired':
      addEntry(rng, picker, type, sector, out, 'black', 'active', 'repaired');
      break;
    case 'revoked':
      addEntry(rng, picker, type, sector, out, 'black', rng.chance(0.5) ? 'active' : 'expired', 'revoked');
      break;
  }
}

/** Weighted list types per kind, subject type and sector, built once per combination. */
class ListTypePicker {
  private readonly cache = new Map<string, WeightedTable<ListRule>>();

  pick(rng: Rng, kind: ListKind, type: SubjectType, sector: Sector): ListRule {
    const key = `${kind}|${type}|${sector}`;
    let table = this.cache.get(key);
    if (!table) {
      table = weightedTable(
        LIST_RULES.filter((r) => r.kind === kind && r.subjects.includes(type))
          .map((r): readonly [ListRule, number] => {
            const base = BASE_WEIGHT[r.code] ?? 2;
            if (!r.sectors) return [r, base];
            const s = r.sectors[sector];
            return [r, s === undefined ? 0 : (base * s) / 5];
          })
          .filter(([, w]) => w > 0),
      );
      this.cache.set(key, table);
    }
    return rng.weighted(table);
  }
}

interface SubjectFields {
  code: string;
  name: string;
  type: SubjectType;
  legalRep: string;
  legalRepId: string;
}

const RULE_INDEX = new Map(LIST_RULES.map((r, i) => [r, i]));

function entryRow(ctx: Context, s: SubjectFields, region: Region, e: PlannedEntry): DatasetRow {
  const { rng, today, cal } = ctx;
  const years = rng.pick(e.rule.validity);
  let decided: number;
  let until: number | null;
  if (e.state === 'active') {
    if (years === null) {
      decided = today - rng.int(10, 6 * 365);
      until = null;
    } else {
      decided = today - rng.int(10, years * 365 - 30);
      until = cal.periodEnd(decided, years);
    }
  } else {
    const span = years ?? 2;
    decided = today - span * 365 - rng.int(40, 4 * 365);
    until = cal.periodEnd(decided, span);
  }
  const published = rng.chance(0.7) ? Math.min(today, decided + rng.int(0, 9)) : null;
  const slot = RULE_INDEX.get(e.rule)! * REGIONS.length + region.index;
  let designator = ctx.designators[slot];
  if (designator === undefined) {
    designator = e.rule.designator(region);
    ctx.designators[slot] = designator;
  }
  return {
    uscc: s.code,
    name: s.name,
    list_type: e.rule.code,
    kind: e.rule.kind,
    designator,
    basis: e.rule.basis(region, rng, cal.yearOf(decided)),
    reason: rng.pick(e.rule.reasons),
    decided_on: cal.isoOf(decided),
    valid_until: until === null ? '' : cal.isoOf(until),
    published_on: published === null ? '' : cal.isoOf(published),
    legal_rep: s.legalRep,
    legal_rep_id: s.legalRepId,
    subject_type: s.type,
    status: e.status,
  };
}
