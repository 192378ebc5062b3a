import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { recordSet } from './helpers/records.ts';

describe('SQLite store file handling', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-sqlite-'));
  });
  afterEach(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates missing directories and uses WAL', async () => {
    const file = join(dir, 'a', 'b', 'credcheck.db');
    const store = openSqliteStore(file);
    await store.migrate();
    await store.importRecords([recordSet(3)], { actor: 't' });
    await store.close();
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
      { version: 4 },
      { version: 5 },
      { version: 6 },
      { version: 7 },
      { version: 8 },
      { version: 9 },
      { version: 10 },
      { version: 11 },
    ]);
    db.close();
  });

  it('names the path and the cause when the directory cannot be created', () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const file = join(blocker, 'credcheck.db');
    expect(() => openSqliteStore(file)).toThrow(
      /cannot open SQLite store at .*not-a-dir.*credcheck\.db: .*(ENOTDIR|EEXIST)/,
    );
  });

  it('names the path and the cause when the file is not a database', () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(
      file,
      'this is not a database file, just text that is long enough to look like a header'.repeat(20),
    );
    expect(() => openSqliteStore(file)).toThrow(
      /cannot open SQLite store at .*garbage\.db: file is not a database/,
    );
  });

  it.skipIf(process.getuid?.() === 0)('names the path and the cause in a read-only directory', () => {
    chmodSync(dir, 0o500);
    const file = join(dir, 'credcheck.db');
    expect(() => openSqliteStore(file)).toThrow(/cannot open SQLite store at .*credcheck\.db: /);
  });

  it('leaves no staging tables behind, also after a failed import', async () => {
    const file = join(dir, 'credcheck.db');
    const store = openSqliteStore(file);
    await store.migrate();
    await store.importRecords([recordSet(5)], { actor: 't' });
    await expect(
      store.importRecords(
        (async function* () {
          yield recordSet(5);
          throw new Error('stop');
        })(),
        { actor: 't' },
      ),
    ).rejects.toThrow('stop');
    // A second import on the same connection still works (the staging name is free).
    expect((await store.importRecords([recordSet(6)], { actor: 't' })).entriesCreated).toBe(1);
    await store.close();
  });
});
