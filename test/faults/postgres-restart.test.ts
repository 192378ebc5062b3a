// PostgreSQL dies under load and comes back: the API answers 503 problems (never 500, never a
// crash, never a hang) while it is away and serves again without being restarted itself. The
// server is a private cluster of this test's: the machine's shared one serves other suites.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFor } from '../../api/test/helpers/records.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { findPostgresBin, type PrivatePostgres, startPrivatePostgres } from '../helpers/private-postgres.ts';

const ADMIN = 'cck_pg-restart-admin-key-for-this-test-only';
const bin = findPostgresBin();
if (!bin) console.warn('\n!!! no PostgreSQL server binaries (initdb, pg_ctl): restart test SKIPPED !!!\n');

/** Load before the crash, outage length, and the bound on recovery after the server is back. */
const WARM_MS = 2000;
const OUTAGE_MS = 5000;
const RECOVER_WITHIN_MS = 15_000;
/** A request that takes longer than this has hung (the API must fail fast, not wait for the database). */
const HANG_MS = 10_000;
const WORKERS = 6;

type Kind = 'lookup' | 'decision' | 'write' | 'readyz';

interface Sample {
  kind: Kind;
  path: string;
  start: number;
  end: number;
  status: number;
  contentType: string;
  type: string | null;
  /** For a 201 write: the entry id to look for afterwards. */
  entryId?: string;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!bin)('PostgreSQL restarted under load', () => {
  let pg: PrivatePostgres;
  let api: ApiProcess;
  const codes = Array.from({ length: 20 }, (_, i) => usccFor(880_000 + i));
  let written = 0;

  async function call(kind: Kind, path: string, body?: unknown, key: string | null = ADMIN): Promise<Sample> {
    const start = performance.now();
    try {
      const res = await fetch(`${api.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(HANG_MS),
      });
      const text = await res.text();
      const contentType = res.headers.get('content-type') ?? '';
      let parsed: { type?: string; entry?: { id?: string } } | null = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      return {
        kind,
        path,
        start,
        end: performance.now(),
        status: res.status,
        contentType,
        type: contentType.includes('problem') ? (parsed?.type ?? null) : null,
        ...(res.status === 201 && parsed?.entry?.id ? { entryId: parsed.entry.id } : {}),
      };
    } catch (err) {
      return {
        kind,
        path,
        start,
        end: performance.now(),
        status: 0,
        contentType: '',
        type: null,
        error: (err as Error).message,
      };
    }
  }

  const lookup = (code: string) => call('lookup', `/v1/subjects/${code}`, undefined, null);
  const decide = (code: string) =>
    call('decision', '/v1/decisions', { scenario: 'gov-procurement', subject: { code } });
  const write = (code: string) => {
    const n = ++written;
    return call('write', '/v1/entries', {
      code,
      name: `重启测试${n}有限公司`,
      listType: 'wage-arrears-migrant-workers',
      department: 'dept-restart',
      basis: `（2026）重启第${n}号`,
      reason: `拖欠工资 ${n}`,
      decidedOn: '2026-11-20',
    });
  };

  beforeAll(async () => {
    pg = await startPrivatePostgres(bin!);
    api = await startApiProcess({
      DATABASE_URL: pg.url,
      CREDCHECK_ADMIN_KEY: ADMIN,
      CREDCHECK_RATE_LIMIT: '0',
      CREDCHECK_RATE_LIMIT_ANON: '0',
    });
    for (const code of codes.slice(0, 10)) expect((await write(code)).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await pg?.destroy();
  }, 120_000);

  it('answers 503 problems while the database is down, then recovers by itself', async () => {
    const samples: Sample[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const code = codes[(w * 7 + i) % codes.length]!;
        const pick = i % 4;
        samples.push(await (pick === 0 ? write(code) : pick === 1 ? decide(code) : lookup(code)));
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));

    await sleep(WARM_MS);
    const crashAt = performance.now();
    await pg.crash();
    const downAt = performance.now();
    await sleep(OUTAGE_MS / 2);
    const readyDown = await call('readyz', '/readyz', undefined, null);
    await sleep(OUTAGE_MS / 2);
    const upBegin = performance.now();
    await pg.start();
    const upAt = performance.now();

    // Recovery: the first write and decision after the server is back, and /readyz.
    const firstOk = (kind: Kind) => samples.find((s) => s.kind === kind && s.start >= upAt && s.status < 300);
    const deadline = upAt + RECOVER_WITHIN_MS;
    let readyUp: Sample | null = null;
    while (performance.now() < deadline) {
      const r = await call('readyz', '/readyz', undefined, null);
      if (r.status === 200 && !readyUp) readyUp = r;
      if (readyUp && firstOk('write') && firstOk('decision')) break;
      await sleep(100);
    }
    await sleep(1000);
    stop = true;
    await Promise.all(workers);

    const recovered = {
      write: firstOk('write')?.end,
      decision: firstOk('decision')?.end,
      readyz: readyUp?.end,
    };
    const outage = samples.filter((s) => s.start >= downAt && s.end <= upBegin);
    const byStatus = (list: Sample[]) =>
      list.reduce<Record<string, number>>((m, s) => {
        const k = `${s.kind}:${s.status}`;
        m[k] = (m[k] ?? 0) + 1;
        return m;
      }, {});
    console.log(
      `PostgreSQL restart: ${samples.length} requests; outage ${Math.round(upBegin - crashAt)} ms: ${JSON.stringify(byStatus(outage))}; ` +
        `recovered after the server was up: write ${fmt(recovered.write, upAt)}, decision ${fmt(recovered.decision, upAt)}, /readyz ${fmt(recovered.readyz, upAt)}`,
    );

    // The process lived through it and never hung or failed a request with anything but a 503.
    expect(api.exitCode()).toBeNull();
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const broken = samples.filter((s) => ![200, 201, 404, 503].includes(s.status));
    expect(broken.map((s) => `${s.kind} ${s.status} ${s.error ?? s.type ?? ''}`)).toEqual([]);
    for (const s of samples.filter((x) => x.status === 503)) {
      expect(s.contentType).toContain('application/problem+json');
      expect(s.type).toBe('/problems/service-unavailable');
    }
    // While it was down: no write or decision got through (each needs the database)...
    expect(outage.filter((s) => s.kind !== 'lookup').length).toBeGreaterThan(10);
    for (const s of outage.filter((x) => x.kind !== 'lookup')) expect(s.status).toBe(503);
    // ...lookups are answered from the in-memory index (404 for a code never listed), or refused
    // as unavailable: never a wrong answer. The codes listed before the crash stay found.
    const seededPaths = new Set(codes.slice(0, 10).map((c) => `/v1/subjects/${c}`));
    for (const s of outage.filter((x) => x.kind === 'lookup')) {
      expect([200, 404, 503]).toContain(s.status);
      if (seededPaths.has(s.path)) expect([200, 503]).toContain(s.status);
    }
    expect(readyDown.status).toBe(503);
    expect(readyDown.type).toBe('/problems/not-ready');

    // Back by itself, within the bound.
    expect(recovered.write).toBeDefined();
    expect(recovered.decision).toBeDefined();
    expect(recovered.readyz).toBeDefined();
    const afterUp = samples.filter((s) => s.start > (recovered.write ?? Number.POSITIVE_INFINITY) + 500);
    expect(afterUp.length).toBeGreaterThan(0);
    expect(afterUp.filter((s) => s.status >= 500)).toEqual([]);

    // Every acknowledged write is there, once.
    const acked = samples.filter((s) => s.entryId).map((s) => s.entryId!);
    expect(acked.length).toBeGreaterThan(0);
    for (const id of acked) {
      const res = await fetch(`${api.url}/v1/entries/${id}`, {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(res.status, id).toBe(200);
    }
  }, 180_000);
});

function fmt(at: number | undefined, from: number): string {
  return at === undefined ? 'never' : `${Math.round(at - from)} ms`;
}
