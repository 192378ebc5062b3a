import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Not `new URL(…, import.meta.url)`: under happy-dom, Vite rewrites that pattern into a page URL,
// and the extension's DOM tests start the API with this helper too.
const serveScript = join(dirname(fileURLToPath(import.meta.url)), '../../api/bin/serve.js');

export interface ApiProcess {
  url: string;
  /** The server's process id (its PostgreSQL connections are named `credcheck-<pid>`). */
  pid: number;
  dataDir: string;
  output: () => string;
  /** The process's exit code once it has exited (after stop(), say); null before. */
  exitCode(): number | null;
  stop(): Promise<void>;
}

/** Starts the real API (`node api/bin/serve.js`) on a free port with its own data folder. */
export async function startApiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'credcheck-api-'));
  const child: ChildProcess = spawn(process.execPath, [serveScript], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CREDCHECK_NOW: '2026-11-23',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start in 60 s:\n${out}`)), 60_000);
    const onData = () => {
      const m = /on (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    dataDir,
    output: () => out,
    exitCode: () => child.exitCode,
    async stop() {
      // A process killed by a signal (kill -9 in the fault tests) has no exit code but is gone.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
