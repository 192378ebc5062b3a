import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const cliScript = join(root, 'sdk/bin/credcheck.js');

/** Newest modification time among the files the console's build reads. */
function newestSource(): number {
  const dirs = [join(root, 'console/src')];
  const files = [
    'console/index.html',
    'console/vite.config.ts',
    'console/package.json',
    'api/catalog/due-process.json',
  ].map((f) => join(root, f));
  while (dirs.length) {
    const dir = dirs.pop()!;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      (e.isDirectory() ? dirs : files).push(join(dir, e.name));
    }
  }
  return Math.max(...files.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
}

/**
 * Builds the web console into console/dist unless the build there is newer than its sources; the
 * API serves it at /console/. Test files run in parallel processes: a lock lets one build while
 * the others wait, so that no test's API serves a folder another build is emptying.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const lock = join(tmpdir(), 'credcheck-console-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a killed run is older than any build takes.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`console build lock ${lock} still held after 180 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    const index = join(root, 'console/dist/index.html');
    if (existsSync(index) && statSync(index).mtimeMs >= newestSource()) return;
    await run('npm', ['run', 'build', '-w', '@credcheck/console', '--silent'], { cwd: root });
  } finally {
    rmSync(lock, { force: true, recursive: true });
  }
}

export interface CreatedKey {
  id: string;
  key: string;
  role: string;
  department: string | null;
}

/** A key made as an operator makes one: `credcheck keys create` against the API's data folder. */
export async function createKey(
  dataDir: string,
  role: 'implementer' | 'designator' | 'admin',
  opts: { department?: string; label?: string } = {},
): Promise<CreatedKey> {
  const args = ['keys', 'create', '--role', role, '--label', opts.label ?? `e2e ${role}`, '--json'];
  if (opts.department) args.push('--department', opts.department);
  const { stdout } = await run(process.execPath, [cliScript, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, CREDCHECK_NOW: '2026-11-23' },
  });
  return JSON.parse(stdout) as CreatedKey;
}

/** Signs in through the console's form (the key goes to sessionStorage) and waits for the role to show. */
export async function signIn(page: Page, apiUrl: string, key: string): Promise<void> {
  await page.goto(`${apiUrl}/console/sign-in`);
  await page.locator('input[name="apiKey"]').fill(key);
  await page.locator('input[name="apiKey"]').press('Enter');
  await page.locator('.who[data-role]').waitFor();
}

/** Requests that left this machine while the page was open (the console must make none). */
export function watchOutside(page: Page): string[] {
  const outside: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && !['127.0.0.1', 'localhost'].includes(u.hostname))
      outside.push(r.url());
  });
  return outside;
}
