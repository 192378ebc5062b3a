import { basename, dirname, extname, join, resolve } from 'node:path';
import { intOption, parseArgs } from '../args.ts';
import { CONNECTION_FLAGS, CONNECTION_USAGE, connect } from '../connect.ts';
import { CliFailure, EXIT } from '../exit-codes.ts';
import type { Command } from '../io.ts';
import { failOnRank, OUTCOME_RANK, outcomeLabel, toFailure } from '../labels.ts';
import { detectColumns } from '../screen/columns.ts';
import { createProgress } from '../screen/progress.ts';
import { type RowResult, screenRows } from '../screen/screen-rows.ts';
import { readTable, writeTable } from '../screen/table-file.ts';

const USAGE = `Usage: credcheck screen <file.csv|file.xlsx> --scenario <s> [--code-column c] [--name-column n]
       [--out path] [--concurrency n] [--fail-on <outcome>] [--json]

Screens every row of a spreadsheet (CSV in UTF-8 or GBK, or the first sheet of an XLSX): by the
code column (统一社会信用代码 / uscc / code / 证件号码 …) or, for rows without a code, by the name
column (名称 / 企业名称 / 姓名 / name …): those come back as possible matches to confirm.
Columns are found by their headers; --code-column / --name-column take a header or a 1-based
position. Writes the file back (default: <file>.screened.csv|xlsx beside it; CSV as UTF-8 with a
BOM) with the columns 核查结果 outcome, 状态 status, 名单 lists, 措施 measures, 决定编号 decision id
and 说明 note, then prints counts per outcome. Rows with an invalid code are marked, never dropped.
Exit 3 when any row could not be checked (the API was unavailable: fail closed, re-run them);
exit 2 when the API refused rows for a reason other than an invalid code (an unknown scenario);
--fail-on block|review|favour: exit 4 when a row's outcome is that or more severe.
--concurrency: decision batches (1,000 rows each) in flight, default 4.
${CONNECTION_USAGE}`;

const ADDED = [
  '核查结果 outcome',
  '状态 status',
  '名单 lists',
  '措施 measures',
  '决定编号 decision id',
  '说明 note',
];
/** Summary order: the outcomes that need attention first. */
const ORDER = ['block', 'review', 'favour', 'clear', 'invalid', 'empty', 'error', 'unavailable'];

export function defaultOutPath(input: string): string {
  const ext = extname(input);
  return join(
    dirname(input),
    `${basename(input, ext)}.screened${ext.toLowerCase() === '.xlsx' ? '.xlsx' : '.csv'}`,
  );
}

/** Pads to a terminal width, Chinese characters taking two columns. */
function padWide(text: string, width: number): string {
  const used = [...text].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, width - used));
}

export function addedCells(r: RowResult): string[] {
  return [r.outcome, r.status, r.lists.join('; '), r.measures.join('; '), r.decisionId, r.note];
}

export const screenCommand: Command = {
  summary: 'screen every row of a CSV or XLSX file and write the outcomes back',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, {
      values: [
        ...CONNECTION_FLAGS,
        'scenario',
        'code-column',
        'name-column',
        'out',
        'concurrency',
        'fail-on',
      ],
      switches: ['json'],
    });
    const [file, ...extra] = parsed.positionals;
    if (!file) throw new CliFailure('which file? credcheck screen <file.csv|file.xlsx> --scenario <s>');
    if (extra.length > 0) throw new CliFailure(`unexpected argument "${extra[0]}"`);
    const scenario = parsed.values.get('scenario');
    if (!scenario) throw new CliFailure('--scenario is required (e.g. --scenario financing-credit)');
    const threshold = failOnRank(parsed.values.get('fail-on'), OUTCOME_RANK);
    const concurrency = intOption(parsed, 'concurrency', 4, 64);
    const input = resolve(io.cwd, file);
    const out = resolve(io.cwd, parsed.values.get('out') ?? defaultOutPath(file));
    if (out === input) throw new CliFailure('--out must not be the input file');

    const table = await readTable(input);
    const codeColumn = parsed.values.get('code-column');
    const nameColumn = parsed.values.get('name-column');
    const cols = detectColumns(table.header, {
      ...(codeColumn ? { code: codeColumn } : {}),
      ...(nameColumn ? { name: nameColumn } : {}),
    });
    const cell = (cells: string[], i: number | null) => (i === null ? '' : (cells[i] ?? ''));
    const inputs = table.rows.map((r) => ({
      code: cell(r.cells, cols.code),
      name: cell(r.cells, cols.name),
    }));

    const started = Date.now();
    const progress = createProgress(io, inputs.length, 'screening 核查中');
    const client = connect(parsed, io);
    const results = await screenRows(client, inputs, {
      scenario,
      concurrency,
      onProgress: (done) => progress.update(done),
    }).catch((err) => {
      throw toFailure(err);
    });
    progress.finish();
    const seconds = (Date.now() - started) / 1000;

    const width = table.header.length;
    const pad = (cells: string[]) =>
      cells.length >= width ? cells : [...cells, ...Array(width - cells.length).fill('')];
    const rows = [
      [...table.header, ...ADDED],
      ...table.rows.map((r, i) => [...pad(r.cells), ...addedCells(results[i]!)]),
    ];
    await writeTable(out, table.format, table.delimiter, rows);

    const counts: Record<string, number> = {};
    for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    const unavailable = counts.unavailable ?? 0;
    // Rows refused for a reason other than their code (an unknown scenario) are the caller's to fix.
    const refused = counts.error ?? 0;
    const flagged = threshold !== null && results.some((r) => (OUTCOME_RANK[r.outcome] ?? 0) >= threshold);
    const header = table.header;
    if (parsed.switches.has('json')) {
      io.stdout.write(
        `${JSON.stringify(
          {
            file: input,
            out,
            rows: results.length,
            codeColumn: cols.code === null ? null : header[cols.code],
            nameColumn: cols.name === null ? null : header[cols.name],
            counts,
            unavailable,
            seconds,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      const lines = [
        `${results.length} 行 rows screened in ${seconds.toFixed(1)} s · scenario ${scenario}`,
        `代码列 code column: ${cols.code === null ? '—' : header[cols.code]} · 名称列 name column: ${cols.name === null ? '—' : header[cols.name]}`,
      ];
      const keys = [
        ...ORDER.filter((k) => counts[k]),
        ...Object.keys(counts).filter((k) => !ORDER.includes(k)),
      ];
      for (const k of keys) lines.push(`  ${padWide(outcomeLabel(k), 24)} ${counts[k]}`);
      if (unavailable > 0)
        lines.push(
          `${unavailable} 行未能核查（API 不可用），请重新核查 / rows could not be checked: screen them again`,
        );
      if (refused > 0) {
        const example = results.find((r) => r.outcome === 'error')!.note;
        lines.push(`${refused} 行被 API 拒绝 / rows refused, e.g.: ${example}`);
      }
      lines.push(`写入 written: ${out}`);
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    if (unavailable > 0) return EXIT.unavailable;
    if (refused > 0) return EXIT.usage;
    return flagged ? EXIT.flagged : EXIT.ok;
  },
};
