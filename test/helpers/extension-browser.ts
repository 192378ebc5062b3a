// The built extension in Debian Chromium: launch, host access, settings through the real storage,
// and requests to the background from one of the extension's own pages.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { launchBrowser } from './browser.ts';

const EXTENSION_ROOT = fileURLToPath(new URL('../../extension/', import.meta.url));
export const EXTENSION_DIR = join(EXTENSION_ROOT, '.output', 'chrome-mv3');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * Builds the Chromium extension when there is no build or its sources changed since (a stale build
 * would test code that no longer exists), and returns a private copy of it: Chromium reads an
 * unpacked extension's files lazily, so a rebuild during the run must not pull them away.
 */
export async function builtExtensionCopy(into: string): Promise<string> {
  const dir = ensureExtensionBuilt();
  const copy = join(into, 'chrome-mv3');
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(copy, { recursive: true, force: true });
      cpSync(dir, copy, { recursive: true });
      if (existsSync(join(copy, 'manifest.json'))) return copy;
    } catch (err) {
      if (attempt === 3) throw err;
    }
    // Another build was replacing the output as it was copied.
    if (attempt === 3) throw new Error(`no complete extension build in ${dir}`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** The build directory, built first if missing or older than its sources. */
export function ensureExtensionBuilt(): string {
  const manifest = join(EXTENSION_DIR, 'manifest.json');
  // The sdk modules the extension bundles count as its sources too.
  const sources = ['entrypoints', 'src', 'public', 'wxt.config.ts', '../sdk/src']
    .map((p) => join(EXTENSION_ROOT, p))
    .filter((p) => existsSync(p));
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= Math.max(...sources.map(newestMtime)))
    return EXTENSION_DIR;
  const wxt = fileURLToPath(new URL('../../node_modules/wxt/bin/wxt.mjs', import.meta.url));
  execFileSync(process.execPath, [wxt, 'build'], { cwd: EXTENSION_ROOT, stdio: 'pipe' });
  return EXTENSION_DIR;
}

/** The extension APIs the tests call inside the browser (evaluated there, typed here). */
export interface ChromeApi {
  storage: { local: { set(v: object): Promise<void>; get(k: string): Promise<Record<string, unknown>> } };
  runtime: { sendMessage(m: unknown): Promise<unknown> };
  permissions: { getAll(): Promise<{ origins?: string[] }> };
  scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> };
}

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  id: string;
  userDataDir: string;
  /** Opens `chrome-extension://<id>/<path>`. */
  open(path: string): Promise<Page>;
  /** Sends a request to the background from an extension page, as the popup does. */
  ask<T>(message: object): Promise<T>;
  close(): Promise<void>;
}

async function launch(
  userDataDir: string,
  dir: string,
): Promise<{ context: BrowserContext; worker: Worker; id: string }> {
  const context = await launchBrowser(userDataDir, [
    `--disable-extensions-except=${dir}`,
    `--load-extension=${dir}`,
  ]);
  try {
    const worker =
      context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    return { context, worker, id: new URL(worker.url()).host };
  } catch (err) {
    await context.close();
    throw new Error(`the extension in ${dir} did not start its service worker: ${String(err)}`);
  }
}

/**
 * Grants host access the way Chrome records a user's "Allow" in the permission prompt. The
 * extension has no install-time host access (optional_host_permissions only) and asks with
 * permissions.request, whose prompt cannot be clicked in headless Chromium; Chrome keeps granted
 * optional permissions in the profile's Preferences, so writing them there while the browser is
 * closed is the same grant a user would have given. Host patterns carry no port.
 */
export function grantHostAccess(userDataDir: string, extensionId: string, origins: string[]): void {
  const file = join(userDataDir, 'Default', 'Preferences');
  const prefs = JSON.parse(readFileSync(file, 'utf8'));
  const ext = prefs.extensions?.settings?.[extensionId];
  if (!ext) throw new Error(`Chrome wrote no settings for extension ${extensionId} in ${file}`);
  for (const key of ['granted_permissions', 'active_permissions']) {
    ext[key] ??= {};
    const hosts: string[] = ext[key].explicit_host ?? [];
    ext[key].explicit_host = [...new Set([...hosts, ...origins])];
  }
  writeFileSync(file, JSON.stringify(prefs));
}

/**
 * A fresh profile with the extension installed and host access to `origins` granted: launched once
 * so Chrome installs the extension and writes its preferences, closed, granted, launched again.
 */
export async function startExtensionBrowser(opts: {
  dir: string;
  origins: string[];
}): Promise<ExtensionBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'credcheck-chromium-'));
  let launched: Awaited<ReturnType<typeof launch>>;
  try {
    const first = await launch(userDataDir, opts.dir);
    await first.context.close();
    grantHostAccess(userDataDir, first.id, opts.origins);
    launched = await launch(userDataDir, opts.dir);
    if (launched.id !== first.id) {
      await launched.context.close();
      throw new Error(`extension id changed between launches: ${first.id} → ${launched.id}`);
    }
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const { context, worker, id } = launched;
  let helper: Page | undefined;
  const open = async (path: string) => {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${id}/${path}`);
    return page;
  };
  return {
    context,
    worker,
    id,
    userDataDir,
    open,
    async ask<T>(message: object): Promise<T> {
      helper ??= await open('popup.html');
      return (await helper.evaluate(
        (m) => (globalThis as unknown as { chrome: ChromeApi }).chrome.runtime.sendMessage(m),
        message,
      )) as T;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Writes settings where the options page does (`storage.local` key `settings`). */
export async function storeSettings(worker: Worker, settings: object): Promise<void> {
  await worker.evaluate(
    (s) => (globalThis as unknown as { chrome: ChromeApi }).chrome.storage.local.set({ settings: s }),
    settings,
  );
}

/** Origins the browser reports as granted to the extension (read in its own worker). */
export async function grantedOrigins(worker: Worker): Promise<string[]> {
  const all = await worker.evaluate(() =>
    (globalThis as unknown as { chrome: ChromeApi }).chrome.permissions.getAll(),
  );
  return all.origins ?? [];
}

/** The content scripts the background registered, with their match patterns. */
export async function registeredScripts(worker: Worker): Promise<{ id: string; matches?: string[] }[]> {
  return worker.evaluate(() =>
    (globalThis as unknown as { chrome: ChromeApi }).chrome.scripting.getRegisteredContentScripts(),
  );
}

/** Polls `probe` until it returns a value `done` accepts. */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  while (Date.now() < until) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (err) {
      error = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)} ${error ? String(error) : ''}`,
  );
}
