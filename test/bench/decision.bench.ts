// Throughput of the decision engine on one core, beside a baseline that only computes the
// subject's status on the same input. Prints a table; never fails on timing.
//   npx tsx test/bench/decision.bench.ts
import type { Catalog } from '../../api/src/domain/catalog.ts';
import { type DecideInput, decide } from '../../api/src/domain/decision.ts';
import { loadDefaultCatalog } from '../../api/src/domain/default-catalog.ts';
import type { Entry, Subject } from '../../api/src/domain/model.ts';
import { subjectStatusAt } from '../../api/src/domain/status.ts';

const TODAY = '2026-11-23';
const POOL = 1024;
const ITERATIONS = 100_000;
const ROUNDS = 3;

const catalog: Catalog = loadDefaultCatalog();

function subject(id: string, type: 'org' | 'person'): Subject {
  return {
    id,
    type,
    key: id,
    code: null,
    idMasked: null,
    name: '测试建设工程有限公司',
    normName: '测试建设工程',
    legalRep: null,
    legalRepKey: null,
    division: '310110',
    seq: 1,
  };
}

function entry(
  subjectId: string,
  n: number,
  listType: string,
  kind: 'red' | 'black',
  over: Partial<Entry> = {},
): Entry {
  return {
    id: `ent_${subjectId}_${n}`,
    subjectId,
    listType,
    kind,
    designator: '上海市浦东新区人民法院',
    department: '上海市浦东新区人民法院',
    basis: `（2025）沪0115执${n}号`,
    reason: '有履行能力而拒不履行生效法律文书确定义务',
    decidedOn: '2025-11-20',
    publishedOn: '2025-11-25',
    validUntil: '2027-11-19',
    status: 'active',
    seq: n,
    createdAt: '2025-11-25T08:00:00+08:00',
    updatedAt: '2025-11-25T08:00:00+08:00',
    ...over,
  };
}

/** A black-listed supplier with three entries: two that act and one under objection. */
function blackInput(i: number): DecideInput {
  const s = subject(`sub_${i}`, 'org');
  return {
    subject: s,
    entries: [
      entry(s.id, 1, 'dishonest-judgment-debtor', 'black'),
      entry(s.id, 2, 'major-tax-violation', 'black'),
      entry(s.id, 3, 'wage-arrears-migrant-workers', 'black', { status: 'suspended' }),
    ],
    related: [],
    catalog,
    scenario: 'gov-procurement',
    today: TODAY,
  };
}

function blackWithRepInput(i: number): DecideInput {
  const base = blackInput(i);
  const rep = subject(`sub_rep_${i}`, 'person');
  return {
    ...base,
    scenario: 'market-access',
    related: [
      {
        role: 'legal-representative',
        subject: rep,
        entries: [entry(rep.id, 1, 'dishonest-judgment-debtor', 'black')],
      },
    ],
  };
}

function redInput(i: number): DecideInput {
  const s = subject(`sub_red_${i}`, 'org');
  return {
    subject: s,
    entries: [entry(s.id, 1, 'a-grade-taxpayer', 'red', { validUntil: null })],
    related: [],
    catalog,
    scenario: 'admin-licensing',
    today: TODAY,
  };
}

function clearInput(): DecideInput {
  return { subject: null, entries: [], related: [], catalog, scenario: 'gov-procurement', today: TODAY };
}

let sink = 0;

/** Best of ROUNDS, in calls per second. */
function measure(inputs: readonly DecideInput[], run: (input: DecideInput) => number): number {
  for (let i = 0; i < 20_000; i++) sink += run(inputs[i % inputs.length]!); // warm up the JIT
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) sink += run(inputs[i % inputs.length]!);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.min(best, seconds);
  }
  return ITERATIONS / best;
}

const baseline = (input: DecideInput) => subjectStatusAt(input.entries, input.today).length;
const decision = (input: DecideInput) => decide(input).basis.length;

const pool = <T>(make: (i: number) => T): T[] => Array.from({ length: POOL }, (_, i) => make(i));
const cases: Array<[string, DecideInput[]]> = [
  ['black subject, 3 entries (gov-procurement → block)', pool(blackInput)],
  ['black subject + listed legal rep (market-access)', pool(blackWithRepInput)],
  ['red subject (admin-licensing → favour, green channel)', pool(redInput)],
  ['not listed (→ clear)', pool(clearInput)],
];

// The one-time cost of indexing a catalog (53 measures), paid once per catalog object.
const compileRuns = 2_000;
let compileStart = process.hrtime.bigint();
for (let i = 0; i < compileRuns; i++)
  sink += decide({ ...clearInput(), catalog: { ...catalog } }).basis.length;
const firstCall = Number(process.hrtime.bigint() - compileStart) / 1e3 / compileRuns;
compileStart = process.hrtime.bigint();
for (let i = 0; i < compileRuns; i++) sink += decide(clearInput()).basis.length;
const warmCall = Number(process.hrtime.bigint() - compileStart) / 1e3 / compileRuns;

const rows = cases.map(([name, inputs]) => {
  const base = measure(inputs, baseline);
  const dec = measure(inputs, decision);
  return {
    case: name,
    'decisions/s': Math.round(dec),
    'status-only/s': Math.round(base),
    ratio: (base / dec).toFixed(1),
  };
});

console.log(`decision engine, one core, node ${process.version}, best of ${ROUNDS} × ${ITERATIONS} calls`);
console.table(rows);
console.log(
  `catalog compile (first decide on a new catalog object): ~${(firstCall - warmCall).toFixed(1)} µs; warm decide ${warmCall.toFixed(2)} µs`,
);
if (sink === -1) console.log(sink);
