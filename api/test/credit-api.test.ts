import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateResidentId, generateUSCC, usccCheckChar } from '@credcheck/sdk/identifiers';
import { maskIdStaff } from '@credcheck/sdk/mask';
import { normalizeName } from '@credcheck/sdk/names';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom as seededRand } from '../../test/helpers/seeded-random.ts';
import { createApp } from '../src/app.ts';
import { issueApiKey } from '../src/auth/api-key.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/domain/clock.ts';
import type { ImportRecord } from '../src/domain/model.ts';
import { personKey } from '../src/domain/person-key.ts';
import { SubjectLookupSchema } from '../src/http/schemas.ts';
import { rotateSigningKey } from '../src/receipts/signing-keys.ts';
import { openRuntime, type Runtime } from '../src/runtime.ts';
import { prepareStore } from '../src/server.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/types.ts';

const TODAY = '2026-11-23';

const rand = seededRand(7);
const code = {
  black: generateUSCC(rand),
  red: generateUSCC(rand),
  redTainted: generateUSCC(rand),
  suspended: generateUSCC(rand),
  repRisk: generateUSCC(rand),
  clean: generateUSCC(rand),
};
const repId = generateResidentId(rand);
const otherPersonId = generateResidentId(rand);
const NAMES = {
  black: '重庆远禾装饰工程有限公司',
  red: '云阳县锦楠安装工程有限责任公司',
  redTainted: '万州区恒达建材有限公司',
  suspended: '涪陵区江北物流有限公司',
  repRisk: '綦江区明德劳务有限公司',
};

type EntryPatch = Partial<ImportRecord['entry']>;
const BLACK: ImportRecord['entry'] = {
  listType: 'dishonest-judgment-debtor',
  kind: 'black',
  designator: '重庆市云阳县人民法院',
  department: '重庆市云阳县人民法院',
  basis: '（2024）渝0235执1号',
  reason: '有履行能力而拒不履行生效法律文书确定义务',
  decidedOn: '2024-03-01',
  publishedOn: '2024-03-05',
  validUntil: null,
  status: 'active',
};
const RED: EntryPatch = {
  listType: 'a-grade-taxpayer',
  kind: 'red',
  designator: '国家税务总局重庆市税务局',
  department: '国家税务总局重庆市税务局',
  basis: '2025年度A级',
  reason: '纳税信用评价A级',
  decidedOn: '2026-04-01',
};

function org(
  line: number,
  uscc: string,
  name: string,
  entry: EntryPatch,
  legalRepKey: string | null = null,
): ImportRecord {
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
      legalRepKey,
      division: uscc.slice(2, 8),
    },
    entry: { ...BLACK, basis: `（2024）渝0235执${line}号`, ...entry },
  };
}

