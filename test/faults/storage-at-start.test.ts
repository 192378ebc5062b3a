// The API started on a data folder it cannot write (a read-only file system, a full disk): it
// says so in one clear line naming the folder and the cause, and exits non-zero, no stack trace.
// Both are real file systems (a tmpfs mounted read-only, a tmpfs filled up), which needs root;
// without it the read-only case falls back to a folder without write permission.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../api/src/store/index.ts';

const serveScript = join(dirname(fileURLToPath(import.meta.url)), '../../api/bin/serve.js');
const root = process.getuid?.() === 0;

function tryMount(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const probeDir = mkdtempSync(join(tmpdir(), 'credcheck-mount-probe-'));
const canMount = root && tryMount(probeDir, '64k');
if (canMount) execFileSync('umount', [probeDir]);
rmSync(probeDir, { recursive: true, force: true });
if (!canMount) {
  console.warn(
    `\n!!! cannot mount a tmpfs (${root ? 'mount refused' : 'not root'}): ` +
      `the full-disk case is SKIPPED${root ? ' and the read-only case too (root writes through permissions)' : ''} !!!\n`,
  );
}

/** Starts the server on DATA_DIR and waits for it to exit; failing to exit (it served) fails. */
function startServer(dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [serveScript], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CREDCHECK_NOW: '2026-11-23',
      DEBUG: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit within 60 s:\n${output}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** One clear line: names the folder and the cause, and is no stack trace. */
function expectClearError(r: { code: number | null; output: string }, dir: string, cause: RegExp) {
  expect(r.code, r.output).toBe(1);
  expect(r.output).not.toMatch(/CredCheck API on http/);
  expect(r.output).not.toMatch(/^\s+at /m);
  const line = r.output.split('\n').find((l) => l.startsWith('credcheck: cannot start:'));
  expect(line, r.output).toBeDefined();
  expect(line).toContain(dir);
  expect(line).toMatch(cause);
}

describe('storage faults at start', () => {
  const base = mkdtempSync(join(tmpdir(), 'credcheck-storage-'));
  const mounted: string[] = [];

  /** A fresh folder: its own tmpfs when we may mount, else a plain folder. */
  function volume(name: string, size = '4m'): string {
    const dir = join(base, name);
    mkdirSync(dir);
    if (canMount) {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
      mounted.push(dir);
    }
    return dir;
  }
  const makeReadOnly = (dir: string) => {
    if (canMount) execFileSync('mount', ['-o', 'remount,ro', dir]);
    else {
      for (const f of ['credcheck.db', 'credcheck.db-wal', 'credcheck.db-shm']) {
        try {
          chmodSync(join(dir, f), 0o444);
        } catch {
          // Not there (a first start).
        }
      }
      chmodSync(dir, 0o555);
    }
  };

  beforeAll(() => {});
  afterAll(() => {
    for (const dir of mounted) {
      try {
        execFileSync('umount', [dir]);
      } catch {
        // Already gone.
      }
    }
    if (!canMount) for (const name of ['ro-empty', 'ro-existing']) chmodSync(join(base, name), 0o755);
    rmSync(base, { recursive: true, force: true });
  });

  const skipReadOnly = root && !canMount;

  it.skipIf(skipReadOnly)('a read-only data folder on a first start', async () => {
    const dir = volume('ro-empty');
    makeReadOnly(dir);
    expectClearError(await startServer(dir), dir, /read-only|not writable|permission/i);
  });

  it.skipIf(skipReadOnly)('a read-only data folder holding a store', async () => {
    const dir = volume('ro-existing');
    const store = await openStore({ DATA_DIR: dir });
    await store.close();
    makeReadOnly(dir);
    expectClearError(await startServer(dir), dir, /read-only|not writable|permission/i);
  });

  it.skipIf(!canMount)('a full disk on a first start', async () => {
    const dir = volume('full', '1m');
    try {
      // As much as fits: the rest of the disk.
      writeFileSync(join(dir, 'filler'), Buffer.alloc(2 << 20));
    } catch (err) {
      expect((err as { code?: string }).code).toBe('ENOSPC');
    }
    expectClearError(await startServer(dir), dir, /disk is full|no space/i);
  });
});
