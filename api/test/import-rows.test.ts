import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ImportReport, importFile, writeXlsx } from '../src/import/index.ts';
import type { Store } from '../src/store/types.ts';
import { sqliteFactory, type TestStore } from './helpers/store-factory.ts';
import {
  CODES,
  catalog,
  HEADER,
  type Row,
  sampleRows,
  TODAY,
  tempDir,
  toCsv,
  toNdjson,
} from './import-helpers.ts';

let t: TestStore;
let store: Store;
let tmp: ReturnType<typeof tempDir>;
let seqBefore = 0;

beforeAll(async () => {
  t = await sqliteFactory().create();
  store = t.store;
  await store.replaceCatalog(catalog, 'test');
  seqBefore = await store.currentSeq();
  tmp = tempDir();
});
afterAll(async () => {
  await t.dispose();
  tmp.dispose();
});
beforeEach(async () => {
  // Every file below is rejected, so the store must stay exactly as it was.
  expect(await store.counts()).toEqual({ subjects: 0, entries: 0 });
  expect(await store.currentSeq()).toBe(seqBefore);
});

let fileNo = 0;
async function importCsv(rows: Row[], header = HEADER): Promise<ImportReport> {
  const report = await importFile(store, tmp.file(`f${++fileNo}.csv`, toCsv(rows, header)), {
    actor: 'test',
    catalog,
    today: TODAY,
  });
  expect(await store.counts()).toEqual({ subjects: 0, entries: 0 });
  expect(await store.currentSeq()).toBe(seqBefore);
  return report;
}

/** The sample rows with one cell of one row changed; data rows start on line 2. */
function withCell(index: number, column: string, value: string): Row[] {
  const rows = sampleRows();
  rows[index]![column] = value;
  return rows;
}

