import { generateUSCC } from '@credcheck/sdk/identifiers';
import { normalizeName } from '@credcheck/sdk/names';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import { createApp } from '../src/app.ts';
import { issueApiKey } from '../src/auth/api-key.ts';
import type { Role } from '../src/auth/roles.ts';
import { loadConfig } from '../src/config.ts';
import { type Clock, chinaDate } from '../src/domain/clock.ts';
import type { ImportRecord } from '../src/domain/model.ts';
import { openRuntime, type Runtime } from '../src/runtime.ts';
import { prepareStore } from '../src/server.ts';
import {
  PG_TEST_URL,
  postgresFactory,
  probePostgres,
  type StoreFactory,
  sqliteFactory,
  type TestStore,
} from './helpers/store-factory.ts';

/**
 * Cleared false matches, feedback and statistics over HTTP, on a real store (both dialects) with
 * a clock the test moves.
 */

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;
if (skipPostgres)
  console.warn(`\n!!! PostgreSQL unreachable at ${PG_TEST_URL}: oversight API tests SKIPPED there !!!\n`);

const rand = seededRandom(55);
const code = { black: generateUSCC(rand), other: generateUSCC(rand), unlisted: generateUSCC(rand) };
const NAMES = { black: '重庆远禾装饰工程有限公司', other: '万州区恒达建材有限公司' };
const TRADITIONAL = '重慶遠禾裝飾工程有限公司';

function org(line: number, uscc: string, name: string): ImportRecord {
  return {
    line,
    subject: {
      type: 'org',
      key: uscc,
      code: uscc,
      idMasked: null,
      name,
      normName: normalizeName(name),
      legalRep: '张伟明',
      legalRepKey: null,
      division: uscc.slice(2, 8),
    },
    entry: {
      listType: 'dishonest-judgment-debtor',
      kind: 'black',
      designator: '重庆市云阳县人民法院',
      department: '重庆市云阳县人民法院',
      basis: `（2024）渝0235执${line}号`,
      reason: '有履行能力而拒不履行生效法律文书确定义务',
      decidedOn: '2024-03-01',
      publishedOn: '2024-03-05',
      validUntil: null,
      status: 'active',
    },
  };
}

/** A clock the test sets; dates follow China's calendar like the real one. */
function movableClock(start: string): Clock & { set(instant: string): void } {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    today: () => chinaDate(new Date(t)),
    set(instant) {
      t = Date.parse(instant);
    },
  };
}

const factories: Array<StoreFactory & { skip: boolean }> = [
  { ...sqliteFactory(), skip: false },
  { ...postgresFactory(PG_TEST_URL), skip: skipPostgres },
];

