// What the clearance check (cleared false matches, in memory) costs a decision: decisions per
// second through the decision service, with no clearance at all (baseline), with 10,000 clearances
// of other pairs (a lookup that misses), and with the candidate cleared (a hit, annotated); name-only
// and by-code requests. Recording is stubbed out so that only the decision path is timed. Prints a
// table; never fails on timing.
//   npx tsx test/bench/clearance.bench.ts        (BENCH_DECISIONS per run, default 20,000)

import type { Principal } from '../../api/src/auth/roles.ts';
import { createDecisionService } from '../../api/src/decisions/service.ts';
import { fixedClock } from '../../api/src/domain/clock.ts';
import { loadDefaultCatalog } from '../../api/src/domain/default-catalog.ts';
import { clearedIdentity } from '../../api/src/oversight/apply-clearances.ts';
import { ClearanceSet } from '../../api/src/oversight/clearance-set.ts';
import { createReceiptSigner } from '../../api/src/receipts/signer.ts';
import { ensureSigningKeys } from '../../api/src/receipts/signing-keys.ts';
import { openRuntime } from '../../api/src/runtime.ts';
import { openSqliteStore } from '../../api/src/store/sqlite.ts';
import { orgRecord, usccFor } from '../../api/test/helpers/records.ts';

const N = Number(process.env.BENCH_DECISIONS ?? 20_000);
const SUBJECTS = 20_000;
const CLEARANCES = 10_000;
const CONCURRENT = 64;
const ROUNDS = 3;
const clock = fixedClock('2026-11-23');
const caller: Principal = {
  role: 'implementer',
  department: null,
  keyId: 'key_0123456789abcdef0123',
  label: 'bench',
};

const store = openSqliteStore(':memory:');
await store.migrate();
await store.replaceCatalog(loadDefaultCatalog(), 'bench');
const black = { kind: 'black' as const, listType: 'dishonest-judgment-debtor', status: 'active' as const };
await store.importRecords([Array.from({ length: SUBJECTS }, (_, n) => orgRecord(n, 0, { entry: black }))], {
  actor: 'bench',
});
const runtime = await openRuntime(store, {
  clock,
  catalog: loadDefaultCatalog(),
  idHmacKey: 'bench-secret',
  bodyLimit: 1 << 20,
  refreshMs: 3_600_000,
  snapshotDir: null,
});
const index = runtime.deps.index;
await index.whenNamesReady();
const signer = createReceiptSigner(await ensureSigningKeys(store, clock.now()));
const nameOf = (n: number) => `测试${n}号企业管理有限公司`;

function clearance(n: number, candidate: number) {
  return {
    id: `clr_${n.toString(16).padStart(24, '0')}`,
    rev: n + 1,
    candidateSubjectId: index.list.get(usccFor(candidate))!.subject.id,
    candidateCode: usccFor(candidate),
    candidateName: nameOf(candidate),
    presentedName: nameOf(candidate),
    presentedNormName: nameOf(candidate),
    presentedKey: null,
    presentedCode: null,
    reason: '非同一主体',
    keyId: caller.keyId!,
    at: '2026-11-20T00:00:00.000Z',
    revokedAt: null,
    revokedBy: null,
    revokeReason: null,
  };
}

/** Clearances of subjects 10,000–19,999 (their own names): requests for 0–9,999 miss; for the rest, hit. */
const many = new ClearanceSet();
for (let i = 0; i < CLEARANCES; i++) many.apply(clearance(i, SUBJECTS - CLEARANCES + i));

function service(set: ClearanceSet | undefined) {
  return createDecisionService({
    store: {
      recordDecisions: async () => {},
      getDecision: async () => null,
      getSetting: async () => null,
      getIdempotentResponse: async () => null,
      putIdempotentResponse: async () => true,
    },
    index,
    clock,
    catalog: () => runtime.deps.catalog(),
    idHmacKey: 'bench-secret',
    signer,
    ...(set ? { clearances: set } : {}),
  });
}

type Subject = { code: string } | { name: string };
async function run(set: ClearanceSet | undefined, subject: (i: number) => Subject): Promise<number> {
  const svc = service(set);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENT }, async () => {
      while (next < N) {
        const i = next++;
        await svc.decide({ scenario: 'gov-procurement', subject: subject(i) } as never, caller);
      }
    }),
  );
  return N / ((performance.now() - start) / 1000);
}

const miss = (i: number) => ({ name: nameOf(i % (SUBJECTS - CLEARANCES)) });
const hit = (i: number) => ({ name: nameOf(SUBJECTS - CLEARANCES + (i % CLEARANCES)) });
const byCode = (i: number) => ({ code: usccFor(i % SUBJECTS) });

// Check the variants do what they say before timing them.
const probe = await service(many).decide({ scenario: 'gov-procurement', subject: hit(0) } as never, caller);
if (probe.result.identity.candidates[0]?.clearance === undefined)
  throw new Error('hit variant is not cleared');
const probeMiss = await service(many).decide(
  { scenario: 'gov-procurement', subject: miss(0) } as never,
  caller,
);
if (probeMiss.result.outcome !== 'review') throw new Error('miss variant is not a review');

const variants: Array<[string, () => Promise<number>]> = [
  ['name-only, no clearances (baseline)', () => run(undefined, miss)],
  [`name-only, ${CLEARANCES.toLocaleString('en')} clearances, miss`, () => run(many, miss)],
  ['name-only, other names, no clearances (baseline)', () => run(undefined, hit)],
  ['name-only, other names, candidate cleared (hit)', () => run(many, hit)],
  ['by code, no clearances (baseline)', () => run(undefined, byCode)],
  [`by code, ${CLEARANCES.toLocaleString('en')} clearances`, () => run(many, byCode)],
];
const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of variants) best.set(name, Math.max(best.get(name) ?? 0, await fn()));
}

// The check alone, on the identity a name-only decision produced.
const identity = probeMiss.result.identity;
const CALLS = 1_000_000;
let t = performance.now();
for (let i = 0; i < CALLS; i++) clearedIdentity(identity, nameOf(i % 10_000), null, many);
const nsPerCheck = ((performance.now() - t) * 1e6) / CALLS;
t = performance.now();
for (let i = 0; i < CALLS; i++) clearedIdentity(identity, nameOf(i % 10_000), null, undefined);
const nsEmpty = ((performance.now() - t) * 1e6) / CALLS;

const base = {
  name: best.get(variants[0]![0])!,
  other: best.get(variants[2]![0])!,
  code: best.get(variants[4]![0])!,
};
console.log(
  `decisions/s, best of ${ROUNDS} runs of ${N.toLocaleString('en')} (${SUBJECTS.toLocaleString('en')} listed subjects)`,
);
console.table(
  variants.map(([name]) => {
    const rate = best.get(name)!;
    const baseline = name.includes('other names')
      ? base.other
      : name.startsWith('name')
        ? base.name
        : base.code;
    return {
      variant: name,
      'decisions/s': Math.round(rate),
      'vs baseline': `${((rate / baseline - 1) * 100).toFixed(1)}%`,
    };
  }),
);
console.log(
  `clearance check alone (normalize + lookup, miss): ${nsPerCheck.toFixed(0)} ns; with no clearance set: ${nsEmpty.toFixed(0)} ns`,
);
await runtime.stop();
await store.close();
