// Time until the in-memory index serves, and the process's memory, on a million entries: the
// baseline (LiveIndex.load over the store's former paged scan, as the API started before) beside
// loadLiveIndex with no snapshot (faster scan, name index built in the background, snapshot
// written afterwards) and with that snapshot, on SQLite and PostgreSQL. Each start runs in its
// own process, so that its peak RSS is its own. Prints a table; never fails on timing.
//   npx tsx test/bench/startup.bench.ts
// Env: BENCH_N (entries, default 1,000,000), BENCH_STORES (sqlite,postgres), BENCH_DIR (keeps the
// SQLite file, the PostgreSQL schema and the snapshots there and reuses them on the next run;
// default a temp dir and schema, removed afterwards), DATABASE_URL (default
// postgres://127.0.0.1:5432/test; PostgreSQL is skipped with a note when unreachable).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { generateDataset, ROWS_PER_SUBJECT } from '../../api/src/demo/index.ts';
import { loadDefaultCatalog } from '../../api/src/domain/default-catalog.ts';
import type { Entry, Subject } from '../../api/src/domain/model.ts';
import { importRows } from '../../api/src/import/import-file.ts';
import { type IndexSource, LiveIndex } from '../../api/src/index/index.ts';
import { loadLiveIndex, SNAPSHOT_FILE_NAME } from '../../api/src/index/startup.ts';
import { openPostgresStore } from '../../api/src/store/postgres.ts';
import {
  ENTRY_COLUMNS,
  type EntryRow,
  SUBJECT_COLUMNS,
  type SubjectRow,
  toEntry,
  toSubject,
} from '../../api/src/store/rows.ts';
import { openSqliteStore } from '../../api/src/store/sqlite.ts';
import type { Store } from '../../api/src/store/types.ts';
import { clientUrl, PG_TEST_URL, probePostgres } from '../../api/test/helpers/store-factory.ts';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const TODAY = '2026-11-23';
const SELF = fileURLToPath(import.meta.url);
const MARK = 'bench-startup-rows';

interface Result {
  /** ms from the call until key lookups serve. */
  readyMs: number;
  /** ms from the call until name search serves. */
  namesMs: number;
  /** ms from process start until key lookups serve (node, module loading and store opening included). */
  sinceStartMs: number;
  rssAtReadyMb: number;
  maxRssMb: number;
  subjects: number;
  entries: number;
  note?: string;
}

const rssMb = () => process.memoryUsage().rss / 1048576;
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

// ---------------------------------------------------------------------------------------------
// The scan every store had before this benchmark's change: pages of subjects by id, then their
// entries by an index range, paired in memory. Kept here, on its own connection, as the baseline.

function pair(subjects: Subject[], entries: Entry[]) {
  const byId = new Map<string, Entry[]>();
  const batch = subjects.map((subject) => {
    const list: Entry[] = [];
    byId.set(subject.id, list);
    return { subject, entries: list };
  });
  for (const e of entries) byId.get(e.subjectId)?.push(e);
  return batch;
}

