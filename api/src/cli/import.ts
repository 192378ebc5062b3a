import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Catalog } from '../domain/catalog.ts';
import { createClock } from '../domain/clock.ts';
import { loadDefaultCatalog } from '../domain/default-catalog.ts';
import { ImportFileError, type ImportProgress, type ImportReport, importFile } from '../import/index.ts';
import { loadLiveIndex, SNAPSHOT_FILE_NAME } from '../index/startup.ts';
import type { Store } from '../store/types.ts';
import { openStoreFromEnv } from './open-store.ts';
import { type CliCommand, CliError, type CliIO } from './types.ts';

/** Imports at least this large rebuild the API's index snapshot by default (see --no-index). */
const INDEX_AFTER = 10_000;

const USAGE = `Usage: credcheck import <file> [--dry-run] [--json] [--actor NAME] [--no-index]

Imports red/black list entries from a CSV, XLSX, JSON or NDJSON file into the local store
(PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR). The file goes in whole or not at
all: if any row is rejected, nothing is written and every problem is listed with its line.

  --dry-run      validate and count what would change; write nothing
  --json         print the report as JSON on stdout
  --actor NAME   who is importing, recorded in the change log (default: $USER or "cli")
  --no-index     do not bring the API's index snapshot (DATA_DIR/index.snapshot) up to date;
                 by default it is, after an import that changed ${INDEX_AFTER.toLocaleString('en')} entries or more or when
                 there is none yet, so that the next API start loads it in seconds instead of
                 reading the whole store

Exit codes: 0 imported (or dry run clean), 1 rows rejected, 2 usage or file error.`;

interface Args {
  file: string;
  dryRun: boolean;
  index: boolean;
  json: boolean;
  actor: string | undefined;
}

function parseArgs(args: string[]): Args {
  let file: string | undefined;
  let dryRun = false;
  let index = true;
  let json = false;
  let actor: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--dry-run') dryRun = true;
    else if (a === '--no-index') index = false;
    else if (a === '--json') json = true;
    else if (a === '--actor' || a.startsWith('--actor=')) {
      const value = a === '--actor' ? args[++i] : a.slice('--actor='.length);
      if (!value) throw new CliError(`--actor needs a name\n\n${USAGE}`);
      actor = value;
    } else if (a.startsWith('-') && a !== '-') throw new CliError(`unknown option ${a}\n\n${USAGE}`);
    else if (file === undefined) file = a;
    else throw new CliError(`one file at a time (got "${file}" and "${a}")\n\n${USAGE}`);
  }
  if (file === undefined) throw new CliError(`which file?\n\n${USAGE}`);
  return { file, dryRun, index, json, actor };
}

export const importCommand: CliCommand = {
  summary: 'import list entries from CSV, XLSX, JSON or NDJSON into the local store',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const opts = parseArgs(args);
    const path = resolve(io.cwd, opts.file);
    const actor = opts.actor ?? io.env.USER ?? 'cli';
    let size = 0;
    try {
      const info = await stat(path);
      if (!info.isFile())
        return fileError(
          io,
          opts,
          new ImportFileError('not-a-file', `${opts.file} is not a file`, `${opts.file} 不是文件`),
        );
      size = info.size;
    } catch {
      return fileError(
        io,
        opts,
        new ImportFileError('not-found', `File not found: ${opts.file}`, `找不到文件：${opts.file}`),
      );
    }

    const store = await openStoreFromEnv(io);
    const progress = new Progress(io, basename(path), size);
    let report: ImportReport;
    try {
      let catalog: Catalog | null = await store.getCatalog();
      if (!catalog) {
        catalog = loadDefaultCatalog();
        if (!opts.dryRun) await store.replaceCatalog(catalog, actor);
      }
      report = await importFile(store, path, {
        actor,
        catalog,
        dryRun: opts.dryRun,
        today: createClock(io.env.CREDCHECK_NOW).today(),
        onProgress: (p) => progress.update(p),
      });
      progress.done();
      if (opts.index && report.ok && report.summary && !report.summary.dryRun) {
        await refreshIndexSnapshot(
          store,
          io,
          report.summary.entriesCreated + report.summary.entriesUpdated,
          opts,
        );
      }
    } catch (err) {
      if (err instanceof ImportFileError) {
        progress.done();
        return fileError(io, opts, err);
      }
      throw err;
    } finally {
      progress.done();
      await store.close();
    }

    if (opts.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(renderReport(basename(path), report));
    return report.ok ? 0 : 1;
  },
};

/**
 * Brings DATA_DIR/index.snapshot up to the import, so that the API's next start loads it (about
 * a second at a million entries) instead of reading the whole store (about ten). A small import
 * over an existing snapshot is left to the API, which catches up from the change log.
 */
async function refreshIndexSnapshot(store: Store, io: CliIO, changed: number, opts: Args): Promise<void> {
  const dir = resolve(io.cwd, io.env.DATA_DIR || './data');
  if (changed < INDEX_AFTER && existsSync(join(dir, SNAPSHOT_FILE_NAME))) return;
  const started = performance.now();
  const live = await loadLiveIndex(store, { snapshotDir: dir });
  await live.settled;
  if (!opts.json) {
    io.stdout.write(
      `index snapshot for the API written in ${((performance.now() - started) / 1000).toFixed(1)} s (--no-index skips it)\n`,
    );
  }
}