describe('rejected rows: reported with their line, nothing written', () => {
  it('a look-alike letter gets a suggested correction, never an automatic one', async () => {
    const r = await importCsv(withCell(0, 'uscc', '9131011O666007217T'));
    expect(r.errors[0]!.message).toContain('Did you mean 91310110666007217T');
  });

  it('a resident ID with a bad check character is reported masked', async () => {
    const r = await importCsv(withCell(3, 'uscc', '110105194912310021'));
    expect(r.errors[0]).toMatchObject({ line: 5, column: 'uscc', value: '110105********0021' });
    expect(JSON.stringify(r)).not.toContain('110105194912310021');
  });

  it('an all-digit USCC stored as an Excel number (last digits zeroed) gets a hint', async () => {
    const r = await importCsv(withCell(0, 'uscc', '911305284265164000'));
    expect(r.errors[0]!.message).toContain('Excel keeps 15');
  });

  it('an organization code, a too-short code, an empty code and an Excel-mangled number', async () => {
    const rows = sampleRows();
    rows[0]!.uscc = '66600721-7';
    rows[0]!.subject_type = '';
    rows[1]!.uscc = '91310110';
    rows[1]!.subject_type = '';
    rows[2]!.uscc = '';
    rows[3]!.uscc = '9.13101E+17';
    const r = await importCsv(rows);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'uscc'],
      [3, 'uscc'],
      [4, 'uscc'],
      [5, 'uscc'],
    ]);
    expect(r.errors[0]!.message).toContain('organization code');
    expect(r.errors[2]!.message).toContain('empty');
    expect(r.errors[3]!.message).toContain('scientific notation');
  });

  it('subject_type contradicting the code', async () => {
    const r = await importCsv(withCell(3, 'subject_type', 'org'));
    expect(r.errors[0]).toMatchObject({ line: 5, column: 'uscc' });
    expect(r.errors[0]!.message).toContain('resident ID');
    expect(r.errors[0]!.value).not.toBe(CODES.person);
  });

  it('dates: not a date, not a real day, validity before the decision, publication before it', async () => {
    const rows = sampleRows();
    rows[0]!.decided_on = '5 March 2024';
    rows[1]!.decided_on = '2026-02-29';
    rows[2]!.decided_on = '2025-06-01';
    rows[2]!.valid_until = '2025-05-31';
    rows[3]!.published_on = '2025-01-09';
    const r = await importCsv(rows, [...HEADER, 'published_on']);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'decided_on'],
      [3, 'decided_on'],
      [4, 'valid_until'],
      [5, 'published_on'],
    ]);
    expect(r.errors[1]!.message).toContain('not a real calendar date');
    expect(r.errors[2]!.message).toBe('valid_until 2025-05-31 is before decided_on 2025-06-01');
  });

  it('other date spellings are accepted: 2024/3/5, 2024年3月5日, 20240305, with a time part', async () => {
    const rows = sampleRows();
    rows[0]!.decided_on = '2024/3/5';
    rows[1]!.decided_on = '2026年4月20日';
    rows[2]!.decided_on = '20250601';
    rows[3]!.decided_on = '2025-01-10 00:00:00';
    const fresh = await sqliteFactory().create();
    try {
      await fresh.store.replaceCatalog(catalog, 'test');
      const path = tmp.file('dates.csv', toCsv(rows));
      const r = await importFile(fresh.store, path, { actor: 'test', catalog, today: TODAY });
      expect(r.errors).toEqual([]);
      const s = await fresh.store.findSubjectByKey(CODES.a);
      expect((await fresh.store.listEntries(s!.id))[0]!.decidedOn).toBe('2024-03-05');
    } finally {
      await fresh.dispose();
    }
  });

  it('list types: not in the catalog, kind contradicting it, a list that does not take persons', async () => {
    const rows = sampleRows();
    rows[0]!.list_type = 'no-such-list';
    rows[1]!.kind = 'black';
    rows[3]!.list_type = 'a-grade-taxpayer';
    rows[3]!.kind = 'red';
    const r = await importCsv(rows);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'list_type'],
      [3, 'kind'],
      [5, 'list_type'],
    ]);
    expect(r.errors[0]!.message).toContain(`not in the catalog (version ${catalog.version})`);
    expect(r.errors[1]!.message).toBe('kind is black but a-grade-taxpayer is a red list');
    expect(r.errors[2]!.message).toBe('a-grade-taxpayer does not list natural persons');
  });

  it('kind and status words in Chinese are understood; unknown ones are not', async () => {
    const rows = sampleRows();
    rows[0]!.kind = '黑名单';
    rows[0]!.status = '异议中';
    rows[1]!.kind = '红';
    rows[1]!.status = 'frozen';
    rows[2]!.kind = 'grey';
    const r = await importCsv(rows, [...HEADER, 'status']);
    expect(r.errors.map((e) => [e.line, e.column, e.value])).toEqual([
      [3, 'status', 'frozen'],
      [4, 'kind', 'grey'],
    ]);
  });

  it('text: control characters, bidi overrides, replacement characters, overlong values, empty required cells', async () => {
    const rows = sampleRows();
    rows[0]!.name = '简阳市澄鑫建筑\u0007工程有限公司';
    rows[1]!.designator = '国家税务总局\u202e上海市税务局';
    rows[2]!.reason = '提供虚假材料\ufffd谋取中标';
    rows[3]!.basis = 'x'.repeat(201);
    const more = sampleRows()[0]!;
    more.uscc = CODES.d;
    more.reason = '   ';
    const r = await importCsv([...rows, more]);
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([
      [2, 'name'],
      [3, 'designator'],
      [4, 'reason'],
      [5, 'basis'],
      [6, 'reason'],
    ]);
    expect(r.errors[0]!.message).toContain('U+0007');
    expect(r.errors[1]!.message).toContain('U+202E');
    expect(r.errors[2]!.message).toContain('encoding');
    expect(r.errors[3]!.message).toContain('at most 200');
    expect(r.errors[4]!.message).toBe('reason is empty');
  });

  it('zero-width characters and surrounding spaces are cleaned, not rejected', async () => {
    const rows = sampleRows();
    rows[0]!.name = '  简阳市澄鑫\u200b建筑工程有限公司\ufeff ';
    const fresh = await sqliteFactory().create();
    try {
      await fresh.store.replaceCatalog(catalog, 'test');
      const r = await importFile(fresh.store, tmp.file('zw.csv', toCsv(rows)), {
        actor: 'test',
        catalog,
        today: TODAY,
      });
      expect(r.ok).toBe(true);
      expect((await fresh.store.findSubjectByKey(CODES.a))!.name).toBe('简阳市澄鑫建筑工程有限公司');
    } finally {
      await fresh.dispose();
    }
  });

  it('a natural person with a legal representative', async () => {
    const r = await importCsv(withCell(3, 'legal_rep', '王伟'));
    expect(r.errors[0]).toMatchObject({
      line: 5,
      column: 'legal_rep',
      message: 'a natural person has no legal representative',
    });
  });

  it('the same listing twice names the first line', async () => {
    const rows = sampleRows();
    const again = { ...rows[1]!, reason: '复核后重新公布' };
    const r = await importCsv([...rows, again]);
    expect(r.errors).toEqual([
      expect.objectContaining({
        line: 6,
        column: 'basis',
        message: 'duplicate of line 3: same subject, list type, designator and basis',
      }),
    ]);
  });

  it('the same subject on the same list with another basis is not a duplicate', async () => {
    const rows = sampleRows();
    const other = { ...rows[0]!, basis: '（2024）川2081执1235号' };
    const fresh = await sqliteFactory().create();
    try {
      await fresh.store.replaceCatalog(catalog, 'test');
      const r = await importFile(fresh.store, tmp.file('two.csv', toCsv([...rows, other])), {
        actor: 'test',
        catalog,
        today: TODAY,
      });
      expect(r.ok).toBe(true);
      expect(await fresh.store.counts()).toEqual({ subjects: 4, entries: 5 });
    } finally {
      await fresh.dispose();
    }
  });

  it('line numbers count physical lines: a quoted cell with line breaks moves the rows after it', async () => {
    const rows = sampleRows();
    rows[0]!.reason = '第一行\n第二行\n第三行';
    rows[2]!.kind = 'purple';
    const r = await importCsv(rows);
    // Row 3 of data starts on line 4 + 2 embedded line breaks = line 6.
    expect(r.errors).toEqual([expect.objectContaining({ line: 6, column: 'kind' })]);
  });

  it('a row with more cells than the header (an unquoted comma) is one clear error', async () => {
    const text = `${toCsv(sampleRows().slice(0, 1))}${CODES.b},上海岚瑞科技,有限公司,a-grade-taxpayer,red,国家税务总局上海市税务局,2025年度名单,A级,2026-04-20,,李娜,org\n`;
    const r = await importFile(store, tmp.file('extra.csv', text), { actor: 'test', catalog, today: TODAY });
    expect(r.errors).toEqual([expect.objectContaining({ line: 3 })]);
    expect(r.errors[0]!.message).toContain('12 cells but the header has 11');
  });

  it('errors are capped in the report but all are counted', async () => {
    const rows: Row[] = [];
    for (let i = 0; i < 60; i++)
      rows.push({ ...sampleRows()[0]!, basis: `（2024）川2081执${i}号`, kind: 'purple' });
    const report = await importFile(store, tmp.file('many.csv', toCsv(rows)), {
      actor: 'test',
      catalog,
      today: TODAY,
      maxErrors: 25,
    });
    expect(report.errorCount).toBe(60);
    expect(report.errors).toHaveLength(25);
    expect(report.errors[24]!.line).toBe(26);
    expect(report.rows).toBe(60);
  });

  it('XLSX rows are reported by sheet row number', async () => {
    const rows = sampleRows();
    rows[2]!.uscc = CODES.badLength;
    const path = tmp.file('bad.xlsx');
    // A title row and a blank row above the header: data starts on sheet row 4.
    await writeXlsx(path, [['信用名单导入'], [], HEADER, ...rows.map((r) => HEADER.map((h) => r[h] ?? ''))]);
    const r = await importFile(store, path, { actor: 'test', catalog, today: TODAY });
    expect(r.format).toBe('xlsx');
    expect(r.errors).toEqual([expect.objectContaining({ line: 6, column: 'uscc', value: CODES.badLength })]);
  });

  it('JSON entries are reported by position (index + 1), NDJSON by line', async () => {
    const rows = sampleRows();
    rows[2]!.kind = 'purple';
    const json = await importFile(store, tmp.file('bad.json', JSON.stringify(rows)), {
      actor: 'test',
      catalog,
      today: TODAY,
    });
    expect(json.errors).toEqual([expect.objectContaining({ line: 3, column: 'kind' })]);
    const nd = `${toNdjson(rows.slice(0, 2))}\n${JSON.stringify(rows[2])}\nnot json\n[1,2]\n`;
    const ndjson = await importFile(store, tmp.file('bad.ndjson', nd), {
      actor: 'test',
      catalog,
      today: TODAY,
    });
    expect(ndjson.errors.map((e) => e.line)).toEqual([4, 5, 6]);
    expect(ndjson.errors[1]!.message).toContain('not valid JSON');
    expect(ndjson.errors[2]!.message).toContain('not a JSON object');
  });

  it('a JSON value of the wrong type is a row error', async () => {
    const rows: unknown[] = sampleRows();
    rows[1] = { ...(rows[1] as Row), name: { zh: '上海' } };
    const r = await importFile(store, tmp.file('obj.json', JSON.stringify(rows)), {
      actor: 'test',
      catalog,
      today: TODAY,
    });
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, column: 'name' })]);
  });
});
