import { issueApiKey } from '../auth/api-key.ts';
import { Role } from '../auth/roles.ts';
import { createClock } from '../domain/clock.ts';
import type { ApiKeyRecord, Store } from '../store/types.ts';
import { width } from './import.ts';
import { CLI_ACTOR, openStoreFromEnv } from './open-store.ts';
import { type CliCommand, CliError, type CliIO } from './types.ts';

const USAGE = `Usage: credcheck keys create --role <role> --label <text> [--department <name>] [--rate-limit <n>] [--json]
       credcheck keys list [--json]
       credcheck keys revoke <key id>

Manages the API keys of the local store (PostgreSQL when DATABASE_URL is set, else SQLite in
DATA_DIR). A key is shown once, when it is created; only its hash is stored.

  --role         public, implementer, designator or admin
  --label        who or what uses the key, e.g. "XX银行信贷审批系统"
  --department   designator keys: the department the key acts for (required).
                 implementer keys, optional: the department it checks for (e.g. "某市公共资源交易中心",
                 a bank branch); statistics count its checks under it, and it grants no right.
                 Not for public or admin keys.
  --rate-limit   requests per second for this key (0 = no limit); default: CREDCHECK_RATE_LIMIT
  --json         print JSON on stdout

A revoked key is refused at once by new API processes and within 5 seconds by running ones.

Exit codes: 0 done, 1 no such key (revoke), 2 usage error.`;

const NOT_SHOWN_AGAIN =
  'This key will not be shown again: store it now. 此密钥不会再次显示，请立即妥善保存。';

interface CreateArgs {
  role: Role;
  label: string;
  department: string | null;
  rateLimit: number | null;
  json: boolean;
}

function usage(message: string): never {
  throw new CliError(`${message}\n\n${USAGE}`);
}

/** `--name value` or `--name=value`; every option of this command takes a value except --json. */
function parseOptions(args: string[], allowed: string[]): { options: Map<string, string>; rest: string[] } {
  const options = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    if (!allowed.includes(name)) usage(`unknown option --${name}`);
    if (options.has(name)) usage(`--${name} given twice`);
    if (name === 'json') {
      if (eq !== -1) usage('--json takes no value');
      options.set(name, '');
      continue;
    }
    const value = eq === -1 ? args[++i] : a.slice(eq + 1);
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) {
      usage(`--${name} needs a value`);
    }
    options.set(name, value);
  }
  return { options, rest };
}

function parseCreate(args: string[]): CreateArgs {
  const { options, rest } = parseOptions(args, ['role', 'label', 'department', 'rate-limit', 'json']);
  if (rest.length > 0) usage(`unexpected argument "${rest[0]}"`);
  const role = Role.safeParse(options.get('role'));
  if (!options.has('role')) usage('--role is required');
  if (!role.success) usage(`--role must be one of ${Role.options.join(', ')}, got "${options.get('role')}"`);
  const label = options.get('label')?.trim();
  if (!label) usage('--label is required');
  const department = options.get('department')?.trim() || null;
  if (role.data === 'designator' && department === null) usage('a designator key needs --department');
  if ((role.data === 'public' || role.data === 'admin') && department !== null) {
    usage(`--department is for designator and implementer keys, not ${role.data} keys`);
  }
  let rateLimit: number | null = null;
  const rawLimit = options.get('rate-limit');
  if (rawLimit !== undefined) {
    rateLimit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || !Number.isSafeInteger(rateLimit)) {
      usage(`--rate-limit must be a whole number of requests per second, got "${rawLimit}"`);
    }
  }
  return { role: role.data, label, department, rateLimit, json: options.has('json') };
}

async function withStore<T>(io: CliIO, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStoreFromEnv(io);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** What lists show of a key: everything but its hash. */
function publicView({ hash: _hash, ...rest }: ApiKeyRecord) {
  return rest;
}

async function create(args: string[], io: CliIO): Promise<number> {
  const opts = parseCreate(args);
  const now = createClock(io.env.CREDCHECK_NOW).now().toISOString();
  const { key, record } = issueApiKey(
    { role: opts.role, department: opts.department, label: opts.label, rateLimit: opts.rateLimit },
    now,
  );
  await withStore(io, (store) => store.createApiKey(record, CLI_ACTOR));
  if (opts.json) {
    io.stdout.write(`${JSON.stringify({ ...publicView(record), key, notice: NOT_SHOWN_AGAIN }, null, 2)}\n`);
    return 0;
  }
  const scope = record.department ? `, department ${record.department}` : '';
  const limit = record.rateLimit === null ? '' : `, ${record.rateLimit || 'no'} requests/s limit`;
  io.stdout.write(
    `Created API key ${record.id} (${record.role}${scope}${limit}) for "${record.label}":\n\n  ${key}\n\n${NOT_SHOWN_AGAIN}\nUse it as: Authorization: Bearer <key>\n`,
  );
  return 0;
}

async function list(args: string[], io: CliIO): Promise<number> {
  const { options, rest } = parseOptions(args, ['json']);
  if (rest.length > 0) usage(`unexpected argument "${rest[0]}"`);
  const keys = await withStore(io, (store) => store.listApiKeys());
  if (options.has('json')) {
    io.stdout.write(`${JSON.stringify(keys.map(publicView), null, 2)}\n`);
    return 0;
  }
  if (keys.length === 0) {
    io.stdout.write(
      'No API keys yet. 尚无 API 密钥。Create one with: credcheck keys create --role … --label …\n',
    );
    return 0;
  }
  const head = ['id', 'hint', 'role', 'department', 'label', 'created (UTC)', 'revoked (UTC)'];
  const rows = keys.map((k) => [
    k.id,
    k.hint,
    k.role,
    k.department ?? '',
    k.label,
    k.createdAt.slice(0, 19).replace('T', ' '),
    k.revokedAt ? k.revokedAt.slice(0, 19).replace('T', ' ') : '',
  ]);
  io.stdout.write(table(head, rows));
  return 0;
}

async function revoke(args: string[], io: CliIO): Promise<number> {
  const { rest } = parseOptions(args, []);
  if (rest.length !== 1) usage(rest.length === 0 ? 'which key? give its id (key_…)' : 'one key id at a time');
  const id = rest[0]!;
  const now = createClock(io.env.CREDCHECK_NOW).now().toISOString();
  const revoked = await withStore(io, async (store) => {
    if (await store.revokeApiKey(id, now, CLI_ACTOR)) return 'revoked';
    const known = (await store.listApiKeys()).some((k) => k.id === id);
    return known ? 'already' : 'unknown';
  });
  if (revoked === 'revoked') {
    io.stdout.write(
      `Revoked ${id}. Running API processes refuse it within 5 seconds. 已吊销，运行中的服务将在 5 秒内停止接受该密钥。\n`,
    );
    return 0;
  }
  io.stderr.write(
    revoked === 'already'
      ? `credcheck keys: ${id} is already revoked. 该密钥此前已被吊销。\n`
      : `credcheck keys: no key ${id}. 不存在该密钥。\n`,
  );
  return 1;
}

export const keysCommand: CliCommand = {
  summary: 'create, list and revoke API keys of the local store',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'create') return create(rest, io);
    if (sub === 'list') return list(rest, io);
    if (sub === 'revoke') return revoke(rest, io);
    usage(sub === undefined ? 'which action? create, list or revoke' : `unknown action "${sub}"`);
  },
};

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i]! - width(c)))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}
