/**
 * Scale-out on PostgreSQL (issue 8), one table, each figure beside a baseline from the same run:
 *  - GET /v1/subjects/{code} per second (the HTTP benchmark's mix) with 1 and with 2 API
 *    processes on one PostgreSQL holding BENCH_SCALE_BASE entries (default 1,000,000), one wrk per
 *    process, summed; baseline: bare Hono returning a constant body, 1 and 2 processes;
 *  - BENCH_SCALE_ENTRIES generated entries (default 10,000,000): import into PostgreSQL through
 *    the project's import (COPY + merge), start without a snapshot (scan) and with one until
 *    /readyz answers 200, resident memory per entry (over an empty store's process), lookup
 *    latency at a fixed rate and name-search latency; baseline: the same at BENCH_SCALE_BASE;
 *  - a change written through instance A, seen in instance B's lookups (B polls every 60 s, so
 *    only NOTIFY counts); baseline: a poll of the change log every CREDCHECK_REFRESH_MS' default.
 * The machine it ran on is printed above the table, and where the CPU went below it.
 *   npm run bench scale
 * Env: BENCH_SCALE_ENTRIES, BENCH_SCALE_BASE, BENCH_SECONDS (per wrk run, default 10),
 * BENCH_CONNECTIONS (wrk connections in all, default 32), BENCH_SCALE_RATE (requests/s of the
 * latency run, default 200), BENCH_SCALE_CHANGES (default 100), DATABASE_URL (default
 * postgres://127.0.0.1:5432/test), BENCH_KEEP=1 keeps the schemas cc_bench_scale_<entries> (and
 * reuses them next time, with the import time first measured). Needs wrk. Never fails on timing.
 */

import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
} from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import pg from 'pg';
import { issueApiKey } from '../../api/src/auth/api-key.ts';
import { generateDataset, ROWS_PER_SUBJECT } from '../../api/src/demo/dataset.ts';
import { loadDefaultCatalog } from '../../api/src/domain/default-catalog.ts';
import { importRows } from '../../api/src/import/import-file.ts';
import { SNAPSHOT_FILE_NAME } from '../../api/src/index/startup.ts';
import { openPostgresStore } from '../../api/src/store/postgres.ts';
import type { Store } from '../../api/src/store/types.ts';
import { usccFor } from '../../api/test/helpers/records.ts';
import { clientUrl, PG_TEST_URL, probePostgres } from '../../api/test/helpers/store-factory.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import {
  cpuSeconds,
  fmt,
  lookupMix,
  memoryOf,
  percentile,
  type Started,
  startProcess,
  stop,
  table,
} from './http/processes.ts';
import { hasWrk, runWrkAsync, type WrkResult } from './http/wrk.ts';

