// File import throughput: `importFile` (read + parse + validate + write) beside a baseline that
// writes the same final rows with nothing else — bare prepared INSERTs in one transaction
// (SQLite) or bare COPY (PostgreSQL). Each measurement runs in its own process so that its peak
// RSS is its own. Prints a table; never fails on timing.
//   BENCH_N=1000000 npx tsx test/bench/import.bench.ts
// Env: BENCH_N (rows, default 1,000,000), BENCH_STORES (sqlite,postgres), BENCH_DIR (work files;
// default a temp dir, removed afterwards), DATABASE_URL (PostgreSQL, default
// postgres://127.0.0.1:5432/test; skipped with a note when unreachable).
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { ROWS_PER_SUBJECT, writeDatasetCsv } from '../../api/src/demo/index.ts';
import { loadDefaultCatalog } from '../../api/src/domain/default-catalog.ts';
import { importFile, type RowError } from '../../api/src/import/index.ts';
import { openRows } from '../../api/src/import/open-rows.ts';
import { RowValidator } from '../../api/src/import/validate-row.ts';
import { openPostgresStore } from '../../api/src/store/postgres.ts';
import { openSqliteStore } from '../../api/src/store/sqlite.ts';
import { clientUrl, PG_TEST_URL, probePostgres } from '../../api/test/helpers/store-factory.ts';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const TODAY = '2026-11-23';
const TABLES = ['subjects', 'entries', 'change_log'] as const;
const SELF = fileURLToPath(import.meta.url);

interface Result {
  seconds: number;
  rows: number;
  maxRssMb: number;
  note?: string;
  schema?: string;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

// ---------------------------------------------------------------------------------------------
// Phases: each runs in a child process and prints one JSON line.

const phases: Record<string, (args: string[]) => Promise<Result>> = {
  /** Parse and validate only, no store: the part of the import that is ours alone. */
  async validate([csv]) {
    const catalog = loadDefaultCatalog();
    const t = performance.now();
    const opened = await openRows(csv!);
    const v = new RowValidator({ catalog, secret: 'bench', today: TODAY, labels: opened.labels });
    const errors: RowError[] = [];
    let rows = 0;
    for await (const batch of opened.batches()) {
      for (const r of batch) {
        rows++;
        if (!r.error) v.validate(r.line, r.values, errors);
      }
    }
    if (errors.length > 0) throw new Error(`generated data rejected: ${JSON.stringify(errors[0])}`);
    return { seconds: (performance.now() - t) / 1000, rows, maxRssMb: maxRssMb() };
  },

  async 'sqlite-ours'([csv, file]) {
    const store = openSqliteStore(file!);
    await store.migrate();
    const catalog = loadDefaultCatalog();
    await store.replaceCatalog(catalog, 'bench');
    const t = performance.now();
    const c = cpuSeconds();
    const report = await importFile(store, csv!, { actor: 'bench', catalog, today: TODAY });
    const seconds = (performance.now() - t) / 1000;
    const cpu = cpuSeconds() - c;
    await store.close();
    if (!report.ok) throw new Error(`import rejected: ${JSON.stringify(report.errors[0])}`);
    return { seconds, rows: report.rows, maxRssMb: maxRssMb(), note: `cpu ${cpu.toFixed(1)} s` };
  },

  /** The final rows of `ours.db`, read back untimed, written by bare prepared INSERTs in one transaction. */
  async 'sqlite-base'([oursFile, baseFile]) {
    const empty = openSqliteStore(baseFile!);
    await empty.migrate();
    await empty.close();
    const src = new Database(oursFile!, { readonly: true });
    const db = new Database(baseFile!);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    let seconds = 0;
    let rows = 0;
    db.exec('BEGIN');
    for (const table of TABLES) {
      const read = src
        .prepare(`SELECT rowid AS _r, * FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT 50000`)
        .raw();
      let insert: Database.Statement | undefined;
      for (let after = 0; ; ) {
        const batch = read.all(after) as unknown[][];
        if (batch.length === 0) break;
        after = batch[batch.length - 1]![0] as number;
        const values = batch.map((r) => r.slice(1));
        insert ??= db.prepare(`INSERT INTO ${table} VALUES (${values[0]!.map(() => '?').join(', ')})`);
        const t = performance.now();
        for (const r of values) insert.run(r);
        seconds += (performance.now() - t) / 1000;
        if (table === 'entries') rows += values.length;
      }
    }
    const t = performance.now();
    db.exec('COMMIT');
    seconds += (performance.now() - t) / 1000;
    src.close();
    db.close();
    return { seconds, rows, maxRssMb: maxRssMb() };
  },

  async 'pg-ours'([csv, schema]) {
    const store = openPostgresStore(PG_TEST_URL, { schema: schema!, maxConnections: 4 });
    await store.migrate();
    const catalog = loadDefaultCatalog();
    await store.replaceCatalog(catalog, 'bench');
    const t = performance.now();
    const c = cpuSeconds();
    const report = await importFile(store, csv!, { actor: 'bench', catalog, today: TODAY });
    const seconds = (performance.now() - t) / 1000;
    const cpu = cpuSeconds() - c;
    await store.close();
    if (!report.ok) throw new Error(`import rejected: ${JSON.stringify(report.errors[0])}`);
    return { seconds, rows: report.rows, maxRssMb: maxRssMb(), note: `client cpu ${cpu.toFixed(1)} s` };
  },

  /** The final rows of ours' schema, dumped untimed, loaded by bare COPY in one transaction. */
  async 'pg-base'([oursSchema, baseSchema, dumpDir]) {
    const empty = openPostgresStore(PG_TEST_URL, { schema: baseSchema!, maxConnections: 2 });
    await empty.migrate();
    await empty.close();
    const client = new pg.Client({ connectionString: clientUrl() });
    await client.connect();
    try {
      const files: string[] = [];
      for (const table of TABLES) {
        const file = join(dumpDir!, `${table}.copy`);
        const out = createWriteStream(file);
        const stream = client.query(copyTo(`COPY ${oursSchema}.${table} TO STDOUT`));
        stream.pipe(out);
        await once(out, 'finish');
        files.push(file);
      }
      const rows = Number((await client.query(`SELECT count(*) AS n FROM ${oursSchema}.entries`)).rows[0].n);
      const t = performance.now();
      await client.query('BEGIN');
      for (const [i, table] of TABLES.entries()) {
        const stream = client.query(copyFrom(`COPY ${baseSchema}.${table} FROM STDIN`));
        const done = new Promise<void>((resolve, reject) => {
          stream.on('finish', resolve);
          stream.on('error', reject);
        });
        stream.end(readFileSync(files[i]!));
        await done;
      }
      await client.query('COMMIT');
      return { seconds: (performance.now() - t) / 1000, rows, maxRssMb: maxRssMb() };
    } finally {
      await client.end();
    }
  },
};

// ---------------------------------------------------------------------------------------------

async function runPhase(name: string, args: string[]): Promise<Result> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...process.execArgv, SELF, '--phase', name, ...args],
    {
      maxBuffer: 1 << 20,
      env: process.env,
    },
  );
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as Result;
}

