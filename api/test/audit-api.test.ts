import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateResidentId, generateUSCC } from '@credcheck/sdk/identifiers';
import { maskIdStaff } from '@credcheck/sdk/mask';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/helpers/seeded-random.ts';
import { createApp } from '../src/app.ts';
import { verifyAuditLog } from '../src/audit/verify.ts';
import { issueApiKey } from '../src/auth/api-key.ts';
import { loadConfig } from '../src/config.ts';
import { fixedClock } from '../src/domain/clock.ts';
import type { ImportRecord } from '../src/domain/model.ts';
import { personKey } from '../src/domain/person-key.ts';
import { openRuntime, type Runtime } from '../src/runtime.ts';
import { prepareStore } from '../src/server.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/types.ts';

/**
 * Decisions made through the HTTP API land in the audit log, one record each (who, whom, when,
 * result: domain §11), written by the SQLite writer thread in the decisions' own transaction.
 */

const TODAY = '2026-11-23';
const rand = seededRandom(11);
const listed = generateUSCC(rand);
const clean = generateUSCC(rand);
const personId = generateResidentId(rand);

const BLACK: ImportRecord['entry'] = {
  listType: 'dishonest-judgment-debtor',
  kind: 'black',
  designator: '重庆市云阳县人民法院',
  department: '重庆市云阳县人民法院',
  basis: '（2024）渝0235执7号',
  reason: '有履行能力而拒不履行生效法律文书确定义务',
  decidedOn: '2024-03-01',
  publishedOn: '2024-03-05',
  validUntil: null,
  status: 'active',
};

describe('audit of decisions made through the HTTP API', () => {
  let dir: string;
  let store: Store;
  let runtime: Runtime;
  let app: ReturnType<typeof createApp>;
  let key: string;
  let keyId: string;
  let idHmacKey: string;

  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-audit-api-'));
    store = openSqliteStore(join(dir, 'test.db'));
    await store.migrate();
    const prepared = await prepareStore(store, loadConfig({ CREDCHECK_DEMO: '0' }), TODAY, () => {});
    idHmacKey = prepared.idHmacKey;
    const name = '重庆远禾装饰工程有限公司';
    await store.importRecords(
      [
        [
          {
            line: 2,
            subject: {
              type: 'org',
              key: listed,
              code: listed,
              idMasked: null,
              name,
              normName: name,
              legalRep: null,
              legalRepKey: null,
              division: listed.slice(2, 8),
            },
            entry: BLACK,
          },
          {
            line: 3,
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
            entry: { ...BLACK, basis: '（2024）渝0235执8号' },
          },
        ],
      ],
      { actor: 'test' },
    );
    runtime = await openRuntime(store, {
      clock: fixedClock(TODAY),
      catalog: prepared.catalog,
      idHmacKey,
      bodyLimit: 1024 * 1024,
      refreshMs: 60_000,
      snapshotDir: null,
    });
    app = createApp(runtime.deps);
    const issued = issueApiKey(
      { role: 'implementer', department: null, label: 'procurement portal', rateLimit: 0 },
      '2026-11-01T00:00:00.000Z',
    );
    await store.createApiKey(issued.record);
    key = issued.key;
    keyId = issued.record.id;
  });

  afterAll(async () => {
    await runtime?.stop();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one record per decision, single and batch, naming the key, the subject and the outcome', async () => {
    const before = await store.auditHead();
    const singles = await Promise.all(
      [listed, clean, personId].map(async (code) => {
        const res = await post('/v1/decisions', { scenario: 'gov-procurement', subject: { code } });
        expect(res.status).toBe(200);
        return res.json();
      }),
    );
    const batch = await (
      await post('/v1/decisions/batch', {
        scenario: 'gov-procurement',
        items: [
          { subject: { code: listed } },
          { subject: { code: 'nonsense' } },
          { subject: { code: clean } },
        ],
      })
    ).json();
    expect(batch).toMatchObject({ decided: 2, failed: 1 });
    const decided = [...singles, ...batch.items.filter((i: { id?: string }) => i.id)];

    // A response is only sent once its decision is recorded: the audit records are already there.
    const log = (await store.readAudit(before.seq, 1000)).filter((r) => r.action === 'decision');
    expect(log).toHaveLength(5);
    const byId = new Map(log.map((r) => [r.target, r]));
    for (const d of decided) {
      const r = byId.get(d.id)!;
      expect(r).toMatchObject({ actor: keyId, at: d.issuedAt });
      expect(JSON.parse(r.detail)).toEqual({
        subject:
          d.subject === null
            ? null
            : d.subject.type === 'person'
              ? personKey(idHmacKey, personId)
              : d.subject.code,
        scenario: 'gov-procurement',
        outcome: d.outcome,
        dataVersion: d.dataVersion,
      });
    }
    expect(singles.map((d) => d.outcome)).toEqual(['block', 'clear', 'block']);
    expect(JSON.parse(byId.get(singles[2].id)!.detail).subject).toMatch(/^p:/);
    // The person's ID number never enters the log.
    expect(JSON.stringify(await store.readAudit(0, 1000))).not.toContain(personId);

    const v = await verifyAuditLog(store);
    expect(v.broken).toBeNull();
    expect(v.last).toEqual(await store.auditHead());
  });
});