const BIG = Number(process.env.BENCH_SCALE_ENTRIES ?? 10_000_000);
const BASE = Number(process.env.BENCH_SCALE_BASE ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(process.env.BENCH_SCALE_RATE ?? 200);
const CHANGES = Number(process.env.BENCH_SCALE_CHANGES ?? 100);
const KEEP = process.env.BENCH_KEEP === '1';
const TODAY = '2026-11-23';
const ADMIN = 'cck_scale-bench-admin-key-for-this-run-only';
/** CREDCHECK_REFRESH_MS' default: how soon a process saw other processes' writes with polling alone. */
const POLL_MS = 1000;
const MARK = 'bench-scale-data';
const serveScript = fileURLToPath(new URL('../../api/bin/serve.js', import.meta.url));
const baselineScript = fileURLToPath(new URL('./http/baseline-server.ts', import.meta.url));

/** Well-formed codes that are not listed (they answer 404), the same every run. */
function cleanCodes(): string[] {
  const rand = seededRandom(11);
  return Array.from({ length: 5000 }, () => generateUSCC(rand));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

// ---------------------------------------------------------------------------------------------
// The data: one schema per size in the test database, filled through the project's import.

interface Data {
  entries: number;
  schema: string;
  /** DATABASE_URL of API processes on this schema. */
  url: string;
  importSeconds: number;
  reused: boolean;
  /** An implementer key, as the HTTP benchmark uses. */
  key: string;
  listed: string[];
  names: string[];
}

function schemaUrl(schema: string): string {
  const url = new URL(PG_TEST_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function adminQuery<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
  const c = new pg.Client({ connectionString: clientUrl(PG_TEST_URL) });
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}

async function prepareData(entries: number): Promise<Data> {
  const schema = entries === 0 ? 'cc_bench_scale_empty' : `cc_bench_scale_${entries}`;
  let store: Store = openPostgresStore(PG_TEST_URL, { schema, maxConnections: 4 });
  await store.migrate();
  let mark = JSON.parse((await store.getSetting(MARK)) ?? 'null') as { importSeconds: number } | null;
  const reused = mark !== null;
  if (!mark) {
    // Whatever a run that stopped half-way left.
    await store.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    store = openPostgresStore(PG_TEST_URL, { schema, maxConnections: 4 });
    await store.migrate();
    const catalog = loadDefaultCatalog();
    await store.replaceCatalog(catalog, 'bench');
    const t = performance.now();
    if (entries > 0) {
      let rows = 0;
      const report = await importRows(
        store,
        (function* () {
          for (const row of generateDataset({
            seed: 'scale-bench',
            subjects: Math.ceil(entries / ROWS_PER_SUBJECT) + 100,
            today: TODAY,
            limit: entries,
          })) {
            if (++rows % 1_000_000 === 0)
              console.log(
                `  ${schema}: ${fmt(rows)} rows into the import after ${fmt((performance.now() - t) / 1000)} s`,
              );
            yield row;
          }
        })(),
        { actor: 'bench', catalog, today: TODAY },
      );
      if (!report.ok) throw new Error(`generated data rejected: ${JSON.stringify(report.errors[0])}`);
    }
    mark = { importSeconds: (performance.now() - t) / 1000 };
    await store.initSetting(MARK, JSON.stringify(mark));
    await adminQuery(`ANALYZE ${schema}.subjects`);
  }
  const { key, record } = issueApiKey(
    // A limit far above what the run reaches: the bucket is taken on every request, never empty.
    { role: 'implementer', department: null, label: 'bench', rateLimit: 10_000_000 },
    new Date().toISOString(),
  );
  await store.createApiKey(record);
  await store.close();
  // Organizations picked across the table (block sampling), shuffled the same way every run.
  const sample = await adminQuery<{ code: string; name: string }>(
    `SELECT code, name FROM ${schema}.subjects TABLESAMPLE SYSTEM (${Math.min(100, (4_000_000 / Math.max(entries, 1)) * 100)})
      WHERE type = 'org' LIMIT 40000`,
  );
  const rand = seededRandom(7);
  for (let i = sample.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [sample[i], sample[j]] = [sample[j]!, sample[i]!];
  }
  return {
    entries,
    schema,
    url: schemaUrl(schema),
    importSeconds: mark.importSeconds,
    reused,
    key,
    listed: sample.slice(0, 20_000).map((s) => s.code),
    names: sample.slice(20_000, 21_000).map((s) => s.name),
  };
}

// ---------------------------------------------------------------------------------------------
// Processes and what the kernel says about them.

function apiEnv(data: Data, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: data.url,
    DATA_DIR: dataDir,
    CREDCHECK_NOW: TODAY,
    CREDCHECK_DEMO: '0',
    CREDCHECK_ADMIN_KEY: ADMIN,
    CREDCHECK_RATE_LIMIT_ANON: '0',
    // The extension's snapshot is built once a minute, not per request: off, so that it does not
    // land in the middle of one run and not another.
    CREDCHECK_SNAPSHOT_MS: '0',
    ...extra,
  };
}

const startApi = (env: Record<string, string>) => startProcess([serveScript], env, '/readyz', 1_800_000);

/** CPU jiffies of the whole machine: busy and all. */
function machineCpu(): { busy: number; all: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const all = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: all - f[3]! - f[4]!, all };
}

/** CPU seconds used by every PostgreSQL process (their /proc/<pid>/stat is readable by all). */
function postgresCpu(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.indexOf(')')) === 'postgres')
        total += cpuSeconds(Number(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

interface LoadRun {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** CPU of the servers per request, µs. */
  cpuUs: number;
  /** Cores busy on average: the servers, PostgreSQL, everything else (wrk, the machine's other work). */
  cores: { servers: number; postgres: number; other: number };
}

/** One wrk per server at once, the connections split between them; requests summed. */
async function load(
  servers: Started[],
  requests: string[],
  headers: Record<string, string>,
  dir: string,
  seconds: number,
) {
  const pids = servers.map((s) => s.child.pid!);
  const serverCpu = () => pids.reduce((a, p) => a + cpuSeconds(p), 0);
  const [c0, p0, m0, t0] = [serverCpu(), postgresCpu(), machineCpu(), performance.now()];
  const results: WrkResult[] = await Promise.all(
    servers.map((s) =>
      runWrkAsync({
        url: s.url,
        dir,
        requests,
        headers,
        seconds,
        connections: Math.max(1, Math.round(CONNECTIONS / servers.length)),
      }),
    ),
  );
  const [c1, p1, m1, t1] = [serverCpu(), postgresCpu(), machineCpu(), performance.now()];
  const wall = (t1 - t0) / 1000;
  const requestsDone = results.reduce((a, r) => a + r.requests, 0);
  const busyCores = ((m1.busy - m0.busy) / (m1.all - m0.all)) * cpus().length;
  const servers_ = (c1 - c0) / wall;
  const postgres = (p1 - p0) / wall;
  return {
    rps: results.reduce((a, r) => a + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    non2xx: results.reduce((a, r) => a + r.non2xx, 0),
    cpuUs: ((c1 - c0) * 1e6) / requestsDone,
    cores: { servers: servers_, postgres, other: Math.max(0, busyCores - servers_ - postgres) },
  } satisfies LoadRun;
}

function getMs(agent: http.Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    http
      .get(url, { agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - t));
      })
      .on('error', reject);
  });
}

