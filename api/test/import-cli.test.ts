import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError, type CliIO, serverCommands } from '../src/cli/index.ts';
import { writeDatasetCsv } from '../src/demo/write-csv.ts';
import { loadLiveIndex } from '../src/index/startup.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { CODES, sampleRows, TODAY, tempDir, toCsv } from './import-helpers.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  constructor(tty = false) {
    super();
    if (tty) this.isTTY = true;
  }
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.dispose());

async function cli(args: string[], opts: { tty?: boolean } = {}) {
  const stdout = new Capture();
  const stderr = new Capture(opts.tty);
  const io: CliIO = {
    stdout,
    stderr,
    env: { DATA_DIR: 'data', CREDCHECK_NOW: TODAY, USER: 'tester' },
    cwd: tmp.dir,
  };
  const code = await serverCommands.import!.run(args, io);
  return { code, out: stdout.text, err: stderr.text };
}

async function storeCounts() {
  const store = openSqliteStore(join(tmp.dir, 'data', 'credcheck.db'));
  try {
    await store.migrate();
    return { ...(await store.counts()), catalog: (await store.getCatalog())?.version ?? null };
  } finally {
    await store.close();
  }
}

describe('credcheck import (in process)', () => {
  it('leaves an index snapshot the API starts from (unless --no-index)', async () => {
    tmp.file('lists.csv', toCsv(sampleRows()));
    const skipped = await cli(['lists.csv', '--no-index']);
    expect(skipped.code).toBe(0);
    expect(existsSync(join(tmp.dir, 'data', 'index.snapshot'))).toBe(false);

    const imported = await cli(['lists.csv']);
    expect(imported.code).toBe(0);
    expect(imported.out).toContain('index snapshot for the API written');
    const store = openSqliteStore(join(tmp.dir, 'data', 'credcheck.db'));
    try {
      await store.migrate();
      const started = await loadLiveIndex(store, { snapshotDir: join(tmp.dir, 'data') });
      expect(started.source).toBe('snapshot');
      expect(started.index.seq).toBe(await store.currentSeq());
      await started.settled;
    } finally {
      await store.close();
    }
  });

  it('imports a file into DATA_DIR, loading the default catalog first', async () => {
    tmp.file('lists.csv', toCsv(sampleRows()));
    const first = await cli(['lists.csv']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('lists.csv (CSV, UTF-8): 4 rows, all valid.');
    expect(first.out).toContain('entries: 4 new');
    expect(first.out).toContain('导入完成');
    expect(await storeCounts()).toMatchObject({ subjects: 4, entries: 4 });
    expect((await storeCounts()).catalog).not.toBeNull();

    const again = await cli(['lists.csv']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('4 unchanged');
  });

  it('--dry-run writes nothing; --json prints the report', async () => {
    tmp.file('lists.csv', toCsv(sampleRows()));
    const { code, out } = await cli(['--dry-run', 'lists.csv', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      ok: true,
      format: 'csv',
      rows: 4,
      summary: { entriesCreated: 4, dryRun: true },
    });
    expect(await storeCounts()).toEqual({ subjects: 0, entries: 0, catalog: null });
  });

  it('rejected rows: exit 1, a table with lines, columns and both languages, nothing written', async () => {
    const rows = sampleRows();
    rows[1]!.uscc = CODES.badLength;
    rows[3]!.decided_on = '2025-02-30';
    tmp.file('bad.csv', toCsv(rows));
    const { code, out } = await cli(['bad.csv']);
    expect(code).toBe(1);
    expect(out).toContain('4 rows, 2 problems; nothing was written.');
    const lines = out.split('\n');
    expect(lines.find((l) => /^\s+3\s+uscc\s+9131011066600721\s+/.test(l))).toBeDefined();
    expect(lines.find((l) => /^\s+5\s+decided_on\s+2025-02-30\s+decided_on/.test(l))).toBeDefined();
    expect(out).toContain('应为18位');
    expect(await storeCounts()).toMatchObject({ subjects: 0, entries: 0 });
  });

  it('rejected rows with --json: exit 1 and the errors as data', async () => {
    const rows = sampleRows();
    rows[0]!.kind = 'purple';
    tmp.file('bad.csv', toCsv(rows));
    const { code, out } = await cli(['bad.csv', '--json', '--actor', 'someone']);
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      ok: false,
      errorCount: 1,
      errors: [{ line: 2, column: 'kind', value: 'purple' }],
    });
  });

  it('file errors: exit 2 with one message in both languages', async () => {
    tmp.file('junk.csv', randomBytes(5000));
    const junk = await cli(['junk.csv']);
    expect(junk.code).toBe(2);
    expect(junk.err).toMatch(/binary data[\s\S]*二进制/);
    expect(junk.out).toBe('');

    const missing = await cli(['nope.csv', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.out)).toMatchObject({ ok: false, error: { code: 'not-found' } });

    tmp.file('cols.csv', 'uscc,name,list_type\n91310110666007217T,x,a-grade-taxpayer\n');
    const cols = await cli(['cols.csv']);
    expect(cols.code).toBe(2);
    expect(cols.err).toContain('Required columns missing: kind, designator, basis, reason, decided_on');
  });

  it('usage errors are CliErrors with exit code 2', async () => {
    await expect(cli([])).rejects.toThrow(CliError);
    await expect(cli(['a.csv', '--frobnicate'])).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--frobnicate'),
    });
    await expect(cli(['a.csv', 'b.csv'])).rejects.toThrow(/one file at a time/);
    await expect(cli(['a.csv', '--actor'])).rejects.toThrow(/--actor needs a name/);
  });

  it('progress: drawn in place on a terminal, silent for a small file in a log', async () => {
    await writeDatasetCsv(join(tmp.dir, 'demo.csv'), { seed: 'cli', subjects: 3000, today: TODAY });
    const tty = await cli(['demo.csv'], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.err).toContain('\r\x1b[2K');
    expect(tty.err).toMatch(/demo\.csv: \d+% · [\d,]+ rows/);
    const log = await cli(['demo.csv']);
    expect(log.err).toBe('');
  });
});

describe('credcheck import (child process through the sdk bin)', () => {
  it('runs end to end with exit codes 0, 1 and 2', async () => {
    const run = promisify(execFile);
    const bin = join(REPO, 'sdk', 'bin', 'credcheck.js');
    const env = { ...process.env, DATA_DIR: join(tmp.dir, 'data'), CREDCHECK_NOW: TODAY };
    tmp.file('ok.csv', toCsv(sampleRows()));
    const ok = await run(process.execPath, [bin, 'import', join(tmp.dir, 'ok.csv'), '--json'], { env });
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, summary: { entriesCreated: 4 } });

    const rows = sampleRows();
    rows[0]!.list_type = 'nope';
    tmp.file('bad.csv', toCsv(rows));
    const bad = await run(process.execPath, [bin, 'import', join(tmp.dir, 'bad.csv')], { env }).catch(
      (e) => e,
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('1 problem; nothing was written.');

    const missing = await run(process.execPath, [bin, 'import', join(tmp.dir, 'none.csv')], { env }).catch(
      (e) => e,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('File not found');
    expect(await storeCounts()).toMatchObject({ subjects: 4, entries: 4 });
  });
});
