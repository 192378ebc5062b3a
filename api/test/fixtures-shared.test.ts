import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID_HMAC_SETTING, personKey } from '../src/domain/person-key.ts';
import { subjectStatusAt } from '../src/domain/status.ts';
import { type ImportReport, importFile } from '../src/import/index.ts';
import type { Store } from '../src/store/types.ts';
import { sqliteFactory, type TestStore } from './helpers/store-factory.ts';
import { catalog } from './import-helpers.ts';

/**
 * The shared fixtures (../shared/fixtures, beside the repository) imported as they are. A clean
 * clone has no ../shared: then this suite is skipped, never failed.
 */
const LISTS = fileURLToPath(new URL('../../../shared/fixtures/lists.csv', import.meta.url));
const EXPECTED = fileURLToPath(new URL('../../../shared/fixtures/expected.json', import.meta.url));
const present = existsSync(LISTS) && existsSync(EXPECTED);
const test = present ? it : it.skip;

interface ExpectedEntry {
  uscc?: string;
  id_number?: string;
  name: string;
  match: 'uscc' | 'name' | 'id_number';
  expected: 'black' | 'red' | 'expired' | 'clean';
}

describe('shared fixtures: lists.csv', () => {
  let t: TestStore;
  let store: Store;
  let asOf = '2026-11-23';
  let report: ImportReport;

  beforeAll(async () => {
    if (!present) return;
    asOf = (JSON.parse(readFileSync(EXPECTED, 'utf8')) as { as_of: string }).as_of;
    t = await sqliteFactory().create();
    store = t.store;
    await store.replaceCatalog(catalog, 'test');
    report = await importFile(store, LISTS, { actor: 'fixtures', catalog, today: asOf });
  });
  afterAll(async () => {
    await t?.dispose();
  });

  async function statusOfKey(key: string): Promise<string> {
    const subject = await store.findSubjectByKey(key);
    if (!subject) return 'clean';
    return subjectStatusAt(await store.listEntries(subject.id), asOf);
  }

  test('imports as-is: 146 entries of 126 subjects, no row rejected', async () => {
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ ok: true, format: 'csv', rows: 146 });
    expect(report.summary).toMatchObject({ entriesCreated: 146, subjectsCreated: 126 });
    expect(await store.counts()).toEqual({ subjects: 126, entries: 146 });
  });

  test('subjects by status at as_of: 67 black, 40 red, 19 expired (README)', async () => {
    const counts: Record<string, number> = {};
    let persons = 0;
    for await (const batch of store.scan(200)) {
      for (const { subject, entries } of batch) {
        const s = subjectStatusAt(entries, asOf);
        counts[s] = (counts[s] ?? 0) + 1;
        if (subject.type === 'person') persons++;
      }
    }
    expect(counts).toEqual({ black: 67, red: 40, expired: 19 });
    expect(persons).toBe(6);
  });

  test('statuses the pages expect for codes and ID numbers (expected.json)', async () => {
    const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as {
      pages: Record<string, { entries: ExpectedEntry[] }>;
    };
    const secret = (await store.getSetting(ID_HMAC_SETTING))!;
    let checked = 0;
    for (const page of Object.values(expected.pages)) {
      for (const e of page.entries) {
        if (e.match === 'uscc' && e.uscc) {
          expect(await statusOfKey(e.uscc), `${e.name} ${e.uscc}`).toBe(e.expected);
          checked++;
        } else if (e.match === 'id_number' && e.id_number) {
          expect(await statusOfKey(personKey(secret, e.id_number)), e.name).toBe(e.expected);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