async function* pagedScanSqlite(file: string, size: number) {
  const db = new Database(file, { readonly: true });
  try {
    const subjectsAfter = db.prepare<[string, number], SubjectRow>(
      `SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE id > ? ORDER BY id LIMIT ?`,
    );
    const entriesBetween = db.prepare<[string, string], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM entries WHERE subject_id > ? AND subject_id <= ? ORDER BY subject_id, id`,
    );
    let after = '';
    for (;;) {
      const subjects = subjectsAfter.all(after, size);
      if (subjects.length === 0) return;
      const last = subjects[subjects.length - 1]!.id;
      yield pair(subjects.map(toSubject), entriesBetween.all(after, last).map(toEntry));
      if (subjects.length < size) return;
      after = last;
    }
  } finally {
    db.close();
  }
}

async function* pagedScanPostgres(schema: string, size: number) {
  const client = new pg.Client({ connectionString: clientUrl(), options: `-c search_path=${schema}` });
  await client.connect();
  try {
    let after = '';
    for (;;) {
      const subjects = (
        await client.query<SubjectRow>(
          `SELECT ${SUBJECT_COLUMNS} FROM subjects WHERE id > $1 ORDER BY id LIMIT $2`,
          [after, size],
        )
      ).rows;
      if (subjects.length === 0) return;
      const last = subjects[subjects.length - 1]!.id;
      const entries = (
        await client.query<EntryRow>(
          `SELECT ${ENTRY_COLUMNS} FROM entries WHERE subject_id > $1 AND subject_id <= $2 ORDER BY subject_id, id`,
          [after, last],
        )
      ).rows;
      yield pair(subjects.map(toSubject), entries.map(toEntry));
      if (subjects.length < size) return;
      after = last;
    }
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Phases: each runs in a child process and prints one JSON line.

function open(kind: string, where: string): Store {
  return kind === 'sqlite'
    ? openSqliteStore(where)
    : openPostgresStore(PG_TEST_URL, { schema: where, maxConnections: 4 });
}

async function baseline(kind: string, where: string): Promise<Result> {
  const store = open(kind, where);
  await store.migrate();
  const source: IndexSource = {
    scan: (size) => (kind === 'sqlite' ? pagedScanSqlite(where, size) : pagedScanPostgres(where, size)),
    currentSeq: () => store.currentSeq(),
    changesSince: (seq, limit) => store.changesSince(seq, limit),
    counts: () => store.counts(),
  };
  const t = performance.now();
  const index = await LiveIndex.load(source);
  const ms = performance.now() - t;
  const result = {
    readyMs: ms,
    namesMs: ms,
    sinceStartMs: performance.now(),
    rssAtReadyMb: rssMb(),
    maxRssMb: maxRssMb(),
    subjects: index.list.size,
    entries: index.list.entryCount,
  };
  await store.close();
  return result;
}

async function start(kind: string, where: string, snapshotDir: string): Promise<Result> {
  const store = open(kind, where);
  await store.migrate();
  const notes: string[] = [];
  const t = performance.now();
  const started = await loadLiveIndex(store, {
    snapshotDir,
    log: (msg) => {
      const written = /snapshot written .*\((.*)\) in (\d+) ms/.exec(msg);
      if (written) notes.push(`then wrote snapshot, ${written[1]!.split(', ').at(-1)}, in ${written[2]} ms`);
    },
  });
  const readyMs = performance.now() - t;
  const sinceStartMs = performance.now();
  const rssAtReadyMb = rssMb();
  await started.index.whenNamesReady();
  const namesMs = performance.now() - t;
  await started.settled;
  const result: Result = {
    readyMs,
    namesMs,
    sinceStartMs,
    rssAtReadyMb,
    maxRssMb: maxRssMb(),
    subjects: started.index.list.size,
    entries: started.index.list.entryCount,
    note: [`from ${started.source}`, ...notes].join('; '),
  };
  await store.close();
  return result;
}

const phases: Record<string, (args: string[]) => Promise<Result>> = {
  baseline: ([kind, where]) => baseline(kind!, where!),
  start: ([kind, where, dir]) => start(kind!, where!, dir!),
};

async function runPhase(name: string, args: string[]): Promise<Result> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...process.execArgv, SELF, '--phase', name, ...args],
    { maxBuffer: 1 << 20, env: process.env },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Result;
}

// ---------------------------------------------------------------------------------------------

/** Imports the generated data set through the project's import unless the store already holds it. */
async function ensureData(store: Store): Promise<string> {
  if ((await store.getSetting(MARK)) === String(N)) return 'reused';
  if ((await store.counts()).entries > 0) throw new Error('the benchmark store holds other data');
  const catalog = loadDefaultCatalog();
  await store.replaceCatalog(catalog, 'bench');
  const t = performance.now();
  const report = await importRows(
    store,
    generateDataset({
      seed: 'bench',
      subjects: Math.ceil(N / ROWS_PER_SUBJECT) + 100,
      today: TODAY,
      limit: N,
    }),
    { actor: 'bench', catalog, today: TODAY },
  );
  if (!report.ok) throw new Error(`generated data rejected: ${JSON.stringify(report.errors[0])}`);
  await store.initSetting(MARK, String(N));
  return `imported in ${((performance.now() - t) / 1000).toFixed(0)} s`;
}

interface Line {
  store: string;
  variant: string;
  r: Result;
}

function printTable(lines: Line[]): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const head = [
    'store',
    'variant',
    'key lookups ready',
    'name search ready',
    'ready since process start',
    'RSS at ready',
    'peak RSS',
    'notes',
  ];
  const body = lines.map((l) => [
    l.store,
    l.variant,
    s(l.r.readyMs),
    s(l.r.namesMs),
    s(l.r.sinceStartMs),
    `${Math.round(l.r.rssAtReadyMb)} MB`,
    `${Math.round(l.r.maxRssMb)} MB`,
    l.r.note ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 && i < 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const first = lines[0]?.r;
  console.log(
    `\nstartup benchmark: ${first ? `${first.entries.toLocaleString('en-US')} entries of ${first.subjects.toLocaleString('en-US')} subjects` : ''}; the requirement: ready within 5 s of start, resident memory under 600 MB`,
  );
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(fmt(b));
  console.log(
    'peak RSS is the whole process, including writing the snapshot after a scan; RSS at ready is when key lookups serve.',
  );
}

async function main() {
  const keep = process.env.BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'credcheck-startup-bench-'));
  mkdirSync(dir, { recursive: true });
  const lines: Line[] = [];
  let dropSchema: string | null = null;
  try {
    const stores: Array<{ kind: string; where: string }> = [];
    if (STORES.includes('sqlite')) stores.push({ kind: 'sqlite', where: join(dir, `startup-${N}.db`) });
    if (STORES.includes('postgres')) {
      const probe = await probePostgres(PG_TEST_URL);
      if (!probe.ok) console.log(`PostgreSQL at ${PG_TEST_URL} unreachable (${probe.reason}): skipped`);
      else {
        const schema = keep ? `cc_bench_startup_${N}` : `cc_bench_startup_${process.pid}`;
        if (!keep) dropSchema = schema;
        stores.push({ kind: 'postgres', where: schema });
      }
    }
    for (const { kind, where } of stores) {
      const store = open(kind, where);
      await store.migrate();
      console.log(`${kind}: data set ${await ensureData(store)}`);
      await store.close();
      const snapshotDir = join(dir, `snapshot-${kind}-${N}`);
      rmSync(snapshotDir, { recursive: true, force: true });
      lines.push({
        store: kind,
        variant: 'baseline: LiveIndex.load, paged scan',
        r: await runPhase('baseline', [kind, where]),
      });
      lines.push({
        store: kind,
        variant: 'loadLiveIndex, no snapshot',
        r: await runPhase('start', [kind, where, snapshotDir]),
      });
      if (!existsSync(join(snapshotDir, SNAPSHOT_FILE_NAME))) throw new Error('no snapshot was written');
      const size = statSync(join(snapshotDir, SNAPSHOT_FILE_NAME)).size;
      const r = await runPhase('start', [kind, where, snapshotDir]);
      r.note = `${r.note}; file ${(size / 1048576).toFixed(0)} MB`;
      lines.push({ store: kind, variant: 'loadLiveIndex, with snapshot', r });
    }
    printTable(lines);
  } finally {
    if (dropSchema) {
      const client = new pg.Client({ connectionString: clientUrl() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${dropSchema} CASCADE`);
      await client.end();
    }
    if (!keep) rmSync(dir, { recursive: true, force: true });
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
