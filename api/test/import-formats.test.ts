import { maskIdStaff } from '@credcheck/sdk/mask';
import { ZipWriter } from '@credcheck/sdk/tabular';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFile, writeXlsx } from '../src/import/index.ts';
import type { Store } from '../src/store/types.ts';
import { sqliteFactory, type TestStore } from './helpers/store-factory.ts';
import {
  CODES,
  catalog,
  encodeGbk,
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

const run = (path: string) => importFile(store, path, { actor: 'test', catalog, today: TODAY });

/** What the sample rows must leave in the store, whatever the file format. */
async function expectSampleImported() {
  expect(await store.counts()).toEqual({ subjects: 4, entries: 4 });
  const org = await store.findSubjectByKey(CODES.b);
  expect(org).toMatchObject({
    type: 'org',
    code: CODES.b,
    name: '上海岚瑞科技（集团）有限公司',
    legalRep: '李娜',
    division: '310110',
  });
  const [entry] = await store.listEntries(org!.id);
  expect(entry).toMatchObject({
    listType: 'a-grade-taxpayer',
    kind: 'red',
    designator: '国家税务总局上海市税务局',
    department: '国家税务总局上海市税务局',
    decidedOn: '2026-04-20',
    validUntil: '2027-04-19',
    status: 'active',
  });
  const open = await store.findSubjectByKey(CODES.c);
  expect((await store.listEntries(open!.id))[0]!.validUntil).toBeNull();
}

describe('import formats', () => {
  it('CSV in UTF-8', async () => {
    const report = await run(tmp.file('lists.csv', toCsv(sampleRows())));
    expect(report).toMatchObject({ ok: true, format: 'csv', encoding: 'utf-8', rows: 4, errorCount: 0 });
    expect(report.summary).toMatchObject({ rows: 4, subjectsCreated: 4, entriesCreated: 4, dryRun: false });
    await expectSampleImported();
  });

  it('CSV in UTF-8 with a BOM and CRLF line ends (Excel "CSV UTF-8")', async () => {
    const report = await run(tmp.file('lists.csv', `\ufeff${toCsv(sampleRows(), HEADER, '\r\n')}`));
    expect(report).toMatchObject({ ok: true, encoding: 'utf-8-bom', rows: 4 });
    await expectSampleImported();
  });

  it('CSV in GBK (Excel "CSV" on a Chinese system)', async () => {
    const bytes = encodeGbk(toCsv(sampleRows()));
    // The file really is not UTF-8: a strict decoder refuses it.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const report = await run(tmp.file('lists.csv', bytes));
    expect(report).toMatchObject({ ok: true, encoding: 'gb18030', rows: 4 });
    await expectSampleImported();
  });

  it('GBK that starts with a long ASCII-only stretch is still detected', async () => {
    // Past the 64 KiB sample everything looks like UTF-8; the first Chinese row comes later.
    const filler: Row[] = [];
    for (let i = 0; i < 1500; i++) {
      filler.push({
        ...sampleRows()[0]!,
        name: 'Jianyang Chengxin Construction Co Ltd',
        designator: 'Jianyang People Court',
        legal_rep: 'Wang Wei',
        basis: `(2024) case ${i}`,
        reason: 'refuses to perform',
      });
    }
    const bytes = encodeGbk(toCsv([...filler, ...sampleRows().slice(1)]));
    expect(bytes.findIndex((b) => b >= 0x80)).toBeGreaterThan(64 * 1024);
    const report = await run(tmp.file('lists.csv', bytes));
    expect(report).toMatchObject({ ok: true, encoding: 'gb18030', rows: 1503 });
    expect((await store.findSubjectByKey(CODES.b))!.name).toBe('上海岚瑞科技（集团）有限公司');
  });

  it('CSV with semicolons, quoted fields, embedded delimiters, quotes and line breaks', async () => {
    const rows = sampleRows();
    rows[0]!.reason = '违反限制消费令; 且 "拒不履行"\r\n（见判决书）';
    const quote = (v: string) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const text = [HEADER.join(';'), ...rows.map((r) => HEADER.map((h) => quote(r[h] ?? '')).join(';'))].join(
      '\r\n',
    );
    const report = await run(tmp.file('lists.csv', text));
    expect(report).toMatchObject({ ok: true, rows: 4 });
    const subject = await store.findSubjectByKey(CODES.a);
    // A line break inside a cell becomes a space; the rest is kept as written.
    expect((await store.listEntries(subject!.id))[0]!.reason).toBe(
      '违反限制消费令; 且 "拒不履行" （见判决书）',
    );
    // The record after the multi-line one still imports with its own values.
    expect((await store.findSubjectByKey(CODES.b))!.name).toBe('上海岚瑞科技（集团）有限公司');
  });

  it('XLSX written by the writer (inline strings)', async () => {
    const path = tmp.file('lists.xlsx');
    await writeXlsx(path, [HEADER, ...sampleRows().map((r) => HEADER.map((h) => r[h] ?? ''))], {
      header: true,
    });
    const report = await run(path);
    expect(report).toMatchObject({ ok: true, format: 'xlsx', rows: 4 });
    await expectSampleImported();
  });

  it('XLSX as Excel writes it: shared strings, rich text, date cells, a 1904 workbook, gaps', async () => {
    const path = tmp.file('excel.xlsx');
    await writeExcelLikeWorkbook(path);
    const report = await run(path);
    expect(report).toMatchObject({ ok: true, format: 'xlsx', rows: 4 });
    await expectSampleImported();
  });

  it('a renamed XLSX (no extension) is still read as XLSX', async () => {
    const path = tmp.file('upload.bin');
    await writeXlsx(path, [HEADER, ...sampleRows().map((r) => HEADER.map((h) => r[h] ?? ''))]);
    expect((await run(path)).format).toBe('xlsx');
  });

  it('JSON: an array of objects', async () => {
    const report = await run(tmp.file('lists.json', JSON.stringify(sampleRows(), null, 2)));
    expect(report).toMatchObject({ ok: true, format: 'json', rows: 4 });
    await expectSampleImported();
  });

  it('JSON: {"entries": [...]} with other keys around it, camelCase and Chinese keys', async () => {
    const entries = sampleRows().map((r, i) =>
      i % 2 === 0
        ? {
            统一社会信用代码: r.uscc,
            名称: r.name,
            名单类型: r.list_type,
            红黑名单: r.kind,
            认定部门: r.designator,
            认定依据: r.basis,
            认定事由: r.reason,
            认定日期: r.decided_on,
            有效期至: r.valid_until || null,
            法定代表人: r.legal_rep || null,
            主体类型: r.subject_type,
          }
        : {
            uscc: r.uscc,
            name: r.name,
            listType: r.list_type,
            kind: r.kind,
            designator: r.designator,
            basis: r.basis,
            reason: r.reason,
            decidedOn: r.decided_on,
            validUntil: r.valid_until,
            legalRep: r.legal_rep,
            subjectType: r.subject_type,
          },
    );
    const doc = {
      generatedAt: '2026-11-23T08:00:00+08:00',
      note: { entries: 'not this one' },
      entries,
      trailer: [1, 2],
    };
    const report = await run(tmp.file('lists.json', JSON.stringify(doc)));
    expect(report).toMatchObject({ ok: true, format: 'json', rows: 4 });
    await expectSampleImported();
  });

  it('NDJSON', async () => {
    const report = await run(tmp.file('lists.ndjson', toNdjson(sampleRows())));
    expect(report).toMatchObject({ ok: true, format: 'ndjson', rows: 4 });
    await expectSampleImported();
  });

  it('NDJSON without its extension is recognised by content', async () => {
    expect((await run(tmp.file('lists.txt', toNdjson(sampleRows())))).format).toBe('ndjson');
  });

  it('persons: the ID number never reaches the store, only its keyed hash and the staff mask', async () => {
    await run(tmp.file('lists.csv', toCsv(sampleRows())));
    const dump = JSON.stringify(await store.changesSince(0, 1000));
    expect(dump).not.toContain(CODES.person);
    let person = null;
    for await (const batch of store.scan(100))
      for (const s of batch) if (s.subject.type === 'person') person = s.subject;
    expect(person).toMatchObject({
      code: null,
      idMasked: maskIdStaff(CODES.person),
      name: '张明',
      division: '110105',
    });
    expect(person!.key).toMatch(/^p:[0-9a-f]{40}$/);
  });

  it('a legal representative given with an ID number is linked by person key', async () => {
    const rows = sampleRows();
    rows[0]!.legal_rep = '张明';
    rows[0]!.legal_rep_id = CODES.person;
    const report = await run(tmp.file('lists.csv', toCsv(rows, [...HEADER, 'legal_rep_id'])));
    expect(report.ok).toBe(true);
    let person = null;
    for await (const batch of store.scan(100))
      for (const s of batch) if (s.subject.type === 'person') person = s.subject;
    const org = await store.findSubjectByKey(CODES.a);
    expect(org!.legalRepKey).toBe(person!.key);
    expect(JSON.stringify(await store.changesSince(0, 1000))).not.toContain(CODES.person);
  });
});

/** Parts as Excel 2016 writes them, by hand, so the reader is not only tested against its own writer. */
async function writeExcelLikeWorkbook(path: string) {
  const rows = sampleRows();
  const strings: string[] = [];
  const sst = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const dateCols = new Set(['decided_on', 'valid_until']);
  // 1904 system: serial 0 is 1904-01-01.
  const serial1904 = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(1904, 0, 1)) / 86_400_000;
  const col = (i: number) => String.fromCharCode(65 + i);
  // The header on row 1, data on rows 2–3 and 6–7: an empty row element and a row of empty cells
  // sit in between, as Excel leaves them after rows were cleared.
  let sheetRows = `<row r="1" spans="1:11" x14ac:dyDescent="0.25">${HEADER.map((h, i) => `<c r="${col(i)}1" t="s"><v>${sst(h)}</v></c>`).join('')}</row>`;
  rows.forEach((r, k) => {
    const rowNum = k < 2 ? k + 2 : k + 4; // rows 2, 3, then a gap, then 6, 7
    const cells = HEADER.map((h, i) => {
      const v = r[h] ?? '';
      if (v === '') return '';
      const ref = `${col(i)}${rowNum}`;
      if (dateCols.has(h))
        return `<c r="${ref}" s="${h === 'decided_on' ? 1 : 2}"><v>${serial1904(v)}</v></c>`;
      if (h === 'name' && k === 1) {
        // Rich text: two runs plus a phonetic guide that must not leak into the value.
        return `<c r="${ref}" t="s"><v>${strings.push('RICH') - 1}</v></c>`;
      }
      if (h === 'reason' && k === 2) return `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
      return `<c r="${ref}" t="s"><v>${sst(v)}</v></c>`;
    }).join('');
    sheetRows += `<row r="${rowNum}" spans="1:11">${cells}</row>`;
    if (k === 1) sheetRows += '<row r="4" spans="1:11"/><row r="5"><c r="A5"/><c r="B5" s="0"/></row>';
  });
  const sharedXml = strings
    .map((s) =>
      s === 'RICH'
        ? '<si><r><rPr><b/><sz val="11"/></rPr><t>上海岚瑞科技</t></r><r><t xml:space="preserve">（集团）有限公司</t></r><rPh sb="0" eb="2"><t>シャンハイ</t></rPh></si>'
        : `<si><t>${s.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</t></si>`,
    )
    .join('');
  const zip = new ZipWriter(path);
  await zip.add('[Content_Types].xml', [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>',
  ]);
  await zip.add('xl/workbook.xml', [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1" defaultThemeVersion="164011"/><sheets><sheet name="名单" sheetId="3" r:id="rId7"/><sheet name="说明" sheetId="1" r:id="rId1"/></sheets></workbook>',
  ]);
  await zip.add('xl/_rels/workbook.xml.rels', [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/></Relationships>',
  ]);
  await zip.add('xl/styles.xml', [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@"/></numFmts><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>',
  ]);
  await zip.add('xl/sharedStrings.xml', [
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${sharedXml}</sst>`,
  ]);
  // The first tab (rId7 → sheet2.xml) holds the list; sheet1.xml is a notes tab that must be ignored.
  await zip.add('xl/worksheets/sheet1.xml', [
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row></sheetData></worksheet>',
  ]);
  const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1:K7"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="22" customWidth="1"/></cols><sheetData>${sheetRows}</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><rowBreaks count="0"/></worksheet>`;
  await zip.add('xl/worksheets/sheet2.xml', [sheet]);
  await zip.close();
}
