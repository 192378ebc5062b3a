import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate, parsePinnedNow } from '../src/domain/clock.ts';
// First of the app's modules: it loads @hono/zod-openapi before the stores load the domain's zod schemas.
import { EntryDetailSchema, ObjectionResultSchema } from '../src/due-process/schemas.ts';
import { usccFor } from './helpers/records.ts';
import {
  PG_TEST_URL,
  postgresFactory,
  probePostgres,
  type StoreFactory,
  sqliteFactory,
} from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * Designation, objections, credit repair and expiry over HTTP, on both stores, with a clock the
 * test moves: invariant 2 (an entry under objection does not punish, and the decision says why),
 * invariant 3 (repaired, revoked and expired entries never punish; history stays), department
 * scoping, working-day deadlines and the overdue list, repair rules, and expiry events once.
 */

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;

const factories: Array<StoreFactory & { skip: boolean }> = [
  { ...sqliteFactory(), skip: false },
  { ...postgresFactory(PG_TEST_URL), skip: skipPostgres },
];

function movableClock(day: string) {
  let now = parsePinnedNow(day);
  return {
    now: () => new Date(now),
    today: () => chinaDate(now),
    set(to: string) {
      now = parsePinnedNow(to);
    },
  };
}

const DEPT_A = '重庆市云阳县人力资源和社会保障局';
const DEPT_B = '重庆市云阳县人民法院';

