/**
 * A real API process for the background's tests: a fresh store seeded through the API's own
 * import CLI from a small CSV written here, and a short snapshot interval so that a change made
 * through the API is published within a fraction of a second.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateResidentId, generateUSCC } from '@credcheck/sdk/identifiers';
import { type ApiProcess, startApiProcess } from '../../../test/helpers/api-process.ts';
import { seededRandom } from '../../../test/helpers/seeded-random.ts';

export const ADMIN_KEY = 'cck_extension-background-admin-key-for-tests';
export const TODAY = '2026-11-23';

export interface ListedRow {
  code: string;
  name: string;
  listType: string;
  kind: 'black' | 'red';
  decidedOn: string;
  validUntil: string;
  subjectType: 'org' | 'person';
}

/** Listed subjects the tests know by name; codes are generated (valid) from a seed. */
export function listedRows(seed: number): ListedRow[] {
  const rand = seededRandom(seed);
  const org = (name: string, listType: string, kind: 'black' | 'red', validUntil = ''): ListedRow => ({
    code: generateUSCC(rand),
    name,
    listType,
    kind,
    decidedOn: '2025-03-01',
    validUntil,
    subjectType: 'org',
  });
  return [
    org('鄂州通蔚仪器设备有限公司', 'gov-procurement-serious-violation', 'black'),
    org('杭州澜沧建设工程有限公司', 'wage-arrears-migrant-workers', 'black'),
    org('南京青禾信息技术股份有限公司', 'a-grade-taxpayer', 'red', '2027-12-31'),
    org('成都锦程物流有限公司', 'major-tax-violation', 'black', '2026-06-30'),
    {
      code: generateResidentId(rand, { birthDate: '1980-05-17' }),
      name: '王建国',
      listType: 'dishonest-judgment-debtor',
      kind: 'black',
      decidedOn: '2025-03-01',
      validUntil: '',
      subjectType: 'person',
    },
  ];
}

function csvOf(rows: readonly ListedRow[]): string {
  const head =
    'uscc,name,list_type,kind,designator,basis,reason,decided_on,valid_until,legal_rep,subject_type';
  const lines = rows.map((r, i) =>
    [
      r.code,
      r.name,
      r.listType,
      r.kind,
      '某某市人民政府',
      `（2025）测${i + 1}号`,
      '测试用名单条目',
      r.decidedOn,
      r.validUntil,
      r.subjectType === 'org' ? '张三' : '',
      r.subjectType,
    ].join(','),
  );
  return `${[head, ...lines].join('\n')}\n`;
}

const cliUrl = new URL('../../../api/src/cli/index.ts', import.meta.url).href;

export interface ListedApi extends ApiProcess {
  rows: ListedRow[];
  /** Lists one more organization through POST /v1/entries (the admin key). */
  designate(row: Omit<ListedRow, 'subjectType' | 'decidedOn'>): Promise<void>;
  /** Resolves when the published snapshot version differs from `version`. */
  waitForVersionAfter(version: number): Promise<number>;
}

export async function startListedApi(seed: number): Promise<ListedApi> {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-ext-api-'));
  const rows = listedRows(seed);
  const csv = join(dir, 'lists.csv');
  writeFileSync(csv, csvOf(rows));
  const dataDir = join(dir, 'data');
  // The API's own importer, in a child process like an operator's `credcheck import`.
  const script = `const { serverCommands } = await import(${JSON.stringify(cliUrl)});
process.exitCode = await serverCommands.import.run([${JSON.stringify(csv)}], {
  stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: ${JSON.stringify(dir)} });`;
  const imported = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, DATA_DIR: dataDir, CREDCHECK_NOW: TODAY },
    encoding: 'utf8',
  });
  if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr}${imported.stdout}`);
  const api = await startApiProcess({
    DATA_DIR: dataDir,
    CREDCHECK_DEMO: '0',
    CREDCHECK_ADMIN_KEY: ADMIN_KEY,
    CREDCHECK_RATE_LIMIT: '0',
    // Keyless syncs share one address bucket with the tests' own reads: a 429 retried by the client
    // would count as a second download.
    CREDCHECK_RATE_LIMIT_ANON: '0',
    CREDCHECK_SNAPSHOT_MS: '150',
  });
  return {
    ...api,
    rows,
    async designate(row) {
      const res = await fetch(`${api.url}/v1/entries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({
          code: row.code,
          name: row.name,
          listType: row.listType,
          department: '某某市人民政府',
          basis: '（2026）测增1号',
          reason: '测试新增',
          decidedOn: TODAY,
          validUntil: row.validUntil || null,
        }),
      });
      if (!res.ok) throw new Error(`designation failed: ${res.status} ${await res.text()}`);
    },
    async waitForVersionAfter(version) {
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`${api.url}/v1/snapshot/deltas?from=0`);
        const body = (await res.json().catch(() => null)) as { version?: number } | null;
        if (body?.version !== undefined && body.version !== version) return body.version;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`snapshot version stayed at ${version}`);
    },
    async stop() {
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