/** Lookups sent at a fixed rate whatever the answers take (an open loop), latency of each. */
async function latencyAtRate(
  api: Started,
  paths: string[],
  headers: Record<string, string>,
): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const total = RATE * SECONDS;
  const times: number[] = [];
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const path = paths[i % paths.length]!.slice('GET '.length);
    pending.push(getMs(agent, api.url + path, headers).then((ms) => void times.push(ms)));
  }
  await Promise.all(pending);
  agent.destroy();
  return sorted(times);
}

/** Name search one request at a time: listed names and a variant of each, as the HTTP benchmark asks. */
async function searchLatency(api: Started, names: string[], headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const variants = names.flatMap((n, i) => [
    n,
    i % 2 ? n.replace('有限公司', '有限责任公司') : n.replace(/(.)(.)/, '$2$1'),
  ]);
  const times: number[] = [];
  for (const [i, name] of variants.entries()) {
    const ms = await getMs(agent, `${api.url}/v1/search?name=${encodeURIComponent(name)}`, headers);
    if (i >= 200) times.push(ms);
  }
  agent.destroy();
  return sorted(times);
}

// ---------------------------------------------------------------------------------------------
// Per size: the starts, memory and latencies.

interface SizeResult {
  data: Data;
  scanReadyS: number;
  namesReadyS: number | null;
  scanPeakMb: number;
  snapshotReadyS: number;
  snapshotMb: number;
  rssMb: number;
  lookup: number[];
  search: number[];
}

