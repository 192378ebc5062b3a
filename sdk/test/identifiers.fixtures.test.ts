// Runs against the shared synthetic fixtures when they sit beside the repository (a development
// checkout); a clean clone has no such folder and the suite is skipped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyCode, findCodesInText, validateResidentId, validateUSCC } from '../src/identifiers/index.ts';
import { maskIdPublic, maskIdStaff, maskPersonName } from '../src/mask/index.ts';
import { normalizeName } from '../src/names/index.ts';

const dir = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));
const present = existsSync(`${dir}companies.json`) && existsSync(`${dir}expected.json`);
const AS_OF = '2026-11-23';

interface Company {
  uscc: string;
  name: string;
}
interface ExpectedEntry {
  uscc?: string;
  id_number?: string;
  name: string;
  match: string;
  display_id?: string;
  display_id_staff?: string;
  display_name?: string;
}

const read = (file: string): string => readFileSync(`${dir}${file}`, 'utf8');

describe.skipIf(!present)('shared fixtures', () => {
  const companies: Company[] = present ? JSON.parse(read('companies.json')).companies : [];
  const expected: Record<string, { entries: ExpectedEntry[] }> = present
    ? JSON.parse(read('expected.json')).pages
    : {};
  const listRows = present
    ? read('lists.csv')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
    : [];

  it('every company code validates as a USCC without warnings', () => {
    expect(companies.length).toBeGreaterThan(0);
    for (const { uscc } of companies) {
      expect(validateUSCC(uscc)).toMatchObject({ valid: true, warnings: [] });
      expect(classifyCode(uscc, { referenceDate: AS_OF })).toBe('uscc');
    }
  });

  it('every person on a list has a valid resident ID', () => {
    const persons = listRows.filter((row) => row[row.length - 1] === 'person');
    expect(persons.length).toBeGreaterThan(0);
    for (const row of persons) {
      expect(validateResidentId(row[0] as string, { referenceDate: AS_OF }).valid).toBe(true);
      expect(classifyCode(row[0] as string, { referenceDate: AS_OF })).toBe('resident-id');
    }
  });

  it('list names and company names agree after normalization, and normalization is idempotent', () => {
    const byCode = new Map(companies.map((c) => [c.uscc, c.name]));
    for (const row of listRows.filter((r) => r[r.length - 1] === 'org')) {
      const company = byCode.get(row[0] as string);
      if (company !== undefined) expect(normalizeName(row[1] as string)).toBe(normalizeName(company));
    }
    for (const { name } of companies) expect(normalizeName(normalizeName(name))).toBe(normalizeName(name));
  });

  const pages = present ? readdirSync(`${dir}pages`).filter((f) => f.endsWith('.html')) : [];
  it.each(pages)('%s: finds every expected code and ID, and nothing invalid', (file) => {
    const html = read(`pages/${file}`);
    const text = html.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ');
    const found = findCodesInText(text, { referenceDate: AS_OF });
    expect(found.filter((f) => !f.check.valid)).toEqual([]);
    const normalized = new Set(found.map((f) => f.check.normalized));
    for (const entry of expected[`pages/${file}`]?.entries ?? []) {
      if (entry.match === 'uscc') expect(normalized).toContain(entry.uscc);
      if (entry.match === 'id_number') {
        const id = entry.id_number as string;
        expect(found.find((f) => f.check.normalized === id)?.check.kind).toBe('resident-id');
        expect(maskIdPublic(id)).toBe(entry.display_id);
        expect(maskIdStaff(id)).toBe(entry.display_id_staff);
        expect(maskPersonName(entry.name)).toBe(entry.display_name);
      }
    }
  });

  it('every name-only entry on a page names a known company after normalization', () => {
    const names = new Set(companies.map((c) => normalizeName(c.name)));
    for (const page of Object.values(expected)) {
      for (const entry of page.entries.filter((e) => e.match === 'name')) {
        expect(names).toContain(normalizeName(entry.name));
      }
    }
  });
});
