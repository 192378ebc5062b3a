import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First of the app's modules: it loads @hono/zod-openapi before the stores load the domain's zod schemas.
import {
  BreachResultSchema,
  CommitmentListSchema,
  CommitmentResultSchema,
} from '../src/commitments/schemas.ts';
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
 * Credit commitments (信用承诺) over HTTP on both stores: who may record one, what the public
 * sees (no signer, no evidence), and a breach that lists the organization on commitment-breach in
 * the same transaction, seen by the very next decision, with its change-log events and audit record.
 */

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;

const factories: Array<StoreFactory & { skip: boolean }> = [
  { ...sqliteFactory(), skip: false },
  { ...postgresFactory(PG_TEST_URL), skip: skipPostgres },
];

const DEPT = '云阳县行政审批服务局';
const OTHER = '云阳县市场监督管理局';

describe.each(factories)('$name store: credit commitments over HTTP', (factory) => {
  const suite = factory.skip ? describe.skip : describe;
  suite('', () => {
    let t: TestApp;
    const keys = { admin: '', designator: '', other: '', implementer: '', implementerNoDept: '' };
    const code = usccFor(7101);
    let specificId = '';

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
      return {
        status: res.status,
        headers: res.headers,
        type: res.headers.get('content-type'),
        body: text ? JSON.parse(text) : null,
      };
    };
    const specific = (over: Record<string, unknown> = {}) => ({
      code,
      name: '重庆某某建设工程有限公司',
      kind: 'specific',
      matter: {
        type: 'tolerant-acceptance',
        title: '建筑工程施工许可证核发',
        scenario: 'admin-licensing',
        reference: '云审批〔2026〕301号',
        materials: ['消防设计审查合格意见书'],
        dueOn: '2026-12-10',
      },
      text: '本单位承诺于2026年12月10日前补齐消防设计审查合格意见书，逾期未补齐的，自愿承担相应责任。',
      madeOn: '2026-11-20',
      validUntil: '2027-11-19',
      channel: 'counter',
      submitter: { name: '张三', contact: '023-55551234' },
      ...over,
    });
    const decide = async (scenario: string) =>
      (await call('POST', '/v1/decisions', keys.implementer, { scenario, subject: { code } })).body;

    beforeAll(async () => {
      t = await openTestApp(factory);
      keys.admin = await t.key('admin');
      keys.designator = await t.key('designator', DEPT);
      keys.other = await t.key('designator', OTHER);
      keys.implementer = await t.key('implementer', DEPT);
      keys.implementerNoDept = await t.key('implementer');
    });
    afterAll(async () => {
      await t?.close();
    });

    it('an implementer (the approving department) records a 容缺受理 pledge for the department its key names', async () => {
      const res = await call('POST', '/v1/commitments', keys.implementer, specific());
      expect(res.status).toBe(201);
      CommitmentResultSchema.parse(res.body);
      const c = res.body.commitment;
      specificId = c.id;
      expect(c).toMatchObject({
        code,
        kind: 'specific',
        department: DEPT,
        status: 'active',
        submitter: { name: '张三', contact: '023-55551234' },
        matter: { type: 'tolerant-acceptance', materials: ['消防设计审查合格意见书'], dueOn: '2026-12-10' },
        breach: null,
      });
      expect(c.id).toMatch(/^com_[0-9a-f]{24}$/);
      expect(res.body.warnings).toEqual([]);
    });

    it('refuses what the domain does not allow, as problems', async () => {
      const cases: Array<[string | null, unknown, number, string]> = [
        [keys.implementerNoDept, specific(), 400, 'validation-failed'],
        [keys.designator, specific({ department: OTHER }), 403, 'wrong-department'],
        [keys.designator, specific({ matter: undefined }), 400, 'validation-failed'],
        [keys.designator, specific({ kind: 'comprehensive' }), 400, 'validation-failed'],
        [keys.designator, specific({ madeOn: '2026-12-01' }), 400, 'validation-failed'],
        [keys.designator, specific({ code: '110101199003074578' }), 400, 'validation-failed'],
        [keys.designator, specific({ code: '91500235MA5U3XXX0' }), 400, 'invalid-code'],
        [keys.designator, { ...specific(), extra: 1 }, 400, 'validation-failed'],
        [null, specific(), 403, 'forbidden'],
      ];
      for (const [key, body, status, type] of cases) {
        const res = await call('POST', '/v1/commitments', key, body);
        expect([res.status, res.body.type]).toEqual([status, `/problems/${type}`]);
        expect(res.type).toContain('application/problem+json');
      }
    });

    it('a failing check character is recorded with a warning, as imports do', async () => {
      const good = usccFor(7102);
      const last = good.at(-1) === '0' ? '1' : '0';
      const bad = good.slice(0, 17) + last;
      const res = await call(
        'POST',
        '/v1/commitments',
        keys.designator,
        specific({ code: bad, kind: 'comprehensive', matter: undefined }),
      );
      expect(res.status).toBe(201);
      expect(res.body.warnings).toHaveLength(1);
      expect(res.body.warnings[0]).toContain(bad);
    });

    it('is public by code: the pledge yes, who signed no; the department sees the signer', async () => {
      const pub = await call('GET', `/v1/commitments?code=${code.toLowerCase()}`, null);
      expect(pub.status).toBe(200);
      CommitmentListSchema.parse(pub.body);
      expect(pub.body.items).toHaveLength(1);
      expect(pub.body.items[0]).toMatchObject({ id: specificId, submitter: null });
      expect(JSON.stringify(pub.body)).not.toContain('张三');
      const one = await call('GET', `/v1/commitments/${specificId}`, null);
      expect(one.status).toBe(200);
      expect(one.body.submitter).toBeNull();
      const own = await call('GET', `/v1/commitments/${specificId}`, keys.designator);
      expect(own.body.submitter).toEqual({ name: '张三', contact: '023-55551234' });
      const missing = await call('GET', '/v1/commitments/com_000000000000000000000000', null);
      expect([missing.status, missing.body.type]).toEqual([404, '/problems/not-found']);
      const noCode = await call('GET', '/v1/commitments', null);
      expect(noCode.status).toBe(400);
      const dept = await call('GET', '/v1/commitments', keys.designator);
      expect(dept.body.items.map((i: { department: string }) => i.department)).toEqual([DEPT, DEPT]);
    });

    it('a breach by another department or an implementer is refused and changes nothing', async () => {
      const body = {
        reason: '承诺期限届满未补齐消防设计审查合格意见书',
        evidence: [{ title: '逾期未补正告知书', reference: '云审批告〔2026〕9号' }],
        decidedOn: '2026-11-23',
      };
      const other = await call('POST', `/v1/commitments/${specificId}/breach`, keys.other, body);
      expect([other.status, other.body.type]).toEqual([403, '/problems/wrong-department']);
      const impl = await call('POST', `/v1/commitments/${specificId}/breach`, keys.implementer, body);
      expect([impl.status, impl.body.type]).toEqual([403, '/problems/forbidden']);
      expect((await decide('admin-licensing')).outcome).toBe('clear');
    });

    it('a breach lists the organization on commitment-breach in one transaction; the next decision sees it', async () => {
      const seqBefore = await t.db.store.currentSeq();
      const auditBefore = (await t.db.store.auditHead()).seq;
      const body = {
        reason: '承诺期限届满未补齐消防设计审查合格意见书',
        evidence: [{ title: '逾期未补正告知书', reference: '云审批告〔2026〕9号' }],
        decidedOn: '2026-11-23',
        basis: '云审批失信〔2026〕1号',
      };
      const res = await call('POST', `/v1/commitments/${specificId}/breach`, keys.designator, body, {
        'idempotency-key': 'breach-1',
      });
      expect(res.status).toBe(201);
      BreachResultSchema.parse(res.body);
      const { commitment, entry } = res.body;
      expect(commitment).toMatchObject({
        status: 'breached',
        breach: { decidedOn: '2026-11-23', entryId: entry.entry.id, evidence: body.evidence },
      });
      expect(entry.entry).toMatchObject({
        listType: 'commitment-breach',
        kind: 'black',
        department: DEPT,
        designator: DEPT,
        basis: `违背信用承诺 ${specificId}（云审批失信〔2026〕1号）`,
        reason: body.reason,
        decidedOn: '2026-11-23',
        publishedOn: '2026-11-23',
        validUntil: '2027-11-23',
        status: 'active',
      });
      expect(entry.history[0].why).toMatchObject({ cause: 'commitment.breached', commitmentId: specificId });
      // Repeated with the same key: the first answer, nothing new written.
      const again = await call('POST', `/v1/commitments/${specificId}/breach`, keys.designator, body, {
        'idempotency-key': 'breach-1',
      });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.entry.entry.id).toBe(entry.entry.id);
      const twice = await call('POST', `/v1/commitments/${specificId}/breach`, keys.designator, body);
      expect([twice.status, twice.body.reason]).toEqual([409, 'already-breached']);

      // Decisions follow the change log: the published measures of the list type apply at once.
      const licensing = await decide('admin-licensing');
      expect(licensing.outcome).not.toBe('clear');
      expect(JSON.stringify(licensing)).toContain(entry.entry.id);
      const supervision = await decide('daily-supervision');
      expect(supervision.outcome).toBe('review');

      const changes = await t.db.store.changesSince(seqBefore, 100);
      const types = changes.map((c) => c.type);
      expect(types).toContain('entry.created');
      expect(types).toContain('commitment.breached');
      const breachChange = changes.find((c) => c.type === 'commitment.breached')!;
      expect(breachChange.entityId).toBe(specificId);
      expect(breachChange.subjectKey).toBe(code);
      // The change feed is public: no signer, no evidence.
      expect(JSON.stringify(breachChange.data)).not.toContain('张三');
      expect(JSON.stringify(breachChange.data)).not.toContain('逾期未补正告知书');
      const audit = await t.db.store.readAudit(auditBefore, 10);
      // Besides the decisions made since: one record of the breach, naming the entry.
      expect(audit.map((a) => a.action).filter((a) => a !== 'decision')).toEqual(['commitment.breached']);
      expect(JSON.parse(audit[0]!.detail)).toMatchObject({
        entryId: entry.entry.id,
        listType: 'commitment-breach',
      });

      const pub = await call('GET', `/v1/commitments/${specificId}`, null);
      expect(pub.body).toMatchObject({
        status: 'breached',
        breach: { entryId: entry.entry.id, evidence: null },
      });
      const lookup = await call('GET', `/v1/subjects/${code}`, null);
      expect(lookup.body.status).toBe('black');
    });

    it('records commitment.created in the change log and the audit log', async () => {
      const seqBefore = await t.db.store.currentSeq();
      const res = await call(
        'POST',
        '/v1/commitments',
        keys.admin,
        specific({ code: usccFor(7103), kind: 'comprehensive', matter: undefined, department: OTHER }),
      );
      expect(res.status).toBe(201);
      expect(res.body.dataVersion).toBe(seqBefore + 1);
      const [change] = await t.db.store.changesSince(seqBefore, 10);
      expect(change).toMatchObject({ type: 'commitment.created', entityId: res.body.commitment.id });
      expect(JSON.stringify(change!.data)).not.toContain('张三');
      const feed = await call('GET', `/v1/changes?since=${seqBefore}`, null);
      expect(feed.body.changes[0].type).toBe('commitment.created');
    });

    it('a breach the store cannot complete leaves the commitment active (all or nothing)', async () => {
      const made = await call('POST', '/v1/commitments', keys.designator, specific({ code: usccFor(7104) }));
      const id = made.body.commitment.id;
      // An entry with the same basis already exists: the breach's designation is refused, and with it the breach.
      const basis = `违背信用承诺 ${id}`;
      const designated = await call('POST', '/v1/entries', keys.designator, {
        code: usccFor(7104),
        name: '重庆某某建设工程有限公司',
        listType: 'commitment-breach',
        basis,
        reason: '先行录入',
        decidedOn: '2026-11-23',
      });
      expect(designated.status).toBe(201);
      const res = await call('POST', `/v1/commitments/${id}/breach`, keys.designator, {
        reason: '逾期未补齐材料',
        evidence: [{ title: '告知书' }],
        decidedOn: '2026-11-23',
      });
      expect([res.status, res.body.reason]).toEqual([409, 'entry-exists']);
      expect((await call('GET', `/v1/commitments/${id}`, null)).body.status).toBe('active');
    });
  });
});