describe.each(factories)('$name: clearances, feedback and statistics over HTTP', (factory) => {
  let db: TestStore;
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  const clock = movableClock('2026-11-23T04:00:00.000Z');
  const keys: Record<string, { key: string; id: string }> = {};
  let blackId: string;

  const call = (method: string, path: string, key: string | null, body?: unknown, headers = {}) =>
    app.request(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const decide = async (subject: Record<string, string>, key = keys.implementer!.key) => {
    const res = await call('POST', '/v1/decisions', key, { scenario: 'gov-procurement', subject });
    expect(res.status).toBe(200);
    return res.json();
  };
  const clear = (body: unknown, key = keys.implementer!.key) => call('POST', '/v1/clearances', key, body);

  beforeAll(async () => {
    if (factory.skip) return;
    db = await factory.create();
    const prepared = await prepareStore(
      db.store,
      loadConfig({ CREDCHECK_DEMO: '0' }),
      clock.today(),
      () => {},
    );
    await db.store.importRecords([[org(2, code.black, NAMES.black), org(3, code.other, NAMES.other)]], {
      actor: 'test',
    });
    runtime = await openRuntime(db.store, {
      clock,
      catalog: prepared.catalog,
      idHmacKey: prepared.idHmacKey,
      bodyLimit: 1024 * 1024,
      refreshMs: 60_000,
      feedbackDueMs: 7 * 86_400_000,
      snapshotDir: null,
    });
    app = createApp(runtime.deps);
    const add = async (name: string, role: Role, department: string | null = null) => {
      const issued = issueApiKey({ role, department, label: name, rateLimit: 0 }, '2026-10-01T00:00:00.000Z');
      await db.store.createApiKey(issued.record);
      keys[name] = { key: issued.key, id: issued.record.id };
    };
    await add('implementer', 'implementer');
    await add('colleague', 'implementer');
    await add('admin', 'admin');
    // A department with a comma and quotes: the CSV must quote it.
    await add('court', 'designator', '重庆市云阳县人民法院, "执行局"');
    blackId = runtime.deps.index.list.get(code.black)!.subject.id;
  });

  afterAll(async () => {
    await runtime?.stop();
    await db?.dispose();
  });

  const test = factory.skip ? it.skip : it;

  test('a name-only candidate cleared: later decisions show the clearance, not the hit; revoking restores it', async () => {
    clock.set('2026-11-23T04:00:00.000Z');
    const before = await decide({ name: TRADITIONAL });
    expect(before.identity.candidates[0]).toMatchObject({ subjectId: blackId, status: 'black' });
    expect(before.identity.candidates[0].clearance).toBeUndefined();
    expect(before.outcome).toBe('review');

    const created = await clear({
      candidateSubjectId: blackId,
      presented: { name: TRADITIONAL },
      reason: '营业执照统一社会信用代码不同，非同一主体',
    });
    expect(created.status).toBe(201);
    const clearance = await created.json();
    expect(clearance).toMatchObject({
      status: 'active',
      candidate: { subjectId: blackId, code: code.black, name: NAMES.black },
      presented: { name: TRADITIONAL, normalizedName: NAMES.black, code: null },
      by: keys.implementer!.id,
      at: '2026-11-23T04:00:00.000Z',
      revoked: null,
    });

    // The same pair, written the simplified way (same normalized name), by another key too.
    for (const key of [keys.implementer!.key, keys.colleague!.key]) {
      const after = await decide({ name: NAMES.black }, key);
      expect(after.identity.candidates[0]).toMatchObject({
        subjectId: blackId,
        status: 'black',
        clearance: { id: clearance.id, by: keys.implementer!.id, at: clearance.at, reason: clearance.reason },
      });
      expect(after.outcome).toBe('clear');
      expect(after.basis.join('\n')).toContain(`已排除疑似名单主体：${NAMES.black}`);
      expect(after.basis.join('\n')).not.toContain('仅凭名称匹配到疑似名单主体');
      expect(decodeJwt(after.receipt).cleared).toEqual([clearance.id]);
    }
    // Receipts of decisions without a clearance keep their shape.
    expect(decodeJwt(before.receipt)).not.toHaveProperty('cleared');

    // Different pairs are unaffected: another company form, or the name given with a code.
    const variant = await decide({ name: '重庆远禾装饰工程有限责任公司' });
    expect(variant.identity.candidates[0]).toMatchObject({ subjectId: blackId });
    expect(variant.identity.candidates[0].clearance).toBeUndefined();
    expect(variant.outcome).toBe('review');
    const withCode = await decide({ code: code.unlisted, name: NAMES.black });
    expect(withCode.identity.consistent).toBe(false);
    expect(withCode.identity.conflicts[0].clearance).toBeUndefined();
    expect(withCode.outcome).toBe('review');

    // One active clearance per pair.
    const again = await clear({
      candidateCode: code.black,
      presented: { name: NAMES.black },
      reason: '重复',
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      type: '/problems/clearance-conflict',
      clearance: { id: clearance.id },
    });

    // Only its author (or an admin) revokes; the revocation is kept with who, when and why.
    const notYours = await call('POST', `/v1/clearances/${clearance.id}/revoke`, keys.colleague!.key, {
      reason: '不同意',
    });
    expect(notYours.status).toBe(403);
    clock.set('2026-11-24T02:00:00.000Z');
    const revoked = await call('POST', `/v1/clearances/${clearance.id}/revoke`, keys.implementer!.key, {
      reason: '复核确认为同一主体',
    });
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).revoked).toEqual({
      at: '2026-11-24T02:00:00.000Z',
      by: keys.implementer!.id,
      reason: '复核确认为同一主体',
    });
    const restored = await decide({ name: NAMES.black });
    expect(restored.identity.candidates[0].clearance).toBeUndefined();
    expect(restored.outcome).toBe('review');
    const twice = await call('POST', `/v1/clearances/${clearance.id}/revoke`, keys.implementer!.key, {
      reason: 'x',
    });
    expect(twice.status).toBe(409);

    const shown = await (await call('GET', `/v1/clearances/${clearance.id}`, keys.colleague!.key)).json();
    expect(shown).toMatchObject({
      status: 'revoked',
      reason: clearance.reason,
      revoked: { by: keys.implementer!.id },
    });
    const listed = await (await call('GET', '/v1/clearances?status=all', keys.colleague!.key)).json();
    expect(listed.items.map((c: { id: string }) => c.id)).toContain(clearance.id);
    const active = await (await call('GET', '/v1/clearances', keys.colleague!.key)).json();
    expect(active.items.map((c: { id: string }) => c.id)).not.toContain(clearance.id);

    const audit = await db.store.readAudit(0, 10_000);
    const mine = audit.filter((a) => a.target === clearance.id);
    expect(mine.map((a) => [a.action, a.actor])).toEqual([
      ['clearance.created', keys.implementer!.id],
      ['clearance.revoked', keys.implementer!.id],
    ]);
  });

  test('a clearance given with a code clears the "name of another listed subject" conflict for that code only', async () => {
    clock.set('2026-11-23T05:00:00.000Z');
    const res = await clear({
      candidateSubjectId: blackId,
      presented: { code: code.unlisted.toLowerCase(), name: NAMES.black },
      reason: '同名不同代码的另一企业',
    });
    expect(res.status).toBe(201);
    const c = await res.json();
    expect(c.presented.code).toBe(code.unlisted);
    const d = await decide({ code: code.unlisted, name: NAMES.black });
    expect(d.identity.consistent).toBe(true);
    expect(d.identity.conflicts[0].clearance.id).toBe(c.id);
    expect(d.outcome).toBe('clear');
    // The name alone is another pair.
    expect((await decide({ name: NAMES.black })).outcome).toBe('review');
    // A clearance of a candidate against its own code is refused.
    const own = await clear({
      candidateSubjectId: blackId,
      presented: { code: code.black, name: '某公司' },
      reason: 'x',
    });
    expect(own.status).toBe(400);
    const unknown = await clear({ candidateCode: code.unlisted, presented: { name: '某公司' }, reason: 'x' });
    expect(unknown.status).toBe(404);
    const both = await clear({
      candidateCode: code.black,
      candidateSubjectId: blackId,
      presented: { name: 'x' },
      reason: 'x',
    });
    expect(both.status).toBe(400);
    const publicCaller = await clear(
      { candidateCode: code.black, presented: { name: 'x' }, reason: 'x' },
      '',
    );
    expect(publicCaller.status).toBe(403);
  });

  test('a clearance written by another process is picked up by the refresh', async () => {
    const otherId = runtime.deps.index.list.get(code.other)!.subject.id;
    expect((await decide({ name: NAMES.other })).outcome).toBe('review');
    await db.store.createClearance({
      id: 'clr_00000000000000000000abcd',
      candidateSubjectId: otherId,
      candidateCode: code.other,
      candidateName: NAMES.other,
      presentedName: NAMES.other,
      presentedNormName: normalizeName(NAMES.other),
      presentedKey: null,
      presentedCode: null,
      reason: '另一节点记录',
      keyId: keys.colleague!.id,
      at: '2026-11-23T05:30:00.000Z',
    });
    expect((await decide({ name: NAMES.other })).outcome).toBe('review');
    await runtime.refresh();
    const d = await decide({ name: NAMES.other });
    expect(d.outcome).toBe('clear');
    expect(d.identity.candidates[0].clearance.id).toBe('clr_00000000000000000000abcd');
  });

  test('feedback: per measure, validated against the decision; only its key or an admin', async () => {
    clock.set('2026-11-23T06:00:00.000Z');
    const d = await decide({ code: code.black });
    expect(d.outcome).toBe('block');
    const measures: string[] = d.measures.map((m: { code: string }) => m.code);
    expect(measures.length).toBeGreaterThan(0);
    const path = `/v1/decisions/${d.id}/feedback`;
    const full = measures.map((m, i) =>
      i === 0 ? { code: m, applied: true } : { code: m, applied: false, reason: '本次采购已终止' },
    );

    const unknown = await call('POST', path, keys.implementer!.key, {
      measures: [...full, { code: 'no-such-measure', applied: true }],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(await unknown.json()).toMatchObject({
      type: '/problems/feedback-mismatch',
      unknown: ['no-such-measure'],
      missing: [],
      expected: measures,
    });
    const missing = await call('POST', path, keys.implementer!.key, { measures: full.slice(1) });
    expect(await missing.json()).toMatchObject({ status: 422, missing: [measures[0]] });
    const noReason = await call('POST', path, keys.implementer!.key, {
      measures: full.map((m) => ({ code: m.code, applied: false })),
    });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).errors[0].field).toBe('json.measures.0.reason');

    const someoneElse = await call('POST', path, keys.colleague!.key, { measures: full });
    expect(someoneElse.status).toBe(403);
    expect((await someoneElse.json()).type).toBe('/problems/forbidden');
    const nowhere = await call(
      'POST',
      '/v1/decisions/dec_000000000000000000000000/feedback',
      keys.implementer!.key,
      {
        measures: full,
      },
    );
    expect(nowhere.status).toBe(404);

    const first = await call(
      'POST',
      path,
      keys.implementer!.key,
      { measures: full, note: '已记录' },
      {
        'idempotency-key': 'fb-1',
      },
    );
    expect(first.status).toBe(201);
    const report = await first.json();
    expect(report).toMatchObject({ decisionId: d.id, by: keys.implementer!.id, note: '已记录' });
    expect(report.measures).toEqual(
      full.map((m) => ({ code: m.code, applied: m.applied, reason: m.reason ?? null })),
    );
    const replay = await call(
      'POST',
      path,
      keys.implementer!.key,
      { measures: full, note: '已记录' },
      {
        'idempotency-key': 'fb-1',
      },
    );
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await replay.json()).id).toBe(report.id);

    // An admin may report too; the reports are kept in order.
    const byAdmin = await call('POST', path, keys.admin!.key, {
      measures: full.map((m) => ({ ...m, applied: true })),
    });
    expect(byAdmin.status).toBe(201);
    const history = await (await call('GET', path, keys.implementer!.key)).json();
    expect(history.measures).toEqual(measures);
    expect(history.items.map((r: { by: string }) => r.by)).toEqual([keys.implementer!.id, keys.admin!.id]);
    expect((await call('GET', path, keys.colleague!.key)).status).toBe(403);

    const audit = (await db.store.readAudit(0, 10_000)).filter((a) => a.action === 'feedback.recorded');
    expect(audit.map((a) => [a.actor, a.target])).toEqual([
      [keys.implementer!.id, d.id],
      [keys.admin!.id, d.id],
    ]);
  });
});

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

