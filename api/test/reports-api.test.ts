import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { verifyReceipt } from '@credcheck/sdk/client';
import { residentIdCheckChar } from '@credcheck/sdk/identifiers';
import jsQRModule from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First of the app's modules: it loads @hono/zod-openapi before the stores load the domain's zod schemas.
import { CommitmentResultSchema } from '../src/commitments/schemas.ts';
import { usccFor } from './helpers/records.ts';
import {
  PG_TEST_URL,
  postgresFactory,
  probePostgres,
  type StoreFactory,
  sqliteFactory,
} from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * Credit reports (信用报告) over HTTP on both stores: the HTML escapes hostile list data and
 * loads nothing; the PDF is a well-formed file whose text (pdftotext) carries the report; the QR
 * code rendered from it (pdftoppm) decodes to the decision's receipt, which the SDK's
 * verifyReceipt accepts with the published JWKS, and a tampered one it refuses; persons masked.
 */

const run = promisify(execFile);
const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;
const poppler = await run('pdftoppm', ['-v']).then(
  () => true,
  () => false,
);

const factories: Array<StoreFactory & { skip: boolean }> = [
  { ...sqliteFactory(), skip: false },
  { ...postgresFactory(PG_TEST_URL), skip: skipPostgres },
];

const DEPT = '云阳县行政审批服务局';
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
const first17 = '11010119900307457';
const PERSON_ID = first17 + residentIdCheckChar(first17);

// jsqr is CommonJS typed as an ES default export: under Node the default import is the function itself.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;

