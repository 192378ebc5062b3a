import { afterEach, beforeEach, expect, it } from 'vitest';
import { renderReport } from '../src/cli/import.ts';
import { importFile } from '../src/import/index.ts';
import type { Store } from '../src/store/types.ts';
import { sqliteFactory, type TestStore } from './helpers/store-factory.ts';
import { CODES, catalog, type Row, sampleRows, TODAY, tempDir, toCsv } from './import-helpers.ts';

// Real registries contain codes whose check character fails: such a row is imported as published,
// and the report warns about it rather than dropping or rejecting it.
let t: TestStore;
let store: Store;
let tmp: ReturnType<typeof tempDir>;

beforeEach(async () => {
  t = await sqliteFactory().create();
  store = t.store;
  await store.replaceCatalog(catalog, 'test');
  tmp = tempDir();
});
afterEach(async () => {
  await t.dispose();
  tmp.dispose();
});

function withCode(index: number, code: string): Row[] {
  const rows = sampleRows();
  rows[index]!.uscc = code;
  return rows;
}

it('imports a USCC whose check character fails, with a warning naming the check and the expected character', async () => {
  const rows = withCode(1, CODES.badCheck);
  const r = await importFile(store, tmp.file('w1.csv', toCsv(rows)), {
    actor: 'test',
    catalog,
    today: TODAY,
  });
  expect(r.ok).toBe(true);
  expect(r.errorCount).toBe(0);
  expect(r.warningCount).toBe(1);
  expect(r.warnings[0]).toMatchObject({ line: 3, column: 'uscc', value: CODES.badCheck });
  expect(r.warnings[0]!.message).toContain("'A'");
  expect(r.warnings[0]!.message).toContain("'T'");
  expect(r.warnings[0]!.messageZh).toContain('校验码');
  const subject = await store.findSubjectByKey(CODES.badCheck);
  expect(subject?.code).toBe(CODES.badCheck);
  expect(renderReport('w1.csv', r)).toContain('warning');
});

it('imports a USCC whose embedded organization code fails its own check, with a warning', async () => {
  const r = await importFile(store, tmp.file('w2.csv', toCsv(withCode(0, '91310110660607217T'))), {
    actor: 'test',
    catalog,
    today: TODAY,
  });
  expect(r.ok).toBe(true);
  expect(r.warnings[0]).toMatchObject({ line: 2, column: 'uscc' });
  expect(await store.findSubjectByKey('91310110660607217T')).not.toBeNull();
});
