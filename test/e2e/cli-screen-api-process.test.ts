import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type DecisionBatchItemInput } from '@credcheck/sdk/client';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverCommands } from '../../api/src/cli/index.ts';
import { generateDataset } from '../../api/src/demo/dataset.ts';
import { writeDatasetCsv } from '../../api/src/demo/write-csv.ts';
import { addedCells } from '../../sdk/src/cli/commands/screen.ts';
import { main } from '../../sdk/src/cli/main.ts';
import { toRow } from '../../sdk/src/cli/screen/screen-rows.ts';
import { readTable, writeTable } from '../../sdk/src/cli/screen/table-file.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const ADMIN = 'cck_cli-screen-admin-key-for-this-test-only';
const TODAY = '2026-11-23';
const SEED = 'cli-screen-e2e';
const SCENARIO = 'gov-procurement';
const ROWS = 10_000;

/**
 * `credcheck screen` end to end: lists imported through the api's own importer into a fresh
 * store, a real API process on it, a 10,000-row file screened by the CLI in-process, and the
 * written file checked row by row against what the API answers for the same rows.
 */
describe('credcheck screen against a real API process', () => {
  let dir: string;
  let api: ApiProcess;
  let inputRows: { code: string; name: string }[];
  const run = async (args: string[]) => {
    const c = captureIo(dir, { CREDCHECK_API_URL: api.url, CREDCHECK_API_KEY: ADMIN });
    const code = await main(args, c.io);
    return { code, out: c.stdout.text, err: c.stderr.text };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-screen-'));
    const lists = join(dir, 'lists.csv');
    await writeDatasetCsv(lists, { seed: SEED, subjects: 2000, today: TODAY });
    const imp = captureIo(dir, { DATA_DIR: 'data', CREDCHECK_NOW: TODAY });
    const imported = await serverCommands.import!.run([lists], imp.io);
    if (imported !== 0) throw new Error(`import failed: ${imp.stderr.text}${imp.stdout.text}`);
    api = await startApiProcess({
      DATA_DIR: join(dir, 'data'),
      CREDCHECK_DEMO: '0',
      CREDCHECK_ADMIN_KEY: ADMIN,
      CREDCHECK_RATE_LIMIT: '0',
    });

    // Listed organizations and people, unlisted but valid codes, broken codes, name-only rows
    // (possible matches) and rows with nothing to check, shuffled together.
    const listed = generateDataset({ seed: SEED, subjects: 2000, today: TODAY });
    const orgs: { code: string; name: string }[] = [];
    const names: string[] = [];
    for (const r of listed) {
      if (r.subject_type === 'org') orgs.push({ code: r.uscc, name: r.name });
      if (r.subject_type === 'org' && names.length < 500) names.push(r.name);
    }
    const rand = seededRandom(7);
    inputRows = [];
    for (let i = 0; i < ROWS; i++) {
      const pick = rand();
      if (pick < 0.45) inputRows.push(orgs[Math.floor(rand() * orgs.length)]!);
      else if (pick < 0.85) inputRows.push({ code: generateUSCC(rand), name: `测试企业${i}有限公司` });
      else if (pick < 0.9) inputRows.push({ code: `${generateUSCC(rand).slice(0, 17)}?`, name: '' });
      else if (pick < 0.98) inputRows.push({ code: '', name: names[Math.floor(rand() * names.length)]! });
      else inputRows.push({ code: '', name: '' });
    }
    const csv = ['序号,统一社会信用代码,企业名称,金额（万元）']
      .concat(inputRows.map((r, i) => `${i + 1},${r.code},"${r.name}",${(i % 97) * 10}`))
      .join('\n');
    writeFileSync(join(dir, 'loans.csv'), `${csv}\n`);
  }, 300_000);

  afterAll(async () => {
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('screens 10,000 rows and writes every one back with the API’s answer', async () => {
    const res = await run(['screen', 'loans.csv', '--scenario', SCENARIO, '--json']);
    expect(res.err).not.toContain('Error');
    expect(res.code).toBe(0);
    const summary = JSON.parse(res.out);
    expect(summary.rows).toBe(ROWS);
    expect(summary.unavailable).toBe(0);
    expect(summary.codeColumn).toBe('统一社会信用代码');
    expect(summary.nameColumn).toBe('企业名称');

    const written = await readTable(join(dir, 'loans.screened.csv'));
    expect(written.header.slice(0, 4)).toEqual(['序号', '统一社会信用代码', '企业名称', '金额（万元）']);
    expect(written.rows).toHaveLength(ROWS);

    // The same rows decided directly, in the same way (code if any, else name).
    const client = createClient({ baseUrl: api.url, apiKey: ADMIN, timeout: 30_000 });
    const wanted: { row: number; item: DecisionBatchItemInput }[] = [];
    inputRows.forEach((r, row) => {
      if (r.code) wanted.push({ row, item: { subject: { code: r.code } } });
      else if (r.name) wanted.push({ row, item: { subject: { name: r.name } } });
    });
    const direct = await client.decideMany(
      wanted.map((w) => w.item),
      { scenario: SCENARIO },
    );
    const expected = new Map(wanted.map((w, i) => [w.row, addedCells(toRow(direct.items[i]!))]));
    const counts: Record<string, number> = {};
    written.rows.forEach((r, row) => {
      expect(r.cells.slice(0, 3)).toEqual([String(row + 1), inputRows[row]!.code, inputRows[row]!.name]);
      const [outcome, status, lists, measures, decisionId] = r.cells.slice(4);
      counts[outcome!] = (counts[outcome!] ?? 0) + 1;
      const want = expected.get(row);
      if (!want) {
        expect(outcome).toBe('empty');
        return;
      }
      // Decision ids differ between the two runs; everything the decision says must not.
      expect([outcome, status, lists, measures], `row ${row + 2}`).toEqual(want.slice(0, 4));
      if (outcome === 'invalid') expect(decisionId).toBe('');
      else expect(decisionId).toMatch(/^dec_/);
    });
    expect(counts).toEqual(summary.counts);
    expect(counts.block ?? 0).toBeGreaterThan(100);
    expect(counts.invalid ?? 0).toBeGreaterThan(100);
    expect(counts.empty ?? 0).toBeGreaterThan(50);

    // Each decision id written is a decision the API recorded, with that outcome.
    const sample = written.rows.filter((r) => r.cells[8]).slice(0, 20);
    for (const r of sample) {
      const d = await client.getDecision(r.cells[8]!);
      expect(d.outcome).toBe(r.cells[4]);
    }
    // Name-only rows are possible matches, never taken as the subject.
    const byName = written.rows.find((r) => !r.cells[1] && r.cells[2] && r.cells[9]?.startsWith('疑似'));
    expect(byName).toBeDefined();
  }, 300_000);

  it('exits 4 with --fail-on when a row reaches it, 0 otherwise', async () => {
    const blocked = inputRows.slice(0, 400).filter((r) => r.code && !r.code.endsWith('?'));
    writeFileSync(
      join(dir, 'few.csv'),
      `code,name\n${blocked.map((r) => `${r.code},${r.name}`).join('\n')}\n`,
    );
    const flagged = await run(['screen', 'few.csv', '--scenario', SCENARIO, '--fail-on', 'block']);
    expect(flagged.code).toBe(4);
    expect(flagged.out).toContain('禁止 block');
    const clean = generateUSCC(seededRandom(99));
    writeFileSync(join(dir, 'clean.csv'), `code\n${clean}\n`);
    expect((await run(['screen', 'clean.csv', '--scenario', SCENARIO, '--fail-on', 'review'])).code).toBe(0);
  });

  it('screens an XLSX into an XLSX, columns chosen on the command line', async () => {
    const rows = inputRows.slice(0, 300);
    await writeTable(join(dir, 'book.xlsx'), 'xlsx', ',', [
      ['借款合同号', '客户代码', '客户'],
      ...rows.map((r, i) => [`HT-${i}`, r.code, r.name]),
    ]);
    const res = await run([
      'screen',
      'book.xlsx',
      '--scenario',
      SCENARIO,
      '--code-column',
      '2',
      '--name-column',
      '客户',
    ]);
    expect(res.code).toBe(0);
    expect(res.out).toContain('代码列 code column: 客户代码');
    const written = await readTable(join(dir, 'book.screened.xlsx'));
    expect(written.format).toBe('xlsx');
    expect(written.rows).toHaveLength(rows.length);
    const csv = await readTable(join(dir, 'loans.screened.csv'));
    // Same rows, same answers as the CSV screen above (decision ids aside).
    written.rows.forEach((r, i) => {
      expect(r.cells.slice(3, 7)).toEqual(csv.rows[i]!.cells.slice(4, 8).map((c) => c ?? ''));
    });
  });

  it('looks up, searches and decides with bilingual output and --json', async () => {
    const org = inputRows.find((r) => r.code && r.name && !r.name.startsWith('测试'))!;
    const lookup = await run(['lookup', org.code, 'not-a-code']);
    expect(lookup.code).toBe(0);
    expect(lookup.out).toContain(org.code);
    expect(lookup.out).toContain('代码无效 invalid code');
    const json = JSON.parse((await run(['lookup', org.code, '--json'])).out);
    expect(json.items[0].result).toBe('found');
    const failOn = await run(['lookup', org.code, '--fail-on', 'expired']);
    expect(failOn.code).toBe(4);

    const search = await run(['search', org.name]);
    expect(search.code).toBe(0);
    expect(search.out).toContain('疑似 possible match');
    expect(search.out).toContain(org.code);

    const decide = await run(['decide', '--scenario', SCENARIO, '--code', org.code, '--reference', 'CLI-1']);
    expect(decide.out).toMatch(/决定编号 decision dec_/);
    const decided = JSON.parse(
      (await run(['decide', '--scenario', SCENARIO, '--code', org.code, '--json'])).out,
    );
    expect(decided.receipt).toBeTruthy();
    expect(decide.out).toContain(decided.outcome === 'block' ? '禁止 block' : decided.outcome);
  });

  it('exits 2 when the API refuses the rows (unknown scenario), still writing every row', async () => {
    const res = await run(['screen', 'clean.csv', '--scenario', 'no-such-scenario', '--out', 'refused.csv']);
    expect(res.code).toBe(2);
    expect(res.out).toContain('rows refused');
    expect((await readTable(join(dir, 'refused.csv'))).rows.map((r) => r.cells[1])).toEqual(['error']);
  });

  it('prints a refused request in Chinese and English and exits 2', async () => {
    const res = await run([
      'decide',
      '--scenario',
      'no-such-scenario',
      '--code',
      inputRows[0]!.code || '91110108MA0U94MT1P',
    ]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/\/problems\//);
    expect(res.err).toMatch(/[\u4e00-\u9fff]/);
  });
});