/** Draws the report's inline SVG QR code (one path of module runs) at 4 px a module and decodes it. */
function decodeSvg(html: string): string | null {
  const svg = html.match(/<svg [^>]*viewBox="0 0 (\d+) \1"[^>]*>.*?<path fill="#000" d="([^"]*)"/);
  if (!svg) throw new Error('no QR code SVG in the page');
  const n = Number(svg[1]);
  const px = 4;
  const w = n * px;
  const rgba = new Uint8ClampedArray(w * w * 4).fill(255);
  for (const [, x, y, run] of svg[2]!.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let dy = 0; dy < px; dy++) {
      for (let dx = 0; dx < Number(run) * px; dx++) {
        const i = ((Number(y) * px + dy) * w + Number(x) * px + dx) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return jsQR(rgba, w, w)?.data ?? null;
}

/** Decodes the QR code of a PPM (P6) image, as pdftoppm writes it. */
function decodePpm(ppm: Buffer): string | null {
  const header = ppm.toString('latin1', 0, 64).match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error('not a binary PPM');
  const [w, h] = [Number(header[1]), Number(header[2])];
  const rgb = ppm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    rgba[i * 4] = rgb[i * 3]!;
    rgba[i * 4 + 1] = rgb[i * 3 + 1]!;
    rgba[i * 4 + 2] = rgb[i * 3 + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  return jsQR(rgba, w, h)?.data ?? null;
}

describe.each(factories)('$name store: credit report over HTTP', (factory) => {
  const suite = factory.skip ? describe.skip : describe;
  suite('', () => {
    let t: TestApp;
    let dir = '';
    const keys = { designator: '', implementer: '', public: '' };
    const code = usccFor(8101);

    const get = (path: string, key: string | null, accept?: string) =>
      t.app.request(path, {
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(accept ? { accept } : {}) },
      });

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'credcheck-report-'));
      t = await openTestApp(factory);
      keys.designator = await t.key('designator', DEPT);
      keys.implementer = await t.key('implementer', DEPT);
      keys.public = await t.key('public');
      const post = async (path: string, body: unknown) => {
        const res = await t.app.request(path, {
          method: 'POST',
          headers: { authorization: `Bearer ${keys.designator}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return res.json();
      };
      const made = CommitmentResultSchema.parse(
        await post('/v1/commitments', {
          code,
          name: `重庆报告测试建设有限公司${HOSTILE}`,
          kind: 'specific',
          matter: {
            type: 'tolerant-acceptance',
            title: '建筑工程施工许可证核发',
            materials: ['消防设计审查合格意见书'],
            dueOn: '2026-12-10',
          },
          text: `承诺限期补齐材料。${HOSTILE}`,
          madeOn: '2026-11-20',
          channel: 'counter',
          submitter: { name: '李四' },
        }),
      );
      await post(`/v1/commitments/${made.commitment.id}/breach`, {
        reason: `逾期未补齐材料${HOSTILE}`,
        evidence: [{ title: '逾期未补正告知书' }],
        decidedOn: '2026-11-23',
      });
      await post('/v1/entries', {
        code: PERSON_ID,
        name: '王小明',
        listType: 'dishonest-judgment-debtor',
        basis: '(2026)渝0235执123号',
        reason: '有履行能力而拒不履行生效法律文书确定义务',
        decidedOn: '2026-11-20',
      });
    });
    afterAll(async () => {
      await t?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('HTML: self-contained, hostile list data escaped, the decision recorded with its receipt', async () => {
      const res = await get(`/v1/reports/${code}?scenario=admin-licensing`, keys.implementer, 'text/html');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await res.text();
      // No element from the data, and no tag that loads or runs anything.
      expect(html).not.toMatch(/<script|<img/i);
      expect(html).not.toMatch(/<[^>]+\s(src|href|on[a-z]+)=/i);
      expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img');
      expect(html).toContain('信用报告');
      expect(html).toContain('违背信用承诺的失信主体');
      expect(html).toContain('@page { size: A4');
      expect(html).toContain('<svg');
      expect(html).not.toContain('李四');
      const id = res.headers.get('x-decision-id')!;
      expect(html).toContain(id);
      const record = await t.db.store.getDecision(id);
      expect(record).toMatchObject({ scenario: 'admin-licensing', subjectKey: code });
      expect(html).toContain(`data-receipt>${record!.receipt}<`);
      expect(decodeSvg(html)).toBe(record!.receipt);
      expect(html).toContain(`>${record!.dataVersion}<`);
      expect(Number(res.headers.get('x-data-version'))).toBe(record!.dataVersion);
      const en = await (
        await get(`/v1/reports/${code}?scenario=admin-licensing&format=html&lang=en`, keys.implementer)
      ).text();
      expect(en).toContain('Credit report');
      expect(en).toContain('Specific commitment · breached');
    });

    it('refuses callers who may not decide, unknown scenarios and malformed codes, as problems', async () => {
      for (const [path, key, status, type] of [
        [`/v1/reports/${code}?scenario=admin-licensing`, null, 403, 'forbidden'],
        [`/v1/reports/${code}?scenario=admin-licensing`, keys.public, 403, 'forbidden'],
        [`/v1/reports/${code}?scenario=no-such-scenario`, keys.implementer, 400, 'unknown-scenario'],
        ['/v1/reports/91500235MA5U3XXX?scenario=admin-licensing', keys.implementer, 400, 'invalid-code'],
        [`/v1/reports/${code}`, keys.implementer, 400, 'validation-failed'],
        [
          `/v1/reports/${code}?scenario=admin-licensing&format=docx`,
          keys.implementer,
          400,
          'validation-failed',
        ],
      ] as const) {
        const res = await get(path, key);
        expect([res.status, ((await res.json()) as { type: string }).type]).toEqual([
          status,
          `/problems/${type}`,
        ]);
      }
    });

    it('a clean organization’s report still shows its commitments', async () => {
      const clean = usccFor(8102);
      const made = await t.app.request('/v1/commitments', {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.implementer}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          code: clean,
          name: '重庆守信承诺有限公司',
          kind: 'comprehensive',
          text: '本单位承诺依法诚信经营，自觉接受监督。',
          madeOn: '2026-11-01',
          channel: 'website',
          submitter: { name: '赵六' },
        }),
      });
      expect(made.status).toBe(201);
      const html = await (
        await get(`/v1/reports/${clean}?scenario=admin-licensing`, keys.implementer)
      ).text();
      expect(html).toContain('未列入红名单或黑名单');
      expect(html).toContain('重庆守信承诺有限公司');
      expect(html).toContain('本单位承诺依法诚信经营，自觉接受监督。');
      expect(html).toContain('未发现应实施的措施');
    });

    it('a person is masked in the report, as for the caller’s role', async () => {
      const html = await (
        await get(`/v1/reports/${PERSON_ID}?scenario=gov-procurement`, keys.implementer)
      ).text();
      expect(html).not.toContain(PERSON_ID);
      expect(html).not.toContain('王小明');
      expect(html).toContain('黑名单');
      expect(html).toContain('失信被执行人');
    });

    it.skipIf(!poppler)(
      'PDF: valid structure, CJK text, and a QR code that verifies offline (tampered: refused)',
      async () => {
        const res = await get(
          `/v1/reports/${code}?scenario=admin-licensing`,
          keys.implementer,
          'application/pdf',
        );
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/pdf');
        const pdf = Buffer.from(await res.arrayBuffer());
        expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
        expect(pdf.subarray(-6).toString('latin1')).toBe('%%EOF\n');
        const file = join(dir, 'report.pdf');
        await writeFile(file, pdf);
        const info = await run('pdfinfo', [file]);
        expect(info.stderr).toBe('');
        expect(info.stdout).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
        expect(info.stdout).toMatch(/Title:\s+信用报告/);
        const { stdout: text, stderr } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
        expect(stderr).toBe('');
        const id = res.headers.get('x-decision-id')!;
        const flat = text.replace(/\s+/g, '');
        for (const s of [
          '信用报告',
          '违背信用承诺的失信主体',
          '专项信用承诺',
          '消防设计审查合格意见书',
          id,
          code,
        ]) {
          expect(flat).toContain(s.replace(/\s+/g, ''));
        }
        expect(flat).toContain('<script>alert(1)</script>');
        expect(text).not.toContain('李四');

        await run('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', file, join(dir, 'page')]);
        const ppm = await readFile(join(dir, 'page-1.ppm'));
        const scanned = decodePpm(ppm);
        const record = await t.db.store.getDecision(id);
        expect(scanned).toBe(record!.receipt);

        const jwks = await (await t.app.request('/.well-known/jwks.json')).json();
        const verified = await verifyReceipt(scanned!, { jwks });
        expect(verified.claims).toMatchObject({
          jti: id,
          scenario: 'admin-licensing',
          dataVersion: record!.dataVersion,
        });
        const [h, p, s] = scanned!.split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
        const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, outcome: 'clear' })).toString('base64url')}.${s}`;
        await expect(verifyReceipt(forged, { jwks })).rejects.toThrow();
      },
    );
  });
});