describe.each(factories)('$name store: due process over HTTP', (factory) => {
  const suite = factory.skip ? describe.skip : describe;
  suite('', () => {
    let t: TestApp;
    const clock = movableClock('2026-11-23');
    const keys = { admin: '', a: '', b: '', implementer: '', otherImplementer: '', implementerOfA: '' };
    const code = { wage: usccFor(501), debtor: usccFor(502), red: usccFor(503), short: usccFor(504) };
    let wageId = '';

    const call = async (method: string, path: string, key: string | null, body?: unknown, headers = {}) => {
      const res = await t.app.request(path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    };
    const decide = async (uscc: string) =>
      (
        await call('POST', '/v1/decisions', keys.implementer, {
          scenario: 'gov-procurement',
          subject: { code: uscc },
        })
      ).body;
    const designate = (key: string, over: Record<string, unknown> = {}) =>
      call('POST', '/v1/entries', key, {
        code: code.wage,
        name: '重庆某某劳务有限公司',
        listType: 'wage-arrears-migrant-workers',
        basis: '云人社欠薪〔2026〕12号',
        reason: '拖欠农民工工资，经责令限期支付逾期未支付',
        decidedOn: '2026-11-20',
        validUntil: '2029-11-19',
        ...over,
      });

    beforeAll(async () => {
      t = await openTestApp(factory, { clock });
      keys.admin = await t.key('admin');
      keys.a = await t.key('designator', DEPT_A);
      keys.b = await t.key('designator', DEPT_B);
      keys.implementer = await t.key('implementer');
      keys.otherImplementer = await t.key('implementer');
      // An implementer key naming DEPT_A (for the statistics): it must get no right over DEPT_A's entries.
      keys.implementerOfA = await t.key('implementer', DEPT_A);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('designation: a designator lists a subject for its own department, published today, with who/when/why', async () => {
      const res = await designate(keys.a, { why: '依据认定决定书列入' });
      expect(res.status).toBe(201);
      EntryDetailSchema.parse(res.body);
      const { entry, publication, history, subject } = res.body;
      wageId = entry.id;
      expect(entry).toMatchObject({
        department: DEPT_A,
        designator: DEPT_A,
        kind: 'black',
        publishedOn: '2026-11-23',
        storedStatus: 'active',
        status: 'active',
        inForce: true,
      });
      expect(subject.code).toBe(code.wage);
      // Decided Friday 2026-11-20: 7 working days later is Tuesday 2026-12-01.
      expect(publication).toEqual({ workingDays: 7, due: '2026-12-01', late: false, estimated: false });
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        type: 'entry.created',
        status: 'active',
        why: { cause: 'designation', text: '依据认定决定书列入' },
      });
      expect(history[0].actor).toMatch(/^key_/);
      // It punishes at once: the next decision already sees it.
      const d = await decide(code.wage);
      expect(d.outcome).toBe('review');
      expect(d.entries.map((e: { id: string }) => e.id)).toEqual([wageId]);
    });

    it('department scoping: another department’s designator may not touch the entry (403), nor list for it', async () => {
      const patch = await call('PATCH', `/v1/entries/${wageId}`, keys.b, { reason: '改', why: '试图更正' });
      expect(patch.status).toBe(403);
      expect(patch.body).toMatchObject({ type: '/problems/wrong-department', department: DEPT_A });
      expect((await call('POST', `/v1/entries/${wageId}/revoke`, keys.b, { why: '撤销' })).status).toBe(403);
      const forOther = await designate(keys.b, { department: DEPT_A, basis: '其他依据' });
      expect(forOther.status).toBe(403);
      expect(forOther.body.type).toBe('/problems/wrong-department');
      expect((await designate(keys.implementer, { basis: '其他依据' })).body.type).toBe(
        '/problems/forbidden',
      );
      // An admin names the department; without one the request is invalid.
      expect((await designate(keys.admin, { basis: '其他依据' })).status).toBe(400);
      expect((await call('GET', `/v1/entries/${wageId}`, keys.b)).status).toBe(200);
      expect((await call('GET', `/v1/entries/${wageId}`, null)).status).toBe(403);
    });

    it('an implementer key naming a department gets no right over it: designating, correcting, revoking, repairs are 403', async () => {
      const mine = keys.implementerOfA;
      for (const over of [{}, { department: DEPT_A }]) {
        const res = await designate(mine, { basis: '其他依据', ...over });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ type: '/problems/forbidden', permission: 'designate' });
      }
      expect((await call('PATCH', `/v1/entries/${wageId}`, mine, { reason: '改', why: '更正' })).status).toBe(
        403,
      );
      expect((await call('POST', `/v1/entries/${wageId}/revoke`, mine, { why: '撤销' })).status).toBe(403);
      expect((await call('GET', '/v1/repairs', mine)).status).toBe(403);
    });

    it('the same listing twice is a conflict; a late publication is accepted and marked late', async () => {
      const again = await designate(keys.a);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ reason: 'entry-exists', entryId: wageId });
      // Decided on 2026-11-02: due 2026-11-11, published 2026-11-23.
      const late = await designate(keys.a, {
        code: code.short,
        basis: '云人社欠薪〔2026〕3号',
        decidedOn: '2026-11-02',
        validUntil: '2026-11-25',
      });
      expect(late.status).toBe(201);
      expect(late.body.publication).toMatchObject({ due: '2026-11-11', late: true });
      expect(late.body.warnings.join(' ')).toMatch(/marked late/);
      const bad = await designate(keys.a, { code: 'not-a-code', basis: 'x' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('body.code');
    });

    it('correction by the department: who, when and why in the history', async () => {
      const res = await call('PATCH', `/v1/entries/${wageId}`, keys.a, {
        validUntil: '2029-11-20',
        why: '有效期计算有误',
      });
      expect(res.status).toBe(200);
      expect(res.body.entry.validUntil).toBe('2029-11-20');
      expect(res.body.history.map((h: { why: { cause: string } }) => h.why.cause)).toEqual([
        'designation',
        'correction',
      ]);
      expect((await call('PATCH', `/v1/entries/${wageId}`, keys.a, { why: '无内容' })).status).toBe(400);
    });

    let objectionId = '';
    it('invariant 2: from an objection’s acceptance the entry does not punish, and the decision says why', async () => {
      const res = await call('POST', '/v1/objections', keys.implementer, {
        entryId: wageId,
        claim: '该企业已于 2026-11-18 结清全部工资，认定依据有误',
      });
      expect(res.status).toBe(201);
      ObjectionResultSchema.parse(res.body);
      objectionId = res.body.objection.id;
      expect(objectionId).toMatch(/^obj_[0-9a-f]{24}$/);
      expect(res.body.objection).toMatchObject({
        status: 'pending',
        source: 'implementer',
        acceptedOn: '2026-11-23',
        // Monday 2026-11-23 + 10 working days = Monday 2026-12-07.
        deadline: { workingDays: 10, due: '2026-12-07', overdue: false, workingDaysLeft: 10 },
      });
      expect(res.body.entry).toMatchObject({
        storedStatus: 'suspended',
        status: 'suspended',
        inForce: false,
      });

      const d = await decide(code.wage);
      expect(d.outcome).toBe('clear');
      expect(d.status).toBe('suspended');
      expect(d.entries).toEqual([]);
      const na = d.notApplied.find((n: { id: string }) => n.id === wageId);
      expect(na).toMatchObject({ why: 'suspended', status: 'suspended' });
      expect(na.messageZh).toContain('联合惩戒措施在信息核实期间暂不执行');
      const lookup = await call('GET', `/v1/subjects/${code.wage}`, null);
      expect(lookup.body.status).toBe('suspended');
    });

    it('while an objection is pending: no second one, no correction, no revocation (409 naming it)', async () => {
      const second = await call('POST', '/v1/objections', keys.otherImplementer, {
        entryId: wageId,
        claim: '又一异议',
      });
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ reason: 'objection-pending', pending: objectionId });
      expect(
        (await call('PATCH', `/v1/entries/${wageId}`, keys.a, { reason: 'x', why: 'y' })).body.reason,
      ).toBe('objection-pending');
      expect((await call('POST', `/v1/entries/${wageId}/revoke`, keys.a, { why: 'y' })).status).toBe(409);
    });

    it('deadlines: the overdue list is empty on the due day and holds the objection the day after', async () => {
      clock.set('2026-12-07');
      expect((await call('GET', '/v1/objections?overdue=true', keys.admin)).body.items).toEqual([]);
      clock.set('2026-12-08');
      const overdue = await call('GET', '/v1/objections?overdue=true', keys.admin);
      expect(overdue.body.asOf).toBe('2026-12-08');
      expect(overdue.body.items.map((o: { id: string }) => o.id)).toEqual([objectionId]);
      expect(overdue.body.items[0].deadline).toMatchObject({ overdue: true, workingDaysLeft: -1 });
      // Each role sees its own: the department, the implementer that filed it; not the others.
      expect((await call('GET', '/v1/objections?overdue=true', keys.a)).body.items).toHaveLength(1);
      expect((await call('GET', '/v1/objections?overdue=true', keys.b)).body.items).toHaveLength(0);
      expect((await call('GET', '/v1/objections', keys.implementer)).body.items).toHaveLength(1);
      expect((await call('GET', '/v1/objections', keys.otherImplementer)).body.items).toHaveLength(0);
      expect((await call('GET', '/v1/objections', keys.implementerOfA)).body.items).toHaveLength(0);
      expect((await call('GET', `/v1/objections/${objectionId}`, keys.implementerOfA)).status).toBe(404);
      expect((await call('GET', `/v1/objections/${objectionId}`, keys.otherImplementer)).status).toBe(404);
      expect((await call('GET', '/v1/objections?overdue=maybe', keys.admin)).status).toBe(400);
    });

    it('rejected: the entry applies again; only the department resolves', async () => {
      const wrong = await call('POST', `/v1/objections/${objectionId}/resolve`, keys.b, {
        outcome: 'rejected',
        why: '不成立',
      });
      expect(wrong.status).toBe(403);
      expect(
        (
          await call('POST', `/v1/objections/${objectionId}/resolve`, keys.implementer, {
            outcome: 'rejected',
            why: 'x',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await call('POST', `/v1/objections/${objectionId}/resolve`, keys.implementerOfA, {
            outcome: 'rejected',
            why: 'x',
          })
        ).status,
      ).toBe(403);
      const res = await call('POST', `/v1/objections/${objectionId}/resolve`, keys.a, {
        outcome: 'rejected',
        why: '经核实，工资未结清，异议不成立',
      });
      expect(res.status).toBe(200);
      expect(res.body.objection).toMatchObject({
        status: 'rejected',
        resolution: { outcome: 'rejected', action: null },
      });
      expect(res.body.entry).toMatchObject({ storedStatus: 'active', inForce: true });
      expect((await decide(code.wage)).outcome).toBe('review');
      // Resolved objections are not overdue any more.
      expect((await call('GET', '/v1/objections?overdue=true', keys.admin)).body.items).toEqual([]);
      const again = await call('POST', `/v1/objections/${objectionId}/resolve`, keys.a, {
        outcome: 'rejected',
        why: 'x',
      });
      expect(again.body.reason).toBe('already-resolved');
    });

    it('a subject’s objection is entered by its department with channel and submitter; upheld + revoke never punishes again', async () => {
      const missing = await call('POST', '/v1/objections', keys.a, { entryId: wageId, claim: '主体异议' });
      expect(missing.status).toBe(400);
      const filed = await call('POST', '/v1/objections', keys.a, {
        entryId: wageId,
        claim: '本公司已结清工资',
        channel: 'counter',
        submitter: { name: '王五', contact: '023-5555' },
      });
      expect(filed.status).toBe(201);
      const id = filed.body.objection.id;
      expect(filed.body.objection).toMatchObject({
        source: 'subject',
        channel: 'counter',
        submitter: { name: '王五' },
      });
      // Personal data of whoever objected stays with the department and admins.
      expect((await call('GET', `/v1/objections/${id}`, keys.implementer)).status).toBe(404);
      expect((await call('GET', `/v1/objections/${id}`, keys.admin)).body.submitter.name).toBe('王五');

      const upheld = await call('POST', `/v1/objections/${id}/resolve`, keys.a, {
        outcome: 'upheld',
        action: 'revoke',
        why: '核实认定有误，予以撤销',
      });
      expect(upheld.status).toBe(200);
      expect(upheld.body.entry).toMatchObject({ storedStatus: 'revoked', status: 'revoked', inForce: false });
      const d = await decide(code.wage);
      expect(d.outcome).toBe('clear');
      expect(d.notApplied.find((n: { id: string }) => n.id === wageId).why).toBe('revoked');
      // History stays queryable; the change names the implementers that decided on the subject.
      const entry = await call('GET', `/v1/entries/${wageId}`, keys.implementer);
      const last = entry.body.history.at(-1);
      expect(last).toMatchObject({
        type: 'entry.status',
        status: 'revoked',
        why: { cause: 'objection.upheld', objectionId: id },
      });
      expect(last.why.notify.decisions).toBeGreaterThan(0);
      expect(last.why.notify.keyIds).toHaveLength(1);
      expect(entry.body.objections).toHaveLength(2);
      expect(entry.body.objections.every((o: { submitter: unknown }) => o.submitter === null)).toBe(true);
      const feed = await call('GET', `/v1/changes?since=${last.seq - 1}&limit=1`, keys.implementer);
      expect(feed.body.changes[0].why).toEqual(last.why);
      // Nothing more happens to a revoked entry.
      expect(
        (await call('POST', '/v1/objections', keys.implementer, { entryId: wageId, claim: 'x' })).body.reason,
      ).toBe('revoked');
    });

    let debtorId = '';
    it('upheld + correct: the corrected entry applies again', async () => {
      const created = await call('POST', '/v1/entries', keys.b, {
        code: code.debtor,
        name: '重庆某某建材有限公司',
        listType: 'dishonest-judgment-debtor',
        basis: '（2026）渝0235执77号',
        reason: '有履行能力而拒不履行生效法律文书确定义务',
        decidedOn: '2026-12-07',
        validUntil: '2028-12-06',
      });
      expect(created.status).toBe(201);
      debtorId = created.body.entry.id;
      expect((await decide(code.debtor)).outcome).toBe('block');
      const o = await call('POST', '/v1/objections', keys.implementer, {
        entryId: debtorId,
        claim: '有效期有误',
      });
      expect((await decide(code.debtor)).outcome).toBe('clear');
      const res = await call('POST', `/v1/objections/${o.body.objection.id}/resolve`, keys.b, {
        outcome: 'upheld',
        action: 'correct',
        correction: { validUntil: '2028-12-07' },
        why: '有效期更正',
      });
      expect(res.status).toBe(200);
      expect(res.body.entry).toMatchObject({ storedStatus: 'active', validUntil: '2028-12-07' });
      expect(res.body.objection.resolution.action).toBe('corrected');
      expect((await decide(code.debtor)).outcome).toBe('block');
    });

    it('repair rules: not repairable (422), red list (422), correction date required, too early names the earliest date', async () => {
      const notRepairable = await call('POST', '/v1/repairs', keys.b, {
        entryId: debtorId,
        applicant: { name: '赵六' },
        statement: '已履行',
        evidence: [{ title: '执行完毕证明' }],
      });
      expect(notRepairable.status).toBe(422);
      expect(notRepairable.body.type).toBe('/problems/repair-not-available');
      expect(notRepairable.body.note).toMatch(/court/);

      const red = await call('POST', '/v1/entries', keys.admin, {
        code: code.red,
        name: '重庆某某诚信企业有限公司',
        listType: 'a-grade-taxpayer',
        department: '国家税务总局重庆市税务局',
        basis: '2025年度A级',
        reason: '纳税信用评价A级',
        decidedOn: '2026-12-01',
      });
      expect(red.status).toBe(201);
      const redRepair = await call('POST', '/v1/repairs', keys.admin, {
        entryId: red.body.entry.id,
        applicant: { name: '某' },
        statement: 'x',
        evidence: [{ title: 'x' }],
      });
      expect(redRepair.body.type).toBe('/problems/repair-not-available');
    });

    let shortId = '';
    let repairId = '';
    it('credit repair: too early → 422 with the earliest date; in time → pending; approval ends punishment at once', async () => {
      const wage = await designate(keys.a, {
        code: code.short,
        basis: '云人社欠薪〔2026〕20号',
        decidedOn: '2026-12-04',
        validUntil: '2029-12-03',
      });
      shortId = wage.body.entry.id;
      const base = {
        entryId: shortId,
        applicant: { name: '李四' },
        statement: '已足额支付',
        evidence: [{ title: '工资支付凭证', reference: 'PZ-01' }],
      };
      const noDate = await call('POST', '/v1/repairs', keys.a, base);
      expect(noDate.status).toBe(400);
      expect(noDate.body.errors[0].field).toBe('body.correctedOn');
      const early = await call('POST', '/v1/repairs', keys.a, { ...base, correctedOn: '2026-11-30' });
      expect(early.status).toBe(422);
      expect(early.body).toMatchObject({ type: '/problems/repair-too-early', earliestOn: '2027-05-30' });
      expect(early.body.detail).toContain('2027-05-30');
      expect((await call('POST', '/v1/repairs', keys.b, { ...base, correctedOn: '2026-05-01' })).status).toBe(
        403,
      );

      const filed = await call('POST', '/v1/repairs', keys.a, { ...base, correctedOn: '2026-05-01' });
      expect(filed.status).toBe(201);
      repairId = filed.body.repair.id;
      expect(filed.body.repair).toMatchObject({
        status: 'pending',
        earliestOn: '2026-11-01',
        evidence: [{ title: '工资支付凭证', reference: 'PZ-01' }],
        deadline: { workingDays: 15, overdue: false, workingDaysLeft: 15 },
      });
      // Filed today: due 15 working days later, which is at least three weeks on.
      const due = filed.body.repair.deadline.due as string;
      expect(Date.parse(due) - Date.parse(filed.body.repair.filedOn)).toBeGreaterThanOrEqual(21 * 86_400_000);
      expect((await decide(code.short)).outcome).toBe('review');
      expect(
        (await call('POST', '/v1/repairs', keys.a, { ...base, correctedOn: '2026-05-01' })).body.reason,
      ).toBe('repair-pending');

      const approved = await call('POST', `/v1/repairs/${repairId}/decide`, keys.a, {
        outcome: 'approved',
        why: '符合修复条件',
      });
      expect(approved.status).toBe(200);
      expect(approved.body.entry).toMatchObject({
        storedStatus: 'repaired',
        status: 'repaired',
        inForce: false,
      });
      const d = await decide(code.short);
      expect(d.outcome).toBe('clear');
      expect(d.notApplied.find((n: { id: string }) => n.id === shortId).why).toBe('repaired');
      const again = await call('POST', `/v1/repairs/${repairId}/decide`, keys.a, {
        outcome: 'rejected',
        why: 'x',
      });
      expect(again.body.reason).toBe('already-decided');
      const detail = await call('GET', `/v1/entries/${shortId}`, keys.a);
      expect(detail.body.repairs.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
        [repairId, 'approved'],
      ]);
      expect(detail.body.history.at(-1)).toMatchObject({
        status: 'repaired',
        why: { cause: 'repair.approved', repairId },
      });
      expect((await call('GET', '/v1/repairs?status=approved', keys.a)).body.items).toHaveLength(1);
      expect((await call('GET', '/v1/repairs', keys.b)).body.items).toHaveLength(0);
    });

    it('expiry: an entry stops applying when its validity ends, without a restart; entry.expired is written once', async () => {
      clock.set('2026-12-09');
      const created = await designate(keys.a, {
        code: usccFor(505),
        basis: '云人社欠薪〔2026〕30号',
        decidedOn: '2026-12-08',
        validUntil: '2026-12-10',
      });
      const id = created.body.entry.id;
      clock.set('2026-12-10');
      expect((await decide(usccFor(505))).outcome).toBe('review');
      // Catches up on what ended while the clock jumped (the late listing, valid to 2026-11-25), not this one.
      expect(await t.runtime.expireNow()).toBe(1);
      expect(await t.runtime.expireNow()).toBe(0);
      clock.set('2026-12-11');
      const d = await decide(usccFor(505));
      expect(d.outcome).toBe('clear');
      expect(d.notApplied.find((n: { id: string }) => n.id === id).why).toBe('expired');
      expect(await t.runtime.expireNow()).toBe(1);
      expect(await t.runtime.expireNow()).toBe(0);
      // A completed day is remembered in the store: the next run (any process) starts from it.
      expect(await t.db.store.getSetting('expiry-scan:2026-12-11')).toBe('1');
      const history = (await call('GET', `/v1/entries/${id}`, keys.a)).body.history;
      expect(history.filter((h: { type: string }) => h.type === 'entry.expired')).toHaveLength(1);
      const feed = await call('GET', '/v1/changes?since=0&limit=1000', keys.implementer);
      const expired = feed.body.changes.filter(
        (c: { type: string; entityId: string }) => c.type === 'entry.expired' && c.entityId === id,
      );
      expect(expired).toHaveLength(1);
      expect(expired[0]).toMatchObject({ actor: 'system', why: { cause: 'expiry' } });
    });

    it('an Idempotency-Key replays the first answer and changes nothing; another request with it is refused', async () => {
      const entry = await designate(keys.a, {
        code: usccFor(506),
        basis: '云人社欠薪〔2026〕40号',
        decidedOn: '2026-12-10',
      });
      const body = { entryId: entry.body.entry.id, claim: '信息有误' };
      const first = await call('POST', '/v1/objections', keys.implementer, body, {
        'idempotency-key': 'obj-1',
      });
      const second = await call('POST', '/v1/objections', keys.implementer, body, {
        'idempotency-key': 'obj-1',
      });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body).toEqual(first.body);
      const other = await call(
        'POST',
        '/v1/objections',
        keys.implementer,
        { ...body, claim: '另一异议' },
        { 'idempotency-key': 'obj-1' },
      );
      expect(other.status).toBe(422);
      expect(other.body.type).toBe('/problems/idempotency-key-reused');
    });

    it('a designator of another department objects as a user of the list, for itself', async () => {
      const entry = await designate(keys.a, {
        code: usccFor(507),
        basis: '云人社欠薪〔2026〕50号',
        decidedOn: '2026-12-10',
      });
      const res = await call('POST', '/v1/objections', keys.b, {
        entryId: entry.body.entry.id,
        claim: '与本院执行记录不符',
      });
      expect(res.status).toBe(201);
      expect(res.body.objection).toMatchObject({ source: 'implementer', channel: null, submitter: null });
      expect((await call('GET', `/v1/objections/${res.body.objection.id}`, keys.b)).status).toBe(200);
    });

    it('the audit log holds every write of the due process', async () => {
      const records = await t.db.store.readAudit(0, 10_000);
      const actions = new Set(records.map((r) => r.action));
      for (const a of [
        'entry.created',
        'entry.corrected',
        'objection.accepted',
        'objection.rejected',
        'objection.upheld',
        'repair.requested',
        'repair.approved',
        'entries.expired',
      ]) {
        expect(actions, a).toContain(a);
      }
    });
  });
});
