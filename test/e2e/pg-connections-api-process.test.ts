// What a real API process holds open on PostgreSQL: at most CREDCHECK_PG_POOL connections for
// queries however many requests wait, and one LISTEN connection with TCP keepalive on, so that a
// peer gone without a FIN is noticed instead of leaving NOTIFYs silently lost.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTEN_KEEPALIVE_MS } from '../../api/src/store/webhooks-postgres.ts';
import { PG_TEST_URL, probePostgres } from '../../api/test/helpers/store-factory.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { createThrowawaySchema, type ThrowawaySchema } from '../helpers/postgres-schema.ts';

const ADMIN = 'cck_pg-connections-admin-key-for-this-test-only';

const probe = await probePostgres(PG_TEST_URL);
const skip = !probe.ok && !process.env.CI;
if (skip) {
  console.warn(`\n!!! PostgreSQL unreachable at ${PG_TEST_URL} (${probe.reason}): pool test SKIPPED !!!\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip)('an API process’s PostgreSQL connections', () => {
  let db: ThrowawaySchema;
  const started: ApiProcess[] = [];

  const start = async (extra: Record<string, string>) => {
    const api = await startApiProcess({
      DATABASE_URL: db.url,
      CREDCHECK_ADMIN_KEY: ADMIN,
      CREDCHECK_RATE_LIMIT: '0',
      CREDCHECK_RATE_LIMIT_ANON: '0',
      ...extra,
    });
    started.push(api);
    return api;
  };

  const queryConnections = async (api: ApiProcess) =>
    Number(
      (
        await db.sql<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE application_name = $1 AND query NOT LIKE 'LISTEN %'`,
          [`credcheck-${api.pid}`],
        )
      )[0]!.n,
    );

  /**
   * Keeps 60 reads of the change log in flight until `pool` query connections are open (on a busy
   * machine the pool may take seconds to grow), then a second more; the most seen at once.
   */
  async function peakUnderLoad(api: ApiProcess, pool: number): Promise<number> {
    let running = true;
    let peak = 0;
    const read = async () => {
      while (running) {
        const res = await fetch(`${api.url}/v1/changes?since=0&limit=1000`, {
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        await res.arrayBuffer();
        expect(res.status).toBe(200);
      }
    };
    const readers = Array.from({ length: 60 }, read);
    let until = performance.now() + 20_000;
    while (performance.now() < until) {
      peak = Math.max(peak, await queryConnections(api));
      if (peak >= pool && until - performance.now() > 1000) until = performance.now() + 1000;
      await sleep(10);
    }
    running = false;
    await Promise.all(readers);
    return peak;
  }

  beforeAll(async () => {
    if (!probe.ok) throw new Error(`PostgreSQL unreachable at ${PG_TEST_URL} under CI: ${probe.reason}`);
    db = await createThrowawaySchema(PG_TEST_URL);
  }, 30_000);

  afterAll(async () => {
    for (const api of started) await api.stop();
    await db?.drop();
  });

  it('opens CREDCHECK_PG_POOL query connections under load, and 10 without it', async () => {
    const small = await start({ CREDCHECK_PG_POOL: '3' });
    expect(await peakUnderLoad(small, 3)).toBe(3);
    await small.stop();
    const byDefault = await start({});
    expect(await peakUnderLoad(byDefault, 10)).toBe(10);
    await byDefault.stop();
  }, 90_000);

  it('refuses to start with a pool size that is not a positive integer', async () => {
    await expect(start({ CREDCHECK_PG_POOL: '0' })).rejects.toThrow(
      /CREDCHECK_PG_POOL must be an integer between 1 and 1000, got "0"/,
    );
  }, 30_000);

  // The kernel's view of the socket: /proc/net/tcp shows timer 2 (keepalive) armed on a socket
  // with SO_KEEPALIVE, due within TCP_KEEPIDLE; without it an idle socket has no timer at all.
  it.skipIf(process.platform !== 'linux')(
    'listens for changes on a connection with TCP keepalive after 10 s idle',
    async () => {
      const api = await start({});
      const rows = await db.sql<{ port: number }>(
        `SELECT client_port AS port FROM pg_stat_activity
          WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
        [`credcheck-${api.pid}`],
      );
      expect(rows).toHaveLength(1);
      const local = `:${rows[0]!.port.toString(16).toUpperCase().padStart(4, '0')}`;
      const server = `:${Number(new URL(PG_TEST_URL).port || 5432)
        .toString(16)
        .toUpperCase()
        .padStart(4, '0')}`;
      const socket = ['/proc/net/tcp', '/proc/net/tcp6']
        .flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1))
        .map((line) => line.trim().split(/\s+/))
        .find((f) => f[1]?.endsWith(local) && f[2]?.endsWith(server));
      expect(socket, `no socket from port ${rows[0]!.port} in /proc/net/tcp`).toBeDefined();
      const [timer, due] = socket![5]!.split(':');
      expect(timer).toBe('02');
      // In clock ticks of 1/100 s: at most the idle time (the default would be 7,200 s).
      expect(Number.parseInt(due!, 16) / 100).toBeLessThanOrEqual(LISTEN_KEEPALIVE_MS / 1000);
    },
    30_000,
  );
});
