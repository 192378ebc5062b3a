// Two real API processes on one PostgreSQL schema: what one writes, the other serves within a
// second, across a restart and a lost connection, each change applied once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFor } from '../../api/test/helpers/records.ts';
import { PG_TEST_URL, probePostgres } from '../../api/test/helpers/store-factory.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { createThrowawaySchema, type ThrowawaySchema } from '../helpers/postgres-schema.ts';

const ADMIN = 'cck_scale-out-admin-key-for-this-test-only';
const SEEDED = 300;
const POLL_MS = 20;
const LIMIT_MS = 1000;

const probe = await probePostgres(PG_TEST_URL);
// Without PostgreSQL a developer's run says so loudly; CI must have it, so there it fails below.
const skip = !probe.ok && !process.env.CI;
if (skip) {
  console.warn(
    `\n!!! PostgreSQL unreachable at ${PG_TEST_URL} (${probe.reason}): scale-out test SKIPPED !!!\n`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seeded {
  code: string;
  entryId: string;
}

interface EntryLike {
  id: string;
  status: string;
}

/** The status a lookup or a decision gives an entry (decisions list entries not applied apart). */
function entryStatus(body: { entries?: EntryLike[]; notApplied?: EntryLike[] }, id: string): string | null {
  const all = [...(body.entries ?? []), ...(body.notApplied ?? [])];
  const found = all.filter((e) => e.id === id);
  if (found.length > 1) throw new Error(`entry ${id} listed ${found.length} times`);
  return found[0]?.status ?? null;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function waitFor<T>(what: string, probeFn: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const got = await probeFn();
    if (got !== null) return got;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

describe.skipIf(skip)('two API processes on one PostgreSQL', () => {
  let db: ThrowawaySchema;
  let a: ApiProcess;
  let b: ApiProcess;
  let bEnv: Record<string, string>;
  const bDataDir = mkdtempSync(join(tmpdir(), 'credcheck-scale-out-b-'));
  const seeded: Seeded[] = [];
  let designations = 0;

  const send = (url: string, path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify(body),
    });
  const json = async (res: Response) => {
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${res.url}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const lookup = async (api: ApiProcess, code: string) => {
    const res = await fetch(`${api.url}/v1/subjects/${code}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    // A subject not (yet) listed anywhere.
    if (res.status === 404) return { status: 404, entries: [] };
    return json(res);
  };
  const decide = async (api: ApiProcess, code: string) =>
    json(await send(api.url, '/v1/decisions', { scenario: 'gov-procurement', subject: { code } }));

  /** Lists one more entry of the subject with this code through `api`; resolves with its id and seq. */
  async function designate(api: ApiProcess, code: string, name = `扩容测试${code}有限公司`) {
    const n = ++designations;
    const body = await json(
      await send(api.url, '/v1/entries', {
        code,
        name,
        listType: 'wage-arrears-migrant-workers',
        department: 'dept-scale',
        basis: `（2026）扩容第${n}号`,
        reason: `拖欠工资 ${n}`,
        decidedOn: '2026-11-20',
      }),
    );
    return { entryId: body.entry.id as string, seq: body.dataVersion as number };
  }

  const storeSeq = async () =>
    Number(
      (await db.sql<{ seq: string }>(`SELECT COALESCE(MAX(seq), 0) AS seq FROM ${db.schema}.change_log`))[0]!
        .seq,
    );

  const metric = async (api: ApiProcess, name: string) => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
    if (!m) throw new Error(`${name} not in /metrics`);
    return Number(m[1]);
  };

  /** The instance's index is at the store's seq and its /readyz says ready. */
  const caughtUp = (api: ApiProcess) => async () => {
    const res = await fetch(`${api.url}/readyz`).catch(() => null);
    if (res?.status !== 200) return null;
    const body = await res.json();
    return body.dataVersion === (await storeSeq()) ? body : null;
  };

  /** B serves what A serves: same index counts, same lookups of the subjects the run touched. */
  async function expectSameAs(codes: string[]) {
    // A follows B's writes too (expiry events at start, say): compare once both are at the store's seq.
    await waitFor('A caught up', caughtUp(a), 5000);
    expect(await metric(b, 'credcheck_index_entries')).toBe(await metric(a, 'credcheck_index_entries'));
    expect(await metric(b, 'credcheck_index_subjects')).toBe(await metric(a, 'credcheck_index_subjects'));
    for (const code of new Set(codes)) {
      const [fromA, fromB] = [await lookup(a, code), await lookup(b, code)];
      expect(fromB).toEqual(fromA);
      const ids = (fromB.entries as EntryLike[]).map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  }

  /** The change feed as B serves it: every seq after `since` once, in order, the same as A's. */
  async function expectSameChanges(since: number, count: number) {
    const page = async (api: ApiProcess) =>
      json(
        await fetch(`${api.url}/v1/changes?since=${since}&limit=1000`, {
          headers: { authorization: `Bearer ${ADMIN}` },
        }),
      );
    const [fromA, fromB] = [await page(a), await page(b)];
    const seqs = (fromB.changes as Array<{ seq: number }>).map((c) => c.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => since + 1 + i));
    expect(seqs.length).toBeGreaterThanOrEqual(count);
    expect(fromB.changes).toEqual(fromA.changes);
  }

  /** Writes `n` designations through A, one every `everyMs`, on a few subjects (several entries each). */
  async function writeThroughA(n: number, everyMs: number, subjects: Seeded[]) {
    const written: Array<{ code: string; entryId: string }> = [];
    for (let i = 0; i < n; i++) {
      const code = subjects[i % subjects.length]!.code;
      written.push({ code, ...(await designate(a, code)) });
      await sleep(everyMs);
    }
    return written;
  }

  beforeAll(async () => {
    if (!probe.ok) throw new Error(`PostgreSQL unreachable at ${PG_TEST_URL} under CI: ${probe.reason}`);
    db = await createThrowawaySchema(PG_TEST_URL);
    const env = {
      DATABASE_URL: db.url,
      CREDCHECK_ADMIN_KEY: ADMIN,
      CREDCHECK_RATE_LIMIT: '0',
      CREDCHECK_RATE_LIMIT_ANON: '0',
    };
    a = await startApiProcess(env);
    // B polls the change log only every 30 s: whatever it shows sooner came by NOTIFY (and after a
    // lost connection, by LISTENing again).
    bEnv = { ...env, DATA_DIR: bDataDir, CREDCHECK_REFRESH_MS: '30000' };
    b = await startApiProcess(bEnv);
    const codes = Array.from({ length: SEEDED }, (_, i) => usccFor(i + 1));
    for (let from = 0; from < codes.length; from += 6) {
      const batch = await Promise.all(
        codes.slice(from, from + 6).map(async (code) => ({ code, ...(await designate(a, code)) })),
      );
      seeded.push(...batch.map(({ code, entryId }) => ({ code, entryId })));
    }
    await waitFor('B has the seeded entries', caughtUp(b), 10_000);
  }, 180_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
    rmSync(bDataDir, { recursive: true, force: true });
  });

  it('shows a designation, a revocation and an objection made through A in B within a second', async () => {
    const lookupMs: number[] = [];
    const decisionMs: number[] = [];
    for (let i = 0; i < 21; i++) {
      const target = seeded[i]!;
      let code: string;
      let entryId: string;
      let expected: string;
      let seq: number;
      if (i % 3 === 0) {
        code = usccFor(10_000 + i);
        ({ entryId, seq } = await designate(a, code));
        expected = 'active';
      } else if (i % 3 === 1) {
        code = target.code;
        entryId = target.entryId;
        seq = (await json(await send(a.url, `/v1/entries/${entryId}/revoke`, { why: '认定有误，撤销' })))
          .dataVersion;
        expected = 'revoked';
      } else {
        code = target.code;
        entryId = target.entryId;
        seq = (
          await json(
            await send(a.url, '/v1/objections', {
              entryId,
              claim: '已结清工资',
              channel: 'phone',
              submitter: { name: '张三' },
            }),
          )
        ).dataVersion;
        expected = 'suspended';
      }
      // From A's answer: the change is committed.
      const t0 = performance.now();
      await waitFor(
        `change ${i} (${expected}) in B's lookup`,
        async () => (entryStatus(await lookup(b, code), entryId) === expected ? true : null),
        3000,
      );
      lookupMs.push(performance.now() - t0);
      const decision = await decide(b, code);
      decisionMs.push(performance.now() - t0);
      expect(entryStatus(decision, entryId)).toBe(expected);
      expect(decision.dataVersion).toBeGreaterThanOrEqual(seq);
    }
    const sorted = [...lookupMs].sort((x, y) => x - y);
    const sortedDecisions = [...decisionMs].sort((x, y) => x - y);
    console.log(
      `propagation A → B over ${sorted.length} changes (from A's answer; B polls every ${POLL_MS} ms): ` +
        `lookup p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, ` +
        `max ${sorted[sorted.length - 1]!.toFixed(1)} ms; lookup then decision p50 ` +
        `${percentile(sortedDecisions, 50).toFixed(1)} ms, p95 ${percentile(sortedDecisions, 95).toFixed(1)} ms`,
    );
    expect(Math.max(...lookupMs)).toBeLessThan(LIMIT_MS);
    expect(Math.max(...decisionMs)).toBeLessThan(LIMIT_MS);
  }, 60_000);

  it('B restarted while A writes 50 changes comes back ready with each of them once', async () => {
    const since = await storeSeq();
    const subjects = seeded.slice(100, 110);
    const writing = writeThroughA(50, 40, subjects);
    await sleep(300);
    await b.stop();
    b = await startApiProcess(bEnv);
    const readyzSeen = new Set<number>();
    await waitFor(
      'B ready after restart',
      async () => {
        const res = await fetch(`${b.url}/readyz`);
        readyzSeen.add(res.status);
        return res.status === 200 ? true : null;
      },
      20_000,
    );
    const written = await writing;
    await waitFor('B caught up after restart', caughtUp(b), 5000);
    console.log(
      `B restarted: ${/index: (loaded snapshot[^\n]*|scanned[^\n]*)/.exec(b.output())?.[1] ?? '?'}; ` +
        `/readyz answers seen while starting: ${[...readyzSeen].join(', ')}`,
    );
    expect(written).toHaveLength(50);
    await expectSameChanges(since, 50);
    await expectSameAs(subjects.map((s) => s.code));
    for (const w of written) expect(entryStatus(await lookup(b, w.code), w.entryId)).toBe('active');
  }, 90_000);

  it('B losing its PostgreSQL connections answers 503 or from memory, never 500, and catches up without a restart', async () => {
    const since = await storeSeq();
    const subjects = seeded.slice(200, 210);
    const appName = `credcheck-${b.pid}`;
    const before = await db.sql<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
      [appName],
    );
    // The store names its connections after the process: without that, nothing here would be cut.
    expect(Number(before[0]!.n)).toBeGreaterThan(0);

    const writing = writeThroughA(30, 50, subjects);
    let terminated = 0;
    let cutting = true;
    const cutter = (async () => {
      const until = performance.now() + 1500;
      while (performance.now() < until) {
        const rows = await db.sql<{ ok: boolean }>(
          'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
          [appName],
        );
        terminated += rows.filter((r) => r.ok).length;
        await sleep(50);
      }
      cutting = false;
    })();
    const answers = new Map<string, number>();
    const problems: string[] = [];
    const note = async (what: string, res: Response) => {
      const key = `${what} ${res.status}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
      const body = await res.text();
      if (res.status >= 500 && res.status !== 503) problems.push(`${key}: ${body}`);
      if (res.status === 503 && what !== 'readyz') {
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(body).status).toBe(503);
      }
    };
    const code = seeded[250]!.code;
    while (cutting) {
      await Promise.all([
        fetch(`${b.url}/v1/subjects/${code}`).then((r) => note('lookup', r)),
        // Decisions are written in a transaction each: several at once meet the cuts between statements too.
        ...seeded
          .slice(250, 254)
          .map((s) =>
            send(b.url, '/v1/decisions', { scenario: 'gov-procurement', subject: { code: s.code } }).then(
              (r) => note('decision', r),
            ),
          ),
        fetch(`${b.url}/v1/changes?since=${since}`, { headers: { authorization: `Bearer ${ADMIN}` } }).then(
          (r) => note('changes', r),
        ),
        fetch(`${b.url}/readyz`).then((r) => note('readyz', r)),
      ]);
      await sleep(30);
    }
    await cutter;
    const written = await writing;
    const cutEnded = performance.now();
    await waitFor('B caught up after its connections were cut', caughtUp(b), 15_000);
    const recoveredMs = performance.now() - cutEnded;
    console.log(
      `B's connections cut ${terminated} times over 1.5 s while A wrote ${written.length} changes; ` +
        `B's answers meanwhile: ${[...answers].map(([k, n]) => `${k} ×${n}`).join(', ')}; ` +
        `caught up ${recoveredMs.toFixed(0)} ms after the last cut`,
    );
    expect(terminated).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    // Lookups are answered from memory whatever the store does.
    expect([...answers.keys()].filter((k) => k.startsWith('lookup') && k !== 'lookup 200')).toEqual([]);
    expect(b.exitCode()).toBeNull();
    await expectSameChanges(since, 30);
    await expectSameAs(subjects.map((s) => s.code));
    for (const w of written) expect(entryStatus(await lookup(b, w.code), w.entryId)).toBe('active');

    // B listens again: a new change reaches it by NOTIFY, not by its 30 s poll.
    const listening = await waitFor(
      'B LISTENing again',
      async () => {
        const rows = await db.sql<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
          [appName],
        );
        return Number(rows[0]!.n) > 0 ? true : null;
      },
      5000,
    );
    expect(listening).toBe(true);
    const code2 = usccFor(20_000);
    const { entryId } = await designate(a, code2);
    const t0 = performance.now();
    await waitFor(
      'a change after the outage in B',
      async () => (entryStatus(await lookup(b, code2), entryId) === 'active' ? true : null),
      3000,
    );
    expect(performance.now() - t0).toBeLessThan(LIMIT_MS);
  }, 90_000);
});