interface Line {
  store: string;
  variant: string;
  r: Result;
  baseline?: Result;
}

function printTable(lines: Line[], csvBytes: number, genSeconds: number) {
  const head = ['store', 'variant', 'rows', 'seconds', 'rows/s', 'vs baseline', 'peak RSS'];
  const body = lines.map((l) => [
    l.store,
    l.variant + (l.r.note ? ` (${l.r.note})` : ''),
    l.r.rows.toLocaleString('en-US'),
    l.r.seconds.toFixed(2),
    Math.round(l.r.rows / l.r.seconds).toLocaleString('en-US'),
    l.baseline ? `${(l.r.seconds / l.baseline.seconds).toFixed(2)}×` : '',
    `${Math.round(l.r.maxRssMb)} MB`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(
    `\nimport benchmark: ${N.toLocaleString('en-US')} rows, CSV ${(csvBytes / 1e6).toFixed(0)} MB generated in ${genSeconds.toFixed(1)} s`,
  );
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(fmt(b));
}

async function main() {
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'credcheck-import-bench-'));
  const csv = join(dir, 'lists.csv');
  const lines: Line[] = [];
  const dropSchemas: string[] = [];
  try {
    const t = performance.now();
    const { rows } = await writeDatasetCsv(csv, {
      seed: 'bench',
      subjects: Math.ceil(N / ROWS_PER_SUBJECT) + 100,
      today: TODAY,
      limit: N,
    });
    const genSeconds = (performance.now() - t) / 1000;
    if (rows !== N) throw new Error(`generator gave ${rows} rows, wanted ${N}`);

    lines.push({
      store: '—',
      variant: 'read + parse + validate only (no store)',
      r: await runPhase('validate', [csv]),
    });

    if (STORES.includes('sqlite')) {
      const ours = join(dir, 'ours.db');
      const base = join(dir, 'base.db');
      const oursResult = await runPhase('sqlite-ours', [csv, ours]);
      const baseResult = await runPhase('sqlite-base', [ours, base]);
      lines.push({
        store: 'sqlite',
        variant: 'baseline: bare prepared INSERTs, one transaction',
        r: baseResult,
      });
      lines.push({ store: 'sqlite', variant: 'ours: importFile', r: oursResult, baseline: baseResult });
    }

    if (STORES.includes('postgres')) {
      const probe = await probePostgres(PG_TEST_URL);
      if (!probe.ok) {
        console.log(`PostgreSQL at ${PG_TEST_URL} unreachable (${probe.reason}): skipped`);
      } else {
        const suffix = `${process.pid}_${Date.now().toString(36)}`;
        const oursSchema = `cc_bench_ours_${suffix}`;
        const baseSchema = `cc_bench_base_${suffix}`;
        dropSchemas.push(oursSchema, baseSchema);
        const oursResult = await runPhase('pg-ours', [csv, oursSchema]);
        const baseResult = await runPhase('pg-base', [oursSchema, baseSchema, dir]);
        lines.push({ store: 'postgres', variant: 'baseline: bare COPY, one transaction', r: baseResult });
        lines.push({ store: 'postgres', variant: 'ours: importFile', r: oursResult, baseline: baseResult });
      }
    }
    printTable(lines, statSync(csv).size, genSeconds);
  } finally {
    if (dropSchemas.length > 0) {
      const client = new pg.Client({ connectionString: clientUrl() });
      await client.connect();
      for (const s of dropSchemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await client.end();
    }
    if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--phase') {
  const [, , , name, ...args] = process.argv;
  const phase = phases[name!];
  if (!phase) throw new Error(`unknown phase ${name}`);
  console.log(JSON.stringify(await phase(args)));
} else {
  await main();
}
