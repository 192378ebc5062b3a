import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { bothStores } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';
import { CODES, HEADER, sampleRows, toCsv, toNdjson } from './import-helpers.ts';

/**
 * POST /v1/imports on both stores: the CLI's report, all rows or none, a designator confined to
 * its own department row by row, unreadable files as problems, and the import's own body limit.
 */

const factories = await bothStores('imports API tests');
const COURT = '四川省简阳市人民法院';

describe.each(factories)('$name store: POST /v1/imports', (factory) => {
  const suite = factory.skip ? describe.skip : describe;
  suite('', () => {
    let t: TestApp;
    const keys = { admin: '', court: '', implementer: '' };

    const upload = async (
      query: string,
      key: string | null,
      body: string | Uint8Array,
      contentType = 'application/octet-stream',
      app = t.app,
    ) => {
      const res = await app.request(`/v1/imports${query}`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: body as BodyInit,
      });
      return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
    };
    const entries = async () => (await t.db.store.counts()).entries;

    beforeAll(async () => {
      t = await openTestApp(factory);
      keys.admin = await t.key('admin');
      keys.court = await t.key('designator', COURT);
      keys.implementer = await t.key('implementer');
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a dry run reports what would change and writes nothing', async () => {
      const before = await entries();
      const res = await upload('?dryRun=true&format=csv', keys.admin, toCsv(sampleRows()));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ok: true,
        format: 'csv',
        rows: 4,
        errorCount: 0,
        summary: { rows: 4, entriesCreated: 4, dryRun: true },
      });
      expect(await entries()).toBe(before);
    });

    it('an admin imports any department; the entries are listed and looked up at once; audited', async () => {
      const before = await entries();
      const res = await upload('', keys.admin, toNdjson(sampleRows()), 'application/x-ndjson');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        ok: true,
        format: 'ndjson',
        summary: { entriesCreated: 4, dryRun: false },
      });
      expect(await entries()).toBe(before + 4);
      const lookup = await t.app.request(`/v1/subjects/${CODES.c}`);
      expect(lookup.status).toBe(200);
      expect((await lookup.json()).status).toBe('black');
      const audit = await t.db.store.readAudit(0, 10_000);
      const imported = audit.filter((r) => r.action === 'import');
      expect(imported.at(-1)!.actor).toMatch(/^import:key_/);
    });

    it('a designator’s rows of another department are row errors, and then nothing is written', async () => {
      const before = await entries();
      const rows = sampleRows().map((r) => ({ ...r, basis: `${r.basis}-2` }));
      const res = await upload('?format=csv', keys.court, toCsv(rows));
      expect(res.status).toBe(422);
      expect(res.type).toContain('application/problem+json');
      expect(res.body.type).toBe('/problems/import-rows-rejected');
      const report = res.body.report;
      expect(report).toMatchObject({ ok: false, rows: 4, errorCount: 3 });
      expect(report.errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 5]);
      expect(report.errors[0]).toMatchObject({ column: 'department', value: '国家税务总局上海市税务局' });
      expect(report.summary).toBeUndefined();
      expect(await entries()).toBe(before);

      const own = await upload('?format=csv', keys.court, toCsv(rows.slice(0, 1)));
      expect(own.status).toBe(200);
      expect(own.body.summary.entriesCreated).toBe(1);
      expect(await entries()).toBe(before + 1);
      const listed = await t.app.request('/v1/entries', {
        headers: { authorization: `Bearer ${keys.court}` },
      });
      expect((await listed.json()).items.map((i: { basis: string }) => i.basis)).toContain(rows[0]!.basis);
    });

    it('invalid rows: 422 with the CLI’s row-level report, nothing written', async () => {
      const before = await entries();
      const rows = sampleRows();
      rows[1] = { ...rows[1]!, uscc: CODES.badLength, basis: 'x-3' };
      rows[2] = { ...rows[2]!, basis: 'x-4' };
      const res = await upload('', keys.admin, toCsv(rows), 'text/csv');
      expect(res.status).toBe(422);
      expect(res.body.report.errors[0]).toMatchObject({ line: 3, column: 'uscc', value: CODES.badLength });
      expect(res.body.report.errors[0].messageZh).toEqual(expect.any(String));
      expect(await entries()).toBe(before);
    });

    it('a file that is no list file is a 400 import-file problem naming why, without a path', async () => {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
      const bad = await upload('', keys.admin, png);
      expect(bad.status).toBe(400);
      expect(bad.type).toContain('application/problem+json');
      expect(bad.body).toMatchObject({ type: '/problems/import-file', code: 'binary' });
      const empty = await upload('?format=csv', keys.admin, '');
      expect(empty.body).toMatchObject({ status: 400, code: 'empty' });
      const noHeader = await upload('?format=csv', keys.admin, 'a,b,c\n1,2,3\n');
      expect(noHeader.status).toBe(400);
      for (const r of [bad, empty, noHeader])
        expect(JSON.stringify(r.body)).not.toMatch(/credcheck-upload|tmp/);
      expect((await upload('?format=pdf', keys.admin, 'x')).status).toBe(400);
    });

    it('implementers and the public may not import', async () => {
      for (const key of [keys.implementer, null]) {
        const res = await upload('?format=csv', key, toCsv(sampleRows()));
        expect(res.status).toBe(403);
      }
    });

    it('imports have their own body limit, above the general one', async () => {
      const app = createApp({
        ...t.runtime.deps,
        config: { ...t.runtime.deps.config, bodyLimit: 2048, importLimit: 64 * 1024 },
      });
      const rows = Array.from({ length: 20 }, () => sampleRows()[0]!);
      const csv = toCsv(rows, HEADER);
      expect(csv.length).toBeGreaterThan(2048);
      const fits = await upload('?dryRun=true&format=csv', keys.admin, csv, 'text/csv', app);
      // Duplicate rows are row errors: what counts here is that the body was read, not refused.
      expect(fits.status).toBe(422);
      const tooBig = await upload(
        '?dryRun=true&format=csv',
        keys.admin,
        'x'.repeat(65 * 1024),
        'text/csv',
        app,
      );
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.type).toBe('/problems/payload-too-large');
      const other = await app.request('/v1/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.admin}` },
        body: JSON.stringify({ role: 'implementer', label: 'x'.repeat(3000) }),
      });
      expect(other.status).toBe(413);
    });
  });
});
