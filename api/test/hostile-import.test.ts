import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID_HMAC_SETTING } from '../src/domain/person-key.ts';
import { ImportFileError, type ImportReport, importFile, writeXlsx } from '../src/import/index.ts';
import { cleanText } from '../src/import/text-fields.ts';
import {
  applyDamage,
  byteDamage,
  FC_SEED,
  type FingerprintedStore,
  hostileJson,
  hostileString,
  MARKUP,
  PROTO_KEYS,
  postgresFingerprintFactory,
  SQL_INJECTION,
  sqliteFingerprintFactory,
} from './helpers/hostile.ts';
import { PG_TEST_URL, probePostgres } from './helpers/store-factory.ts';
import { catalog, HEADER, type Row, sampleRows, TODAY, tempDir, toCsv, toNdjson } from './import-helpers.ts';

/**
 * Issue 9, hostile input to the list import (CSV, XLSX, JSON, NDJSON): files built from hostile
 * cells (SQL, markup, NUL, lone surrogates, quotes and line breaks, prototype keys, deep values)
 * and byte-level damage to valid files. Every attempt ends in a report or a file-level
 * ImportFileError, never another exception; a file that is not accepted whole writes nothing at
 * all (every table compared); an accepted file stores its text as the cleaned cell, never
 * interpreted. Same on SQLite and PostgreSQL. Replay with FC_SEED=<seed>.
 */

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;
if (skipPostgres)
  console.warn(`\n!!! PostgreSQL unreachable at ${PG_TEST_URL}: hostile import SKIPPED there !!!\n`);

const factories = [
  { ...sqliteFingerprintFactory(), skip: false },
  { ...postgresFingerprintFactory(PG_TEST_URL), skip: skipPostgres },
];

const RUNS = 20;
const TEXT_COLUMNS = ['name', 'designator', 'basis', 'reason', 'legal_rep'] as const;
const MAX: Record<string, number> = { name: 200, designator: 200, basis: 200, reason: 2000, legal_rep: 100 };

/** The three organization rows (persons are keyed by a hash, so their text is checked elsewhere). */
const orgRows = (): Row[] => sampleRows().filter((r) => r.subject_type === 'org');

/** 1–3 sample rows with some cells, text or not, replaced by hostile strings. */
const hostileRows = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.array(fc.tuple(fc.nat(2), fc.constantFrom(...HEADER), hostileString), { minLength: 1, maxLength: 6 }),
  )
  .map(([n, edits]) => {
    const rows = orgRows().slice(0, n);
    for (const [i, col, value] of edits) {
      const row = rows[i % rows.length]!;
      row[col] = value;
    }
    return rows;
  });

