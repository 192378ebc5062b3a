import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateResidentId, generateUSCC, usccCheckChar } from '@credcheck/sdk/identifiers';
import { maskIdStaff } from '@credcheck/sdk/mask';
import { normalizeName } from '@credcheck/sdk/names';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom as seededRand } from '../../test/helpers/seeded-random.ts';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/domain/clock.ts';
import type { ImportRecord } from '../src/domain/model.ts';
import { personKey } from '../src/domain/person-key.ts';
import { openRuntime, type Runtime } from '../src/runtime.ts';
import { prepareStore } from '../src/server.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/types.ts';

const TODAY = '2026-11-23';

const rand = seededRand(42);
const blackCode = generateUSCC(rand);
const expiredCode = generateUSCC(rand);
const cleanCode = generateUSCC(rand);
const personId = generateResidentId(rand);

function orgRecord(
  line: number,
  code: string,
  name: string,
  entry: Partial<ImportRecord['entry']>,
): ImportRecord {
  return {
    line,
    subject: {
      type: 'org',
      key: code,
      code,
      idMasked: null,
      name,
      normName: normalizeName(name),
      legalRep: '张伟明',
      legalRepKey: null,
      division: code.slice(2, 8),
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
      ...entry,
    },
  };
}

describe('API slice: /healthz and /v1/subjects/{code} on SQLite', () => {
  let dir: string;
  let store: Store;
  let app: ReturnType<typeof createApp>;
  let runtime: Runtime;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-app-'));
    store = openSqliteStore(join(dir, 'test.db'));
    await store.migrate();
    const config = loadConfig({ CREDCHECK_DEMO: '0' });
    const { catalog, idHmacKey } = await prepareStore(store, config, TODAY, () => {});
    await store.importRecords(
      [
        [
          orgRecord(2, blackCode, '重庆远禾装饰工程有限公司', {}),
          orgRecord(3, blackCode, '重庆远禾装饰工程有限公司', {
            listType: 'a-grade-taxpayer',
            kind: 'red',
            designator: '国家税务总局重庆市税务局',
            department: '国家税务总局重庆市税务局',
            basis: '2024年度A级',
          }),
          orgRecord(4, expiredCode, '云阳县锦楠安装工程有限责任公司', { validUntil: '2025-06-30' }),
          {
            line: 5,
            subject: {
              type: 'person',
              key: personKey(idHmacKey, personId),
              code: null,
              idMasked: maskIdStaff(personId),
              name: '欧阳振峰',
              normName: '欧阳振峰',
              legalRep: null,
              legalRepKey: null,
              division: personId.slice(0, 6),
            },
            entry: { ...orgRecord(5, blackCode, 'x', {}).entry, basis: '（2024）渝0235执99号' },
          },
        ],
      ],
      { actor: 'test' },
    );
    runtime = await openRuntime(store, {
      clock: fixedClock(TODAY),
      catalog,
      idHmacKey,
      bodyLimit: 1024 * 1024,
      refreshMs: 60_000,
      snapshotDir: null,
    });
    app = createApp(runtime.deps);
  });

  afterAll(async () => {
    await runtime.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports health with the store and data version', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', store: 'sqlite', subjects: 3, entries: 4, asOf: TODAY });
    expect(body.dataVersion).toBeGreaterThan(0);
  });

  it('answers a black-listed organization with every entry, black winning over red', async () => {
    const res = await app.request(`/v1/subjects/${blackCode}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('black');
    expect(body.match).toBe('code');
    expect(body.subject).toMatchObject({ code: blackCode, type: 'org', legalRep: '张*明' });
    expect(body.entries.map((e: { listType: string }) => e.listType).sort()).toEqual([
      'a-grade-taxpayer',
      'dishonest-judgment-debtor',
    ]);
    const black = body.entries.find((e: { kind: string }) => e.kind === 'black');
    expect(black).toMatchObject({
      status: 'active',
      inForce: true,
      listTypeName: '失信被执行人',
      designator: '重庆市云阳县人民法院',
    });
  });

  it('tolerates what real pages contain: lower case, full-width, spaces and zero-width characters', async () => {
    const fullWidth = [...blackCode.toLowerCase()]
      .map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
      .join('\u200b');
    const res = await app.request(`/v1/subjects/${encodeURIComponent(` ${fullWidth} `)}`);
    expect(res.status).toBe(200);
    expect((await res.json()).subject.code).toBe(blackCode);
  });

  it('shows an expired listing as history that does not punish', async () => {
    const body = await (await app.request(`/v1/subjects/${expiredCode}`)).json();
    expect(body.status).toBe('expired');
    expect(body.entries[0]).toMatchObject({ status: 'expired', inForce: false });
  });

  it('finds a person by ID number and never returns the number or name in clear', async () => {
    const res = await app.request(`/v1/subjects/${personId}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(personId);
    expect(text).not.toContain(personId.slice(6, 14));
    expect(text).not.toContain('欧阳振峰');
    const body = JSON.parse(text);
    expect(body.match).toBe('id');
    expect(body.subject.idMasked).toBe(`${personId[0]}${'*'.repeat(16)}${personId[17]}`);
    expect(body.subject.name).toBe('欧**峰');
  });

  it('rejects a code whose check character fails with a problem naming the check', async () => {
    const body17 = blackCode.slice(0, 17);
    const wrong = body17 + (usccCheckChar(body17) === '0' ? '1' : '0');
    const res = await app.request(`/v1/subjects/${wrong}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await res.json();
    expect(body.type).toBe('/problems/invalid-code');
    expect(body.failure.check).toBe('check-character');
    expect(body.detailZh).toBeTruthy();
  });

  it('rejects what is not a code at all', async () => {
    const res = await app.request('/v1/subjects/not-a-code');
    expect(res.status).toBe(400);
    expect((await res.json()).type).toBe('/problems/invalid-code');
  });

  it('answers 404 subject-not-found (clean) for a valid code on no list', async () => {
    const res = await app.request(`/v1/subjects/${cleanCode}`);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toMatchObject({ type: '/problems/subject-not-found', status: 404 });
    expect(body.subjectStatus).toBe('clean');
  });

  it('sends an ETag and honours If-None-Match', async () => {
    const first = await app.request(`/v1/subjects/${blackCode}`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const second = await app.request(`/v1/subjects/${blackCode}`, { headers: { 'If-None-Match': etag! } });
    expect(second.status).toBe(304);
  });

  it('answers unknown paths with a problem document', async () => {
    const res = await app.request('/v2/nothing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const doc = await (await app.request('/problems/invalid-code')).json();
    expect(doc.status).toBe(400);
  });
});