function fileError(io: CliIO, opts: Args, err: ImportFileError): number {
  if (opts.json) {
    io.stdout.write(
      `${JSON.stringify({ ok: false, error: { code: err.code, message: err.message, messageZh: err.messageZh } }, null, 2)}\n`,
    );
  } else {
    io.stderr.write(`credcheck import: ${err.message}\n                  ${err.messageZh}\n`);
  }
  return 2;
}

const FORMAT_NAMES: Record<string, string> = { csv: 'CSV', xlsx: 'XLSX', json: 'JSON', ndjson: 'NDJSON' };
const ENCODING_NAMES: Record<string, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with BOM',
  gb18030: 'GBK/GB18030',
};
const n = (x: number) => x.toLocaleString('en-US');

export function renderReport(name: string, r: ImportReport): string {
  const what =
    r.format === 'xlsx' ? FORMAT_NAMES.xlsx : `${FORMAT_NAMES[r.format]}, ${ENCODING_NAMES[r.encoding]}`;
  const lines: string[] = [];
  if (r.ok && r.summary) {
    const s = r.summary;
    lines.push(`${name} (${what}): ${n(r.rows)} rows, all valid.`);
    let counts = `subjects: ${n(s.subjectsCreated)} new, ${n(s.subjectsUpdated)} updated; entries: ${n(s.entriesCreated)} new, ${n(s.entriesUpdated)} updated, ${n(s.unchanged)} unchanged`;
    let countsZh = `主体新增 ${n(s.subjectsCreated)}、更新 ${n(s.subjectsUpdated)}；条目新增 ${n(s.entriesCreated)}、更新 ${n(s.entriesUpdated)}、未变 ${n(s.unchanged)}`;
    if (s.statusKept > 0) {
      // The rows are among the warnings below.
      counts += `; ${n(s.statusKept)} status(es) kept by the due process`;
      countsZh += `；${n(s.statusKept)} 行状态因异议或修复、撤销程序未采用`;
    }
    if (s.dryRun) {
      lines.push(`Dry run, nothing written. Would change ${counts}.`);
      lines.push(`试运行，未写入任何数据。将会：${countsZh}。`);
    } else {
      lines.push(`Imported ${counts} (data version ${n(s.seq)}).`);
      lines.push(`导入完成：${countsZh}（数据版本 ${n(s.seq)}）。`);
    }
    if (r.warningCount > 0) {
      lines.push('');
      lines.push(
        `${n(r.warningCount)} row(s) imported with a warning; check them. ${n(r.warningCount)} 行已导入但有警告，请核对。`,
      );
      lines.push(...errorTable({ ...r, errors: r.warnings }));
    }
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `${name} (${what}): ${n(r.rows)} rows, ${n(r.errorCount)} problem${r.errorCount === 1 ? '' : 's'}; nothing was written.`,
  );
  lines.push(`共 ${n(r.rows)} 行，发现 ${n(r.errorCount)} 处问题，未写入任何数据。`);
  lines.push('');
  lines.push(...errorTable(r));
  if (r.errorCount > r.errors.length) {
    lines.push('');
    lines.push(
      `Showing the first ${n(r.errors.length)} of ${n(r.errorCount)} problems. 仅显示前 ${n(r.errors.length)} 处问题。`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function errorTable(r: ImportReport): string[] {
  const rows = r.errors.map((e) => [String(e.line), e.column ?? '', clip(e.value ?? '', 24)]);
  const head = ['Line 行', 'Column 列', 'Value 值'];
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((row) => width(row[i]!))));
  const pad = (s: string, w: number, right = false) =>
    right ? ' '.repeat(w - width(s)) + s : s + ' '.repeat(w - width(s));
  const out = [`  ${head.map((h, i) => pad(h, widths[i]!)).join('  ')}  Problem 问题`];
  const indent = 2 + widths.reduce((a, b) => a + b + 2, 0);
  r.errors.forEach((e, k) => {
    const cells = rows[k]!.map((c, i) => pad(c, widths[i]!, i === 0)).join('  ');
    out.push(`  ${cells}  ${e.message}`);
    out.push(`${' '.repeat(indent)}${e.messageZh}`);
  });
  return out;
}

function clip(s: string, max: number): string {
  return [...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s;
}

/** Terminal columns a string takes: CJK and full-width characters take two. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      c >= 0x20000
        ? 2
        : 1;
  }
  return w;
}

/** Files above this size get a progress line even when stderr is not a terminal. */
const BIG_FILE = 32 << 20;

/**
 * Progress on stderr: a line redrawn in place on a terminal; on a pipe or log, for big files only,
 * one plain line per 10 percent, so CI logs stay short.
 */
class Progress {
  private readonly tty: boolean;
  private lastDraw = 0;
  private lastDecile = -1;
  private drawn = false;

  constructor(
    private readonly io: CliIO,
    private readonly name: string,
    private readonly size: number,
  ) {
    this.tty = io.stderr.isTTY === true;
  }

  update(p: ImportProgress): void {
    if (!this.tty && this.size < BIG_FILE) return;
    const pct =
      p.phase === 'writing'
        ? 100
        : p.totalBytes > 0
          ? Math.min(99, Math.floor((p.bytesRead / p.totalBytes) * 100))
          : 0;
    const text =
      p.phase === 'writing'
        ? `${this.name}: ${n(p.rows)} rows read, writing to the store… 正在写入…`
        : `${this.name}: ${pct}% · ${n(p.rows)} rows 行`;
    if (this.tty) {
      const now = Date.now();
      if (p.phase !== 'writing' && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.io.stderr.write(`\r\x1b[2K${text}`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor(pct / 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.io.stderr.write(`${text}\n`);
  }

  done(): void {
    if (this.drawn) this.io.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}
