// Every PostgreSQL connection of the API's pool is busy (here: a write waiting for a lock that
// another session holds): a request that needs one waits CREDCHECK_PG_WAIT_MS, then answers 503
// problem+json with Retry-After, instead of queueing past its client's timeout. Lookups (from
// memory) are not held up, and the waiting write completes once the lock is released.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFor } from '../../api/test/helpers/records.ts';
import { probePostgres } from '../../api/test/helpers/store-factory.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { createThrowawaySchema, type ThrowawaySchema } from '../helpers/postgres-schema.ts';

const ADMIN = 'cck_pool-wait-admin-key-for-this-test-only';
const WAIT_MS = 1000;
const POOL = 2;
const reachable = await probePostgres();
if (!reachable.ok)
  console.warn(`\n!!! PostgreSQL unreachable (${reachable.reason}): pool wait test SKIPPED !!!\n`);

describe.skipIf(!reachable.ok)('PostgreSQL pool exhausted', () => {
  let schema: ThrowawaySchema;
  let api: ApiProcess;

  const call = (path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });

  beforeAll(async () => {
    schema = await createThrowawaySchema();
    api = await startApiProcess({
      DATABASE_URL: schema.url,
      CREDCHECK_ADMIN_KEY: ADMIN,
      CREDCHECK_DEMO: '0',
      CREDCHECK_PG_POOL: String(POOL),
      CREDCHECK_PG_WAIT_MS: String(WAIT_MS),
      // Only this test's requests use the one connection.
      CREDCHECK_REFRESH_MS: '3600000',
      CREDCHECK_SNAPSHOT_MS: '0',
      CREDCHECK_RATE_LIMIT: '0',
      CREDCHECK_RATE_LIMIT_ANON: '0',
    });
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await schema?.drop();
  });

  it('answers 503 with Retry-After after the wait, keeps lookups going, and loses no write', async () => {
    const codes = Array.from({ length: POOL }, (_, i) => usccFor(770_001 + i));
    await schema.sql('BEGIN');
    await schema.sql(`SELECT pg_advisory_xact_lock(hashtext('credcheck:change_log:' || $1))`, [
      schema.schema,
    ]);
    let writes: Promise<Response>[];
    try {
      // Each takes one of the pool's connections and waits there for the change-log lock.
      writes = codes.map((code, i) =>
        call('/v1/entries', {
          code,
          name: `连接池测试${i + 1}有限公司`,
          listType: 'wage-arrears-migrant-workers',
          department: 'dept-pool',
          basis: `（2026）池第${i + 1}号`,
          reason: '拖欠工资',
          decidedOn: '2026-11-20',
        }),
      );
      await new Promise((r) => setTimeout(r, 200));
      const started = performance.now();
      const waiting = await call('/v1/audit?limit=1');
      const waitedMs = performance.now() - started;
      expect(waiting.status).toBe(503);
      expect(waiting.headers.get('content-type')).toContain('application/problem+json');
      expect(waiting.headers.get('retry-after')).toBe('5');
      expect((await waiting.json()).type).toBe('/problems/service-unavailable');
      expect(waitedMs).toBeGreaterThanOrEqual(WAIT_MS - 50);
      expect(waitedMs).toBeLessThan(WAIT_MS + 3000);
      // Lookups come from memory: no connection needed.
      expect((await call(`/v1/subjects/${codes[0]}`)).status).toBe(404);
    } finally {
      await schema.sql('COMMIT');
    }
    const ids: string[] = [];
    for (const written of await Promise.all(writes)) {
      expect(written.status).toBe(201);
      ids.push((await written.json()).entry.id as string);
    }
    expect((await call('/v1/audit?limit=5')).status).toBe(200);
    const rows = await schema.sql<{ id: string }>(
      `SELECT id FROM ${schema.schema}.entries WHERE id = ANY($1)`,
      [ids],
    );
    expect(rows).toHaveLength(POOL);
    expect(api.output()).not.toMatch(/unhandled|TypeError/i);
  }, 60_000);
});