/** Starts once without a snapshot (scan), then from the snapshot it left; `withReady` runs on the second. */
async function measureSize(
  data: Data,
  dir: string,
  withReady: (api: Started, dataDir: string) => Promise<void>,
): Promise<SizeResult> {
  const dataDir = join(dir, `data-${data.entries}-a`);
  mkdirSync(dataDir, { recursive: true });
  const headers = { authorization: `Bearer ${data.key}` };
  console.log(`  ${fmt(data.entries)} entries: start without a snapshot…`);
  const scan = await startApi(apiEnv(data, dataDir));
  let scanPeakMb = 0;
  const sample = () => {
    try {
      scanPeakMb = Math.max(scanPeakMb, memoryOf(scan.child.pid!).hwm);
    } catch {
      // Exited.
    }
  };
  sample();
  const sampler = setInterval(sample, 50);
  // From 100,000 subjects on, the names are indexed after ready, in the background, and the log
  // says when they are; below, before ready.
  let namesMs: number | null = 0;
  if (data.entries / ROWS_PER_SUBJECT >= 100_000) {
    namesMs = null;
    const until = performance.now() + 1_800_000;
    while (namesMs === null && performance.now() < until && scan.child.exitCode === null) {
      const m = /name index of \d+ names ready after (\d+) ms more/.exec(scan.output());
      if (m) namesMs = Number(m[1]);
      else await sleep(50);
    }
  }
  // Stopping waits for the snapshot to be written: the peak includes writing it.
  await stop(scan.child).finally(() => clearInterval(sampler));
  const snapshotMb = statSync(join(dataDir, SNAPSHOT_FILE_NAME)).size / 1048576;
  console.log(`  ${fmt(data.entries)} entries: start from the snapshot…`);
  const api = await startApi(apiEnv(data, dataDir));
  // The names too: the first search waits for them.
  await getMs(new http.Agent(), `${api.url}/v1/search?name=${encodeURIComponent(data.names[0]!)}`, headers);
  const rssMb = memoryOf(api.child.pid!).rss;
  const clean = cleanCodes();
  const paths = lookupMix(data.listed, clean);
  await latencyAtRate(api, paths.slice(0, 2000), headers); // warm-up
  const lookup = await latencyAtRate(api, paths, headers);
  const search = await searchLatency(api, data.names, headers);
  // Figures as they come: a long run stopped half-way still says what it measured.
  console.log(
    `    scan start ${fmt(scan.readyMs / 1000, 1)} s (names ${namesMs === null ? '?' : fmt((scan.readyMs + namesMs) / 1000, 1)} s, ` +
      `peak ${fmt(scanPeakMb)} MB); snapshot ${fmt(snapshotMb)} MB, start from it ${fmt(api.readyMs / 1000, 1)} s; ` +
      `RSS ${fmt(rssMb)} MB; lookups at ${RATE}/s p50 ${fmt(percentile(lookup, 50), 2)} / p99 ${fmt(percentile(lookup, 99), 2)} ms; ` +
      `search p50 ${fmt(percentile(search, 50), 2)} / p95 ${fmt(percentile(search, 95), 2)} ms`,
  );
  await withReady(api, dataDir);
  await stop(api.child);
  return {
    data,
    scanReadyS: scan.readyMs / 1000,
    namesReadyS: namesMs === null ? null : (scan.readyMs + namesMs) / 1000,
    scanPeakMb,
    snapshotReadyS: api.readyMs / 1000,
    snapshotMb,
    rssMb,
    lookup,
    search,
  };
}

// ---------------------------------------------------------------------------------------------
// Scale-out: lookups/s with one and two processes, and propagation from one to the other.

interface ScaleOut {
  runs: Array<{ label: string; servers: 'ours' | 'baseline'; processes: number; r: LoadRun }>;
  bodyBytes: number;
  notified: number[];
  polled: number[];
}