describe.each(factories)('$name store: hostile import files', (factory) => {
  const suite = factory.skip ? describe.skip : describe;
  suite('', () => {
    let db: FingerprintedStore;
    let tmp: ReturnType<typeof tempDir>;
    let known = '';
    let n = 0;
    const outcomes = { accepted: 0, rowErrors: 0, fileErrors: 0 };

    beforeAll(async () => {
      db = await factory.create();
      await db.store.replaceCatalog(catalog, 'test');
      // The person-key secret is made once, by the first import that needs it; made here, so that
      // no attempt below writes it.
      await db.store.initSetting(ID_HMAC_SETTING, randomBytes(32).toString('hex'));
      known = await db.fingerprint();
      tmp = tempDir();
    });
    afterAll(async () => {
      console.log(`${factory.name} hostile imports: ${JSON.stringify(outcomes)}`);
      await db?.dispose();
      tmp?.dispose();
    });

    /**
     * Imports the file: a report or an ImportFileError, nothing else; unless accepted whole,
     * every table is as it was. Returns the report of an accepted file.
     */
    async function attempt(name: string, content: string | Uint8Array): Promise<ImportReport | null> {
      const path = tmp.file(`${++n}-${name}`, content);
      let report: ImportReport | null = null;
      try {
        report = await importFile(db.store, path, { actor: 'hostile-test', catalog, today: TODAY });
      } catch (err) {
        if (!(err instanceof ImportFileError)) {
          throw new Error(`${name}: ${String(err)}\n${readFileSync(path).toString('utf8').slice(0, 400)}`, {
            cause: err,
          });
        }
        expect(err.messageZh).toMatch(/[\u4e00-\u9fff]/);
      }
      const now = await db.fingerprint();
      if (report?.ok) {
        outcomes.accepted++;
        known = now;
        return report;
      }
      if (report) outcomes.rowErrors++;
      else outcomes.fileErrors++;
      expect(now, `${name}: a refused import wrote to the store`).toBe(known);
      return null;
    }

    /** An accepted file's text is stored as its cleaned cell: verbatim apart from the documented cleaning. */
    async function expectStoredAsData(rows: Row[]): Promise<void> {
      for (const row of rows) {
        const subject = await db.store.findSubjectByKey(row.uscc!);
        expect(subject, row.uscc).not.toBeNull();
        const entries = await db.store.listEntries(subject!.id);
        const clean = (col: string) => cleanText(row[col], MAX[col]!) as string;
        expect(entries.map((e) => [e.basis, e.reason])).toContainEqual([clean('basis'), clean('reason')]);
      }
      const last = rows.at(-1)!;
      const subject = await db.store.findSubjectByKey(last.uscc!);
      // Later rows of the same subject win its name; the last row's is the one kept.
      expect(subject!.name).toBe(cleanText(last.name, MAX.name!));
    }

    it('CSV from hostile cells, quoted properly and not at all', async () => {
      await fc.assert(
        fc.asyncProperty(hostileRows, fc.boolean(), async (rows, quoted) => {
          const text = quoted
            ? toCsv(rows)
            : [HEADER.join(','), ...rows.map((r) => HEADER.map((h) => r[h] ?? '').join(','))].join('\n');
          const report = await attempt('rows.csv', text);
          if (report && quoted) await expectStoredAsData(rows);
        }),
        { seed: FC_SEED, numRuns: RUNS, endOnFailure: true },
      );
    });

    it('JSON and NDJSON with hostile values of any type, prototype keys and deep nesting', async () => {
      const value = fc.oneof(hostileString, hostileJson);
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(
              fc.nat(2),
              fc.dictionary(fc.constantFrom(...HEADER, ...PROTO_KEYS), value, { minKeys: 1, maxKeys: 4 }),
            ),
            { minLength: 1, maxLength: 3 },
          ),
          fc.constantFrom('json', 'ndjson', 'wrapped'),
          fc.option(fc.constantFrom(10_000, 100_000), { nil: undefined }),
          async (edits, format, nestDepth) => {
            const rows: Array<Record<string, unknown>> = orgRows();
            for (const [i, patch] of edits) Object.assign(rows[i % rows.length]!, patch);
            // Built as text: the test's own JSON.parse/stringify would overflow the stack first.
            if (nestDepth) rows[0]!.reason = '__DEEP__';
            const deep = (t: string) =>
              nestDepth ? t.replace('"__DEEP__"', `${'['.repeat(nestDepth)}${']'.repeat(nestDepth)}`) : t;
            // An own __proto__ member, as JSON text can carry and object literals cannot.
            const text = deep(
              format === 'ndjson'
                ? toNdjson(rows as Row[]).replace('{', '{"__proto__":{"kind":"red"},')
                : JSON.stringify(format === 'wrapped' ? { entries: rows } : rows).replace(
                    '{"uscc"',
                    '{"__proto__":{"kind":"red"},"uscc"',
                  ),
            );
            const report = await attempt(`rows.${format === 'ndjson' ? 'ndjson' : 'json'}`, text);
            if (report) {
              expect(nestDepth).toBeUndefined();
              await expectStoredAsData(rows as Row[]);
            }
          },
        ),
        { seed: FC_SEED, numRuns: RUNS, endOnFailure: true },
      );
      expect(({} as Record<string, unknown>).kind).toBeUndefined();
    });

    it('XLSX with hostile cells: XML specials, NUL, lone surrogates, formulas', async () => {
      const cell = fc.oneof(
        hostileString,
        fc.constantFrom('=HYPERLINK("http://x","y")', '=1+1', '@SUM(A1)', '</t></si><script>', ']]><!--'),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(2), fc.constantFrom(...HEADER), cell), { minLength: 1, maxLength: 6 }),
          async (edits) => {
            const rows = orgRows();
            for (const [i, col, v] of edits) rows[i % rows.length]![col] = v;
            const path = tmp.file(`${++n}-rows.xlsx`);
            await writeXlsx(path, [HEADER, ...rows.map((r) => HEADER.map((h) => r[h] ?? ''))]);
            const report = await attempt('rows.xlsx', readFileSync(path));
            if (report) await expectStoredAsData(rows);
          },
        ),
        { seed: FC_SEED, numRuns: RUNS, endOnFailure: true },
      );
    });

    it('byte-level damage to valid CSV, JSON, NDJSON and XLSX files', async () => {
      const xlsxPath = tmp.file('valid.xlsx');
      await writeXlsx(xlsxPath, [HEADER, ...orgRows().map((r) => HEADER.map((h) => r[h] ?? ''))]);
      const valid = {
        csv: Buffer.from(toCsv(orgRows())),
        json: Buffer.from(JSON.stringify(orgRows())),
        ndjson: Buffer.from(toNdjson(orgRows())),
        xlsx: readFileSync(xlsxPath),
      };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('csv', 'json', 'ndjson', 'xlsx'),
          byteDamage,
          async (format, edits) => {
            await attempt(`damaged.${format}`, applyDamage(valid[format], edits));
          },
        ),
        { seed: FC_SEED, numRuns: RUNS * 2, endOnFailure: true },
      );
    });

    it('SQL and markup in every text column are stored as text', async () => {
      const texts = [...SQL_INJECTION, ...MARKUP].filter((s) => s.trim() === s && s);
      const rows = texts.map((text, i) => {
        const base = orgRows()[i % 3]!;
        const row: Row = {
          ...base,
          list_type: ['dishonest-judgment-debtor', 'a-grade-taxpayer', 'gov-procurement-serious-violation'][
            i % 3
          ]!,
        };
        for (const col of TEXT_COLUMNS) row[col] = `${text}${col === 'name' ? '有限公司' : ''}`;
        row.basis = `${text}〔${i}〕号`;
        return row;
      });
      const report = await attempt('markup.csv', toCsv(rows));
      expect(report, 'the file of SQL and markup text was refused').not.toBeNull();
      expect(report!.rows).toBe(rows.length);
      for (const row of rows) {
        const subject = await db.store.findSubjectByKey(row.uscc!);
        const entries = await db.store.listEntries(subject!.id);
        expect(entries.map((e) => e.basis)).toContain(row.basis);
        expect(entries.find((e) => e.basis === row.basis)).toMatchObject({
          reason: row.reason,
          designator: row.designator,
        });
      }
    });

    it('a lone surrogate in a JSON file is a row error, never stored as U+FFFD', async () => {
      for (const text of ['\ud800', 'x\udfffy', '\udbff']) {
        const rows: Row[] = orgRows().slice(0, 1);
        rows[0]!.reason = `原因${text}`;
        const report = await attempt('surrogate.json', JSON.stringify(rows));
        expect(report, JSON.stringify(text)).toBeNull();
      }
    });
  });
});
