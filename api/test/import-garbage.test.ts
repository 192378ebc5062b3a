import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FileErrorCode, ImportFileError, importFile, writeXlsx } from '../src/import/index.ts';
import type { Store } from '../src/store/types.ts';
import { sqliteFactory, type TestStore } from './helpers/store-factory.ts';
import { catalog, encodeGbk, HEADER, sampleRows, TODAY, tempDir, toCsv } from './import-helpers.ts';

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
afterEach(async () => {
  expect(await store.counts()).toEqual({ subjects: 0, entries: 0 });
  expect(await store.currentSeq()).toBe(seqBefore);
});

/** Imports `path` expecting one file-level error of `code`; returns it and how long it took. */
async function refused(path: string, code: FileErrorCode): Promise<{ error: ImportFileError; ms: number }> {
  const started = performance.now();
  const error = await importFile(store, path, { actor: 'test', catalog, today: TODAY }).then(
    (report) => {
      throw new Error(`expected ${code}, got a report: ${JSON.stringify(report).slice(0, 300)}`);
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  expect((error as ImportFileError).code).toBe(code);
  expect((error as ImportFileError).messageZh).toMatch(/[\u4e00-\u9fff]/);
  return { error: error as ImportFileError, ms: performance.now() - started };
}

/** A file of `size` bytes made by repeating `block`, written without holding it all in memory. */
function bigFile(name: string, size: number, block: Uint8Array): string {
  const path = tmp.file(name);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < size; written += block.length) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
  return path;
}

const MB = 1 << 20;

describe('garbage files: one clear error, quickly, nothing written', () => {
  it('random bytes', async () => {
    const { error } = await refused(tmp.file('random.csv', randomBytes(4096)), 'binary');
    expect(error.message).toContain('binary');
  });

  it('a PNG renamed to .csv is named as a PNG', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(2000),
    ]);
    const { error } = await refused(tmp.file('lists.csv', png), 'binary');
    expect(error.message).toContain('PNG image');
  });

  it('a legacy .xls workbook', async () => {
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      randomBytes(2000),
    ]);
    expect((await refused(tmp.file('lists.xls', xls), 'unknown-format')).error.message).toContain('.xls');
  });

  it('50 MB of random bytes is refused from its first block', async () => {
    const path = bigFile('junk.csv', 50 * MB, randomBytes(MB));
    const { ms } = await refused(path, 'binary');
    expect(ms).toBeLessThan(2000);
  });

  it('50 MB of text without a line break is refused after one megabyte', async () => {
    const path = bigFile('oneline.csv', 50 * MB, Buffer.alloc(MB, 'uscc,name,'));
    const { ms } = await refused(path, 'line-too-long');
    expect(ms).toBeLessThan(3000);
  });

  it('50 MB of prose is refused for lack of a header, not with a million row errors', async () => {
    const line = '道可道，非常道。名可名，非常名。无名天地之始，有名万物之母。\n';
    const path = bigFile('prose.csv', 50 * MB, Buffer.from(line.repeat(4000)));
    const { error, ms } = await refused(path, 'no-header');
    expect(error.message).toContain('道可道');
    expect(ms).toBeLessThan(2000);
  });

  it('a CSV with a header but only rejected rows stops after the first thousand rows', async () => {
    const row = 'not a code,some name,no-list,grey,x,y,z,someday,,,\n';
    const path = bigFile('allbad.csv', 20 * MB, Buffer.from(`${HEADER.join(',')}\n${row.repeat(20_000)}`));
    const { error, ms } = await refused(path, 'too-many-errors');
    expect(error.message).toMatch(/first \d+ rows were all rejected/);
    expect(ms).toBeLessThan(3000);
  });

  it('an empty file and a file of blank lines', async () => {
    await refused(tmp.file('empty.csv', ''), 'empty');
    await refused(tmp.file('blank.csv', '\n\r\n\n'), 'empty');
  });

  it('a header missing required columns names them all', async () => {
    const header = HEADER.filter((h) => h !== 'basis' && h !== 'decided_on');
    const rows = sampleRows();
    const { error } = await refused(tmp.file('missing.csv', toCsv(rows, header)), 'missing-columns');
    expect(error.message).toBe('Required columns missing: basis, decided_on');
  });

  it('two columns with the same meaning', async () => {
    const text = toCsv(sampleRows())
      .replace('uscc,name,', 'uscc,name,统一社会信用代码,')
      .replace(/\n(?=.)/g, '\n,');
    await refused(tmp.file('dup.csv', text), 'duplicate-columns');
  });

  it('a quote that never closes', async () => {
    const text = `${toCsv(sampleRows())}"91310110666007217T,unterminated\n${'x,'.repeat(10)}\n`;
    const { error } = await refused(tmp.file('quote.csv', text), 'line-too-long');
    expect(error.message).toContain('line 6');
  });

  it('UTF-16 text', async () => {
    const text = toCsv(sampleRows());
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect((await refused(tmp.file('unicode.txt', utf16), 'encoding')).error.message).toContain('UTF-16');
  });

  it('UTF-8 Chinese followed by GBK further down: mixed encodings', async () => {
    const utf8 = Buffer.from(toCsv(sampleRows()));
    const filler = Buffer.from(
      `${'91512081MA62K0260E,name,dishonest-judgment-debtor,black,a,b,c,2024-01-01,,,org\n'.repeat(2000)}`,
    );
    const gbk = encodeGbk(
      '91310110666007217T,上海岚瑞科技有限公司,a-grade-taxpayer,red,国家税务总局上海市税务局,b,c,2024-01-01,,,org\n',
    );
    const { error } = await refused(tmp.file('mixed.csv', Buffer.concat([utf8, filler, gbk])), 'encoding');
    expect(error.message).toContain('mixes encodings');
  });

  it('a file named .xlsx that is not a workbook, and a truncated workbook', async () => {
    await refused(tmp.file('fake.xlsx', toCsv(sampleRows())), 'bad-xlsx');
    const path = tmp.file('whole.xlsx');
    await writeXlsx(path, [HEADER, ...sampleRows().map((r) => HEADER.map((h) => r[h] ?? ''))]);
    const bytes = readFileSync(path);
    await refused(tmp.file('cut.xlsx', bytes.subarray(0, Math.floor(bytes.length * 0.6))), 'bad-xlsx');
  });

  it('a zip that is not a workbook', async () => {
    const path = tmp.file('notes.xlsx');
    await writeXlsx(path, [['a']]);
    const bytes = readFileSync(path);
    // Rename the workbook part inside the archive (same length, so offsets stay valid).
    const renamed = Buffer.from(
      bytes.toString('latin1').replaceAll('xl/workbook.xml', 'xl/workbook.xmx'),
      'latin1',
    );
    expect((await refused(tmp.file('zip.xlsx', renamed), 'bad-xlsx')).error.message).toContain(
      'xl/workbook.xml',
    );
  });

  it('JSON that is not a list of entries, or is cut off', async () => {
    await refused(tmp.file('scalar.json', '"hello"'), 'bad-json');
    await refused(tmp.file('object.json', '{"items": [{"uscc": "x"}]}'), 'bad-json');
    const cut = JSON.stringify(sampleRows()).slice(0, -40);
    await refused(tmp.file('cut.json', cut), 'bad-json');
    await refused(tmp.file('syntax.json', '[{"uscc": "91310110666007217T", name: "x"}]'), 'bad-json');
  });

  it('JSON whose first entry has none of the fields', async () => {
    await refused(tmp.file('fields.json', JSON.stringify([{ a: 1, b: 2 }])), 'no-header');
  });

  it('a missing file and a directory', async () => {
    await refused(tmp.file('nothing-here.csv'), 'not-found');
    await refused(tmp.dir, 'not-a-file');
  });
});
