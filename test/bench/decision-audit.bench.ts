// Decisions per second through DecisionLog (group commit) with the audit append, beside the same
// writes without it, measured in the same run on fresh stores. Prints a table; never fails on timing.
//   npx tsx test/bench/decision-audit.bench.ts
// BENCH_DECISIONS (default 20,000) per run; BENCH_PG=postgres://… adds PostgreSQL (a throwaway schema).
//
// "without audit" writes exactly what recordDecisions wrote before the audit log existed: on
// SQLite the same writer thread and statement with no audit events (the thread then skips the
// chain); on PostgreSQL the former single INSERT … SELECT FROM unnest(…) outside a transaction.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DecisionLog } from '../../api/src/decisions/decision-log.ts';
import { DECISION_COLUMNS, decisionValues, validDecision } from '../../api/src/store/keys-decisions.ts';
import { openPostgresStore } from '../../api/src/store/postgres.ts';
import { openSqliteStore } from '../../api/src/store/sqlite.ts';
import { startBackgroundWriter } from '../../api/src/store/sqlite-writer.ts';
import type { DecisionRecord, Store } from '../../api/src/store/types.ts';
import { clientUrl } from '../../api/test/helpers/store-factory.ts';

const N = Number(process.env.BENCH_DECISIONS ?? 20_000);
/** Requests in flight at once, each appending its next decision when the last one is durable. */
const CLIENTS = 64;
/** DecisionLog's writes under way at once (the decision service uses the default, 4). */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const ROUNDS = 3;
const RECEIPT = `eyJhbGciOiJFZERTQSIsImtpZCI6InJrXzIwMjYxMTIzIn0.${'x'.repeat(820)}.${'s'.repeat(86)}`;

let counter = 0;
function record(): DecisionRecord {
  const n = ++counter;
  return {
    id: `dec_${n.toString(16).padStart(24, '0')}`,
    at: new Date(1_795_000_000_000 + n).toISOString(),
    keyId: 'key_0123456789abcdef0123',
    scenario: 'gov-procurement',
    subjectId: `sub_${(n % 5000).toString(16).padStart(20, '0')}`,
    subjectKey: n % 3 === 0 ? `p:${n.toString(16).padStart(64, '0')}` : '91310110MA1G8XXX3X',
    outcome: n % 4 === 0 ? 'block' : 'clear',
    dataVersion: 1_000_000,
    catalogVersion: '2026.1',
    reference: `ZB-2026-${n}`,
    receipt: RECEIPT,
  };
}

type Sink = Pick<Store, 'recordDecisions'>;

/** Closed loop: CLIENTS callers, each appending one decision and waiting for it, until N are written. */
async function closedLoop(sink: Sink): Promise<number> {
  const log = new DecisionLog(sink, 2000, IN_FLIGHT);
  let left = N;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (left > 0) {
        left--;
        await log.append([record()]);
      }
    }),
  );
  return N / ((performance.now() - start) / 1000);
}

/** Everything at once: batches fill to DecisionLog's maximum (2,000). */
async function burst(sink: Sink): Promise<number> {
  const log = new DecisionLog(sink, 2000, IN_FLIGHT);
  const start = performance.now();
  await Promise.all(Array.from({ length: N }, () => log.append([record()])));
  return N / ((performance.now() - start) / 1000);
}

interface Variant {
  name: string;
  open(): Promise<{ sink: Sink; close(): Promise<void> }>;
}

function sqliteVariants(dir: string): Variant[] {
  let n = 0;
  return [
    {
      name: 'SQLite, without audit',
      async open() {
        const file = join(dir, `bare-${++n}.db`);
        const store = openSqliteStore(file);
        await store.migrate();
        const writer = startBackgroundWriter(
          file,
          `INSERT INTO decisions (${DECISION_COLUMNS}) VALUES (${Array(11).fill('?').join(', ')})`,
        );
        return {
          sink: {
            recordDecisions: (records) => writer.write(records.map(validDecision).map(decisionValues), []),
          },
          async close() {
            await writer.close();
            await store.close();
          },
        };
      },
    },
    {
      name: 'SQLite, with audit',
      async open() {
        const store = openSqliteStore(join(dir, `audit-${++n}.db`));
        await store.migrate();
        return { sink: store, close: () => store.close() };
      },
    },
  ];
}

function postgresVariants(url: string): Variant[] {
  const fresh = async () => {
    const schema = `cc_bench_${randomBytes(5).toString('hex')}`;
    const store = openPostgresStore(url, { schema });
    await store.migrate();
    const drop = async () => {
      await store.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    };
    return { store, schema, drop };
  };
  return [
    {
      name: 'PostgreSQL, without audit',
      async open() {
        const { schema, drop } = await fresh();
        const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
        return {
          sink: {
            async recordDecisions(records) {
              const columns = Array.from({ length: 11 }, () => [] as unknown[]);
              for (const r of records.map(validDecision)) {
                const values = decisionValues(r);
                for (let i = 0; i < values.length; i++) columns[i]!.push(values[i]);
              }
              await pool.query(
                `INSERT INTO decisions (${DECISION_COLUMNS})
                 SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                                      $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[])`,
                columns,
              );
            },
          },
          async close() {
            await pool.end();
            await drop();
          },
        };
      },
    },
    {
      name: 'PostgreSQL, with audit',
      async open() {
        const { store, drop } = await fresh();
        return { sink: store, close: drop };
      },
    },
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-bench-audit-'));
  const variants = sqliteVariants(dir);
  if (process.env.BENCH_PG) variants.push(...postgresVariants(clientUrl(process.env.BENCH_PG)));
  const results = new Map<string, { closed: number[]; burst: number[] }>();
  try {
    // Rounds alternate the variants so that a noisy neighbour hurts both alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of variants) {
        const r = results.get(v.name) ?? { closed: [], burst: [] };
        results.set(v.name, r);
        for (const [mode, run] of [
          ['closed', closedLoop],
          ['burst', burst],
        ] as const) {
          const { sink, close } = await v.open();
          try {
            r[mode].push(await run(sink));
          } finally {
            await close();
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `${N.toLocaleString('en')} decisions per run, median of ${ROUNDS} rounds (decisions/s); ` +
      `closed loop = ${CLIENTS} callers each waiting for its decision, burst = all at once`,
  );
  const rows = [...results].map(([name, r]) => ({
    variant: name,
    'closed loop': Math.round(median(r.closed)),
    burst: Math.round(median(r.burst)),
  }));
  for (const dialect of ['SQLite', 'PostgreSQL']) {
    const bare = rows.find((r) => r.variant === `${dialect}, without audit`);
    const audited = rows.find((r) => r.variant === `${dialect}, with audit`);
    if (bare && audited) {
      rows.push({
        variant: `${dialect}: with / without`,
        'closed loop': Number((audited['closed loop'] / bare['closed loop']).toFixed(2)),
        burst: Number((audited.burst / bare.burst).toFixed(2)),
      });
    }
  }
  console.table(rows);
}

await main();
