// kill -9 of `credcheck import` in the middle of a large import, on both stores: the store holds
// none of that import or all of it (counts, change-log seq, audit log), is intact, and the same
// import run again completes to exactly the state an uninterrupted run leaves.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDatasetCsv } from '../../api/src/demo/write-csv.ts';
import { PG_TEST_URL, probePostgres } from '../../api/test/helpers/store-factory.ts';
import { runCli, startCli } from '../helpers/cli-process.ts';
import { createThrowawaySchema } from '../helpers/postgres-schema.ts';

/** 200,000 rows (CREDCHECK_KILL_ROWS): a write transaction of seconds even on a fast machine. */
const ROWS = Number(process.env.CREDCHECK_KILL_ROWS ?? 200_000);
const TODAY = '2026-11-23';
/** WAL bytes that show the import's transaction under way (the small import's pages are far fewer). */
const WAL_WRITING = 16 << 20;

const probe = await probePostgres(PG_TEST_URL);
const skipPg = !probe.ok && !process.env.CI;
if (skipPg)
  console.warn(`\n!!! PostgreSQL unreachable (${probe.reason}): import kill test on it SKIPPED !!!\n`);

interface State {
  subjects: number;
  entries: number;
  changes: number;
  seq: number;
  audit: number;
}

/** A store of its own for one run: the environment the CLI needs and a side door to read it. */
interface Target {
  env: Record<string, string>;
  state(): Promise<State>;
  /** Problems the database itself finds (empty when intact). */
  problems(): Promise<string[]>;
  /** Whether the import process `pid` is inside its write transaction, with rows written. */
  writing(pid: number): Promise<boolean>;
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-kill-'));
  // Opened read-write as the next process would: a hot WAL left by the killed one is recovered.
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(join(dir, 'credcheck.db'));
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    env: { DATA_DIR: dir },
    async state() {
      return withDb((db) => {
        const n = (sql: string) => Number((db.prepare(sql).pluck().get() as number | null) ?? 0);
        return {
          subjects: n('SELECT count(*) FROM subjects'),
          entries: n('SELECT count(*) FROM entries'),
          changes: n('SELECT count(*) FROM change_log'),
          seq: n('SELECT max(seq) FROM change_log'),
          audit: n('SELECT count(*) FROM audit_log'),
        };
      });
    },
    async writing() {
      // One transaction: the WAL holds every page it wrote until the commit.
      try {
        return statSync(join(dir, 'credcheck.db-wal')).size > WAL_WRITING;
      } catch {
        return false;
      }
    },
    async problems() {
      return withDb((db) => {
        const check = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
        const fk = db.prepare('PRAGMA foreign_key_check').all();
        return [...check.filter((c) => c !== 'ok'), ...fk.map((r) => `foreign key: ${JSON.stringify(r)}`)];
      });
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<Target> {
  const db = await createThrowawaySchema();
  // The CLI also refreshes the API's index snapshot in DATA_DIR.
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-kill-pg-'));
  const s = db.schema;
  const n = async (sql: string) => Number((await db.sql<{ n: string | null }>(sql))[0]!.n ?? 0);
  return {
    env: { DATABASE_URL: db.url, DATA_DIR: dir },
    async state() {
      return {
        subjects: await n(`SELECT count(*) AS n FROM ${s}.subjects`),
        entries: await n(`SELECT count(*) AS n FROM ${s}.entries`),
        changes: await n(`SELECT count(*) AS n FROM ${s}.change_log`),
        seq: await n(`SELECT max(seq) AS n FROM ${s}.change_log`),
        audit: await n(`SELECT count(*) AS n FROM ${s}.audit_log`),
      };
    },
    async writing(pid) {
      // A transaction id is assigned at its first write; the CLI's connections are named by pid.
      const rows = await db.sql<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND backend_xid IS NOT NULL AND state <> 'idle'",
        [`credcheck-${pid}`],
      );
      return Number(rows[0]!.n) > 0;
    },
    async problems() {
      // Constraints hold by construction in PostgreSQL; what a torn import could leave is a
      // change without its row or a row without its subject.
      const orphans = await n(
        `SELECT count(*) AS n FROM ${s}.entries e LEFT JOIN ${s}.subjects j ON j.id = e.subject_id WHERE j.id IS NULL`,
      );
      return orphans ? [`${orphans} entries without their subject`] : [];
    },
    async dispose() {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const targets = [
  { name: 'sqlite', open: sqliteTarget, skip: false },
  { name: 'postgres', open: postgresTarget, skip: skipPg },
];

let files: string;
let big: string;
let small: string;
beforeAll(async () => {
  files = mkdtempSync(join(tmpdir(), 'credcheck-kill-files-'));
  big = join(files, 'big.csv');
  small = join(files, 'small.csv');
  await writeDatasetCsv(big, { seed: 'kill-big', subjects: ROWS, today: TODAY, limit: ROWS });
  await writeDatasetCsv(small, { seed: 'kill-small', subjects: 300, today: TODAY });
}, 120_000);
afterAll(() => {
  if (files) rmSync(files, { recursive: true, force: true });
});

// The two stores run side by side (each mostly waits on its own child process); the steps within a
// store stay in order: the later kills time themselves by the complete run.
describe.concurrent.each(targets)('kill -9 of credcheck import ($name)', ({ open, skip }) => {
  describe.sequential('in order', () => {
    /** The state a complete run leaves on the seeded store. */
    let complete: State | undefined;
    /** How long the write phase of a complete run took: the second kill lands in its middle. */
    let writeMs = 0;

    /** A store holding only the small import: what "nothing of the big one" looks like. */
    async function seeded(): Promise<Target> {
      const t = await open();
      const r = await runCli(['import', small, '--json'], t.env);
      expect(r.code, r.stderr).toBe(0);
      return t;
    }

    // --no-index: the write phase alone, not the API's index snapshot written after the commit.
    const startImport = (t: Target) => startCli(['import', big, '--json', '--no-index'], t.env);

    /** The store is intact: the database's own checks, and the audit chain verified by the CLI. */
    async function expectIntact(t: Target) {
      expect(await t.problems()).toEqual([]);
      // Every seq once, none skipped: a killed run used up none.
      const s = await t.state();
      expect(s.changes).toBe(s.seq);
      const r = await runCli(['audit', 'verify', '--json'], t.env);
      expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    }

    it.skipIf(skip)(
      'killed while reading the file: nothing written, store intact, a re-run completes',
      async () => {
        const t = await seeded();
        try {
          const baseline = await t.state();
          const p = startImport(t);
          await p.waitForStderr(/\b[2-6]\d% · /);
          p.kill('SIGKILL');
          expect(await p.exited, 'the import was still running when killed').toBe('SIGKILL');
          expect(await t.state()).toEqual(baseline);
          await expectIntact(t);

          const again = startImport(t);
          await again.waitForStderr(/writing to the store/);
          const writing = performance.now();
          expect(await again.exited, again.stderr()).toBe(0);
          writeMs = performance.now() - writing;
          const report = JSON.parse(again.stdout());
          complete = await t.state();
          expect(report.summary.entriesCreated).toBe(ROWS);
          expect(complete.entries).toBe(baseline.entries + ROWS);
          expect(complete.seq).toBe(report.summary.seq);
          expect(complete.audit).toBe(baseline.audit + 1);
          await expectIntact(t);
          console.log(
            `${ROWS} rows: write phase ${Math.round(writeMs)} ms; store ${JSON.stringify(complete)}`,
          );
        } finally {
          await t.dispose();
        }
      },
      600_000,
    );

    it.skipIf(skip)(
      'killed in the middle of the write transaction: none or all of it, store intact, a re-run completes',
      async () => {
        expect(complete, 'the complete run of the test before').toBeDefined();
        const t = await seeded();
        try {
          const baseline = await t.state();
          const p = startImport(t);
          await p.waitForStderr(/writing to the store/);
          // Inside the transaction, rows written: then a moment more, and the kill.
          let gone = false;
          void p.exited.then(() => {
            gone = true;
          });
          const until = performance.now() + writeMs * 4;
          while (!(await t.writing(p.pid))) {
            if (gone || performance.now() > until)
              throw new Error(`no write transaction seen:\n${p.stderr()}`);
            await sleep(20);
          }
          await sleep(500);
          p.kill('SIGKILL');
          expect(await p.exited, 'the import was still running when killed').toBe('SIGKILL');
          // PostgreSQL rolls back once the backend notices its client is gone.
          await sleep(500);

          const after = await t.state();
          const all = JSON.stringify(after) === JSON.stringify(complete);
          console.log(`killed mid-write: the store holds ${all ? 'all' : 'none'} of the import`);
          if (!all) expect(after).toEqual(baseline);
          await expectIntact(t);

          // The real command, index snapshot included.
          const again = await runCli(['import', big, '--json'], t.env);
          expect(again.code, again.stderr).toBe(0);
          // The same seq as the complete run. (After a kill that came once the commit was done, the
          // re-run changes nothing and records only its audit line.)
          expect(await t.state()).toEqual(all ? { ...complete, audit: complete!.audit + 1 } : complete);
          await expectIntact(t);
        } finally {
          await t.dispose();
        }
      },
      600_000,
    );
  });
});
