import { readFileSync } from 'node:fs';
import { validateResidentId, validateUSCC } from '@credcheck/sdk/identifiers';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COMPUTED_LIST_TYPES,
  type DatasetRow,
  DEMO_SEED,
  DEMO_SUBJECTS,
  generateDataset,
  LIST_RULES,
  seedDemo,
  writeDatasetCsv,
} from '../src/demo/index.ts';
import { subjectStatusAt } from '../src/domain/status.ts';
import { sqliteFactory } from './helpers/store-factory.ts';
import { catalog, tempDir } from './import-helpers.ts';

const TODAY = '2026-11-23';
const tmp = tempDir();
afterAll(() => tmp.dispose());

const demo: DatasetRow[] = [...generateDataset({ seed: DEMO_SEED, subjects: DEMO_SUBJECTS, today: TODAY })];
const listTypes = new Map(catalog.listTypes.map((t) => [t.code, t]));

describe('demo data set', () => {
  it('is deterministic: the same seed gives byte-identical files, another seed another file', async () => {
    const a = tmp.file('a.csv');
    const b = tmp.file('b.csv');
    const c = tmp.file('c.csv');
    await writeDatasetCsv(a, { seed: 'same', subjects: 3000, today: TODAY });
    await writeDatasetCsv(b, { seed: 'same', subjects: 3000, today: TODAY });
    await writeDatasetCsv(c, { seed: 'other', subjects: 3000, today: TODAY });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
  });

  it('has about 2,000 entries at the demo size, and `limit` cuts exactly', () => {
    expect(demo.length).toBeGreaterThan(1800);
    expect(demo.length).toBeLessThan(2200);
    expect([...generateDataset({ seed: 'x', subjects: 1000, today: TODAY, limit: 333 })]).toHaveLength(333);
  });

  it('every code passes its checksum, and each code is one subject', () => {
    const names = new Map<string, string>();
    for (const r of demo) {
      if (r.subject_type === 'org') expect(validateUSCC(r.uscc).valid, r.uscc).toBe(true);
      else expect(validateResidentId(r.uscc, { referenceDate: TODAY }).valid).toBe(true);
      if (r.legal_rep_id)
        expect(validateResidentId(r.legal_rep_id, { referenceDate: TODAY }).valid).toBe(true);
      const prior = names.get(r.uscc);
      if (prior !== undefined) expect(r.name).toBe(prior);
      names.set(r.uscc, r.name);
    }
  });

  it('uses only catalog list types, with their kind and subject types, and covers them', () => {
    for (const r of demo) {
      const t = listTypes.get(r.list_type);
      expect(t, r.list_type).toBeDefined();
      expect(r.kind).toBe(t!.kind);
      expect(t!.subjectTypes).toContain(r.subject_type);
    }
    const ruled = new Set(LIST_RULES.map((r) => r.code));
    const uncovered = catalog.listTypes.map((t) => t.code).filter((c) => !ruled.has(c));
    expect(uncovered).toEqual([...COMPUTED_LIST_TYPES]);
    expect(new Set(demo.map((r) => r.list_type)).size).toBeGreaterThan(20);
  });

  it('mixes statuses, expired and open-ended entries, and subjects on both lists', () => {
    const statuses = new Set(demo.map((r) => r.status));
    expect([...statuses].sort()).toEqual(['active', 'repaired', 'revoked', 'suspended']);
    expect(demo.some((r) => r.valid_until !== '' && r.valid_until < TODAY)).toBe(true);
    expect(demo.filter((r) => r.valid_until === '').length).toBeGreaterThan(50);
    const kinds = new Map<string, Set<string>>();
    for (const r of demo) kinds.set(r.uscc, (kinds.get(r.uscc) ?? new Set()).add(r.kind));
    expect([...kinds.values()].filter((k) => k.size === 2).length).toBeGreaterThan(10);

    const bySubject = new Map<string, DatasetRow[]>();
    for (const r of demo) bySubject.set(r.uscc, [...(bySubject.get(r.uscc) ?? []), r]);
    const counts: Record<string, number> = {};
    for (const rows of bySubject.values()) {
      const status = subjectStatusAt(
        rows.map((r) => ({
          kind: r.kind as 'red' | 'black',
          status: r.status as 'active',
          decidedOn: r.decided_on,
          validUntil: r.valid_until || null,
        })),
        TODAY,
      );
      counts[status] = (counts[status] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['black', 'expired', 'red', 'suspended']);
  });

  it('dates are real, ordered and not in the future', () => {
    for (const r of demo) {
      expect(r.decided_on <= TODAY).toBe(true);
      if (r.valid_until) expect(r.valid_until >= r.decided_on).toBe(true);
      if (r.published_on) expect(r.published_on >= r.decided_on && r.published_on <= TODAY).toBe(true);
    }
  });

  it('looks like real lists: organization forms, court case numbers, listed legal representatives', () => {
    const names = demo.map((r) => r.name);
    expect(names.some((n) => n.includes('（集团）有限公司'))).toBe(true);
    expect(names.some((n) => n.endsWith('分公司'))).toBe(true);
    expect(names.some((n) => /(经营部|商行|店|餐馆|修理厂)$/.test(n))).toBe(true);
    expect(names.some((n) => n.endsWith('合作社'))).toBe(true);
    expect(demo.some((r) => r.uscc.startsWith('92'))).toBe(true);
    const court = demo.filter((r) => r.list_type === 'dishonest-judgment-debtor');
    for (const r of court) expect(r.basis).toMatch(/^（\d{4}）[\u4e00-\u9fff]\d{2,4}执恢?\d+号$/);
    expect(court.some((r) => r.designator === '重庆市云阳县人民法院' && r.basis.includes('渝0235执'))).toBe(
      true,
    );
    const reps = demo.filter((r) => r.legal_rep_id !== '');
    expect(reps.length).toBeGreaterThan(5);
    const people = new Set(demo.filter((r) => r.subject_type === 'person').map((r) => r.uscc));
    for (const r of reps) expect(people.has(r.legal_rep_id)).toBe(true);
  });

  it('seeds a store through the import validation, the same on every run', async () => {
    const t = await sqliteFactory().create();
    try {
      await t.store.replaceCatalog(catalog, 'test');
      const summary = await seedDemo(t.store, TODAY);
      expect(summary).toMatchObject({ rows: demo.length, entriesCreated: demo.length, dryRun: false });
      expect(await t.store.counts()).toEqual({
        subjects: new Set(demo.map((r) => r.uscc)).size,
        entries: demo.length,
      });
      const again = await seedDemo(t.store, TODAY);
      expect(again).toMatchObject({ entriesCreated: 0, unchanged: demo.length });
    } finally {
      await t.dispose();
    }
  });
});
