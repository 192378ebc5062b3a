import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../src/domain/model.ts';
import { entryStatusAt } from '../src/domain/status.ts';
import { orgRecord, recordSet } from './helpers/records.ts';
import { bothStores } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * GET /v1/entries on both stores: department scoping, every sort in both directions paged by the
 * keyset cursor against the same order computed here, filters, totals, masking and bad cursors.
 */

const factories = await bothStores('entry list tests');
const TODAY = '2026-11-23';

// recordSet spreads entries over dept-0 (every subject), dept-1 and dept-2; a few expire and a
// few are unpublished so that the sort values' stand-ins for missing dates are exercised.
const RECORDS: ImportRecord[] = [
  ...recordSet(240),
  orgRecord(9001, 0, { entry: { validUntil: '2025-01-31', status: 'active' } }),
  orgRecord(9002, 0, { entry: { validUntil: '2025-06-30', status: 'suspended' } }),
  orgRecord(9003, 0, { entry: { publishedOn: null } }),
];

interface Item {
  id: string;
  department: string;
  kind: string;
  listType: string;
  status: string;
  decidedOn: string;
  publishedOn: string | null;
  validUntil: string | null;
  subject: { id: string; type: string; code: string | null; idMasked: string | null; name: string };
}

describe.each(factories)('$name store: GET /v1/entries', (factory) => {
  const suite = factory.skip ? describe.skip : describe;
  suite('', () => {
    let t: TestApp;
    const keys = { admin: '', d0: '', d1: '', implementer: '' };
    /** Sort values as the store keeps them, per entry id (from the store, independent of the route). */
    let byId: Map<string, { dept: string; key: string; normName: string; subjectId: string }>;

    const get = async (query: string, key: string | null) => {
      const res = await t.app.request(`/v1/entries${query}`, {
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
      return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
    };
    const all = async (query: string, key: string, limit = 17) => {
      const items: Item[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const sep = query ? '&' : '?';
        const q = `${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await get(q, key);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
        expect(pages).toBeLessThan(100);
      } while (cursor);
      return items;
    };

    beforeAll(async () => {
      t = await openTestApp(factory, { records: RECORDS, today: TODAY });
      keys.admin = await t.key('admin');
      keys.d0 = await t.key('designator', 'dept-0');
      keys.d1 = await t.key('designator', 'dept-1');
      keys.implementer = await t.key('implementer');
      byId = new Map();
      for (const r of RECORDS) {
        const subject = await t.db.store.findSubjectByKey(r.subject.key);
        for (const e of await t.db.store.listEntries(subject!.id)) {
          byId.set(e.id, {
            dept: e.department,
            key: subject!.key,
            normName: subject!.normName,
            subjectId: subject!.id,
          });
        }
      }
    });
    afterAll(async () => {
      await t?.close();
    });

    const sortValue: Record<string, (i: Item) => string[]> = {
      publishedOn: (i) => [i.publishedOn ?? '', i.id],
      decisionDate: (i) => [i.decidedOn, i.id],
      validUntil: (i) => [i.validUntil ?? '9999-12-31', i.id],
      code: (i) => [byId.get(i.id)!.key, byId.get(i.id)!.subjectId, i.id],
      name: (i) => [byId.get(i.id)!.normName, byId.get(i.id)!.subjectId, i.id],
    };
    const compare = (a: string[], b: string[]) => {
      for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
      return 0;
    };

    it('a designator pages through exactly its own department, in every sort order, each entry once', async () => {
      const expected = [...byId.entries()].filter(([, v]) => v.dept === 'dept-0').map(([id]) => id);
      expect(expected.length).toBeGreaterThan(100);
      for (const sort of Object.keys(sortValue)) {
        for (const order of ['asc', 'desc'] as const) {
          const items = await all(`?sort=${sort}&order=${order}`, keys.d0);
          expect(items.map((i) => i.id).sort(), `${sort} ${order}`).toEqual([...expected].sort());
          expect(new Set(items.map((i) => i.department))).toEqual(new Set(['dept-0']));
          const keysInOrder = items.map(sortValue[sort]!);
          const sorted = [...keysInOrder].sort(compare);
          if (order === 'desc') sorted.reverse();
          // Names compare in the database's collation on PostgreSQL: the test names are "测试n号…",
          // the same characters in every collation, so bytewise order holds there too.
          expect(keysInOrder, `${sort} ${order}`).toEqual(sorted);
        }
      }
    });

    it('total counts every match, not the page; nextCursor is null on the last page', async () => {
      const res = await get('?limit=5', keys.d1);
      const expected = [...byId.values()].filter((v) => v.dept === 'dept-1').length;
      expect(res.body).toMatchObject({ total: expected, totalExact: true, asOf: TODAY });
      expect(res.body.items).toHaveLength(5);
      expect(res.body.nextCursor).toEqual(expect.any(String));
      const last = await get(`?limit=200`, keys.d1);
      expect(last.body.items).toHaveLength(expected);
      expect(last.body.nextCursor).toBeNull();
    });

    it('a designator cannot list another department (403); an admin lists all or one department', async () => {
      const other = await get('?department=dept-1', keys.d0);
      expect(other.status).toBe(403);
      expect(other.type).toContain('application/problem+json');
      expect(other.body.type).toBe('/problems/wrong-department');
      const own = await get('?department=dept-0&limit=1', keys.d0);
      expect(own.status).toBe(200);

      const everything = await get('?limit=1', keys.admin);
      expect(everything.body.total).toBe(byId.size);
      const one = await all('?department=dept-1', keys.admin, 50);
      expect(one.length).toBe([...byId.values()].filter((v) => v.dept === 'dept-1').length);
      expect(new Set(one.map((i) => i.department))).toEqual(new Set(['dept-1']));
    });

    it('public and implementer keys are refused (403 problem)', async () => {
      for (const key of [null, keys.implementer]) {
        const res = await get('', key);
        expect(res.status).toBe(403);
        expect(res.body.type).toBe('/problems/forbidden');
      }
    });

    it('filters: status (expired judged today), kind, subject type, list type, code prefix and name', async () => {
      const expired = await all('?status=expired', keys.d0);
      expect(expired.length).toBe(2);
      for (const i of expired)
        expect(entryStatusAt({ ...i, status: 'active' } as never, TODAY)).toBe('expired');

      const suspended = await all('?status=suspended', keys.d0);
      expect(suspended.length).toBeGreaterThan(0);
      for (const i of suspended) expect(i.status).toBe('suspended');

      const red = await all('?kind=red', keys.admin, 100);
      expect(red.length).toBeGreaterThan(0);
      for (const i of red) expect(i.kind).toBe('red');

      const persons = await all('?subjectType=person', keys.d0);
      expect(persons.length).toBeGreaterThan(0);
      for (const i of persons) expect(i.subject.type).toBe('person');

      const wage = await all('?listType=wage-arrears-migrant-workers', keys.d0);
      expect(wage.length).toBeGreaterThan(0);
      for (const i of wage) expect(i.listType).toBe('wage-arrears-migrant-workers');

      const rec = RECORDS[10]!;
      const byCode = await all(`?q=${rec.subject.code!.slice(0, 17).toLowerCase()}`, keys.admin);
      expect(byCode.map((i) => i.subject.code)).toContain(rec.subject.code);
      for (const i of byCode) expect(i.subject.code!.startsWith(rec.subject.code!.slice(0, 17))).toBe(true);

      const byName = await all(`?q=${encodeURIComponent('测试12号')}`, keys.admin);
      expect(byName.length).toBeGreaterThan(0);
      for (const i of byName) expect(i.subject.name).toContain('测试12');

      const none = await get(`?q=${encodeURIComponent('不存在的名称')}`, keys.admin);
      expect(none.body).toMatchObject({ items: [], total: 0, nextCursor: null });
    });

    it('persons are shown with the staff mask: the name masked, the ID number masked, never in clear', async () => {
      const persons = await all('?subjectType=person', keys.d0);
      for (const i of persons) {
        expect(i.subject.code).toBeNull();
        expect(i.subject.idMasked).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
        expect(i.subject.name).not.toMatch(/^张\d+$/);
        expect(i.subject.name).toContain('*');
      }
    });

    it('past the exact limit a narrowed count is an estimate, flagged; the department alone stays exact', async () => {
      const store = t.db.store;
      const dept = { today: TODAY, department: 'dept-0' };
      const exact = (await store.countEntries(dept, 1e9)).total;
      expect(await store.countEntries(dept, 10)).toEqual({ total: exact, exact: true });
      const active = { ...dept, status: 'active' as const };
      const activeExact = await store.countEntries(active, 1e9);
      expect(activeExact.exact).toBe(true);
      const estimate = await store.countEntries(active, 10);
      expect(estimate.exact).toBe(false);
      expect(estimate.total).toBeGreaterThan(10);
      expect(estimate.total).toBeLessThanOrEqual(exact);
    });

    it('a cursor of another sort, or a made-up one, is a 400 problem naming query.cursor', async () => {
      const first = await get('?sort=code&limit=2', keys.d0);
      const wrong = await get(`?sort=name&limit=2&cursor=${first.body.nextCursor}`, keys.d0);
      expect(wrong.status).toBe(400);
      expect(wrong.body.type).toBe('/problems/validation-failed');
      expect(wrong.body.errors[0].field).toBe('query.cursor');
      const junk = await get('?cursor=not-a-cursor', keys.d0);
      expect(junk.status).toBe(400);
      const bad = await get('?limit=500', keys.d0);
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('query.limit');
    });
  });
});