async function scaleOut(data: Data, a: Started, dir: string, aDataDir: string): Promise<ScaleOut> {
  const headers = { authorization: `Bearer ${data.key}` };
  const bDataDir = join(dir, `data-${data.entries}-b`);
  mkdirSync(bDataDir, { recursive: true });
  cpSync(join(aDataDir, SNAPSHOT_FILE_NAME), join(bDataDir, SNAPSHOT_FILE_NAME));
  // B polls the change log once a minute: what it shows sooner came by NOTIFY.
  const b = await startApi(apiEnv(data, bDataDir, { CREDCHECK_REFRESH_MS: '60000' }));
  const body = await (await fetch(`${a.url}/v1/subjects/${data.listed[0]}`, { headers })).text();
  const bases: Started[] = [];
  try {
    for (let i = 0; i < 2; i++)
      bases.push(await startProcess(['--import', 'tsx', baselineScript], { BASELINE_BODY: body }, null));
    const clean = cleanCodes();
    const paths = lookupMix(data.listed, clean);
    console.log('  lookups/s: warming up, then 2 rounds of 4 wrk runs…');
    await load(bases, paths, headers, dir, 3);
    await load([a, b], paths, headers, dir, 3);
    const runs: ScaleOut['runs'] = [];
    for (let round = 0; round < 2; round++) {
      for (const [label, servers, which] of [
        ['bare Hono, 1 process', [bases[0]!], 'baseline'],
        ['API, 1 process', [a], 'ours'],
        ['bare Hono, 2 processes', bases, 'baseline'],
        ['API, 2 processes', [a, b], 'ours'],
      ] as const) {
        const r = await load([...servers], paths, headers, dir, SECONDS);
        runs.push({ label, servers: which, processes: servers.length, r });
        console.log(
          `    ${label}: ${fmt(r.rps)} requests/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, ` +
            `${fmt(r.cpuUs)} µs server CPU/request, non-2xx ${r.non2xx}`,
        );
      }
    }
    console.log(`  propagation: ${CHANGES} changes through A, watched in B…`);
    const { notified, polled } = await propagation(data, a, b);
    console.log(
      `    A → B p50 / p95: NOTIFY ${fmt(percentile(notified, 50), 2)} / ${fmt(percentile(notified, 95), 2)} ms; ` +
        `poll every ${POLL_MS} ms ${fmt(percentile(polled, 50), 2)} / ${fmt(percentile(polled, 95), 2)} ms`,
    );
    return { runs, bodyBytes: Buffer.byteLength(body), notified, polled };
  } finally {
    for (const s of [b, ...bases]) await stop(s.child);
  }
}

/**
 * Designations through A, one at a time at random moments: from A's answer until B's lookup shows
 * the entry (asked back to back), and until a poll of the change log every POLL_MS sees it.
 */
async function propagation(data: Data, a: Started, b: Started) {
  const admin = { authorization: `Bearer ${ADMIN}` };
  const store = openPostgresStore(PG_TEST_URL, { schema: data.schema, maxConnections: 2 });
  const polled = new Map<number, number>();
  let polling = true;
  let after = await store.currentSeq();
  const poller = (async () => {
    while (polling) {
      const now = performance.now();
      for (const c of await store.changesSince(after, 1000)) {
        polled.set(c.seq, now);
        after = c.seq;
      }
      await sleep(POLL_MS - (performance.now() - now));
    }
  })();
  const answered = new Map<number, number>();
  const notified: number[] = [];
  const stamp = Date.now();
  try {
    for (let i = 0; i < CHANGES; i++) {
      await sleep(20 + Math.random() * 40);
      const code = usccFor(60_000_000 + (stamp % 1_000_000) * 10 + i);
      const res = await fetch(`${a.url}/v1/entries`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({
          code,
          name: `扩容基准${code}有限公司`,
          listType: 'wage-arrears-migrant-workers',
          department: 'dept-scale',
          basis: `（2026）基准第${stamp}-${i}号`,
          reason: '拖欠工资',
          decidedOn: '2026-11-20',
        }),
      });
      const t0 = performance.now();
      const text = await res.text();
      if (res.status !== 201 && res.status !== 200) throw new Error(`designation: ${res.status} ${text}`);
      const written = JSON.parse(text) as { entry: { id: string }; dataVersion: number };
      answered.set(written.dataVersion, t0);
      for (;;) {
        const look = await fetch(`${b.url}/v1/subjects/${code}`, { headers: admin });
        const found = look.status === 200 && (await look.text()).includes(written.entry.id);
        if (look.status !== 200) await look.arrayBuffer();
        if (found) break;
        if (performance.now() - t0 > 10_000) throw new Error(`change ${i} not in B after 10 s`);
      }
      notified.push(performance.now() - t0);
    }
    const until = performance.now() + 3 * POLL_MS;
    while (performance.now() < until && [...answered.keys()].some((s) => !polled.has(s))) await sleep(20);
  } finally {
    polling = false;
    await poller;
    await store.close();
  }
  const polledMs = [...answered].map(([seq, t0]) => Math.max(0, (polled.get(seq) ?? Number.NaN) - t0));
  return { notified: sorted(notified), polled: sorted(polledMs) };
}