describe('credit API: batch lookups, name search, decisions with receipts', () => {
  let dir: string;
  let store: Store;
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let implementerKey: string;
  let publicKey: string;
  let idHmacKey: string;

  const post = (path: string, body: unknown, key: string | null = implementerKey) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-credit-'));
    store = openSqliteStore(join(dir, 'test.db'));
    await store.migrate();
    const prepared = await prepareStore(store, loadConfig({ CREDCHECK_DEMO: '0' }), TODAY, () => {});
    idHmacKey = prepared.idHmacKey;
    const repKey = personKey(idHmacKey, repId);
    await store.importRecords(
      [
        [
          org(2, code.black, NAMES.black, {}),
          org(3, code.red, NAMES.red, RED),
          org(4, code.redTainted, NAMES.redTainted, RED),
          // A black entry that ended a year ago still bars the green channel (three clean years).
          org(5, code.redTainted, NAMES.redTainted, { decidedOn: '2024-01-10', validUntil: '2025-10-31' }),
          org(6, code.suspended, NAMES.suspended, { status: 'suspended' }),
          org(7, code.repRisk, NAMES.repRisk, RED, repKey),
          {
            line: 8,
            subject: {
              type: 'person',
              key: repKey,
              code: null,
              idMasked: maskIdStaff(repId),
              name: '欧阳振峰',
              normName: '欧阳振峰',
              legalRep: null,
              legalRepKey: null,
              division: repId.slice(0, 6),
            },
            entry: { ...BLACK, basis: '（2024）渝0235执99号' },
          },
        ],
      ],
      { actor: 'test' },
    );
    runtime = await openRuntime(store, {
      clock: fixedClock(TODAY),
      catalog: prepared.catalog,
      idHmacKey,
      bodyLimit: 4 * 1024 * 1024,
      refreshMs: 60_000,
      snapshotDir: null,
    });
    app = createApp(runtime.deps);
    const implementer = issueApiKey(
      { role: 'implementer', department: null, label: 'procurement portal', rateLimit: 0 },
      '2026-11-01T00:00:00.000Z',
    );
    await store.createApiKey(implementer.record);
    implementerKey = implementer.key;
    const pub = issueApiKey(
      { role: 'public', department: null, label: 'website', rateLimit: 0 },
      '2026-11-01T00:00:00.000Z',
    );
    await store.createApiKey(pub.record);
    publicKey = pub.key;
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('POST /v1/subjects/batch', () => {
    it('answers every code in order: found, clean, invalid with the failing check, persons masked', async () => {
      const wrongCheck =
        code.clean.slice(0, 17) + (usccCheckChar(code.clean.slice(0, 17)) === '0' ? '1' : '0');
      const res = await post(
        '/v1/subjects/batch',
        {
          codes: [code.black, code.clean, wrongCheck, 'hello', repId, code.black.toLowerCase()],
        },
        null,
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.counts).toEqual({ found: 3, notFound: 1, invalid: 2 });
      expect(body.items.map((i: { result: string }) => i.result)).toEqual([
        'found',
        'not-found',
        'invalid',
        'invalid',
        'found',
        'found',
      ]);
      expect(body.items[0]).toMatchObject({ index: 0, code: code.black, status: 'black', match: 'code' });
      expect(body.items[0].entries[0]).toMatchObject({
        listType: 'dishonest-judgment-debtor',
        status: 'active',
      });
      expect(body.items[2].failure.check).toBe('check-character');
      expect(body.items[4]).toMatchObject({ match: 'id', status: 'black' });
      // A public caller never gets the ID number back, not even the one it sent.
      expect(JSON.stringify(body)).not.toContain(repId);
      expect(body.items[4].code).toMatch(/^\d\*+[\dX]$/);
      expect(body.items[4].subject.name).not.toBe('欧阳振峰');
      expect(body.dataVersion).toBe(runtime.deps.index.seq);
    });

    it('answers a batch again from the cache byte for byte, each found item as its single lookup shows it', async () => {
      const codes = [code.black, code.clean, 'hello', repId, code.black.toLowerCase(), ` ${code.black}`];
      for (const key of [null, implementerKey]) {
        const first = Buffer.from(await (await post('/v1/subjects/batch', { codes }, key)).arrayBuffer());
        const again = Buffer.from(await (await post('/v1/subjects/batch', { codes }, key)).arrayBuffer());
        expect(again.equals(first)).toBe(true);
        const body = JSON.parse(first.toString('utf8'));
        for (const item of body.items.filter((i: { result: string }) => i.result === 'found')) {
          const one = await (
            await app.request(`/v1/subjects/${encodeURIComponent(codes[item.index]!)}`, {
              headers: key ? { authorization: `Bearer ${key}` } : {},
            })
          ).json();
          const { index, code: shown, result, ...rest } = item;
          expect(rest).toEqual({
            match: one.match,
            status: one.status,
            subject: one.subject,
            entries: one.entries,
            warnings: one.warnings,
          });
        }
      }
    });

    it('shows staff roles the staff mask', async () => {
      const res = await post('/v1/subjects/batch', { codes: [repId] });
      const body = await res.json();
      expect(body.items[0].code).toBe(maskIdStaff(repId));
    });

    it('rejects more than 10,000 codes, non-strings and unknown fields as a whole', async () => {
      for (const bad of [
        { codes: Array.from({ length: 10_001 }, () => code.black) },
        { codes: [code.black, 5] },
        { codes: [code.black], extra: true },
        { codes: [] },
      ]) {
        const res = await post('/v1/subjects/batch', bad, null);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect((await res.json()).type).toBe('/problems/validation-failed');
      }
    });

    it('answers 10,000 codes in one call', async () => {
      const codes = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? code.black : generateUSCC(rand)));
      const res = await post('/v1/subjects/batch', { codes }, null);
      const body = await res.json();
      expect(body.items).toHaveLength(10_000);
      expect(body.counts.found).toBe(3334);
    });
  });

  describe('GET /v1/search', () => {
    it('finds a listed name written differently, always as a possible match with its status', async () => {
      const variants = [
        NAMES.black,
        '重庆远禾装饰工程有限责任公司', // company form differs
        '重慶遠禾裝飾工程有限公司', // traditional characters
        '（重庆）远禾装饰工程有限公司'.replace('（重庆）', '重庆'), // plain
        '重庆远禾装饰工程有限公司 ', // trailing space
        '重庆远和装饰工程有限公司', // one character typo
      ];
      for (const name of variants) {
        const res = await app.request(`/v1/search?name=${encodeURIComponent(name)}`);
        expect(res.status).toBe(200);
        const body = await res.json();
        expect(body.hits[0], name).toMatchObject({ code: code.black, status: 'black', possibleMatch: true });
        expect(body.notice).toContain('confirm');
      }
    });

    it('ranks exact before normalized before similar', async () => {
      const res = await app.request(`/v1/search?name=${encodeURIComponent('重庆远禾装饰工程有限公司')}`);
      const body = await res.json();
      expect(body.hits[0].match).toBe('exact');
      const full = await (
        await app.request(
          `/v1/search?name=${encodeURIComponent('重庆远禾装饰工程有限公司'.replace('有限', 'ｙｏｕ'))}`,
        )
      ).json();
      expect(full.hits.every((h: { match: string }) => h.match !== 'exact')).toBe(true);
    });

    it('does not search persons by name and rejects a missing name', async () => {
      const body = await (await app.request(`/v1/search?name=${encodeURIComponent('欧阳振峰')}`)).json();
      expect(body.hits).toEqual([]);
      const res = await app.request('/v1/search');
      expect(res.status).toBe(400);
      const unknown = await app.request('/v1/search?name=x&foo=1');
      expect(unknown.status).toBe(400);
    });
  });

  describe('POST /v1/decisions', () => {
    it('needs an implementer key: public callers and public keys get problems', async () => {
      const body = { scenario: 'gov-procurement', subject: { code: code.black } };
      const anon = await post('/v1/decisions', body, null);
      expect([401, 403]).toContain(anon.status);
      expect(anon.headers.get('content-type')).toContain('application/problem+json');
      const pub = await post('/v1/decisions', body, publicKey);
      expect(pub.status).toBe(403);
      // Refusals go through the same response path as answers: the request id stays on them.
      expect(pub.headers.get('x-request-id')).toBeTruthy();
      expect((await post('/v1/decisions', body, 'cck_unknown')).headers.get('x-request-id')).toBeTruthy();
      expect((await pub.json()).type).toBe('/problems/forbidden');
    });

    it('blocks a judgment defaulter in procurement with the measure, its basis and the entry', async () => {
      const res = await post('/v1/decisions', {
        scenario: 'gov-procurement',
        subject: { code: code.black, name: NAMES.black },
        reference: 'ZB-2026-0042',
      });
      expect(res.status).toBe(200);
      const d = await res.json();
      expect(d.outcome).toBe('block');
      expect(d.id).toMatch(/^dec_[0-9a-f]{24}$/);
      expect(d.identity).toMatchObject({ matchedBy: 'code', consistent: true, conflicts: [] });
      const m = d.measures.find((x: { code: string }) => x.code === 'procurement-refuse-listed-supplier');
      expect(m).toMatchObject({ binding: 'mandatory', effect: 'block' });
      expect(m.basisZh.length).toBeGreaterThan(0);
      expect(m.implementerZh.length).toBeGreaterThan(0);
      expect(d.entries[0]).toMatchObject({ listType: 'dishonest-judgment-debtor', status: 'active' });
      expect(d.basis.length).toBeGreaterThan(2);
      expect(d.dataVersion).toBe(runtime.deps.index.seq);
      expect(d.reference).toBe('ZB-2026-0042');
    });

    it('signs a receipt that verifies against /.well-known/jwks.json and matches the decision', async () => {
      const d = await (
        await post('/v1/decisions', { scenario: 'gov-procurement', subject: { code: code.black } })
      ).json();
      const jwks = await (await app.request('/.well-known/jwks.json')).json();
      expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
      expect(jwks.keys[0].d).toBeUndefined();
      const { payload, protectedHeader } = await compactVerify(d.receipt, createLocalJWKSet(jwks));
      expect(protectedHeader.alg).toBe('EdDSA');
      const claims = JSON.parse(new TextDecoder().decode(payload));
      expect(claims).toMatchObject({
        jti: d.id,
        outcome: 'block',
        scenario: 'gov-procurement',
        dataVersion: d.dataVersion,
        subject: { code: code.black, matchedBy: 'code' },
      });
      expect(claims.measures).toEqual(d.measures.map((m: { code: string }) => m.code));
      // A tampered receipt does not verify.
      const [h, p, s] = d.receipt.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claims, outcome: 'clear' })).toString('base64url');
      await expect(compactVerify(`${h}.${forged}.${s}`, createLocalJWKSet(jwks))).rejects.toThrow();
      expect(p).not.toBe(forged);
    });

    it('records the decision: retrievable by id by the key that made it', async () => {
      const d = await (
        await post('/v1/decisions', { scenario: 'gov-procurement', subject: { code: code.black } })
      ).json();
      const res = await app.request(`/v1/decisions/${d.id}`, {
        headers: { authorization: `Bearer ${implementerKey}` },
      });
      expect(res.status).toBe(200);
      const rec = await res.json();
      expect(rec).toMatchObject({
        id: d.id,
        outcome: 'block',
        receipt: d.receipt,
        scenario: 'gov-procurement',
      });
      expect(rec.subjectKey).toBeUndefined();
      expect((await store.getDecision(d.id))?.subjectKey).toBe(code.black);
    });

    it('keeps old receipts verifiable after a key rotation and signs new ones with the new key', async () => {
      const before = await (
        await post('/v1/decisions', { scenario: 'gov-procurement', subject: { code: code.black } })
      ).json();
      await rotateSigningKey(store, new Date('2026-11-23T08:00:00Z'));
      expect(await runtime.deps.decisions.reloadKeys()).toBe(true);
      const after = await (
        await post('/v1/decisions', { scenario: 'gov-procurement', subject: { code: code.black } })
      ).json();
      const jwks = await (await app.request('/.well-known/jwks.json')).json();
      expect(jwks.keys).toHaveLength(2);
      const set = createLocalJWKSet(jwks);
      await compactVerify(before.receipt, set);
      await compactVerify(after.receipt, set);
      expect(decodeProtectedHeader(before.receipt).kid).not.toBe(decodeProtectedHeader(after.receipt).kid);
    });

    it('replays the first decision for a repeated Idempotency-Key and refuses the key for another request', async () => {
      const send = (body: unknown, idem: string) =>
        app.request('/v1/decisions', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${implementerKey}`,
            'idempotency-key': idem,
          },
          body: JSON.stringify(body),
        });
      const body = { scenario: 'gov-procurement', subject: { code: code.black }, reference: 'ZB-7' };
      const first = await send(body, 'zb-7-check');
      const a = await first.json();
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      await runtime.deps.decisions.idle();
      const again = await send(body, 'zb-7-check');
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const b = await again.json();
      expect(b.id).toBe(a.id);
      expect(b.receipt).toBe(a.receipt);
      const other = await send({ ...body, reference: 'ZB-8' }, 'zb-7-check');
      expect(other.status).toBe(422);
      expect((await other.json()).type).toBe('/problems/idempotency-key-reused');
      const bad = await send(body, 'has space');
      expect(bad.status).toBe(400);
    });

    it('does not punish on an entry under objection and says why', async () => {
      const d = await (
        await post('/v1/decisions', { scenario: 'gov-procurement', subject: { code: code.suspended } })
      ).json();
      expect(d.outcome).toBe('clear');
      expect(d.measures).toEqual([]);
      expect(d.notApplied[0]).toMatchObject({ why: 'suspended', status: 'suspended' });
      expect(d.notApplied[0].measures).toContain('procurement-refuse-listed-supplier');
    });

    it('escalates a red-listed company whose listed legal representative is black (落实到人)', async () => {
      const d = await (
        await post('/v1/decisions', { scenario: 'gov-procurement', subject: { code: code.repRisk } })
      ).json();
      expect(d.related).toHaveLength(1);
      expect(d.related[0].role).toBe('legal-representative');
      expect(d.related[0].measures.length).toBeGreaterThan(0);
      expect(d.outcome).toBe('review');
      expect(JSON.stringify(d)).not.toContain(repId);
    });

    it('finds a black-listed principal given by ID number', async () => {
      const d = await (
        await post('/v1/decisions', {
          scenario: 'gov-procurement',
          subject: { code: code.red },
          related: [{ role: 'principal', code: repId }],
        })
      ).json();
      expect(d.related.map((r: { role: string }) => r.role)).toEqual(['principal']);
      expect(d.outcome).toBe('review');
    });

    it('grants the green channel to a red-listed subject with three clean years, not to one with a recent black entry', async () => {
      const ok = await (
        await post('/v1/decisions', { scenario: 'admin-licensing', subject: { code: code.red } })
      ).json();
      expect(ok.greenChannel.eligible).toBe(true);
      expect(ok.outcome).toBe('favour');
      const tainted = await (
        await post('/v1/decisions', { scenario: 'admin-licensing', subject: { code: code.redTainted } })
      ).json();
      expect(tainted.greenChannel.eligible).toBe(false);
      expect(tainted.greenChannel.measures).toEqual([]);
    });

    it('says so when the code and the name do not belong together, instead of guessing', async () => {
      // The clean code with the black company's name: neither is silently trusted.
      const d = await (
        await post('/v1/decisions', {
          scenario: 'gov-procurement',
          subject: { code: code.clean, name: NAMES.black },
        })
      ).json();
      expect(d.identity.consistent).toBe(false);
      expect(d.identity.conflicts[0]).toMatchObject({
        field: 'name',
        listed: { code: code.black, status: 'black' },
      });
      expect(d.outcome).toBe('review');
      expect(d.measures).toEqual([]);
      // The red company's code with someone else's name.
      const e = await (
        await post('/v1/decisions', {
          scenario: 'gov-procurement',
          subject: { code: code.red, name: '完全不同的名称有限公司' },
        })
      ).json();
      expect(e.identity.conflicts.map((c: { field: string }) => c.field)).toContain('name');
      expect(e.outcome).toBe('review');
      // And a wrong legal representative's ID number.
      const f = await (
        await post('/v1/decisions', {
          scenario: 'gov-procurement',
          subject: { code: code.repRisk, name: NAMES.repRisk, legalRepCode: otherPersonId },
        })
      ).json();
      expect(f.identity.conflicts.map((c: { field: string }) => c.field)).toContain('legalRepCode');
    });

    it('treats a name alone as a possible match to confirm, never as a hit', async () => {
      const d = await (
        await post('/v1/decisions', {
          scenario: 'gov-procurement',
          subject: { name: '重慶遠禾裝飾工程有限公司' },
        })
      ).json();
      expect(d.identity.matchedBy).toBe('name');
      expect(d.identity.candidates[0]).toMatchObject({ code: code.black, status: 'black' });
      expect(d.subjectId).toBeNull();
      expect(d.measures).toEqual([]);
      expect(d.outcome).toBe('review');
      const none = await (
        await post('/v1/decisions', { scenario: 'gov-procurement', subject: { name: '毫无关联的名字' } })
      ).json();
      expect(none.identity.matchedBy).toBe('none');
      expect(none.outcome).toBe('clear');
    });

    it('rejects an unknown scenario, a bad code, unknown fields and an empty subject with problems', async () => {
      const cases: Array<[unknown, string]> = [
        [{ scenario: 'nope', subject: { code: code.black } }, '/problems/unknown-scenario'],
        [{ scenario: 'gov-procurement', subject: { code: '12345' } }, '/problems/invalid-code'],
        [
          { scenario: 'gov-procurement', subject: { code: code.black }, extra: 1 },
          '/problems/validation-failed',
        ],
        [
          { scenario: 'gov-procurement', subject: { code: code.black, nickname: 'x' } },
          '/problems/validation-failed',
        ],
        [{ scenario: 'gov-procurement', subject: {} }, '/problems/validation-failed'],
      ];
      for (const [body, type] of cases) {
        const res = await post('/v1/decisions', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        const p = await res.json();
        expect(p.type).toBe(type);
        expect(p.detailZh.length).toBeGreaterThan(0);
      }
      const garbage = await app.request('/v1/decisions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${implementerKey}` },
        body: '{"scenario":',
      });
      expect(garbage.status).toBe(400);
    });
  });

  describe('POST /v1/decisions/batch', () => {
    it('decides every item on one data version; a bad item carries its own error', async () => {
      const res = await post('/v1/decisions/batch', {
        scenario: 'gov-procurement',
        items: [
          { subject: { code: code.black } },
          { subject: { code: 'nonsense' } },
          { subject: { code: code.red }, scenario: 'admin-licensing' },
          { subject: { code: code.clean }, reference: 'R-3' },
        ],
      });
      expect(res.status).toBe(200);
      const b = await res.json();
      expect(b).toMatchObject({ decided: 3, failed: 1 });
      expect(b.items.map((i: { outcome?: string }) => i.outcome ?? 'error')).toEqual([
        'block',
        'error',
        'favour',
        'clear',
      ]);
      expect(b.items[1].error.type).toBe('/problems/invalid-code');
      expect(
        new Set(
          b.items.filter((i: { id?: string }) => i.id).map((i: { dataVersion: number }) => i.dataVersion),
        ).size,
      ).toBe(1);
      const jwks = createLocalJWKSet(await (await app.request('/.well-known/jwks.json')).json());
      for (const i of b.items) if (i.receipt) await compactVerify(i.receipt, jwks);
      await runtime.deps.decisions.idle();
      for (const i of b.items) if (i.id) expect(await store.getDecision(i.id)).not.toBeNull();
    });
  });

  describe('index follows the store', () => {
    it('sees an import made after start once refreshed', async () => {
      const fresh = generateUSCC(rand);
      await store.importRecords([[org(50, fresh, '南岸区新增失信有限公司', {})]], { actor: 'test' });
      const before = await (await post('/v1/subjects/batch', { codes: [fresh] }, null)).json();
      expect(before.items[0].result).toBe('not-found');
      await runtime.refresh();
      const after = await (await post('/v1/subjects/batch', { codes: [fresh] }, null)).json();
      expect(after.items[0]).toMatchObject({ result: 'found', status: 'black' });
      const search = await (
        await app.request(`/v1/search?name=${encodeURIComponent('南岸区新增失信有限公司')}`)
      ).json();
      expect(search.hits[0].code).toBe(fresh);
    });
  });

  describe('GET /v1/subjects/{code}: the hot lane answers exactly like the app', () => {
    const lanes = async (path: string, headers: Record<string, string>) => {
      const init = { headers: { 'x-request-id': 'lane-test', ...headers } };
      const hot = await app.request(path, init);
      // A query string sends the request through Hono's middleware chain and route.
      const general = await app.request(`${path}?lane=app`, init);
      return { hot, general };
    };
    const same = async ({ hot, general }: { hot: Response; general: Response }) => {
      expect(hot.status).toBe(general.status);
      expect(Object.fromEntries(hot.headers)).toEqual(Object.fromEntries(general.headers));
      const text = await hot.text();
      expect(text).toBe(await general.text());
      return { status: hot.status, text, headers: hot.headers };
    };
    const key = (k: string) => ({ authorization: `Bearer ${k}` });
    const wrongCheck = () =>
      code.clean.slice(0, 17) + (usccCheckChar(code.clean.slice(0, 17)) === '0' ? '1' : '0');

    it('found, masked, clean, invalid, not modified, refused: same status, headers and body', async () => {
      const black = await same(await lanes(`/v1/subjects/${code.black}`, key(implementerKey)));
      expect(black.status).toBe(200);
      const view = SubjectLookupSchema.parse(JSON.parse(black.text));
      expect(view.entries[0]).toMatchObject({
        listTypeName: expect.any(String),
        status: 'active',
        inForce: true,
      });
      const etag = black.headers.get('etag')!;
      expect(
        (
          await same(
            await lanes(`/v1/subjects/${code.black}`, { ...key(implementerKey), 'if-none-match': etag }),
          )
        ).status,
      ).toBe(304);
      for (const who of [key(publicKey), key(implementerKey), {}]) {
        const person = await same(await lanes(`/v1/subjects/${repId}`, who));
        expect(person.text).not.toContain(repId);
        SubjectLookupSchema.parse(JSON.parse(person.text));
      }
      expect((await same(await lanes(`/v1/subjects/${code.clean}`, {}))).status).toBe(404);
      expect((await same(await lanes(`/v1/subjects/${wrongCheck()}`, {}))).status).toBe(400);
      expect((await same(await lanes('/v1/subjects/hello', {}))).status).toBe(400);
      const fullWidth = [...code.suspended.toLowerCase()]
        .map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
        .join('');
      expect((await same(await lanes(`/v1/subjects/${encodeURIComponent(fullWidth)}`, {}))).status).toBe(200);
      expect(
        (await same(await lanes(`/v1/subjects/${code.red}`, { origin: 'chrome-extension://abc' }))).status,
      ).toBe(200);
      expect(
        (await same(await lanes(`/v1/subjects/${code.red}`, { authorization: 'Basic eHl6' }))).status,
      ).toBe(401);
      // An unknown key: the first request asks the store (app), then both lanes know it from memory.
      expect((await same(await lanes(`/v1/subjects/${code.red}`, key('cc_unknown_key_000000')))).status).toBe(
        401,
      );
    });

    it('serves lookups without the middleware chain, and leaves the rest to the app', async () => {
      const { hotLookup } = await import('../src/http/hot-lookup.ts');
      const { createAuth } = await import('../src/http/auth.ts');
      const { corsHeaders } = await import('../src/http/cors.ts');
      const lane = hotLookup(runtime.deps, createAuth(runtime.deps).gate, corsHeaders());
      const req = (path: string, init?: RequestInit) => new Request(`http://localhost${path}`, init);
      expect(lane(req(`/v1/subjects/${code.black}`), undefined)?.status).toBe(200);
      expect(lane(req(`/v1/subjects/${code.clean}`), undefined)?.status).toBe(404);
      for (const r of [
        req(`/v1/subjects/${code.black}?x=1`),
        req(`/v1/subjects/${code.black}/`),
        req(`/v1/subjects/${code.black}`, { method: 'HEAD' }),
        req('/v1/subjects/batch', { method: 'POST', body: '{}' }),
        req(`/v1/subjects/${'9'.repeat(65)}`),
        req(`/v1/subjects/${code.black}`, { headers: key('cc_never_seen_key_0000') }),
      ]) {
        expect(lane(r, undefined)).toBeUndefined();
      }
    });

    it('rate limits like the app: the same bucket, 429 with Retry-After on both lanes', async () => {
      const limited = createApp({
        ...runtime.deps,
        auth: { adminKeyHash: null, rateLimit: 0, rateLimitAnon: 1, trustProxy: 0 },
      });
      const path = `/v1/subjects/${code.black}`;
      const first = await limited.request(path);
      expect(first.status).toBe(200);
      expect(first.headers.get('ratelimit-limit')).toBe('2');
      await limited.request(`${path}?lane=app`);
      const hot = await limited.request(path, { headers: { 'x-request-id': 'r' } });
      const general = await limited.request(`${path}?lane=app`, { headers: { 'x-request-id': 'r' } });
      expect(hot.status).toBe(429);
      expect(general.status).toBe(429);
      expect(Object.fromEntries(hot.headers)).toEqual(Object.fromEntries(general.headers));
      expect(await hot.text()).toBe(await general.text());
    });
  });
  describe('GET /v1/subjects/{code}: answers from the cache are the answers built afresh', () => {
    const auth = (k: string | null): Record<string, string> => (k ? { authorization: `Bearer ${k}` } : {});
    const read = async (res: Response) => ({
      status: res.status,
      etag: res.headers.get('etag'),
      type: res.headers.get('content-type'),
      text: await res.text(),
    });

    it('found, person, clean and invalid codes, per role, on both lanes, twice', async () => {
      const uncached = createApp({
        ...runtime.deps,
        config: { ...runtime.deps.config, lookupCacheBytes: 0 },
      });
      const codes = [
        code.black,
        code.red,
        code.suspended,
        code.clean,
        repId,
        'hello',
        code.clean.slice(0, 17) + 'I',
      ];
      for (const who of [null, publicKey, implementerKey]) {
        for (const c of codes) {
          const fresh = await read(await uncached.request(`/v1/subjects/${c}`, { headers: auth(who) }));
          for (const path of [`/v1/subjects/${c}`, `/v1/subjects/${c}?lane=app`, `/v1/subjects/${c}`]) {
            expect(await read(await app.request(path, { headers: auth(who) }))).toEqual(fresh);
          }
        }
      }
      // The person's answer differs by role (staff mask): the cache kept them apart.
      const pub = await (await app.request(`/v1/subjects/${repId}`, { headers: auth(publicKey) })).text();
      const staff = await (
        await app.request(`/v1/subjects/${repId}`, { headers: auth(implementerKey) })
      ).text();
      expect(pub).not.toBe(staff);
      const etag = (await app.request(`/v1/subjects/${code.black}`)).headers.get('etag')!;
      const again = await app.request(`/v1/subjects/${code.black}`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
    });

    it('never answers from before a change: a new black entry shows at once after the refresh', async () => {
      const fresh = generateUSCC(rand);
      await store.importRecords([[org(60, fresh, '大渡口区缓存检验有限公司', RED)]], { actor: 'test' });
      await runtime.refresh();
      const first = await (await app.request(`/v1/subjects/${fresh}`)).json();
      expect(first.status).toBe('red');
      expect((await (await app.request(`/v1/subjects/${fresh}`)).json()).status).toBe('red');
      await store.importRecords(
        [[org(61, fresh, '大渡口区缓存检验有限公司', { basis: '（2026）渝0104执7号' })]],
        {
          actor: 'test',
        },
      );
      await runtime.refresh();
      const after = await (await app.request(`/v1/subjects/${fresh}`)).json();
      expect(after.status).toBe('black');
      expect(after.dataVersion).toBeGreaterThan(first.dataVersion);
    });

    it('never answers from before a change of date: an entry that ends today is expired tomorrow', async () => {
      const fresh = generateUSCC(rand);
      await store.importRecords(
        [[org(62, fresh, '大渡口区到期检验有限公司', { validUntil: TODAY, decidedOn: '2025-01-10' })]],
        { actor: 'test' },
      );
      await runtime.refresh();
      let today = TODAY;
      const dated = createApp({
        ...runtime.deps,
        clock: { now: () => new Date(`${today}T04:00:00Z`), today: () => today },
      });
      expect((await (await dated.request(`/v1/subjects/${fresh}`)).json()).status).toBe('black');
      expect((await (await dated.request(`/v1/subjects/${fresh}`)).json()).status).toBe('black');
      today = '2026-11-24';
      const next = await (await dated.request(`/v1/subjects/${fresh}`)).json();
      expect(next).toMatchObject({ status: 'expired', asOf: '2026-11-24' });
    });

    it('serves repeated lookups from the cache, within a small budget too', async () => {
      const { createAnswerCache } = await import('../src/lookup/answer-cache.ts');
      const lookupAnswers = createAnswerCache(4000);
      const small = createApp({ ...runtime.deps, lookupAnswers });
      const uncached = createApp({
        ...runtime.deps,
        config: { ...runtime.deps.config, lookupCacheBytes: 0 },
      });
      const codes = [code.black, code.red, code.redTainted, code.suspended, code.repRisk, code.clean];
      for (let round = 0; round < 3; round++) {
        for (const c of codes) {
          const want = await read(await uncached.request(`/v1/subjects/${c}`));
          // Asked twice in a row (a portal page and its detail view): the second is a hit.
          for (let twice = 0; twice < 2; twice++) {
            expect(await read(await small.request(`/v1/subjects/${c}`))).toEqual(want);
            expect(lookupAnswers.stats().bytes).toBeLessThanOrEqual(4000);
          }
        }
      }
      expect(lookupAnswers.stats()).toMatchObject({ hits: 18, misses: 18 });
    });
  });
});
