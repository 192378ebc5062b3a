import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/auth/api-key.ts';
import { CliError, type CliIO, serverCommands } from '../src/cli/index.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'credcheck-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function keys(...args: string[]) {
  return keysAt('2026-11-23', ...args);
}

async function keysAt(now: string, ...args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIO = { stdout, stderr, env: { DATA_DIR: 'data', CREDCHECK_NOW: now }, cwd: dir };
  const code = await serverCommands.keys!.run(args, io);
  return { code, out: stdout.text, err: stderr.text };
}

async function stored() {
  const store = openSqliteStore(join(dir, 'data', 'credcheck.db'));
  try {
    await store.migrate();
    return await store.listApiKeys();
  } finally {
    await store.close();
  }
}

describe('credcheck keys (in process)', () => {
  it('create prints the key once, with its id, and stores only its hash', async () => {
    const { code, out } = await keys('create', '--role', 'implementer', '--label', 'XX银行信贷审批系统');
    expect(code).toBe(0);
    const key = /^\s+(cck_\S+)$/m.exec(out)?.[1];
    const id = /(key_[0-9a-f]{20})/.exec(out)?.[1];
    expect(key).toBeTruthy();
    expect(id).toBeTruthy();
    expect(out).toContain('will not be shown again');
    expect(out).toContain('不会再次显示');
    const [rec] = await stored();
    expect(rec).toMatchObject({
      id,
      hash: hashApiKey(key!),
      role: 'implementer',
      department: null,
      label: 'XX银行信贷审批系统',
      rateLimit: null,
      revokedAt: null,
    });
    expect(rec!.createdAt.slice(0, 10)).toBe('2026-11-23');
    expect(JSON.stringify(await stored())).not.toContain(key);
  });

  it('create --json: a designator key with its department and its own rate limit', async () => {
    const { code, out } = await keys(
      'create',
      '--role=designator',
      '--department',
      '重庆市云阳县人民法院',
      '--label',
      '法院执行局',
      '--rate-limit',
      '5',
      '--json',
    );
    expect(code).toBe(0);
    const body = JSON.parse(out);
    expect(body).toMatchObject({
      role: 'designator',
      department: '重庆市云阳县人民法院',
      rateLimit: 5,
      label: '法院执行局',
    });
    expect(body.key).toMatch(/^cck_/);
    expect(body.notice).toContain('will not be shown again');
    expect(body.hash).toBeUndefined();
    expect((await stored())[0]!.hash).toBe(hashApiKey(body.key));
  });

  it('create: an implementer key may name the department it checks for (statistics only)', async () => {
    const { code, out } = await keys(
      'create',
      '--role',
      'implementer',
      '--department',
      ' 某市公共资源交易中心 ',
      '--label',
      '电子交易平台',
    );
    expect(code).toBe(0);
    expect(out).toMatch(/\(implementer, department 某市公共资源交易中心\)/);
    expect(await stored()).toMatchObject([{ role: 'implementer', department: '某市公共资源交易中心' }]);
  });

  it('list shows id, hint, role, department, label, created and revoked; never a key or hash', async () => {
    expect((await keys('list')).out).toContain('No API keys yet');
    const a = JSON.parse((await keys('create', '--role', 'admin', '--label', '运维', '--json')).out);
    const b = JSON.parse(
      (await keysAt('2026-11-24', 'create', '--role', 'public', '--label', 'portal', '--json')).out,
    );
    await keys('revoke', a.id);

    const text = (await keys('list')).out;
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+hint\s+role\s+department\s+label\s+created \(UTC\)\s+revoked \(UTC\)$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(a.id);
    expect(lines[1]).toContain(a.hint);
    expect(lines[1]).toMatch(/admin\s+运维\s+2026-11-23 \d\d:\d\d:\d\d\s+2026-11-23 \d\d:\d\d:\d\d$/);
    expect(lines[2]).toMatch(new RegExp(`^${b.id}\\s+\\S+\\s+public\\s+portal\\s+2026-11-24 [\\d:]+$`));
    for (const k of [a, b]) {
      expect(text).not.toContain(k.key);
      expect(text).not.toContain(hashApiKey(k.key));
    }

    const json = JSON.parse((await keys('list', '--json')).out);
    expect(json.map((k: { id: string }) => k.id)).toEqual([a.id, b.id]);
    expect(json[0]).toMatchObject({ role: 'admin', revokedAt: expect.stringMatching(/^2026-11-23T/) });
    expect(json[0].hash).toBeUndefined();
    expect(json[0].key).toBeUndefined();
  });

  it('revoke: 0 once, then 1 with a message; 1 for an unknown id', async () => {
    const a = JSON.parse((await keys('create', '--role', 'implementer', '--label', 'x', '--json')).out);
    const first = await keys('revoke', a.id);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain(`Revoked ${a.id}`);
    expect((await stored())[0]!.revokedAt).not.toBeNull();
    const again = await keys('revoke', a.id);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already revoked');
    const unknown = await keys('revoke', 'key_00000000000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no key key_00000000000000000000');
  });

  it('usage errors are CliErrors with exit code 2 and write nothing', async () => {
    const bad: Array<[string[], RegExp]> = [
      [[], /which action/],
      [['rotate'], /unknown action "rotate"/],
      [['create', '--label', 'x'], /--role is required/],
      [
        ['create', '--role', 'root', '--label', 'x'],
        /--role must be one of public, implementer, designator, admin/,
      ],
      [['create', '--role', 'implementer'], /--label is required/],
      [['create', '--role', 'designator', '--label', 'x'], /designator key needs --department/],
      [
        ['create', '--role', 'admin', '--label', 'x', '--department', 'd'],
        /--department is for designator and implementer keys, not admin keys/,
      ],
      [
        ['create', '--role', 'public', '--label', 'x', '--department', 'd'],
        /--department is for designator and implementer keys, not public keys/,
      ],
      [
        ['create', '--role', 'admin', '--label', 'x', '--rate-limit', '-1'],
        /--rate-limit must be a whole number/,
      ],
      [
        ['create', '--role', 'admin', '--label', 'x', '--rate-limit', '2.5'],
        /--rate-limit must be a whole number/,
      ],
      [['create', '--role', 'admin', '--label'], /--label needs a value/],
      [['create', '--role', 'admin', '--label', 'x', '--frobnicate', '1'], /unknown option --frobnicate/],
      [['create', '--role', 'admin', '--label', 'x', 'extra'], /unexpected argument "extra"/],
      [['list', '--role', 'admin'], /unknown option --role/],
      [['revoke'], /which key/],
      [['revoke', 'a', 'b'], /one key id at a time/],
    ];
    for (const [args, message] of bad) {
      const err = await keys(...args).catch((e) => e);
      expect(err, args.join(' ')).toBeInstanceOf(CliError);
      expect(err.exitCode).toBe(2);
      expect(err.message).toMatch(message);
      expect(err.message).toContain('Usage: credcheck keys');
    }
    expect(await stored()).toEqual([]);
  });
});
