// Bulk import throughput of both stores beside a baseline that writes the same final rows with
// nothing else: bare prepared INSERTs in one transaction (SQLite) or bare COPY (PostgreSQL).
// Prints a table; never fails on timing.
//   BENCH_N=1000000 npx tsx test/bench/store-import.bench.ts
// Env: BENCH_N (records, default 1,000,000), BENCH_CHUNK (default 10,000), BENCH_REPEAT (pairs run
// per store, default 1; the table keeps each variant's best, as noise only ever adds time),
// BENCH_STORES (sqlite,postgres), BENCH_DIR (SQLite files; default a temp dir), DATABASE_URL
// (default postgres://127.0.0.1:5432/test; PostgreSQL is skipped with a note when unreachable).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { ImportRecord } from '../../api/src/domain/model.ts';
import { openSqliteStore } from '../../api/src/store/sqlite.ts';
import type { Store } from '../../api/src/store/types.ts';
import { chunked, recordSet } from '../../api/test/helpers/records.ts';
import {
  clientUrl,
  PG_TEST_URL,
  postgresFactory,
  probePostgres,
} from '../../api/test/helpers/store-factory.ts';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 10_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const TABLES = ['subjects', 'entries', 'change_log'] as const;

interface Row {
  store: string;
  variant: string;
  seconds: number;
  cpuSeconds: number | null;
  tableRows: number;
}

/** Rows in subjects, entries and change_log of a store that started empty. */
async function rowsWritten(store: Store, seq: number): Promise<number> {
  const { subjects, entries } = await store.counts();
  return subjects + entries + seq;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function benchSqlite(records: ImportRecord[]): Promise<Row[]> {
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'credcheck-bench-'));
  const oursFile = join(dir, 'ours.db');
  const baseFile = join(dir, 'baseline.db');
  for (const f of [oursFile, baseFile]) for (const s of ['', '-wal', '-shm']) rmSync(f + s, { force: true });
  try {
    const ours = openSqliteStore(oursFile);
    await ours.migrate();
    let t = performance.now();
    let c = cpuNow();
    const summary = await ours.importRecords(chunked(records, CHUNK), { actor: 'bench' });
    const oursRow: Row = {
      store: 'sqlite',
      variant: `ours: importRecords, chunks of ${CHUNK}`,
      seconds: (performance.now() - t) / 1000,
      cpuSeconds: cpuNow() - c,
      tableRows: await rowsWritten(ours, summary.seq),
    };
    await ours.close();

    // Baseline: the same schema, the same final rows (read back from ours, in the order ours wrote
    // them), written by bare prepared INSERTs in one transaction. Reading is not timed.
    const empty = openSqliteStore(baseFile);
    await empty.migrate();
    await empty.close();
    const src = new Database(oursFile, { readonly: true });
    const db = new Database(baseFile);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    let seconds = 0;
    let cpuSeconds = 0;
    let tableRows = 0;
    db.exec('BEGIN');
    for (const table of TABLES) {
      const read = src.prepare(`SELECT * FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT 50000`).raw();
      const rowids = src
        .prepare(`SELECT rowid FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT 50000`)
        .pluck();
      let insert: Database.Statement | undefined;
      for (let after = 0; ; ) {
        const rows = read.all(after) as unknown[][];
        if (rows.length === 0) break;
        const ids = rowids.all(after) as number[];
        after = ids[ids.length - 1]!;
        insert ??= db.prepare(`INSERT INTO ${table} VALUES (${rows[0]!.map(() => '?').join(', ')})`);
        t = performance.now();
        c = cpuNow();
        for (const r of rows) insert.run(r);
        seconds += (performance.now() - t) / 1000;
        cpuSeconds += cpuNow() - c;
        tableRows += rows.length;
      }
    }
    t = performance.now();
    c = cpuNow();
    db.exec('COMMIT');
    seconds += (performance.now() - t) / 1000;
    cpuSeconds += cpuNow() - c;
    src.close();
    db.close();
    return [
      { store: 'sqlite', variant: 'baseline: bare prepared INSERTs', seconds, cpuSeconds, tableRows },
      oursRow,
    ];
  } finally {
    if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(records: ImportRecord[]): Promise<Row[]> {
  const factory = postgresFactory(PG_TEST_URL, {});
  const ours = await factory.create();
  const base = await factory.create();
  const client = new pg.Client({ connectionString: clientUrl() });
  await client.connect();
  try {
    let t = performance.now();
    const summary = await ours.store.importRecords(chunked(records, CHUNK), { actor: 'bench' });
    const oursRow: Row = {
      store: 'postgres',
      variant: `ours: importRecords (COPY + merge), chunks of ${CHUNK}`,
      seconds: (performance.now() - t) / 1000,
      cpuSeconds: null,
      tableRows: await rowsWritten(ours.store, summary.seq),
    };

    // Baseline: COPY the same final rows (dumped from ours, untimed) into the other fresh schema.
    const [oursSchema, baseSchema] = [ours.schema, base.schema];
    const dumps: Buffer[] = [];
    for (const table of TABLES) {
      const parts: Buffer[] = [];
      const out = client.query(copyTo(`COPY ${oursSchema}.${table} TO STDOUT`));
      for await (const part of out) parts.push(part as Buffer);
      dumps.push(Buffer.concat(parts));
    }
    t = performance.now();
    await client.query('BEGIN');
    for (const [i, table] of TABLES.entries()) {
      const stream = client.query(copyFrom(`COPY ${baseSchema}.${table} FROM STDIN`));
      await new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
        stream.end(dumps[i]);
      });
    }
    await client.query('COMMIT');
    const seconds = (performance.now() - t) / 1000;
    return [
      {
        store: 'postgres',
        variant: 'baseline: bare COPY',
        seconds,
        cpuSeconds: null,
        tableRows: oursRow.tableRows,
      },
      oursRow,
    ];
  } finally {
    await client.end();
    await ours.dispose();
    await base.dispose();
  }
}

