import { type AuditBreak, verifyAuditLog } from '../audit/verify.ts';
import type { AuditRecord } from '../store/types.ts';
import { openStoreFromEnv } from './open-store.ts';
import { type CliCommand, CliError, type CliIO } from './types.ts';

const USAGE = `Usage: credcheck audit verify [--anchor <seq>:<hash>] [--json]
       credcheck audit tail [--limit <n>] [--json]

The audit log of the local store (PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR):
every write and every decision, append-only, each record chained to the one before by SHA-256.

  verify   read the whole log in order, recompute every hash and link, and compare the end with
           the chain head; prints the records checked and the head hash, or the seq of the first
           broken link and what does not match. Keep the head hash somewhere else (a ticket, a
           signed mail) and pass it later as --anchor: a log rewritten from that point on, head
           included, then fails too.
  tail     the latest records, oldest first (default 20)

Exit codes: 0 intact (verify) or done, 1 the log was altered, 2 usage error.`;

function usage(message: string): never {
  throw new CliError(`${message}\n\n${USAGE}`);
}

/** `--name value` or `--name=value`; --json takes no value. */
function parseOptions(args: string[], allowed: string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) usage(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    if (!allowed.includes(name)) usage(`unknown option --${name}`);
    if (name === 'json') {
      if (eq !== -1) usage('--json takes no value');
      options.set(name, '');
      continue;
    }
    const value = eq === -1 ? args[++i] : a.slice(eq + 1);
    if (value === undefined || value === '') usage(`--${name} needs a value`);
    options.set(name, value);
  }
  return options;
}

function describeBreak(b: AuditBreak): string[] {
  switch (b.kind) {
    case 'gap':
      return [
        `gap in seq: seq ${b.expectedSeq}${b.seq - 1 > b.expectedSeq ? `…${b.seq - 1}` : ''} missing before seq ${b.seq}`,
      ];
    case 'prev-hash':
      return [
        `prev_hash mismatch: seq ${b.seq} does not point at the hash of seq ${b.seq - 1}`,
        `  (seq ${b.seq - 1} was rewritten with a new hash, or this link was edited)`,
        `  hash of seq ${b.seq - 1}  ${b.expected}`,
        `  prev_hash of seq ${b.seq} ${b.found}`,
      ];
    case 'hash':
      return [
        `hash mismatch: the content of seq ${b.seq} does not give its stored hash (the record was edited)`,
        `  recomputed ${b.expected}`,
        `  stored     ${b.found}`,
      ];
    case 'truncated':
      return [
        `records removed from the end: the log stops at seq ${b.seq - 1}, the chain head says ${b.headSeq}`,
      ];
    case 'head':
      return [
        `chain head mismatch: the head row's hash for seq ${b.seq} is not that record's hash`,
        `  record ${b.expected}`,
        `  head   ${b.found}`,
      ];
    case 'anchor':
      return [
        b.found === null
          ? `anchor not found: the log has no seq ${b.seq}`
          : `anchor mismatch: seq ${b.seq} no longer has the hash kept earlier (the log was rewritten)`,
        `  kept  ${b.expected}`,
        ...(b.found === null ? [] : [`  found ${b.found}`]),
      ];
  }
}

async function verify(args: string[], io: CliIO): Promise<number> {
  const options = parseOptions(args, ['anchor', 'json']);
  let anchor: { seq: number; hash: string } | undefined;
  const rawAnchor = options.get('anchor');
  if (rawAnchor !== undefined) {
    const m = /^(\d+):([0-9a-f]{64})$/.exec(rawAnchor);
    if (!m || Number(m[1]) < 1) usage(`--anchor must be <seq>:<64 hex hash>, got "${rawAnchor}"`);
    anchor = { seq: Number(m[1]), hash: m[2]! };
  }
  const store = await openStoreFromEnv(io);
  let outcome: Awaited<ReturnType<typeof verifyAuditLog>>;
  try {
    outcome = await verifyAuditLog(store, anchor ? { anchor } : {});
  } finally {
    await store.close();
  }
  const { checked, last, broken } = outcome;
  if (options.has('json')) {
    io.stdout.write(`${JSON.stringify({ intact: broken === null, checked, head: last, broken }, null, 2)}\n`);
    return broken === null ? 0 : 1;
  }
  if (broken === null) {
    io.stdout.write(
      `audit log intact: ${checked} records checked. 审计日志完整。\nhead seq ${last.seq} hash ${last.hash}\n`,
    );
    return 0;
  }
  io.stdout.write(
    [
      `audit log ALTERED: first broken link at seq ${broken.seq}. 审计日志已被篡改。`,
      ...describeBreak(broken),
      checked === 0
        ? 'no record before it verified'
        : `seq 1…${last.seq} verified (${checked} records), last good hash ${last.hash}`,
    ].join('\n') + '\n',
  );
  return 1;
}

async function tail(args: string[], io: CliIO): Promise<number> {
  const options = parseOptions(args, ['limit', 'json']);
  const raw = options.get('limit') ?? '20';
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > 10_000) usage(`--limit must be 1…10000, got "${raw}"`);
  const store = await openStoreFromEnv(io);
  let records: AuditRecord[];
  try {
    const head = await store.auditHead();
    records = await store.readAudit(Math.max(0, head.seq - limit), limit);
  } finally {
    await store.close();
  }
  if (options.has('json')) {
    io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return 0;
  }
  if (records.length === 0) {
    io.stdout.write('The audit log is empty. 审计日志为空。\n');
    return 0;
  }
  for (const r of records) {
    io.stdout.write(`${r.seq}  ${r.at}  ${r.actor}  ${r.action}  ${r.target}  ${r.detail}\n`);
  }
  return 0;
}

export const auditCommand: CliCommand = {
  summary: 'verify the hash-chained audit log, or show its latest records',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === 'verify') return verify(rest, io);
    if (sub === 'tail') return tail(rest, io);
    usage(sub === undefined ? 'which action? verify or tail' : `unknown action "${sub}"`);
  },
};
