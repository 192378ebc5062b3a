// Change propagation: from a committed import of one record, written by another connection (as the
// CLI or another API node writes), to (a) its webhook delivery at a local receiver and (b) the
// change on GET /v1/changes/stream, beside a baseline measured in the same run on the same writes:
// the raw commit → changesSince poll (every 5 ms, on a connection of its own). The target is p95
// under 1 s. Variants:
//   poll 1000 ms  — how an API process followed other processes' writes before: the index's
//                   refresher every CREDCHECK_REFRESH_MS (default 1000), nothing else;
//   notified      — the default now: PostgreSQL LISTEN/NOTIFY (a trigger on change_log), SQLite
//                   PRAGMA data_version looked at every 25 ms; the refresher poll stays as a net.
// The API, the writer, the receiver and the stream client share this process (one event loop, on
// a machine whose other core runs the database): a conservative setting. Prints a table; never
// fails on timing.
//   npx tsx test/bench/propagation.bench.ts
// Env: BENCH_CHANGES (default 200), BENCH_STORES (sqlite,postgres), DATABASE_URL (default
// postgres://127.0.0.1:5432/test; PostgreSQL is skipped with a note when unreachable).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import pg from 'pg';
import { createApp } from '../../api/src/app.ts';
import { openPostgresStore } from '../../api/src/store/postgres.ts';
import { openSqliteStore } from '../../api/src/store/sqlite.ts';
import type { Store } from '../../api/src/store/types.ts';
import { orgRecord, recordSet, usccFor } from '../../api/test/helpers/records.ts';
import { clientUrl, PG_TEST_URL, probePostgres } from '../../api/test/helpers/store-factory.ts';
import { issueKey, openWebhookApp, prepareWebhookStore } from '../../api/test/helpers/webhook-app.ts';
import { startReceiver } from '../../api/test/helpers/webhook-receiver.ts';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
/** Records in the store before the run, so the index and the log are not empty. */
const BASE = 10_000;
/** A bank's portfolio: the subjects the run writes are on it, among 100,000 codes. */
const WATCH = 100_000;
/** Subjects the run lists, numbered inside the watch list and outside the base records. */
const FIRST = 50_000;
const BASELINE_POLL_MS = 5;

interface Location {
  name: string;
  open(): Store;
  drop(): Promise<void>;
}

interface Variant {
  name: string;
  refreshMs: number;
  notifications: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'poll 1000 ms (before)', refreshMs: 1000, notifications: false },
  { name: 'notified (default)', refreshMs: 1000, notifications: true },
];

