import { execFile, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  requests: number;
}

/** True when wrk (Debian package `wrk`) is installed: a load generator that costs the server no CPU of its own runtime. */
export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

export interface WrkOptions {
  url: string;
  dir: string;
  requests: string[];
  headers?: Record<string, string>;
  seconds: number;
  connections: number;
}

let scripts = 0;

/** Writes the Lua script cycling through the requests; returns wrk's arguments and the cleanup. */
function prepare(opts: WrkOptions): { args: string[]; cleanup: () => void } {
  // Unique per call: several wrk may run at once (one per API process).
  const id = `${process.pid}-${++scripts}`;
  const listFile = join(opts.dir, `wrk-requests-${id}.txt`);
  writeFileSync(listFile, `${opts.requests.join('\n')}\n`);
  const script = join(opts.dir, `wrk-${id}.lua`);
  const headerLines = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join('\n');
  writeFileSync(
    script,
    `${headerLines}
local reqs = {}
for line in io.lines(${JSON.stringify(listFile)}) do
  local method, path, body = line:match("^(%S+) (%S+) ?(.*)$")
  if method then reqs[#reqs + 1] = { method, path, body ~= "" and body or nil } end
end
local i = math.random(#reqs)
request = function()
  i = i + 1
  if i > #reqs then i = 1 end
  local r = reqs[i]
  return wrk.format(r[1], r[2], nil, r[3])
end
`,
  );
  return {
    args: ['-t1', `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '-s', script, opts.url],
    cleanup: () => {
      rmSync(listFile, { force: true });
      rmSync(script, { force: true });
    },
  };
}

/**
 * Runs wrk against `url` cycling through `requests` (one per line: METHOD PATH [BODY]), with the
 * given headers. One wrk thread: the machine has two cores, one for the server, one for the load.
 */
export function runWrk(opts: WrkOptions): WrkResult {
  const { args, cleanup } = prepare(opts);
  const r = spawnSync('wrk', args, { encoding: 'utf8' });
  cleanup();
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  return parseWrk(r.stdout);
}

/** runWrk without blocking, so that one wrk per server can run at the same time. */
export async function runWrkAsync(opts: WrkOptions): Promise<WrkResult> {
  const { args, cleanup } = prepare(opts);
  try {
    const { stdout } = await promisify(execFile)('wrk', args, { encoding: 'utf8' });
    return parseWrk(stdout);
  } finally {
    cleanup();
  }
}

export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const pct = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return Number.NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  return { rps, p50: pct('50'), p99: pct('99'), non2xx, requests };
}
