/**
 * HTTP benchmark of the credit API on 1,000,000 entries (BENCH_ENTRIES to change), each figure
 * beside a baseline measured in the same run:
 *  - GET /v1/subjects/{code} vs a bare Hono endpoint returning a constant JSON body of the same
 *    size, same @hono/node-server, same wrk settings (target ≥ 0.8× its requests/s, p99 < 5 ms);
 *  - POST /v1/decisions (signed, recorded) vs the lookups (target ≥ 0.5×), beside a floor: the bare
 *    endpoint's POST that only parses the body and signs a receipt with Ed25519;
 *  - POST /v1/subjects/batch with 10,000 codes: server time from Server-Timing, up to the UTF-8 body
 *    (target < 50 ms), for codes asked before (cached) and cold on a process without that cache;
 *  - GET /v1/search: latency seen by the client (target p95 < 5 ms);
 *  - start: time until the first lookup answers, and resident memory (targets 5 s, 600 MB).
 * Needs wrk (apt-get install wrk). BENCH_HTTP_DIR keeps the generated store between runs.
 * Timings never fail the run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { issueApiKey } from '../../api/src/auth/api-key.ts';
import { generateDataset, ROWS_PER_SUBJECT } from '../../api/src/demo/dataset.ts';
import { loadDefaultCatalog } from '../../api/src/domain/default-catalog.ts';
import { importRows } from '../../api/src/import/import-file.ts';
import { openSqliteStore } from '../../api/src/store/sqlite.ts';
import { seededRandom as seeded } from '../helpers/seeded-random.ts';
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
import { hasWrk, runWrk, type WrkResult } from './http/wrk.ts';

const N = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const TODAY = '2026-11-23';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const serveScript = fileURLToPath(new URL('../../api/bin/serve.js', import.meta.url));
const baselineScript = fileURLToPath(new URL('./http/baseline-server.ts', import.meta.url));

interface Meta {
  entries: number;
  key: string;
  listed: string[];
  names: string[];
}

async function prepareData(dir: string): Promise<Meta> {
  const metaFile = join(dir, 'bench-meta.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Meta;
    if (meta.entries === N) return meta;
  }
  rmSync(join(dir, 'credcheck.db'), { force: true });
  const store = openSqliteStore(join(dir, 'credcheck.db'));
  await store.migrate();
  await store.replaceCatalog(loadDefaultCatalog(), 'bench');
  const listed: string[] = [];
  const names: string[] = [];
  let rows = 0;
  function* tap() {
    for (const row of generateDataset({
      seed: 'http-bench',
      subjects: Math.ceil(N / ROWS_PER_SUBJECT),
      today: TODAY,
      limit: N,
    })) {
      rows++;
      if (row.subject_type === 'org' && rows % 37 === 0) {
        if (listed.length < 20_000) listed.push(row.uscc);
        if (names.length < 2_000) names.push(row.name);
      }
      yield row;
    }
  }
  const t = performance.now();
  const report = await importRows(store, tap(), {
    actor: 'bench',
    catalog: loadDefaultCatalog(),
    today: TODAY,
  });
  if (!report.ok) throw new Error(`bench data rejected: ${report.errors[0]?.message}`);
  console.log(
    `generated and imported ${rows.toLocaleString('en')} rows in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  const { key, record } = issueApiKey(
    // A limit far above what the run reaches: the bucket is taken on every request, never empty.
    { role: 'implementer', department: null, label: 'bench', rateLimit: 10_000_000 },
    new Date().toISOString(),
  );
  await store.createApiKey(record);
  await store.close();
  const meta: Meta = { entries: N, key, listed, names };
  writeFileSync(metaFile, JSON.stringify(meta));
  return meta;
}

/** A keep-alive socket may have timed out on the server during a wrk run: retry once on a fresh one. */
async function fetchOnce(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

async function main(): Promise<void> {
  if (!hasWrk()) {
    console.log('http.bench: wrk is not installed (apt-get install -y wrk); skipped.');
    return;
  }
  const keepDir = process.env.BENCH_HTTP_DIR;
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'credcheck-http-bench-'));
  mkdirSync(dir, { recursive: true });
  try {
    const meta = await prepareData(dir);
    const rand = seeded(11);
    const clean = Array.from({ length: 5000 }, () => generateUSCC(rand));
    const auth = { authorization: `Bearer ${meta.key}` };
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      CREDCHECK_NOW: TODAY,
      CREDCHECK_DEMO: '0',
      CREDCHECK_RATE_LIMIT_ANON: '0',
    };

    // Start twice: the first may build the index from the store, the second finds what the first left.
    const starts: Array<[string, number, { rss: number; hwm: number }]> = [];
    let api: Started | null = null;
    // The first start finds no index snapshot and scans the store; on shutdown it leaves one.
    rmSync(join(dir, 'index.snapshot'), { force: true });
    for (const label of ['start without a snapshot (scan)', 'start from the snapshot the first left']) {
      if (api) await stop(api.child);
      api = await startProcess([serveScript], env, `/v1/subjects/${meta.listed[0]}`);
      starts.push([label, api.readyMs, memoryOf(api.child.pid!)]);
    }
    const ours = api!;

    const sampleBody = await (
      await fetch(`${ours.url}/v1/subjects/${meta.listed[0]}`, { headers: auth })
    ).text();
    const baseline = await startProcess(
      ['--import', 'tsx', baselineScript],
      { BASELINE_BODY: sampleBody },
      null,
    );

    // Three listed codes to one clean one (which answers 404 subject-not-found, a problem document).
    const lookupPaths = lookupMix(meta.listed, clean);
    const decisionReqs = meta.listed
      .slice(0, 10_000)
      .map(
        (code, i) =>
          `POST /v1/decisions ${JSON.stringify({ scenario: i % 2 ? 'bidding-tendering' : 'gov-procurement', subject: { code } })}`,
      );
    const run = (url: string, requests: string[], headers: Record<string, string>) => {
      const pid = (url === ours.url ? ours : baseline).child.pid!;
      const cpu0 = cpuSeconds(pid);
      const r = runWrk({ url, dir, requests, headers, seconds: SECONDS, connections: CONNECTIONS });
      return { ...r, cpuUs: ((cpuSeconds(pid) - cpu0) * 1e6) / r.requests };
    };

    // Warm both up (JIT, caches), then alternate so drift hits both alike.
    run(baseline.url, lookupPaths.slice(0, 1000), auth);
    run(ours.url, lookupPaths, auth);
    const results: Array<[string, WrkResult & { cpuUs: number }]> = [];
    for (let round = 0; round < 2; round++) {
      results.push(['baseline: bare Hono, constant JSON', run(baseline.url, lookupPaths, auth)]);
      results.push(['GET /v1/subjects/{code} (75% listed)', run(ours.url, lookupPaths, auth)]);
      results.push([
        'POST /v1/decisions (signed + recorded)',
        run(ours.url, decisionReqs, { ...auth, 'content-type': 'application/json' }),
      ]);
      results.push([
        'floor: bare Hono POST, parse + Ed25519 sign',
        run(baseline.url, decisionReqs, { ...auth, 'content-type': 'application/json' }),
      ]);
    }
    const memAfterLoad = memoryOf(ours.child.pid!);

    // Batches of 10,000: half listed (a worst case), and one in ten listed (a bank's screening run).
    // Found items are kept serialized for the data version, so a batch that repeats codes is a
    // copy: measured on this process (windows overlapping by 90%, as a portfolio screened again),
    // and every batch cold on a second process without that cache.
    const cold = await startProcess(
      [serveScript],
      { ...env, CREDCHECK_LOOKUP_CACHE_MB: '0' },
      `/v1/subjects/${meta.listed[0]}`,
    );
    const batchRuns: Array<{ label: string; server: number[]; roundTrip: number[] }> = [];
    for (const [where, url] of [
      ['repeated codes', ours.url],
      ['cold, no cache', cold.url],
    ] as const) {
      for (const listedShare of [0.5, 0.1]) {
        const server: number[] = [];
        const roundTrip: number[] = [];
        const listedCount = 10_000 * listedShare;
        for (let i = 0; i < 12; i++) {
          const codes = [
            ...meta.listed.slice(i * 500, i * 500 + listedCount),
            ...clean.slice(0, 10_000 - listedCount),
          ];
          const t = performance.now();
          const res = await fetchOnce(`${url}/v1/subjects/batch`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ codes }),
          });
          await res.arrayBuffer();
          const rt = performance.now() - t;
          if (i < 2) continue; // warm-up
          roundTrip.push(rt);
          server.push(Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1]));
        }
        batchRuns.push({
          label: `batch of 10,000 codes, ${listedShare * 100}% listed, ${where}`,
          server,
          roundTrip,
        });
      }
    }
    await stop(cold.child);

    // Name search, one request at a time: listed names and variants of them.
    const variants = meta.names.flatMap((n, i) => [
      n,
      i % 2 ? n.replace('有限公司', '有限责任公司') : n.replace(/(.)(.)/, '$2$1'),
    ]);
    const searchTimes: number[] = [];
    for (const [i, name] of variants.entries()) {
      const t = performance.now();
      const res = await fetchOnce(`${ours.url}/v1/search?name=${encodeURIComponent(name)}`, {
        headers: auth,
      });
      await res.arrayBuffer();
      if (i >= 200) searchTimes.push(performance.now() - t);
    }
    await stop(ours.child);
    await stop(baseline.child);

    const mean = (label: string, of: (r: WrkResult & { cpuUs: number }) => number) => {
      const rs = results.filter(([l]) => l === label).map(([, r]) => of(r));
      return rs.reduce((a, b) => a + b, 0) / rs.length;
    };
    const B = 'baseline: bare Hono, constant JSON';
    const L = 'GET /v1/subjects/{code} (75% listed)';
    const D = 'POST /v1/decisions (signed + recorded)';
    const base = mean(B, (r) => r.rps);
    const look = mean(L, (r) => r.rps);
    const dec = mean(D, (r) => r.rps);
    const F = 'floor: bare Hono POST, parse + Ed25519 sign';
    const floor = mean(F, (r) => r.rps);
    const cpu = (label: string) => mean(label, (r) => r.cpuUs);

    console.log(
      `\nHTTP, ${N.toLocaleString('en')} entries in SQLite, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, body ${sampleBody.length} bytes`,
    );
    table([
      ['run', 'requests/s', 'p50 ms', 'p99 ms', 'server CPU µs/request', 'non-2xx (404 = clean)'],
      ...results.map(([label, r]) => [
        label,
        fmt(r.rps),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.cpuUs, 1),
        String(r.non2xx),
      ]),
    ]);
    console.log('');
    table([
      ['ratio (means of the rounds)', 'by requests/s', 'by server CPU per request', 'target'],
      ['lookups / baseline', `${fmt(look / base, 2)}×`, `${fmt(cpu(B) / cpu(L), 2)}×`, '≥ 0.8×'],
      ['decisions / lookups', `${fmt(dec / look, 2)}×`, `${fmt(cpu(L) / cpu(D), 2)}×`, '≥ 0.5×'],
      // The most any decision endpoint that signs each decision on its request thread reaches here.
      ['signing floor / lookups', `${fmt(floor / look, 2)}×`, `${fmt(cpu(L) / cpu(F), 2)}×`, ''],
    ]);
    const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
    const sortedS = sorted(searchTimes);
    const row = (label: string, xs: number[], digits: number, target: string) => {
      const ys = sorted(xs);
      return [
        label,
        fmt(percentile(ys, 50), digits),
        fmt(percentile(ys, 95), digits),
        fmt(ys.at(-1)!, digits),
        target,
      ];
    };
    console.log('');
    table([
      ['request', 'p50 ms', 'p95 ms', 'max ms', 'target'],
      ...batchRuns.flatMap((r) => [
        row(`${r.label}: server time (Server-Timing)`, r.server, 1, '< 50 ms'),
        row(`${r.label}: round trip incl. transfer`, r.roundTrip, 1, ''),
      ]),
      [
        `GET /v1/search, ${sortedS.length} names and variants, one at a time`,
        fmt(percentile(sortedS, 50), 2),
        fmt(percentile(sortedS, 95), 2),
        fmt(sortedS.at(-1)!, 2),
        'p95 < 5 ms',
      ],
    ]);
    console.log('');
    table([
      ['start (spawn → first lookup answered)', 'seconds', 'RSS MB at ready', 'peak RSS MB'],
      ...starts.map(([label, ms, m]) => [label, fmt(ms / 1000, 2), fmt(m.rss), fmt(m.hwm)]),
      ['after the load runs above', '', fmt(memAfterLoad.rss), fmt(memAfterLoad.hwm)],
    ]);
  } finally {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
