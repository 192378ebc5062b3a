import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/helpers/capture-io.ts';
import { parseArgs } from '../src/cli/args.ts';
import { defaultOutPath } from '../src/cli/commands/screen.ts';
import { EXIT } from '../src/cli/exit-codes.ts';
import { main } from '../src/cli/main.ts';
import { detectColumns, normalizeHeader } from '../src/cli/screen/columns.ts';
import { createProgress } from '../src/cli/screen/progress.ts';
import { readTable, writeTable } from '../src/cli/screen/table-file.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'credcheck-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string> = {}, tty = false) {
  const { io, stdout, stderr } = captureIo(dir, env, tty);
  return { ...io, stdout, stderr };
}

/** A port nothing listens on: the API is unreachable there. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('column detection', () => {
  it('finds code and name columns by their usual headers', () => {
    expect(detectColumns(['序号', '统一社会信用代码', '企业名称'])).toEqual({ code: 1, name: 2 });
    expect(detectColumns(['No', 'USCC', 'Name'])).toEqual({ code: 1, name: 2 });
    expect(detectColumns(['借款人', '统一社会信用代码（必填）'])).toEqual({ code: 1, name: 0 });
    expect(detectColumns(['供应商统一社会信用代码', '金额'])).toEqual({ code: 0, name: null });
    expect(detectColumns(['姓名', '身份证号码'])).toEqual({ code: 1, name: 0 });
    expect(normalizeHeader(' Credit_Code ')).toBe('creditcode');
  });

  it('takes --code-column / --name-column by header or 1-based position', () => {
    expect(detectColumns(['a', 'b', 'c'], { code: 'b', name: '3' })).toEqual({ code: 1, name: 2 });
    expect(() => detectColumns(['a', 'b'], { code: 'x' })).toThrow(/not a column/);
  });

  it('refuses a file with neither column, naming the columns it has', () => {
    expect(() => detectColumns(['金额', '日期'])).toThrow(/金额, 日期/);
  });
});

describe('reading and writing tables', () => {
  it('reads GBK CSV (Excel on a Chinese system) and skips leading blank lines', async () => {
    const head = Buffer.from('cdb3d2bbc9e7bbe1d0c5d3c3b4fac2eb2cc6f3d2b5c3fbb3c6', 'hex'); // 统一社会信用代码,企业名称
    const name = Buffer.from('b1b1bea9b2e2cad4d3d0cfdeb9abcbbe', 'hex'); // 北京测试有限公司
    const path = join(dir, 'gbk.csv');
    writeFileSync(
      path,
      Buffer.concat([Buffer.from('\r\n'), head, Buffer.from('\r\n91110108MA0U94MT1P,'), name]),
    );
    const t = await readTable(path);
    expect(t).toMatchObject({ format: 'csv', encoding: 'gb18030', header: ['统一社会信用代码', '企业名称'] });
    expect(t.rows.map((r) => r.cells)).toEqual([['91110108MA0U94MT1P', '北京测试有限公司']]);
  });

  it('keeps the delimiter and writes UTF-8 with a BOM, quoting where needed', async () => {
    const path = join(dir, 'semi.csv');
    writeFileSync(path, 'code;name\n91110108MA0U94MT1P;"A; B"\n');
    const t = await readTable(path);
    expect(t.delimiter).toBe(';');
    const out = join(dir, 'out.csv');
    await writeTable(out, 'csv', t.delimiter, [
      [...t.header, 'outcome'],
      [...t.rows[0]!.cells, 'clear'],
    ]);
    expect(readFileSync(out, 'utf8')).toBe('\ufeffcode;name;outcome\r\n91110108MA0U94MT1P;"A; B";clear\r\n');
    expect((await readTable(out)).rows[0]!.cells).toEqual(['91110108MA0U94MT1P', 'A; B', 'clear']);
  });

  it('round-trips XLSX, codes kept as text', async () => {
    const path = join(dir, 'in.xlsx');
    await writeTable(path, 'xlsx', ',', [
      ['统一社会信用代码', '名称'],
      ['110101199003070011', '张三'],
      ['', ''],
      ['91110108MA0U94MT1P', '某公司'],
    ]);
    const t = await readTable(path);
    expect(t.format).toBe('xlsx');
    expect(t.header).toEqual(['统一社会信用代码', '名称']);
    expect(t.rows.map((r) => r.cells[0] ?? '')).toEqual(['110101199003070011', '', '91110108MA0U94MT1P']);
  });

  it('names the output beside the input, in the same format', () => {
    expect(defaultOutPath('a/loans.xlsx')).toBe(join('a', 'loans.screened.xlsx'));
    expect(defaultOutPath('loans.CSV')).toBe('loans.screened.csv');
  });
});

describe('progress', () => {
  it('prints plain lines every 10% when not a terminal, a bar in place on one', () => {
    const plain = io();
    const p = createProgress(plain, 100, 'screening', () => 0);
    for (let i = 0; i <= 100; i++) p.update(i);
    p.finish();
    expect(plain.stderr.text.split('\n').filter(Boolean)).toHaveLength(11);
    const tty = io({}, true);
    const bar = createProgress(tty, 10, 'screening', () => 0);
    bar.update(5);
    bar.finish();
    expect(tty.stderr.text).toMatch(/^\rscreening \[#{15}\.{15}\] 50% 5\/10/);
  });
});

describe('arguments and exit codes', () => {
  it('refuses unknown options and missing values (exit 2)', () => {
    expect(() => parseArgs(['--nope'], { values: ['api'] })).toThrow(/unknown option/);
    expect(() => parseArgs(['--api'], { values: ['api'] })).toThrow(/needs a value/);
    expect(
      parseArgs(['x', '--api=http://h', '--json'], { values: ['api'], switches: ['json'] }),
    ).toMatchObject({
      positionals: ['x'],
    });
  });

  it('exits 2 on usage errors, with the message on stderr', async () => {
    const a = io();
    expect(await main(['decide', '--code', '91110108MA0U94MT1P'], a)).toBe(EXIT.usage);
    expect(a.stderr.text).toContain('--scenario is required');
    const b = io();
    expect(await main(['screen', 'missing.csv', '--scenario', 'loan'], b)).toBe(EXIT.usage);
    expect(b.stderr.text).toContain('missing.csv');
    expect(await main(['lookup', '--bogus', 'x'], io())).toBe(EXIT.usage);
  });

  it('fails closed with exit 3 when the API cannot be reached', async () => {
    const api = `http://127.0.0.1:${await closedPort()}`;
    const d = io({ CREDCHECK_API_URL: api });
    expect(await main(['decide', '--scenario', 'loan', '--code', '91110108MA0U94MT1P'], d)).toBe(
      EXIT.unavailable,
    );
    expect(d.stdout.text).toContain('查询不可用 unavailable');
    expect(d.stdout.text).not.toContain('clear');

    writeFileSync(join(dir, 'in.csv'), 'uscc,name\n91110108MA0U94MT1P,A\n,\n,B\n');
    const s = io();
    expect(await main(['screen', 'in.csv', '--scenario', 'loan', '--api', api], s)).toBe(EXIT.unavailable);
    expect(s.stdout.text).toMatch(/2 行未能核查/);
    const out = await readTable(join(dir, 'in.screened.csv'));
    expect(out.rows.map((r) => r.cells[2])).toEqual(['unavailable', 'empty', 'unavailable']);

    const l = io({ CREDCHECK_API_URL: api });
    expect(await main(['lookup', '91110108MA0U94MT1P', '--timeout', '2000'], l)).toBe(EXIT.unavailable);
    expect(l.stderr.text).toContain('无法连接');
  }, 30_000);
});