// ---------------------------------------------------------------------------------------------

function machine(pgVersion: string): string {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? '?';
  return [
    `CPU ${model}, ${cpus().length} cores`,
    `RAM ${fmt(totalmem() / 2 ** 30, 1)} GiB`,
    `Node ${process.version}`,
    `PostgreSQL ${pgVersion}`,
    `wrk ${/wrk (\S+)/.exec(spawnVersion())?.[1] ?? '?'}`,
  ].join('; ');
}

function spawnVersion(): string {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

function freeGb(path: string): number {
  const s = statfsSync(path);
  return (s.bavail * s.bsize) / 2 ** 30;
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log('scale.bench: wrk is not installed (apt-get install -y wrk); skipped.');
    return;
  }
  const probe = await probePostgres(PG_TEST_URL);
  if (!probe.ok) {
    console.log(`scale.bench: PostgreSQL at ${PG_TEST_URL} unreachable (${probe.reason}); skipped.`);
    return;
  }
  const started = performance.now();
  const pgVersion = (await adminQuery<{ server_version: string }>('SHOW server_version'))[0]!.server_version;
  // Some 2 KB an entry in PostgreSQL (tables, indexes, change log) and 0.4 KB of index snapshot.
  console.log(
    `scale.bench: ${fmt(BIG)} and ${fmt(BASE)} entries need some ${fmt(((BIG + BASE) * 2400) / 2 ** 30, 1)} GB of disk; ` +
      `free where the temp files go: ${fmt(freeGb(tmpdir()), 1)} GB (PostgreSQL's disk: see df -h)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-scale-bench-'));
  const schemas: string[] = [];
  try {
    console.log('data: empty store, then the baseline size, then the large one (import timed)…');
    const empty = await prepareData(0);
    schemas.push(empty.schema);
    const base = await prepareData(BASE);
    schemas.push(base.schema);
    console.log(
      `  ${fmt(BASE)} entries ${base.reused ? 'reused' : 'imported'}: import ${fmt(base.importSeconds, 1)} s`,
    );
    // The process's memory with the runtime and an empty index: subtracted per entry.
    const emptyDir = join(dir, 'data-empty');
    mkdirSync(emptyDir);
    const e = await startApi(apiEnv(empty, emptyDir));
    await fetch(`${e.url}/v1/search?name=x`, { headers: { authorization: `Bearer ${empty.key}` } });
    const emptyRssMb = memoryOf(e.child.pid!).rss;
    const emptyReadyS = e.readyMs / 1000;
    console.log(`  empty store: ready in ${fmt(emptyReadyS, 1)} s, RSS ${fmt(emptyRssMb)} MB`);
    await stop(e.child);

    let out: ScaleOut | null = null;
    const atBase = await measureSize(base, dir, async (api, dataDir) => {
      out = await scaleOut(base, api, dir, dataDir);
    });
    const big = await prepareData(BIG);
    schemas.push(big.schema);
    console.log(
      `  ${fmt(BIG)} entries ${big.reused ? 'reused' : 'imported'}: import ${fmt(big.importSeconds, 1)} s`,
    );
    const atBig = await measureSize(big, dir, async () => {});
    report(machine(pgVersion), atBig, atBase, out!, { rssMb: emptyRssMb, readyS: emptyReadyS });
    console.log(
      `\nrun took ${fmt((performance.now() - started) / 60_000, 1)} min; this process peaked at ${fmt(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (!KEEP) for (const s of schemas) await adminQuery(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    else console.log(`kept the schemas ${schemas.join(', ')} (BENCH_KEEP=1); the next run reuses them`);
  }
}

function report(
  machineLine: string,
  big: SizeResult,
  base: SizeResult,
  s: ScaleOut,
  empty: { rssMb: number; readyS: number },
): void {
  const emptyRssMb = empty.rssMb;
  const mean = (label: string, of: (r: LoadRun) => number) => {
    const xs = s.runs.filter((r) => r.label === label).map((r) => of(r.r));
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const rps = (l: string) => mean(l, (r) => r.rps);
  const ms = (xs: number[], p: number) => `${fmt(percentile(xs, p), 2)} ms`;
  const sec = (x: number | null) => (x === null ? '?' : `${fmt(x, 1)} s`);
  const perEntry = (r: SizeResult) => ((r.rssMb - emptyRssMb) * 1048576) / r.data.entries;
  const imp = (r: SizeResult) =>
    `${sec(r.data.importSeconds)} (${fmt(r.data.entries / r.data.importSeconds)}/s)${r.data.reused ? ' [kept from an earlier run]' : ''}`;
  const [B, L] = [`${fmt(BIG)} entries`, `${fmt(BASE)} entries`];
  console.log(`\nmachine: ${machineLine}`);
  console.log(
    `scale-out on PostgreSQL: wrk -t1 per process, ${CONNECTIONS} connections in all, ${SECONDS} s per run, 2 rounds (means); body ${s.bodyBytes} bytes\n`,
  );
  table([
    ['figure', 'measured', 'baseline (same run)', 'ratio'],
    [
      `lookups/s, 1 API process, ${L}`,
      fmt(rps('API, 1 process')),
      `bare Hono, 1 process: ${fmt(rps('bare Hono, 1 process'))}`,
      `${fmt(rps('API, 1 process') / rps('bare Hono, 1 process'), 2)}×`,
    ],
    [
      `lookups/s, 2 API processes, ${L}`,
      fmt(rps('API, 2 processes')),
      `bare Hono, 2 processes: ${fmt(rps('bare Hono, 2 processes'))}`,
      `${fmt(rps('API, 2 processes') / rps('bare Hono, 2 processes'), 2)}×`,
    ],
    [
      'scale-out: 2 processes / 1 process',
      `${fmt(rps('API, 2 processes') / rps('API, 1 process'), 2)}×`,
      `bare Hono: ${fmt(rps('bare Hono, 2 processes') / rps('bare Hono, 1 process'), 2)}×`,
      '',
    ],
    [
      'server CPU per lookup, 1 / 2 processes',
      `${fmt(mean('API, 1 process', (r) => r.cpuUs))} / ${fmt(mean('API, 2 processes', (r) => r.cpuUs))} µs`,
      `bare Hono: ${fmt(mean('bare Hono, 1 process', (r) => r.cpuUs))} / ${fmt(mean('bare Hono, 2 processes', (r) => r.cpuUs))} µs`,
      `${fmt(mean('API, 1 process', (r) => r.cpuUs) / mean('bare Hono, 1 process', (r) => r.cpuUs), 2)}×`,
    ],
    [
      'lookup latency p50 / p99 under wrk (2 processes: the worse wrk), 1 / 2 processes',
      `${fmt(
        mean('API, 1 process', (r) => r.p50),
        2,
      )} / ${fmt(
        mean('API, 1 process', (r) => r.p99),
        2,
      )} ms; ${fmt(
        mean('API, 2 processes', (r) => r.p50),
        2,
      )} / ${fmt(
        mean('API, 2 processes', (r) => r.p99),
        2,
      )} ms`,
      `bare Hono: ${fmt(
        mean('bare Hono, 1 process', (r) => r.p50),
        2,
      )} / ${fmt(
        mean('bare Hono, 1 process', (r) => r.p99),
        2,
      )} ms; ${fmt(
        mean('bare Hono, 2 processes', (r) => r.p50),
        2,
      )} / ${fmt(
        mean('bare Hono, 2 processes', (r) => r.p99),
        2,
      )} ms`,
      '',
    ],
    [
      `import into PostgreSQL (generate + COPY + merge)`,
      `${B}: ${imp(big)}`,
      `${L}: ${imp(base)}`,
      `${fmt(big.data.importSeconds / base.data.importSeconds, 1)}× time`,
    ],
    [
      'start without snapshot → /readyz 200 (scan)',
      `${B}: ${sec(big.scanReadyS)}`,
      `${L}: ${sec(base.scanReadyS)}`,
      `${fmt(big.scanReadyS / base.scanReadyS, 1)}×`,
    ],
    [
      '  … and name search ready (built after, in the background)',
      `${B}: ${sec(big.namesReadyS)}`,
      `${L}: ${sec(base.namesReadyS)}`,
      '',
    ],
    ['start with an empty store → /readyz 200 (the process alone)', sec(empty.readyS), '', ''],
    [
      'start with snapshot → /readyz 200',
      `${B}: ${sec(big.snapshotReadyS)} (file ${fmt(big.snapshotMb)} MB)`,
      `${L}: ${sec(base.snapshotReadyS)} (file ${fmt(base.snapshotMb)} MB)`,
      `${fmt(big.snapshotReadyS / base.snapshotReadyS, 1)}×`,
    ],
    [
      'resident memory per entry (RSS ready − RSS empty store) / entries',
      `${B}: ${fmt(perEntry(big))} B (RSS ${fmt(big.rssMb)} MB)`,
      `${L}: ${fmt(perEntry(base))} B (RSS ${fmt(base.rssMb)} MB; empty store ${fmt(emptyRssMb)} MB)`,
      `${fmt(perEntry(big) / perEntry(base), 2)}×`,
    ],
    [
      'peak RSS of the scan start (incl. writing the snapshot)',
      `${B}: ${fmt(big.scanPeakMb)} MB`,
      `${L}: ${fmt(base.scanPeakMb)} MB`,
      '',
    ],
    [
      `lookup latency p50 / p99 at ${RATE}/s`,
      `${B}: ${ms(big.lookup, 50)} / ${ms(big.lookup, 99)}`,
      `${L}: ${ms(base.lookup, 50)} / ${ms(base.lookup, 99)}`,
      `${fmt(percentile(big.lookup, 99) / percentile(base.lookup, 99), 2)}× p99`,
    ],
    [
      'name search latency p50 / p95, one at a time',
      `${B}: ${ms(big.search, 50)} / ${ms(big.search, 95)}`,
      `${L}: ${ms(base.search, 50)} / ${ms(base.search, 95)}`,
      `${fmt(percentile(big.search, 95) / percentile(base.search, 95), 2)}× p95`,
    ],
    [
      `change A → B p50 / p95 (${s.notified.length} designations, B polls every 60 s)`,
      `NOTIFY: ${ms(s.notified, 50)} / ${ms(s.notified, 95)}`,
      `poll every ${POLL_MS} ms alone: ${ms(s.polled, 50)} / ${ms(s.polled, 95)}`,
      `${fmt(percentile(s.polled, 95) / percentile(s.notified, 95))}× sooner`,
    ],
  ]);
  const cores = (label: string) => {
    const runs = s.runs.filter((r) => r.label === label).map((r) => r.r.cores);
    const avg = (f: (c: LoadRun['cores']) => number) => runs.reduce((a, c) => a + f(c), 0) / runs.length;
    return `${label}: servers ${fmt(
      avg((c) => c.servers),
      2,
    )}, PostgreSQL ${fmt(
      avg((c) => c.postgres),
      2,
    )}, wrk and the rest ${fmt(
      avg((c) => c.other),
      2,
    )}`;
  };
  console.log(
    `\nCores busy during the wrk runs (of ${cpus().length}; from /proc): ${['bare Hono, 1 process', 'API, 1 process', 'bare Hono, 2 processes', 'API, 2 processes'].map(cores).join('; ')}.`,
  );
  // The explanation follows what this run measured, not what a 2-core machine usually shows.
  const ratio = rps('API, 2 processes') / rps('API, 1 process');
  const perCore = 1e6 / mean('API, 2 processes', (r) => r.cpuUs);
  console.log(
    'Lookups are answered from each process’s in-memory index: PostgreSQL does no work per lookup. ' +
      `Two processes gave ${fmt(ratio, 2)}× the lookups/s of one: wrk runs on the same ${cpus().length} cores ` +
      'and takes its share (cores busy above), so a second process gets less than a core of its own. ' +
      `Server CPU per lookup carries over to a machine with a core per process: about ${fmt(perCore)} lookups/s per core. ` +
      'Latency at a fixed rate comes from an in-process open-loop client (wrk2 is not available).',
  );
}

await main();
