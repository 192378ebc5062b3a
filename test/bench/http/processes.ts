// Helpers of the benchmarks that start real server processes and load them: start and stop, the
// kernel's memory and CPU figures of a process, percentiles and a text table.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Started {
  child: ChildProcess;
  url: string;
  /** ms from spawn until `firstPath` answered 200 (or the URL was printed, without one). */
  readyMs: number;
  /** stdout and stderr so far. */
  output(): string;
}

/** Spawns node with `args`, waits for "on http://…:port" on stdout, then for `firstPath` to answer 200. */
export async function startProcess(
  args: string[],
  env: Record<string, string>,
  firstPath: string | null,
  timeoutMs = 300_000,
): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`))),
  );
  exited.catch(() => {});
  const url = await Promise.race([
    exited,
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no start in ${timeoutMs / 1000} s:\n${out}`)),
        timeoutMs,
      );
      child.stdout!.on('data', () => {
        const m = /on (http:\/\/(?:localhost|127\.0\.0\.1):\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace('localhost', '127.0.0.1'));
        }
      });
    }),
  ]);
  if (firstPath !== null) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) await exited;
      const res = await fetch(url + firstPath).catch(() => null);
      await res?.arrayBuffer();
      if (res?.status === 200) break;
      if (performance.now() > deadline)
        throw new Error(`${firstPath} not 200 in ${timeoutMs / 1000} s:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { child, url, readyMs: performance.now() - t0, output: () => out };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Resident memory now and at its peak, in MB. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used: per request, it is steadier than wall time on a shared machine. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (c ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}

export const fmt = (n: number, d = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The lookup mix of the HTTP benchmarks: three listed codes to one clean one (a 404 problem document). */
export function lookupMix(listed: string[], clean: string[], count = 20_000): string[] {
  return Array.from({ length: count }, (_, i) =>
    i % 4 === 3 ? clean[i % clean.length]! : listed[i % listed.length]!,
  ).map((c) => `GET /v1/subjects/${c}`);
}