describe.each(factories)('$name: missing feedback and statistics on a known set', (factory) => {
  let db: TestStore;
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  const clock = movableClock('2026-11-01T02:00:00.000Z');
  const keys: Record<string, { key: string; id: string }> = {};
  const d: Record<string, { id: string; measures: Array<{ code: string }> }> = {};
  const COURT = '重庆市云阳县人民法院, "执行局"';
  const CENTRE = '某市公共资源交易中心';

  const get = (path: string, key: string, headers = {}) =>
    app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } });
  const decideAt = async (at: string, subject: Record<string, string>, key: string) => {
    clock.set(at);
    const res = await app.request('/v1/decisions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ scenario: 'gov-procurement', subject }),
    });
    expect(res.status).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    if (factory.skip) return;
    db = await factory.create();
    const prepared = await prepareStore(
      db.store,
      loadConfig({ CREDCHECK_DEMO: '0' }),
      clock.today(),
      () => {},
    );
    await db.store.importRecords([[org(2, code.black, NAMES.black)]], { actor: 'test' });
    runtime = await openRuntime(db.store, {
      clock,
      catalog: prepared.catalog,
      idHmacKey: prepared.idHmacKey,
      bodyLimit: 1024 * 1024,
      refreshMs: 60_000,
      feedbackDueMs: 7 * 86_400_000,
      snapshotDir: null,
    });
    app = createApp(runtime.deps);
    for (const [name, role, department] of [
      ['implementer', 'implementer', null],
      ['court', 'designator', COURT],
      ['admin', 'admin', null],
      // A procurement centre checks as an implementer and names its department for the statistics.
      ['centre', 'implementer', CENTRE],
    ] as const) {
      const issued = issueApiKey({ role, department, label: name, rateLimit: 0 }, '2026-10-01T00:00:00.000Z');
      await db.store.createApiKey(issued.record);
      keys[name] = { key: issued.key, id: issued.record.id };
    }
    const impl = keys.implementer!.key;
    // In October, apart from the November set the tests below count.
    d.centre = await decideAt('2026-10-15T02:00:00.000Z', { code: code.unlisted }, keys.centre!.key);
    d.d1 = await decideAt('2026-11-01T02:00:00.000Z', { code: code.black }, impl);
    d.d2 = await decideAt('2026-11-01T02:00:00.000Z', { code: code.unlisted }, impl);
    d.d3 = await decideAt('2026-11-01T03:00:00.000Z', { code: code.black }, impl);
    d.d4 = await decideAt('2026-11-02T02:00:00.000Z', { code: code.black }, keys.court!.key);
    d.d5 = await decideAt('2026-11-05T02:00:00.000Z', { name: NAMES.black }, impl);
    d.d6 = await decideAt('2026-11-09T02:00:00.000Z', { code: code.black }, impl);
    clock.set('2026-11-03T00:00:00.000Z');
    const measures = d.d1!.measures.map((m, i) =>
      i === 0 ? { code: m.code, applied: true } : { code: m.code, applied: false, reason: '采购终止' },
    );
    const fb = await app.request(`/v1/decisions/${d.d1!.id}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${impl}` },
      body: JSON.stringify({ measures }),
    });
    expect(fb.status).toBe(201);
    // An objection against the entry after the last decision: counted in its own section.
    clock.set('2026-11-09T03:00:00.000Z');
    const objection = await app.request('/v1/objections', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${impl}` },
      body: JSON.stringify({
        entryId: runtime.deps.index.list.get(code.black)!.entries[0]!.id,
        claim: '执行案件已结案，信息有误',
      }),
    });
    expect(objection.status).toBe(201);
    clock.set('2026-11-10T02:00:00.000Z');
  });

  afterAll(async () => {
    await runtime?.stop();
    await db?.dispose();
  });

  const test = factory.skip ? it.skip : it;
  const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id);

  test('lists decisions still without feedback after the due time, paged, per key', async () => {
    const impl = keys.implementer!.key;
    const due = await (await get('/v1/decisions?feedback=missing', impl)).json();
    expect(ids(due)).toEqual([d.d3!.id]);
    expect(due.before).toBe('2026-11-03T02:00:00.000Z');
    expect(due.items[0]).toMatchObject({
      keyId: keys.implementer!.id,
      outcome: 'block',
      scenario: 'gov-procurement',
    });
    expect(ids(await (await get('/v1/decisions?feedback=missing', keys.admin!.key)).json())).toEqual([
      d.d3!.id,
      d.d4!.id,
    ]);
    expect(
      ids(
        await (await get(`/v1/decisions?feedback=missing&keyId=${keys.court!.id}`, keys.admin!.key)).json(),
      ),
    ).toEqual([d.d4!.id]);
    expect((await get(`/v1/decisions?feedback=missing&keyId=${keys.court!.id}`, impl)).status).toBe(403);

    // A shorter time, one per page.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/decisions?feedback=missing&olderThan=PT12H&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await (await get(q, impl)).json();
      paged.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual([d.d3!.id, d.d5!.id, d.d6!.id]);

    // Without the filter: every decision of the key, clear ones and answered ones included.
    expect(ids(await (await get('/v1/decisions', impl)).json())).toEqual(
      [d.d1!, d.d2!, d.d3!, d.d5!, d.d6!].map((x) => x.id),
    );
    for (const bad of ['olderThan=P1M', 'olderThan=7d', 'cursor=nonsense', 'feedback=given']) {
      const res = await get(`/v1/decisions?${bad}`, impl);
      expect(res.status, bad).toBe(400);
    }
  });

  test('statistics on the known set: checks, hit rates, feedback completion', async () => {
    expect((await get('/v1/stats', keys.implementer!.key)).status).toBe(403);
    const res = await get('/v1/stats?from=2026-11-01&to=2026-11-30', keys.admin!.key);
    expect(res.status).toBe(200);
    const s = await res.json();
    expect(s.from).toBe('2026-10-31T16:00:00.000Z');
    expect(s.to).toBe('2026-11-30T16:00:00.000Z');
    expect(s.checks.total).toEqual({ checks: 6, listed: 4, hitRate: 0.6667 });
    expect(s.checks.byOutcome).toEqual({ block: 4, review: 1, favour: 0, clear: 1 });
    expect(s.checks.byDepartment).toEqual([
      { department: COURT, checks: 1, listed: 1, hitRate: 1 },
      { department: null, checks: 5, listed: 3, hitRate: 0.6 },
    ]);
    expect(s.checks.byScenario).toEqual([
      { scenario: 'gov-procurement', checks: 6, listed: 4, hitRate: 0.6667 },
    ]);
    expect(s.checks.rows).toEqual([
      { department: COURT, scenario: 'gov-procurement', outcome: 'block', checks: 1, listed: 1 },
      { department: null, scenario: 'gov-procurement', outcome: 'block', checks: 3, listed: 3 },
      { department: null, scenario: 'gov-procurement', outcome: 'review', checks: 1, listed: 0 },
      { department: null, scenario: 'gov-procurement', outcome: 'clear', checks: 1, listed: 0 },
    ]);
    expect(s.feedback).toMatchObject({
      dueAfter: 'P7D',
      total: { expected: 5, reported: 1, completion: 0.2, overdue: 2 },
      byDepartment: [
        { department: COURT, expected: 1, reported: 0, completion: 0, overdue: 1 },
        { department: null, expected: 4, reported: 1, completion: 0.25, overdue: 1 },
      ],
    });
    const measures = d.d1!.measures.map((m) => m.code);
    expect(s.feedback.measures).toEqual(
      [...measures].sort().map((m) => ({
        measure: m,
        applied: m === measures[0] ? 1 : 0,
        notApplied: m === measures[0] ? 0 : 1,
      })),
    );
    expect(s.clearances).toEqual({ created: 0, revoked: 0 });
    const objections = {
      received: 1,
      resolved: 0,
      upheld: 0,
      rejected: 0,
      resolvedOnTime: 0,
      pending: 1,
      overdue: 0,
      medianDays: null,
      meanDays: null,
    };
    expect(s.objections).toEqual({
      total: objections,
      byDepartment: [{ department: '重庆市云阳县人民法院', ...objections }],
    });
    expect(s.repairs.total).toMatchObject({ received: 0, decided: 0, pending: 0 });

    // A period with nothing in it, and a reversed one.
    const empty = await (await get('/v1/stats?from=2026-10-01&to=2026-10-02', keys.admin!.key)).json();
    expect(empty.checks.total).toEqual({ checks: 0, listed: 0, hitRate: null });
    expect((await get('/v1/stats?from=2026-11-30&to=2026-11-01', keys.admin!.key)).status).toBe(400);
    expect((await get('/v1/stats?from=yesterday', keys.admin!.key)).status).toBe(400);
  });

  test('an implementer key that names a department: its checks count under that department', async () => {
    const s = await (await get('/v1/stats?from=2026-10-10&to=2026-10-20', keys.admin!.key)).json();
    expect(s.checks.total).toEqual({ checks: 1, listed: 0, hitRate: 0 });
    expect(s.checks.byDepartment).toEqual([{ department: CENTRE, checks: 1, listed: 0, hitRate: 0 }]);
    expect(s.checks.rows).toEqual([
      { department: CENTRE, scenario: 'gov-procurement', outcome: 'clear', checks: 1, listed: 0 },
    ]);
    const csv = await (
      await get('/v1/stats?from=2026-10-10&to=2026-10-20&format=csv', keys.admin!.key)
    ).text();
    expect(csv).toContain(`checks,department,${CENTRE},,,,checks,1\r\n`);
  });

  test('the same statistics as CSV: UTF-8 with BOM, quoted where needed, parsed back to the same figures', async () => {
    const json = await (await get('/v1/stats?from=2026-11-01&to=2026-11-30', keys.admin!.key)).json();
    const res = await get('/v1/stats?from=2026-11-01&to=2026-11-30', keys.admin!.key, { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="credcheck-stats-2026-10-31-2026-11-30.csv"',
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text).toContain('"重庆市云阳县人民法院, ""执行局"""');
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual([
      'section',
      'by',
      'department',
      'scenario',
      'outcome',
      'measure',
      'metric',
      'value',
    ]);
    expect(rows.every((r) => r.length === 8)).toBe(true);
    const value = (
      section: string,
      by: string,
      metric: string,
      dims: Partial<Record<string, string>> = {},
    ) => {
      const hits = rows.filter(
        (r) =>
          r[0] === section &&
          r[1] === by &&
          r[6] === metric &&
          (dims.department ?? '') === r[2] &&
          (dims.scenario ?? '') === r[3] &&
          (dims.outcome ?? '') === r[4] &&
          (dims.measure ?? '') === r[5],
      );
      expect(hits, `${section}/${by}/${metric}/${JSON.stringify(dims)}`).toHaveLength(1);
      return hits[0]![7];
    };
    expect(value('period', 'total', 'from')).toBe(json.from);
    expect(value('checks', 'total', 'checks')).toBe('6');
    expect(value('checks', 'total', 'hit_rate')).toBe('0.6667');
    expect(value('checks', 'outcome', 'checks', { outcome: 'favour' })).toBe('0');
    expect(value('checks', 'department', 'checks', { department: COURT })).toBe('1');
    expect(value('checks', 'department', 'hit_rate', { department: '' })).toBe('0.6');
    expect(
      value('checks', 'department,scenario,outcome', 'checks', {
        scenario: 'gov-procurement',
        outcome: 'block',
      }),
    ).toBe('3');
    expect(value('feedback', 'total', 'completion')).toBe('0.2');
    expect(value('feedback', 'department', 'overdue', { department: COURT })).toBe('1');
    expect(value('feedback', 'measure', 'applied', { measure: d.d1!.measures[0]!.code })).toBe('1');
    expect(value('clearances', 'total', 'created')).toBe('0');
    expect(value('objections', 'department', 'pending', { department: '重庆市云阳县人民法院' })).toBe('1');
    // ?format=csv gives the same document.
    const byQuery = await get('/v1/stats?from=2026-11-01&to=2026-11-30&format=csv', keys.admin!.key);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await byQuery.arrayBuffer())).toBe(text);
  });
});
