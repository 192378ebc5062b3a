import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError, type CliIO, serverCommands } from '../src/cli/index.ts';
import { auditHash } from '../src/store/audit-chain.js';

/**
 * `credcheck audit verify` and `tail` on a SQLite store written through the other commands, then
 * altered directly in the file (triggers dropped first, as anyone holding the file could).
 */

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'credcheck-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(command: string, ...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIO = { stdout, stderr, env: { DATA_DIR: 'data', CREDCHECK_NOW: '2026-11-23' }, cwd: dir };
  const code = await serverCommands[command]!.run(args, io);
  return { code, out: stdout.text, err: stderr.text };
}

/** Six records: three keys created, one revoked, the first receipt key and a rotation. */
async function writeSome(): Promise<void> {
  const ids: string[] = [];
  for (const label of ['甲银行', '乙银行', '丙银行']) {
    const { out } = await run('keys', 'create', '--role', 'implementer', '--label', label, '--json');
    ids.push(JSON.parse(out).id);
  }
  expect((await run('keys', 'revoke', ids[1]!)).code).toBe(0);
  expect((await run('receipts', 'rotate-key')).code).toBe(0);
  expect((await run('receipts', 'rotate-key')).code).toBe(0);
}

function tamper(sql: string): void {
  const db = new Database(join(dir, 'data', 'credcheck.db'));
  try {
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    db.exec(sql);
  } finally {
    db.close();
  }
}

function rows(): Array<{
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  prev_hash: string;
  hash: string;
}> {
  const db = new Database(join(dir, 'data', 'credcheck.db'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as ReturnType<typeof rows>;
  } finally {
    db.close();
  }
}

describe('credcheck audit (in process)', () => {
  it('verify: an untouched log is intact; it prints the records checked and the head hash', async () => {
    await writeSome();
    const log = rows();
    expect(log.map((r) => `${r.actor} ${r.action}`)).toEqual([
      'cli key.created',
      'cli key.created',
      'cli key.created',
      'cli key.revoked',
      'cli signing-key.created',
      'cli signing-key.rotated',
    ]);
    const { code, out } = await run('audit', 'verify');
    expect(code).toBe(0);
    expect(out).toContain('audit log intact: 6 records checked');
    expect(out).toContain(`head seq 6 hash ${log[5]!.hash}`);
    const json = await run('audit', 'verify', '--json');
    expect(JSON.parse(json.out)).toEqual({
      intact: true,
      checked: 6,
      head: { seq: 6, hash: log[5]!.hash },
      broken: null,
    });
  });

  it('verify: an empty store verifies with zero records', async () => {
    const { code, out } = await run('audit', 'verify');
    expect(code).toBe(0);
    expect(out).toContain('0 records checked');
    expect(out).toContain(`hash ${'0'.repeat(64)}`);
  });

  it('verify: an edited record is reported at its seq as a hash mismatch, exit 1', async () => {
    await writeSome();
    tamper(
      `UPDATE audit_log SET detail = '{"role":"admin","department":null,"label":"乙银行","rateLimit":null}' WHERE seq = 2`,
    );
    const { code, out } = await run('audit', 'verify');
    expect(code).toBe(1);
    expect(out).toContain('first broken link at seq 2');
    expect(out).toContain('hash mismatch');
    expect(out).toContain('seq 1…1 verified (1 records)');
    const json = JSON.parse((await run('audit', 'verify', '--json')).out);
    expect(json).toMatchObject({ intact: false, checked: 1, broken: { kind: 'hash', seq: 2 } });
  });

  it('verify: a record rewritten with a fresh hash breaks the next link (prev_hash mismatch)', async () => {
    await writeSome();
    const r = rows()[3]!;
    const forged = {
      seq: r.seq,
      at: r.at,
      actor: 'someone-else',
      action: r.action,
      target: r.target,
      detail: r.detail,
      prevHash: r.prev_hash,
    };
    tamper(`UPDATE audit_log SET actor = 'someone-else', hash = '${auditHash(forged)}' WHERE seq = 4`);
    const { code, out } = await run('audit', 'verify');
    expect(code).toBe(1);
    expect(out).toContain('first broken link at seq 5');
    expect(out).toContain('prev_hash mismatch');
    expect(out).toContain(`prev_hash of seq 5 ${r.hash}`);
  });

  it('verify: a deleted record is a gap in seq', async () => {
    await writeSome();
    tamper('DELETE FROM audit_log WHERE seq IN (3, 4)');
    const { code, out } = await run('audit', 'verify');
    expect(code).toBe(1);
    expect(out).toContain('first broken link at seq 5');
    expect(out).toContain('gap in seq: seq 3…4 missing before seq 5');
  });

  it('verify --anchor: a head kept earlier must still be in the log', async () => {
    await writeSome();
    const head = rows()[3]!;
    expect((await run('audit', 'verify', '--anchor', `4:${head.hash}`)).code).toBe(0);
    const wrong = await run('audit', 'verify', `--anchor=4:${'a'.repeat(64)}`);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('anchor mismatch');
    await expect(run('audit', 'verify', '--anchor', 'x')).rejects.toThrow(CliError);
  });

  it('tail shows the latest records, oldest first', async () => {
    await writeSome();
    const { code, out } = await run('audit', 'tail', '--limit', '2');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^5 {2}\S+Z {2}cli {2}signing-key\.created {2}/);
    expect(lines[1]).toMatch(/^6 .*signing-key\.rotated/);
    const json = JSON.parse((await run('audit', 'tail', '--json')).out);
    expect(json.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(run('audit', 'tail', '--limit', '0')).rejects.toThrow(CliError);
    await expect(run('audit', 'shred')).rejects.toThrow(/unknown action/);
  });
});
