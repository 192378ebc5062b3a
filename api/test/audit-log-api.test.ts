import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../src/store/types.ts';
import { usccFor } from './helpers/records.ts';
import { bothStores } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * GET /v1/audit and POST /v1/audit/verify on both stores: admin only, newest first with `before`
 * paging over the whole log, verification intact and then broken behind the store's back, and
 * the event loop kept turning while a long log is verified.
 */

const factories = await bothStores('audit API tests');
const DECISIONS = 12_000;

function decisions(n: number): DecisionRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `dec_${i.toString(16).padStart(24, '0')}`,
    at: '2026-11-20T04:00:00.000Z',
    keyId: null,
    scenario: 'gov-procurement',
    subjectId: null,
    subjectKey: usccFor(i),
    outcome: 'clear',
    dataVersion: 1,
    catalogVersion: '2026.1',
    reference: null,
    receipt: `x.y.z${i}`,
  }));
}

describe.each(factories)('$name store: /v1/audit', (factory) => {
  const suite = factory.skip ? describe.skip : describe;
  suite('', () => {
    let t: TestApp;
    let admin = '';

    const call = async (method: string, path: string, key: string | null, body?: unknown) => {
      const res = await t.app.request(path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    };

    beforeAll(async () => {
      t = await openTestApp(factory);
      admin = await t.key('admin');
      await t.db.store.recordDecisions(decisions(DECISIONS));
    }, 120_000);
    afterAll(async () => {
      await t?.close();
    });

    it('only admins read or verify the log', async () => {
      for (const key of [await t.key('designator', 'dept-0'), await t.key('implementer'), null]) {
        const read = await call('GET', '/v1/audit', key);
        expect(read.status).toBe(403);
        expect(read.body.type).toBe('/problems/forbidden');
        expect((await call('POST', '/v1/audit/verify', key)).status).toBe(403);
      }
    });

    it('newest first, as stored; `before` pages back through every record exactly once', async () => {
      const head = await t.db.store.auditHead();
      const first = await call('GET', '/v1/audit?limit=3', admin);
      expect(first.status).toBe(200);
      expect(first.body.head).toEqual(head);
      expect(first.body.items.map((r: { seq: number }) => r.seq)).toEqual([
        head.seq,
        head.seq - 1,
        head.seq - 2,
      ]);
      const [stored] = await t.db.store.readAudit(head.seq - 1, 1);
      expect(first.body.items[0]).toEqual(stored);
      expect(first.body.nextBefore).toBe(head.seq - 2);

      const seen: number[] = [];
      let before: number | null = null;
      do {
        const page = await call('GET', `/v1/audit?limit=1000${before ? `&before=${before}` : ''}`, admin);
        seen.push(...page.body.items.map((r: { seq: number }) => r.seq));
        before = page.body.nextBefore;
      } while (before !== null);
      expect(seen).toEqual(Array.from({ length: head.seq }, (_, i) => head.seq - i));

      expect((await call('GET', '/v1/audit?before=1', admin)).body).toMatchObject({
        items: [],
        nextBefore: null,
      });
      expect((await call('GET', '/v1/audit?limit=0', admin)).status).toBe(400);
    });

    it('verify: intact with every record checked, and the event loop keeps turning meanwhile', async () => {
      const head = await t.db.store.auditHead();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const res = await call('POST', '/v1/audit/verify', admin);
      clearInterval(timer);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, checked: head.seq, head, broken: null });
      expect(res.body.ms).toEqual(expect.any(Number));
      // Without yielding, SQLite's synchronous reads would let no timer run until the end.
      expect(ticks).toBeGreaterThanOrEqual(3);

      const anchored = await call('POST', '/v1/audit/verify', admin, {
        anchor: { seq: 2, hash: 'a'.repeat(64) },
      });
      expect(anchored.body).toMatchObject({ ok: false, checked: 1, broken: { kind: 'anchor', seq: 2 } });
    });

    it('a record edited behind the store is found: first break with its kind and seq', async () => {
      await t.db.raw(
        factory.name === 'sqlite'
          ? 'DROP TRIGGER audit_log_no_update'
          : 'DROP TRIGGER audit_log_no_update_delete ON audit_log',
      );
      await t.db.raw(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 5`);
      const res = await call('POST', '/v1/audit/verify', admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false, checked: 4, broken: { kind: 'hash', seq: 5 } });
    });
  });
});
