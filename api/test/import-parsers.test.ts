import {
  CsvParser,
  type CsvRecord,
  chooseEncoding,
  detectFormat,
  guessDelimiter,
  isDateFormatCode,
  openFirstSheet,
  writeXlsx,
} from '@credcheck/sdk/tabular';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { excelSerialToIso, parseDate } from '../src/import/dates.ts';
import { ImportFileError } from '../src/import/errors.ts';
import { fieldOf, headerKey } from '../src/import/fields.ts';
import { JsonArraySplitter, type JsonRecord, NdjsonSplitter } from '../src/import/json-records.ts';
import { KeySet } from '../src/import/key-set.ts';
import { encodeGbk, tempDir } from './import-helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.dispose());

/** Splits `text` at the given cut points (fractions of its length). */
function cut(text: string, points: number[]): string[] {
  const idx = [...new Set(points.map((p) => Math.floor(p * text.length)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const i of idx) {
    parts.push(text.slice(last, i));
    last = i;
  }
  parts.push(text.slice(last));
  return parts;
}

function serializeCsv(table: string[][], eol: string): string {
  return (
    table
      .map((row) =>
        row.map((v) => (/[",\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v)).join(','),
      )
      .join(eol) + eol
  );
}

describe('CSV parser', () => {
  it('round-trips any table however the text is chunked', () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', '中', ',', '"', '\n', '\r\n', ' ', 'x'),
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        (table, eol, points) => {
          const text = serializeCsv(table, eol);
          const parser = new CsvParser();
          const out: CsvRecord[] = [];
          for (const part of cut(text, points)) parser.push(part, out);
          parser.end(out);
          expect(out.map((r) => r.fields)).toEqual(table);
          // Line numbers: each record starts after the line breaks of the ones before it.
          let line = 1;
          table.forEach((row, i) => {
            expect(out[i]!.line).toBe(line);
            line += 1 + row.join('').split('\n').length - 1;
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips blank lines but counts them', () => {
    const p = new CsvParser();
    const out = p.push('a,b\n\n\r\nc,d\n');
    p.end(out);
    expect(out).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['c', 'd'] },
    ]);
  });

  it('keeps a stray quote inside an unquoted cell, as Excel does', () => {
    const p = new CsvParser();
    const out = p.push('5" pipe,x\n');
    p.end(out);
    expect(out[0]!.fields).toEqual(['5" pipe', 'x']);
  });

  it('refuses a line longer than the limit without buffering the rest', () => {
    const p = new CsvParser({ maxRecordChars: 1000 });
    expect(() => p.push('x'.repeat(1500))).toThrow(ImportFileError);
  });

  it('guesses the delimiter from the header line', () => {
    expect(guessDelimiter('a,b,c')).toBe(',');
    expect(guessDelimiter('a;b;c')).toBe(';');
    expect(guessDelimiter('a\tb\tc,d')).toBe('\t');
  });
});

describe('JSON splitters', () => {
  const entries = [
    { uscc: 'A', name: '甲 "引号" [x] {y}' },
    { uscc: 'B', nested: { a: [1, { b: ']' }] } },
    { uscc: 'C\\' },
  ];

  it('split an array or an {"entries": [...]} wrapper however the text is chunked', () => {
    const docs = [
      JSON.stringify(entries),
      JSON.stringify(entries, null, 2),
      JSON.stringify({ version: 1, meta: { entries: 'no' }, entries, after: [{}] }),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...docs),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (doc, points) => {
          const s = new JsonArraySplitter();
          const out: JsonRecord[] = [];
          for (const part of cut(doc, points)) s.push(part, out);
          s.end(out);
          expect(out).toEqual(entries.map((value, i) => ({ line: i + 1, value })));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports truncation and trailing garbage', () => {
    const truncated = new JsonArraySplitter();
    truncated.push('[{"a":1},{"b":');
    expect(() => truncated.end()).toThrow(/ends in the middle/);
    const trailing = new JsonArraySplitter();
    expect(() => trailing.push('[{"a":1}] x')).toThrow(/after the end/);
  });

  it('NDJSON: one value per line, line numbers kept', () => {
    const s = new NdjsonSplitter();
    const out = s.push('{"a":1}\r\n\n{"b"');
    s.push(':2}\n{bad', out);
    s.end(out);
    expect(out.map((r) => [r.line, r.value instanceof SyntaxError ? 'error' : r.value])).toEqual([
      [1, { a: 1 }],
      [3, { b: 2 }],
      [4, 'error'],
    ]);
  });
});

describe('dates', () => {
  it('parses the spellings lists use and refuses days that do not exist', () => {
    expect(parseDate('2024-02-29')).toEqual({ ok: true, iso: '2024-02-29' });
    expect(parseDate('2023-02-29')).toEqual({ ok: false, reason: 'calendar' });
    expect(parseDate('2024/3/5')).toEqual({ ok: true, iso: '2024-03-05' });
    expect(parseDate('2024.03.05')).toEqual({ ok: true, iso: '2024-03-05' });
    expect(parseDate('2024年3月5日')).toEqual({ ok: true, iso: '2024-03-05' });
    expect(parseDate('20240305')).toEqual({ ok: true, iso: '2024-03-05' });
    expect(parseDate('2024/3/5 0:00')).toEqual({ ok: true, iso: '2024-03-05' });
    expect(parseDate('05/03/2024')).toEqual({ ok: false, reason: 'format' });
    expect(parseDate('2024-13-01')).toEqual({ ok: false, reason: 'calendar' });
  });

  it('converts Excel serial numbers in both date systems', () => {
    expect(excelSerialToIso(45658)).toBe('2025-01-01');
    expect(excelSerialToIso(61)).toBe('1900-03-01');
    expect(excelSerialToIso(44196, true)).toBe('2025-01-01');
    expect(excelSerialToIso(45658.75)).toBe('2025-01-01');
    expect(excelSerialToIso(-1)).toBeNull();
  });

  it('recognises date number formats, not numbers or text', () => {
    expect(isDateFormatCode('yyyy-mm-dd')).toBe(true);
    expect(isDateFormatCode('yyyy"年"m"月"d"日";@')).toBe(true);
    expect(isDateFormatCode('[$-804]yyyy/m/d')).toBe(true);
    expect(isDateFormatCode('General')).toBe(false);
    expect(isDateFormatCode('0.00E+00')).toBe(false);
    expect(isDateFormatCode('"Day"0')).toBe(false);
  });
});

describe('format and encoding detection', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('goes by content first', () => {
    expect(detectFormat('a.csv', bytes('[{"a":1}]'))).toBe('json');
    expect(detectFormat('a.json', bytes('{"a":1}\n{"a":2}\n'))).toBe('ndjson');
    expect(detectFormat('a.json', bytes('{"entries":[]}'))).toBe('json');
    expect(detectFormat('a.txt', bytes('{"uscc":"x"}'))).toBe('ndjson');
    expect(detectFormat('a.json', bytes('{"uscc":"x"}'))).toBe('json');
    expect(detectFormat('a', bytes('uscc,name\n'))).toBe('csv');
    expect(detectFormat('a.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBe('xlsx');
  });

  it('tells UTF-8 from GBK, and UTF-8 with a BOM', () => {
    expect(chooseEncoding(bytes('名称,代码'))).toEqual({ encoding: 'utf-8', skip: 0 });
    expect(chooseEncoding(encodeGbk('名称,代码'))).toEqual({ encoding: 'gb18030', skip: 0 });
    expect(chooseEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({
      encoding: 'utf-8-bom',
      skip: 3,
    });
    // A character cut at the end of the sample is not an error.
    expect(chooseEncoding(bytes('名称').subarray(0, 4)).encoding).toBe('utf-8');
  });
});

describe('header names', () => {
  it('match case, spacing and bracket variants and Chinese aliases', () => {
    expect(fieldOf('List Type')).toBe('list_type');
    expect(fieldOf('listType')).toBe('list_type');
    expect(fieldOf('\ufeffUSCC')).toBe('code');
    expect(fieldOf('统一社会信用代码（身份证号码）')).toBe('code');
    expect(fieldOf('认定日期')).toBe('decided_on');
    expect(fieldOf('有效期至')).toBe('valid_until');
    expect(fieldOf('备注')).toBeUndefined();
    expect(headerKey(' Decided_On ')).toBe('decidedon');
  });
});

describe('KeySet', () => {
  it('finds repeats and only repeats, across growth', () => {
    const set = new KeySet(4);
    const keys: Array<[string, string, string, string]> = [];
    for (let i = 0; i < 20_000; i++)
      keys.push([`9131${i}`, 'dishonest-judgment-debtor', '法院', `（2024）执${i % 977}号`]);
    keys.forEach((k, i) => {
      expect(set.addOrGet(...k, i + 2)).toBe(0);
    });
    keys.forEach((k, i) => {
      expect(set.addOrGet(...k, 99_999)).toBe(i + 2);
    });
    // Moving a character between parts makes a different key.
    expect(set.addOrGet('9131a', 'dishonest-judgment-debtor', '法院', 'x', 7)).toBe(0);
    expect(set.addOrGet('9131', 'adishonest-judgment-debtor', '法院', 'x', 8)).toBe(0);
    expect(set.size).toBe(20_002);
  });
});

describe('XLSX writer and reader', () => {
  it('round-trip a sheet larger than one stream chunk, with numbers, blanks and XML specials', async () => {
    const path = tmp.file('big.xlsx');
    const rows: Array<Array<string | number | null>> = [['code', 'name', 'n']];
    for (let i = 0; i < 30_000; i++)
      rows.push([
        `9131${String(i).padStart(14, '0')}`,
        i % 7 === 0 ? null : `名称 <&> "${i}"\n第二行`,
        i + 0.5,
      ]);
    await writeXlsx(path, rows, { header: true, sheetName: '名单' });
    const sheet = await openFirstSheet(path);
    expect(sheet.sheetName).toBe('名单');
    expect(sheet.totalBytes).toBeGreaterThan(2 << 20);
    const read: string[][] = [];
    const lines: number[] = [];
    for await (const batch of sheet.rows()) {
      for (const r of batch) {
        read.push(r.cells);
        lines.push(r.line);
      }
    }
    expect(read).toHaveLength(rows.length);
    expect(lines.at(-1)).toBe(rows.length);
    rows.forEach((row, i) => {
      const expected = row.map((v) => (v === null ? '' : String(v)));
      expect(read[i]).toEqual(expected);
    });
  });
});
