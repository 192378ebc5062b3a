import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A PostgreSQL cluster of the test's own (initdb in a temporary folder, on a free port), for tests
 * that stop and start the server: the machine's shared server on 5432 serves other suites at the
 * same time and must never go down under them.
 */
export interface PrivatePostgres {
  /** DATABASE_URL of the cluster's `postgres` database. */
  url: string;
  port: number;
  /** `pg_ctl stop -m immediate`: the server dies as if killed, without a shutdown checkpoint. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (if up) and removes the cluster. */
  destroy(): Promise<void>;
}

const run = promisify(execFile);

/** Where initdb and pg_ctl are: pg_config's bindir, else the Debian layout of an installed server. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // No pg_config on the PATH.
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  return candidates.find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'))) ?? null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** initdb refuses to run as root: as root the cluster belongs to the `postgres` user. */
function asServerUser(): {
  wrap: (cmd: string, args: string[]) => [string, string[]];
  owner: { uid: number; gid: number } | null;
} {
  if (process.getuid?.() !== 0) return { wrap: (cmd, args) => [cmd, args], owner: null };
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return {
    wrap: (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]],
    owner: { uid: id('-u'), gid: id('-g') },
  };
}

export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-pg-'));
  const user = asServerUser();
  if (user.owner) chownSync(dir, user.owner.uid, user.owner.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const exec = async (cmd: string, args: string[]) => {
    const [c, a] = user.wrap(join(bin, cmd), args);
    return run(c, a, { timeout: 120_000 });
  };
  await exec('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  // fsync off: the operating system does not crash under this test, only the server does.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = async () => {
    await exec('pg_ctl', [
      '-D',
      data,
      '-o',
      options,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  };
  const stop = async (mode: 'immediate' | 'fast') => {
    await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  await start();
  let up = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async crash() {
      await stop('immediate');
      up = false;
    },
    async start() {
      await start();
      up = true;
    },
    async destroy() {
      if (up) await stop('immediate').catch(() => {});
      up = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