function sqliteLocation(): Location {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-bench-propagation-'));
  const file = join(dir, 'credcheck.db');
  return {
    name: 'SQLite',
    open: () => openSqliteStore(file),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresLocation(): Location {
  const schema = `cc_bench_${randomBytes(5).toString('hex')}`;
  return {
    name: 'PostgreSQL',
    open: () => openPostgresStore(PG_TEST_URL, { schema, maxConnections: 4 }),
    async drop() {
      const c = new pg.Client({ connectionString: clientUrl(PG_TEST_URL) });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the SSE stream, noting when each change's event arrived. */
async function followStream(url: string, since: number, seen: Map<number, number>, stop: AbortSignal) {
  const res = await fetch(`${url}/v1/changes/stream?since=${since}`, { signal: stop });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const now = performance.now();
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const id = /^id: (\d+)$/m.exec(buffer.slice(0, end));
        if (id && !seen.has(Number(id[1]))) seen.set(Number(id[1]), now);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    }
  } catch {
    // Aborted at the end of the run.
  }
}

/** The baseline: another connection polling the log as fast as is sensible. */
async function pollLog(store: Store, since: number, seen: Map<number, number>, stop: AbortSignal) {
  let after = since;
  while (!stop.aborted) {
    const page = await store.changesSince(after, 1000);
    const now = performance.now();
    for (const c of page) {
      seen.set(c.seq, now);
      after = c.seq;
    }
    await sleep(BASELINE_POLL_MS);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Row {
  store: string;
  variant: string;
  path: string;
  n: number;
  'p50 ms': number;
  'p95 ms': number;
  'p99 ms': number;
  'max ms': number;
  'p95 < 1 s': string;
}

function summarize(
  store: string,
  variant: string,
  path: string,
  commits: Map<number, number>,
  seen: Map<number, number>,
): Row {
  const ms = [...commits].flatMap(([seq, at]) => (seen.has(seq) ? [Math.max(0, seen.get(seq)! - at)] : []));
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  const p95 = ms.length ? percentile(ms, 95) : Number.NaN;
  return {
    store,
    variant,
    path,
    n: ms.length,
    'p50 ms': ms.length ? r(percentile(ms, 50)) : Number.NaN,
    'p95 ms': r(p95),
    'p99 ms': ms.length ? r(percentile(ms, 99)) : Number.NaN,
    'max ms': ms.length ? r(ms[ms.length - 1]!) : Number.NaN,
    'p95 < 1 s': ms.length < commits.size ? `missing ${commits.size - ms.length}` : p95 < 1000 ? 'yes' : 'no',
  };
}

async function runVariant(location: Location, variant: Variant, round: number): Promise<Row[]> {
  const api = location.open();
  const writer = location.open();
  const poller = location.open();
  await api.migrate();
  const prepared = await prepareWebhookStore(api);
  const w = await openWebhookApp(api, prepared, {
    refreshMs: variant.refreshMs,
    changeNotifications: variant.notifications,
  });
  const app = createApp(w.runtime.deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const receiver = await startReceiver();
  const stop = new AbortController();
  let subscription: string | null = null;
  try {
    const bank = await issueKey(api, 'implementer');
    const created = await fetch(`${url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bank.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: receiver.url,
        watchList: Array.from({ length: WATCH }, (_, i) => usccFor(i + 1)),
      }),
    });
    if (created.status !== 201) throw new Error(`subscribe: ${created.status} ${await created.text()}`);
    subscription = ((await created.json()) as { id: string }).id;
    const since = await api.currentSeq();

    const delivered = new Map<number, number>();
    receiver.onRequest = (r) => {
      const seq = (JSON.parse(r.body) as { data: { seq: number } }).data.seq;
      if (!delivered.has(seq)) delivered.set(seq, r.at);
    };
    const streamed = new Map<number, number>();
    const polled = new Map<number, number>();
    const streaming = followStream(url, since, streamed, stop.signal);
    const polling = pollLog(poller, since, polled, stop.signal);
    await sleep(300);

    // Each write lists a new subject of the portfolio: a subject change and an entry change; the
    // entry's (the import's last seq) is timed. Gaps of 20–60 ms put commits at every phase of
    // the refresher's poll.
    const commits = new Map<number, number>();
    for (let i = 0; i < CHANGES; i++) {
      await sleep(20 + Math.random() * 40);
      const summary = await writer.importRecords([[orgRecord(FIRST + round * CHANGES + i)]], {
        actor: 'bench',
      });
      commits.set(summary.seq, performance.now());
    }
    const all = [...commits.keys()];
    const end = Date.now() + 5000;
    while (Date.now() < end && !all.every((s) => delivered.has(s) && streamed.has(s) && polled.has(s))) {
      await sleep(20);
    }
    stop.abort();
    await Promise.allSettled([streaming, polling]);
    return [
      summarize(
        location.name,
        variant.name,
        `baseline: commit → changesSince poll (${BASELINE_POLL_MS} ms)`,
        commits,
        polled,
      ),
      summarize(location.name, variant.name, 'commit → GET /v1/changes/stream', commits, streamed),
      summarize(location.name, variant.name, 'commit → webhook delivered', commits, delivered),
    ];
  } finally {
    stop.abort();
    (server as Server).closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await w.runtime.stop();
    // The next variant's receiver is another; this one's queue must not keep the store busy.
    if (subscription) await api.deleteWebhook(subscription, 'bench');
    await receiver.close();
    await Promise.all([api.close(), writer.close(), poller.close()]);
  }
}

async function main() {
  const locations: Location[] = [];
  if (STORES.includes('sqlite')) locations.push(sqliteLocation());
  if (STORES.includes('postgres')) {
    const probe = await probePostgres(PG_TEST_URL);
    if (probe.ok) locations.push(postgresLocation());
    else console.log(`PostgreSQL at ${PG_TEST_URL} unreachable (${probe.reason}): skipped`);
  }
  const rows: Row[] = [];
  try {
    for (const location of locations) {
      const seed = location.open();
      await seed.migrate();
      await prepareWebhookStore(seed);
      await seed.importRecords([recordSet(BASE, 200_000)], { actor: 'bench-seed' });
      await seed.close();
      for (const [round, variant] of VARIANTS.entries())
        rows.push(...(await runVariant(location, variant, round)));
    }
  } finally {
    for (const l of locations) await l.drop();
  }
  console.log(
    `${CHANGES} single-record imports per variant from a second connection, 20–60 ms apart, into a store of ` +
      `${BASE.toLocaleString('en')} records; the webhook filters by a ${WATCH.toLocaleString('en')}-code watch list. ` +
      'Latency of the entry change, from the writer’s commit to its arrival.',
  );
  console.table(rows);
}

await main();