function printTable(rows: Row[]): void {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    [
      'store',
      'variant',
      'records',
      'table rows',
      'seconds',
      'records/s',
      'table rows/s',
      'ratio',
      'cpu s',
      'cpu ratio',
    ],
  ];
  for (const r of rows) {
    const baseline = rows.find((b) => b.store === r.store && b.variant.startsWith('baseline'))!;
    lines.push([
      r.store,
      r.variant,
      fmt(N),
      fmt(r.tableRows),
      r.seconds.toFixed(2),
      fmt(N / r.seconds),
      fmt(r.tableRows / r.seconds),
      (r.seconds / baseline.seconds).toFixed(2),
      r.cpuSeconds === null ? '-' : r.cpuSeconds.toFixed(2),
      r.cpuSeconds === null || baseline.cpuSeconds === null
        ? '-'
        : (r.cpuSeconds / baseline.cpuSeconds).toFixed(2),
    ]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const [i, l] of lines.entries()) {
    console.log(l.map((cell, j) => (j < 2 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

const t0 = performance.now();
const records = recordSet(N);
console.log(
  `generated ${N.toLocaleString('en-US')} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
/** Runs the pair REPEAT times, alternating, and keeps each variant's fastest run. */
async function best(run: () => Promise<Row[]>): Promise<Row[]> {
  let kept: Row[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const rows = await run();
    if (REPEAT > 1)
      console.log(
        rows.map((r) => `${r.store} ${r.variant.split(':')[0]} ${r.seconds.toFixed(2)} s`).join(' | '),
      );
    kept = kept.length === 0 ? rows : kept.map((k, j) => (rows[j]!.seconds < k.seconds ? rows[j]! : k));
  }
  return kept;
}

const results: Row[] = [];
if (STORES.includes('sqlite')) results.push(...(await best(() => benchSqlite(records))));
if (STORES.includes('postgres')) {
  const probe = await probePostgres(PG_TEST_URL);
  if (probe.ok) results.push(...(await best(() => benchPostgres(records))));
  else console.log(`PostgreSQL at ${PG_TEST_URL} unreachable (${probe.reason}): skipped`);
}
printTable(results);
console.log('ratio = seconds / baseline seconds (lower is better; the target is at most 1.5)');
