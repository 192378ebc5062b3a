import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliScript = join(dirname(fileURLToPath(import.meta.url)), '../../sdk/bin/credcheck.js');

/** A real `credcheck` process (node sdk/bin/credcheck.js), as an operator runs it. */
export interface CliProcess {
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr (where progress goes) matches; rejects if the process exits first. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Exit code, or the signal's name when killed. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child: ChildProcess = spawn(process.execPath, [cliScript, ...args], {
    env: { ...process.env, CREDCHECK_NOW: '2026-11-23', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: (signal) => child.kill(signal),
    waitForStderr(pattern, timeoutMs = 120_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(err)) return false;
          cleanup();
          resolve();
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${err}`));
        }, timeoutMs);
        const onData = () => check();
        const cleanup = () => {
          clearTimeout(timer);
          child.stderr!.off('data', onData);
        };
        if (check()) return;
        child.stderr!.on('data', onData);
        void exited.then((code) => {
          if (check()) return;
          cleanup();
          reject(new Error(`credcheck exited (${code}) before ${pattern}:\n${err}\n${out}`));
        });
      });
    },
  };
}

/** Runs `credcheck …` to the end. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = startCli(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
