import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { residentIdCheckChar } from '@credcheck/sdk/identifiers';
import { maskIdPublic, maskIdStaff } from '@credcheck/sdk/mask';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionMeasures } from '../../api/src/oversight/feedback.ts';
import { usccFor } from '../../api/test/helpers/records.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';

/**
 * Authorization matrix (issue 9 item 1): every operation of openapi/openapi.json × every kind of
 * caller, against a real API process. Each case sends a request that would succeed for a caller
 * allowed to make it (fresh fixtures where the request changes state), and expects the exact
 * status the documentation gives that caller. The operations come from the contract, not from
 * this file: a route added without a row here fails with its name.
 *
 * Every answer is also searched for the full ID numbers of the persons in the fixtures (never
 * returned to anyone) and, for callers without the staff view, for their staff masks.
 */

const here = dirname(fileURLToPath(import.meta.url));
const cliScript = join(here, '../../sdk/bin/credcheck.js');
const contract = JSON.parse(readFileSync(join(here, '../../openapi/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const operations = Object.entries(contract.paths).flatMap(([path, ops]) =>
  Object.keys(ops)
    .filter((m) => METHODS.has(m))
    .map((m) => `${m.toUpperCase()} ${path}`),
);

const ROLES = [
  'none',
  'malformed',
  'unknown',
  'revoked',
  'public',
  'implementer',
  'designatorA',
  'designatorB',
  'admin',
  'envAdmin',
] as const;
type Role = (typeof ROLES)[number];
/** Callers whose key (or its absence) is accepted by authentication. */
type Admitted = Exclude<Role, 'malformed' | 'unknown' | 'revoked' | 'envAdmin'>;
/** Roles granted the staff view of persons (see-staff-mask). */
const STAFF: ReadonlySet<Role> = new Set(['implementer', 'designatorA', 'designatorB', 'admin', 'envAdmin']);

const ENV_ADMIN_KEY = 'cck_matrix-env-admin-key-0123456789abcdef';
const DEPT_A = '重庆市云阳县人力资源和社会保障局';
const DEPT_B = '重庆市云阳县市场监督管理局';
const SCENARIO = 'gov-procurement';
const ORG_NAME = '重庆授权矩阵劳务有限公司';
/** Who signed a commitment: shown to the receiving department and admins only. */
const SIGNER = '承诺签字人欧阳娜娜';
const COMMITTED = usccFor(7999);

type Expect = number | { status: number; type: string };
const WRONG_DEPT: Expect = { status: 403, type: '/problems/wrong-department' };

interface Req {
  method: string;
  path: string;
  body?: unknown;
  /** Server-sent events: read the status and headers, then hang up. */
  stream?: boolean;
  /** A file sent as it is (an import) instead of a JSON body. */
  file?: { text: string; contentType: string };
}

interface Row {
  expect: Record<Role, Expect>;
  build(role: Role): Promise<Req>;
}

/** Outside /v1 no key is looked at: every caller gets the same answer. */
function everyone(status: number): Record<Role, Expect> {
  return Object.fromEntries(ROLES.map((r) => [r, status])) as Record<Role, Expect>;
}

/** A /v1 route: a key that is malformed, unknown or revoked is refused before anything else. */
function v1(admitted: Record<Admitted, Expect>): Record<Role, Expect> {
  return { ...admitted, malformed: 401, unknown: 401, revoked: 401, envAdmin: admitted.admin };
}

const publicRead = (s: number) =>
  v1({ none: s, public: s, implementer: s, designatorA: s, designatorB: s, admin: s });
/** decide, feedback and object: implementer, designators and admin. */
const staffOnly = (s: number) =>
  v1({ none: 403, public: 403, implementer: s, designatorA: s, designatorB: s, admin: s });
/** designate and resolve on department A's records: A's designator and admin; B is refused as another department. */
const departmentA = (s: number, implementer: Expect = 403) =>
  v1({ none: 403, public: 403, implementer, designatorA: s, designatorB: WRONG_DEPT, admin: s });
const subscribers = (s: number) =>
  v1({ none: 403, public: 403, implementer: s, designatorA: 403, designatorB: 403, admin: s });
const adminOnly = (s: number) =>
  v1({ none: 403, public: 403, implementer: 403, designatorA: 403, designatorB: 403, admin: s });

/** A valid resident ID number for any n < 1000 (distinct n, distinct numbers). */
function residentIdFor(n: number): string {
  const first17 = `50023519850712${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

describe('authorization matrix: every operation × every caller, on a real API process', () => {
  let api: ApiProcess;
  const keys = {} as Record<Role, string | null>;
  /** Every full ID number in the store: none may ever come back. */
  const fullIds: string[] = [];
  let serial = 0;
  let personSerial = 100;
  /** A new person's ID number, remembered so that no answer may contain it. */
  const newPersonId = () => {
    const id = residentIdFor(personSerial++);
    fullIds.push(id);
    return id;
  };
  const fx = {
    personId: '',
    personEntry: '',
    orgCode: '',
    objectionOfImplementer: '',
    repairOfA: '',
    decisionOf: {} as Partial<Record<Role, string>>,
    clearanceOfAdmin: '',
    commitment: '',
  };

  function headersFor(role: Role, body: boolean): Record<string, string> {
    const h: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
    if (role === 'malformed') h.authorization = 'Basic dXNlcjpwYXNz';
    else if (keys[role]) h.authorization = `Bearer ${keys[role]}`;
    return h;
  }

  async function send(role: Role, req: Req) {
    const ctrl = new AbortController();
    const headers = headersFor(role, req.body !== undefined);
    if (req.file) headers['content-type'] = req.file.contentType;
    const res = await fetch(api.url + req.path, {
      method: req.method,
      headers,
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      ...(req.file ? { body: req.file.text } : {}),
      signal: ctrl.signal,
    });
    let text = '';
    if (req.stream && res.status === 200) ctrl.abort();
    else text = await res.text();
    return { status: res.status, headers: res.headers, text };
  }

  /** A setup call that must succeed. */
  async function call(role: Role, method: string, path: string, body?: unknown) {
    const res = await send(role, { method, path, body });
    if (res.status >= 300) throw new Error(`${method} ${path} as ${role}: ${res.status} ${res.text}`);
    return res.text ? JSON.parse(res.text) : null;
  }

  const creatorOf = (role: Role, allowed: readonly Role[]): Role =>
    allowed.includes(role) ? role : 'envAdmin';
  const DECIDERS: Role[] = ['implementer', 'designatorA', 'designatorB', 'admin', 'envAdmin'];
  const SUBSCRIBERS: Role[] = ['implementer', 'admin', 'envAdmin'];

  async function freshOrgEntry(): Promise<string> {
    const n = 7000 + ++serial;
    const legalRepId = newPersonId();
    const body = await call('envAdmin', 'POST', '/v1/entries', {
      code: usccFor(n),
      name: `重庆矩阵${n}号劳务有限公司`,
      legalRep: '李四海',
      legalRepId,
      listType: 'wage-arrears-migrant-workers',
      department: DEPT_A,
      basis: `云人社欠薪〔2026〕${n}号`,
      reason: '拖欠农民工工资',
      decidedOn: '2026-11-20',
      validUntil: '2029-11-19',
    });
    return body.entry.id;
  }

  async function freshPersonEntry(): Promise<string> {
    const id = newPersonId();
    serial++;
    const body = await call('envAdmin', 'POST', '/v1/entries', {
      code: id,
      subjectType: 'person',
      name: '王小明',
      listType: 'dishonest-judgment-debtor',
      department: DEPT_A,
      basis: `（2026）渝0235执${serial}号`,
      reason: '有履行能力而拒不履行',
      decidedOn: '2026-11-20',
    });
    return body.entry.id;
  }

  const objectionBy = async (entryId: string) =>
    (await call('implementer', 'POST', '/v1/objections', { entryId, claim: '信息有误' })).objection
      .id as string;

  async function freshRepair(): Promise<string> {
    const entryId = await freshOrgEntry();
    const body = await call('envAdmin', 'POST', '/v1/repairs', {
      entryId,
      applicant: { name: '李四海' },
      statement: '已足额支付',
      evidence: [{ title: '工资支付凭证' }],
      correctedOn: '2026-05-01',
    });
    return body.repair.id;
  }

  const decisionRequest = () => ({
    scenario: SCENARIO,
    subject: { code: fx.personId },
    related: [{ role: 'responsible-person', code: fullIds[0]! }],
  });

  async function freshDecision(role: Role): Promise<{ id: string; receipt: string }> {
    return call(creatorOf(role, DECIDERS), 'POST', '/v1/decisions', {
      scenario: SCENARIO,
      subject: { code: fx.orgCode },
    });
  }

  async function freshClearance(role: Role): Promise<string> {
    const body = await call(creatorOf(role, DECIDERS), 'POST', '/v1/clearances', {
      candidateCode: fx.orgCode,
      presented: { name: ORG_NAME, code: usccFor(9000 + ++serial) },
      reason: '核对营业执照，非同一主体',
    });
    return body.id;
  }

  async function freshWebhook(role: Role): Promise<string> {
    const body = await call(creatorOf(role, SUBSCRIBERS), 'POST', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/credcheck-hook',
      description: 'matrix',
    });
    return body.id;
  }

  const commitmentRequest = () => ({
    code: usccFor(8000 + ++serial),
    name: `重庆矩阵承诺${serial}号有限公司`,
    kind: 'comprehensive',
    text: '本单位承诺依法诚信经营。',
    madeOn: '2026-11-20',
    department: DEPT_A,
    channel: 'counter',
    submitter: { name: SIGNER },
  });

  const snapshotVersion = async () =>
    (await fetch(`${api.url}/v1/snapshot`, { method: 'HEAD' })).headers.get('x-snapshot-version') ?? '0';

  const get = (path: string): Req => ({ method: 'GET', path });
  const fixed = (req: Req) => async () => req;

  const ROWS: Record<string, Row> = {
    'GET /healthz': { expect: everyone(200), build: fixed(get('/healthz')) },
    'GET /readyz': { expect: everyone(200), build: fixed(get('/readyz')) },
    'GET /metrics': { expect: everyone(200), build: fixed(get('/metrics')) },
    'GET /.well-known/jwks.json': { expect: everyone(200), build: fixed(get('/.well-known/jwks.json')) },
    'GET /sdk/credcheck-check.js': { expect: everyone(200), build: fixed(get('/sdk/credcheck-check.js')) },
    'GET /v1/me': { expect: publicRead(200), build: fixed(get('/v1/me')) },
    'GET /v1/list-types': { expect: publicRead(200), build: fixed(get('/v1/list-types')) },
    'GET /v1/measures': { expect: publicRead(200), build: fixed(get('/v1/measures')) },
    'GET /v1/scenarios': { expect: publicRead(200), build: fixed(get('/v1/scenarios')) },
    'GET /v1/subjects/{code}': {
      expect: publicRead(200),
      build: async () => get(`/v1/subjects/${fx.personId}`),
    },
    'POST /v1/subjects/batch': {
      expect: publicRead(200),
      build: async () => ({
        method: 'POST',
        path: '/v1/subjects/batch',
        body: { codes: [fx.personId, fx.orgCode, ...fullIds] },
      }),
    },
    'GET /v1/search': {
      expect: publicRead(200),
      build: fixed(get(`/v1/search?name=${encodeURIComponent(ORG_NAME)}`)),
    },
    'GET /v1/changes': { expect: publicRead(200), build: fixed(get('/v1/changes?limit=1000')) },
    'GET /v1/changes/stream': {
      expect: publicRead(200),
      build: fixed({ method: 'GET', path: '/v1/changes/stream', stream: true }),
    },
    'GET /v1/snapshot': { expect: publicRead(200), build: fixed(get('/v1/snapshot')) },
    'GET /v1/snapshot/deltas': {
      expect: publicRead(200),
      build: async () => get(`/v1/snapshot/deltas?from=${await snapshotVersion()}`),
    },
    // No delta starts at version 0 (the first snapshot is newer): 404 for whoever may ask.
    'GET /v1/snapshot/deltas/{from}': { expect: publicRead(404), build: fixed(get('/v1/snapshot/deltas/0')) },

    'POST /v1/decisions': {
      expect: staffOnly(200),
      build: async () => ({ method: 'POST', path: '/v1/decisions', body: decisionRequest() }),
    },
    'POST /v1/decisions/batch': {
      expect: staffOnly(200),
      build: async () => ({
        method: 'POST',
        path: '/v1/decisions/batch',
        body: { scenario: SCENARIO, items: [decisionRequest(), { subject: { code: fx.orgCode } }] },
      }),
    },
    'GET /v1/decisions': { expect: staffOnly(200), build: fixed(get('/v1/decisions')) },
    // The caller's own decision (an admin's for callers that cannot decide).
    'GET /v1/decisions/{id}': {
      expect: staffOnly(200),
      build: async (role) => get(`/v1/decisions/${fx.decisionOf[creatorOf(role, DECIDERS)]}`),
    },
    'POST /v1/decisions/{id}/feedback': {
      expect: staffOnly(201),
      build: async (role) => {
        const d = await freshDecision(role);
        return {
          method: 'POST',
          path: `/v1/decisions/${d.id}/feedback`,
          body: { measures: decisionMeasures(d.receipt).map((code) => ({ code, applied: true })) },
        };
      },
    },
    'GET /v1/decisions/{id}/feedback': {
      expect: staffOnly(200),
      build: async (role) => get(`/v1/decisions/${fx.decisionOf[creatorOf(role, DECIDERS)]}/feedback`),
    },

    'POST /v1/entries': {
      expect: departmentA(201),
      build: async () => {
        const id = newPersonId();
        serial++;
        return {
          method: 'POST',
          path: '/v1/entries',
          body: {
            code: id,
            subjectType: 'person',
            name: '赵大成',
            listType: 'dishonest-judgment-debtor',
            department: DEPT_A,
            basis: `（2026）渝0235执${serial}号`,
            reason: '有履行能力而拒不履行',
            decidedOn: '2026-11-20',
          },
        };
      },
    },
    // A's rows: A's designator and an admin import them; B's designator gets every row refused (422).
    'POST /v1/imports': {
      expect: v1({
        none: 403,
        public: 403,
        implementer: 403,
        designatorA: 200,
        designatorB: 422,
        admin: 200,
      }),
      build: async () => {
        const n = 6000 + ++serial;
        const header = [
          'uscc',
          'name',
          'list_type',
          'kind',
          'designator',
          'basis',
          'reason',
          'decided_on',
          'legal_rep',
          'legal_rep_id',
        ];
        const row = [
          usccFor(n),
          `重庆矩阵导入${n}号有限公司`,
          'wage-arrears-migrant-workers',
          'black',
          DEPT_A,
          `云人社欠薪〔2026〕${n}号`,
          '拖欠农民工工资',
          '2026-11-20',
          '李四海',
          newPersonId(),
        ];
        return {
          method: 'POST',
          path: '/v1/imports?format=csv',
          file: { text: `${header.join(',')}\n${row.join(',')}\n`, contentType: 'text/csv' },
        };
      },
    },
    'GET /v1/entries': {
      expect: departmentA(200),
      build: fixed(get(`/v1/entries?department=${encodeURIComponent(DEPT_A)}`)),
    },
    'GET /v1/entries/{id}': {
      expect: staffOnly(200),
      build: async () => get(`/v1/entries/${fx.personEntry}`),
    },
    'PATCH /v1/entries/{id}': {
      expect: departmentA(200),
      build: async () => ({
        method: 'PATCH',
        path: `/v1/entries/${await freshPersonEntry()}`,
        body: { reason: '更正认定理由', why: '文字更正' },
      }),
    },
    'POST /v1/entries/{id}/revoke': {
      expect: departmentA(200),
      build: async () => ({
        method: 'POST',
        path: `/v1/entries/${await freshPersonEntry()}/revoke`,
        body: { why: '认定决定被撤销' },
      }),
    },

    // Anyone with the permission objects: A's designator and an admin enter the subject's own
    // objection (with channel and submitter); others object as users of the list.
    'POST /v1/objections': {
      expect: staffOnly(201),
      build: async (role) => {
        const entryId = await freshPersonEntry();
        const forSubject = role === 'designatorA' || role === 'admin' || role === 'envAdmin';
        return {
          method: 'POST',
          path: '/v1/objections',
          body: {
            entryId,
            claim: '身份信息有误',
            ...(forSubject ? { channel: 'counter', submitter: { name: '王小明' } } : {}),
          },
        };
      },
    },
    'GET /v1/objections': { expect: staffOnly(200), build: fixed(get('/v1/objections')) },
    // Filed by the implementer on A's entry: the filer, A and admins see it; B is told it does not exist.
    'GET /v1/objections/{id}': {
      expect: v1({
        none: 403,
        public: 403,
        implementer: 200,
        designatorA: 200,
        designatorB: 404,
        admin: 200,
      }),
      build: async () => get(`/v1/objections/${fx.objectionOfImplementer}`),
    },
    'POST /v1/objections/{id}/resolve': {
      expect: departmentA(200),
      build: async () => ({
        method: 'POST',
        path: `/v1/objections/${await objectionBy(await freshPersonEntry())}/resolve`,
        body: { outcome: 'rejected', why: '经核实信息无误' },
      }),
    },

    'POST /v1/repairs': {
      expect: departmentA(201),
      build: async () => ({
        method: 'POST',
        path: '/v1/repairs',
        body: {
          entryId: await freshOrgEntry(),
          applicant: { name: '李四海' },
          statement: '已足额支付',
          evidence: [{ title: '工资支付凭证' }],
          correctedOn: '2026-05-01',
        },
      }),
    },
    'GET /v1/repairs': {
      expect: v1({
        none: 403,
        public: 403,
        implementer: 403,
        designatorA: 200,
        designatorB: 200,
        admin: 200,
      }),
      build: fixed(get('/v1/repairs')),
    },
    'GET /v1/repairs/{id}': {
      expect: v1({
        none: 403,
        public: 403,
        implementer: 403,
        designatorA: 200,
        designatorB: 404,
        admin: 200,
      }),
      build: async () => get(`/v1/repairs/${fx.repairOfA}`),
    },
    'POST /v1/repairs/{id}/decide': {
      expect: departmentA(200),
      build: async () => ({
        method: 'POST',
        path: `/v1/repairs/${await freshRepair()}/decide`,
        body: { outcome: 'rejected', why: '证明材料不足' },
      }),
    },

    'POST /v1/clearances': {
      expect: staffOnly(201),
      build: async () => ({
        method: 'POST',
        path: '/v1/clearances',
        body: {
          candidateCode: fx.orgCode,
          presented: { name: ORG_NAME, code: usccFor(9000 + ++serial) },
          reason: '核对营业执照，非同一主体',
        },
      }),
    },
    'GET /v1/clearances': { expect: staffOnly(200), build: fixed(get('/v1/clearances')) },
    'GET /v1/clearances/{id}': {
      expect: staffOnly(200),
      build: async () => get(`/v1/clearances/${fx.clearanceOfAdmin}`),
    },
    'POST /v1/clearances/{id}/revoke': {
      expect: staffOnly(200),
      build: async (role) => ({
        method: 'POST',
        path: `/v1/clearances/${await freshClearance(role)}/revoke`,
        body: { reason: '记录有误' },
      }),
    },

    'GET /v1/stats': { expect: adminOnly(200), build: fixed(get('/v1/stats')) },

    'GET /v1/keys': { expect: adminOnly(200), build: fixed(get('/v1/keys')) },
    'POST /v1/keys': {
      expect: adminOnly(201),
      build: fixed({
        method: 'POST',
        path: '/v1/keys',
        body: { role: 'implementer', label: 'matrix: made over HTTP' },
      }),
    },
    'POST /v1/keys/{id}/revoke': {
      expect: adminOnly(200),
      build: async () => {
        const made = await call('envAdmin', 'POST', '/v1/keys', {
          role: 'implementer',
          label: 'matrix: to revoke',
        });
        return { method: 'POST', path: `/v1/keys/${made.id}/revoke` };
      },
    },
    'GET /v1/audit': { expect: adminOnly(200), build: fixed(get('/v1/audit?limit=200')) },
    'POST /v1/audit/verify': {
      expect: adminOnly(200),
      build: fixed({ method: 'POST', path: '/v1/audit/verify', body: {} }),
    },

    // The department receiving a pledge enters it: A's designator, an implementer (the approving
    // department, for the department it names) and an admin; B's designator not for A.
    'POST /v1/commitments': {
      expect: v1({
        none: 403,
        public: 403,
        implementer: 201,
        designatorA: 201,
        designatorB: WRONG_DEPT,
        admin: 201,
      }),
      build: async () => ({ method: 'POST', path: '/v1/commitments', body: commitmentRequest() }),
    },
    'GET /v1/commitments': {
      expect: publicRead(200),
      build: fixed(get(`/v1/commitments?code=${COMMITTED}`)),
    },
    'GET /v1/commitments/{id}': {
      expect: publicRead(200),
      build: async () => get(`/v1/commitments/${fx.commitment}`),
    },
    'POST /v1/commitments/{id}/breach': {
      expect: departmentA(201),
      build: async () => {
        const made = await call('envAdmin', 'POST', '/v1/commitments', commitmentRequest());
        return {
          method: 'POST',
          path: `/v1/commitments/${made.commitment?.id ?? made.id}/breach`,
          body: { reason: '逾期未补齐承诺材料', evidence: [{ title: '催告记录' }], decidedOn: '2026-11-20' },
        };
      },
    },

    'GET /v1/reports/{code}': {
      expect: staffOnly(200),
      build: async () => get(`/v1/reports/${fx.personId}?scenario=${SCENARIO}&format=html`),
    },

    'POST /v1/webhooks': {
      expect: subscribers(201),
      build: fixed({
        method: 'POST',
        path: '/v1/webhooks',
        body: { url: 'http://127.0.0.1:9/credcheck-hook', watchList: [] },
      }),
    },
    'GET /v1/webhooks': { expect: subscribers(200), build: fixed(get('/v1/webhooks')) },
    'GET /v1/webhooks/{id}': {
      expect: subscribers(200),
      build: async (role) => get(`/v1/webhooks/${await freshWebhook(role)}`),
    },
    'PATCH /v1/webhooks/{id}': {
      expect: subscribers(200),
      build: async (role) => ({
        method: 'PATCH',
        path: `/v1/webhooks/${await freshWebhook(role)}`,
        body: { status: 'paused' },
      }),
    },
    'DELETE /v1/webhooks/{id}': {
      expect: subscribers(204),
      build: async (role) => ({ method: 'DELETE', path: `/v1/webhooks/${await freshWebhook(role)}` }),
    },
    'PUT /v1/webhooks/{id}/watch-list': {
      expect: subscribers(200),
      build: async (role) => ({
        method: 'PUT',
        path: `/v1/webhooks/${await freshWebhook(role)}/watch-list`,
        body: { codes: [fx.orgCode] },
      }),
    },
    'DELETE /v1/webhooks/{id}/watch-list': {
      expect: subscribers(200),
      build: async (role) => ({
        method: 'DELETE',
        path: `/v1/webhooks/${await freshWebhook(role)}/watch-list`,
      }),
    },
    'GET /v1/webhooks/{id}/deliveries': {
      expect: subscribers(200),
      build: async (role) => get(`/v1/webhooks/${await freshWebhook(role)}/deliveries`),
    },
  };

  async function cliKey(args: string[]): Promise<{ id: string; key: string }> {
    const { stdout } = await promisify(execFile)(process.execPath, [cliScript, 'keys', ...args], {
      env: { ...process.env, DATA_DIR: api.dataDir, CREDCHECK_NOW: '2026-11-23' },
    });
    return JSON.parse(stdout);
  }

  beforeAll(async () => {
    api = await startApiProcess({
      CREDCHECK_DEMO: '0',
      CREDCHECK_ADMIN_KEY: ENV_ADMIN_KEY,
      CREDCHECK_RATE_LIMIT: '0',
      CREDCHECK_RATE_LIMIT_ANON: '0',
    });
    keys.none = null;
    keys.malformed = null;
    keys.unknown = 'cck_this-key-was-never-issued-0123456789';
    keys.envAdmin = ENV_ADMIN_KEY;
    const create = (role: string, label: string, ...more: string[]) =>
      cliKey(['create', '--role', role, '--label', label, '--json', ...more]);
    const [pub, implementer, designatorA, designatorB, admin, revoked] = await Promise.all([
      create('public', 'matrix public'),
      create('implementer', 'matrix implementer'),
      create('designator', 'matrix designator A', '--department', DEPT_A),
      create('designator', 'matrix designator B', '--department', DEPT_B),
      create('admin', 'matrix admin'),
      create('implementer', 'matrix revoked'),
    ]);
    Object.assign(keys, {
      public: pub.key,
      implementer: implementer.key,
      designatorA: designatorA.key,
      designatorB: designatorB.key,
      admin: admin.key,
      revoked: revoked.key,
    });
    await promisify(execFile)(process.execPath, [cliScript, 'keys', 'revoke', revoked.id], {
      env: { ...process.env, DATA_DIR: api.dataDir },
    });

    // fullIds[0]: a responsible person named in decision requests, never listed.
    fullIds.push(residentIdFor(999));
    fx.personEntry = await freshPersonEntry();
    fx.personId = fullIds[fullIds.length - 1]!;
    fx.orgCode = usccFor(7000);
    await call('envAdmin', 'POST', '/v1/entries', {
      code: fx.orgCode,
      name: ORG_NAME,
      legalRep: '李四海',
      legalRepId: residentIdFor(998),
      listType: 'wage-arrears-migrant-workers',
      department: DEPT_A,
      basis: '云人社欠薪〔2026〕7000号',
      reason: '拖欠农民工工资',
      decidedOn: '2026-11-20',
      validUntil: '2029-11-19',
    });
    fullIds.push(residentIdFor(998));
    fx.objectionOfImplementer = await objectionBy(await freshPersonEntry());
    fx.repairOfA = await freshRepair();
    for (const role of DECIDERS) {
      fx.decisionOf[role] = (await call(role, 'POST', '/v1/decisions', decisionRequest())).id;
    }
    fx.clearanceOfAdmin = await freshClearance('envAdmin');
    const committed = await call('envAdmin', 'POST', '/v1/commitments', {
      ...commitmentRequest(),
      code: COMMITTED,
    });
    fx.commitment = committed.commitment?.id ?? committed.id;
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('has a row for every operation in openapi.json, and none for an operation that is gone', () => {
    const missing = operations.filter((op) => !(op in ROWS));
    const stale = Object.keys(ROWS).filter((op) => !operations.includes(op));
    expect(missing, 'operations without a row in the authorization matrix').toEqual([]);
    expect(stale, 'rows for operations no longer in openapi.json').toEqual([]);
  });

  const cases = operations.flatMap((op) => ROLES.map((role) => [op, role] as const));
  it.each(cases)('%s as %s', async (op, role) => {
    const row = ROWS[op];
    if (!row) {
      throw new Error(
        `${op} is in openapi/openapi.json but has no row in the authorization matrix (test/e2e/authorization-matrix.test.ts): add what each caller may do`,
      );
    }
    const want = row.expect[role];
    const status = typeof want === 'number' ? want : want.status;
    const req = await row.build(role);
    const res = await send(role, req);
    expect(res.status, `${op} as ${role}: ${res.text.slice(0, 300)}`).toBe(status);

    if (status === 401) {
      expect(res.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="credcheck", error="invalid_(token|request)"$/,
      );
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.text)).toMatchObject({ type: '/problems/unauthorized', status: 401 });
    } else if (status === 403) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const type = typeof want === 'number' ? '/problems/forbidden' : want.type;
      expect(JSON.parse(res.text)).toMatchObject({ type, status: 403 });
    } else if (status === 404 && res.headers.get('content-type')?.includes('json')) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }

    // Invariant 5: nobody ever gets a full ID number back; without the staff view, not even the
    // staff mask. A problem's `instance` repeats the caller's own request path, and nothing else.
    let shown = res.text;
    if (res.headers.get('content-type')?.startsWith('application/problem+json')) {
      const { instance, ...rest } = JSON.parse(res.text);
      expect(instance).toBe(new URL(req.path, api.url).pathname);
      shown = JSON.stringify(rest);
    }
    for (const id of fullIds) {
      expect(shown, `${op} as ${role} returned the full ID number ${id}`).not.toContain(id);
      if (!STAFF.has(role)) expect(shown, `${op} as ${role}: staff mask`).not.toContain(maskIdStaff(id));
    }
  });

  it('a designator’s entry list holds its own department’s entries only', async () => {
    const a = JSON.parse((await send('designatorA', get('/v1/entries?limit=200'))).text);
    const b = JSON.parse((await send('designatorB', get('/v1/entries?limit=200'))).text);
    expect(a.items.length).toBeGreaterThan(0);
    expect(a.items.every((e: { department: string }) => e.department === DEPT_A)).toBe(true);
    expect(b.items).toEqual([]);
  });

  it('shows who signed a commitment to the receiving department and admins only', async () => {
    for (const role of ['none', 'public', 'implementer', 'designatorA', 'designatorB', 'admin'] as const) {
      const one = await send(role, get(`/v1/commitments/${fx.commitment}`));
      const list = await send(role, get(`/v1/commitments?code=${COMMITTED}`));
      const maySee = role === 'designatorA' || role === 'admin';
      for (const res of [one, list]) {
        expect(res.status).toBe(200);
        if (maySee) expect(res.text, role).toContain(SIGNER);
        else expect(res.text, role).not.toContain(SIGNER);
      }
    }
  });

  it('masks the person as the caller’s role may see it: staff mask for staff keys, public mask otherwise', async () => {
    for (const role of ['none', 'public', 'implementer', 'designatorA', 'designatorB', 'admin'] as const) {
      const res = await send(role, get(`/v1/subjects/${fx.personId}`));
      const { subject } = JSON.parse(res.text);
      expect(subject.idMasked, role).toBe(
        STAFF.has(role) ? maskIdStaff(fx.personId) : maskIdPublic(fx.personId),
      );
      expect(subject.name, role).toBe('王*明');
    }
  });
});
