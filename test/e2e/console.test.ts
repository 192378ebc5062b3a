import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateUSCC } from '@credcheck/sdk';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/browser.ts';
import { type CreatedKey, createKey, ensureConsoleBuilt, signIn, watchOutside } from '../helpers/console.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

// In CI chromium is installed by .ci/run: a missing browser must fail there, not skip.
const run = chromiumAvailable() || process.env.CI ? describe : describe.skip;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = 'console-e2e-admin-key-0123456789';
// The demo department with the most entries, so that the entries view pages.
const DEPARTMENT = '重庆市云阳县人民法院';
// A demo subject actively on that court's dishonest-judgment-debtor list (seeded the same on every first start).
const LISTED_NAME = '重庆源峪检测技术有限责任公司';

/** Saved into docs/ for the README only on request, so that a test run never dirties the tree. */
async function shot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot();
  expect(png.length).toBeGreaterThan(10_000);
  if (process.env.CREDCHECK_SCREENSHOTS === '1') {
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    writeFileSync(join(ROOT, 'docs', name), png);
  }
}

/** Script errors and CSP violations ("Refused to …") the page reported. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    // A 4xx the test provokes (a wrong code) is logged by Chromium too; it is not the page's error.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** A link of the console's main navigation. */
const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name, exact: true });

async function decide(api: ApiProcess, key: string, code: string) {
  const res = await fetch(`${api.url}/v1/decisions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scenario: 'gov-procurement', subject: { code } }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    outcome: string;
    status: string;
    entries: { id: string }[];
    notApplied: { id?: string; entryId?: string; reason?: string }[];
  };
}

run('web console in Chromium against a real API process', () => {
  let api: ApiProcess;
  let profile: string;
  let browser: BrowserContext;
  let designator: CreatedKey;
  let implementer: CreatedKey;
  let objectedEntry = '';

  beforeAll(async () => {
    // Rebuilt when any source is newer: a stale console/dist would test yesterday's console.
    await ensureConsoleBuilt();
    api = await startApiProcess({ CREDCHECK_ADMIN_KEY: ADMIN });
    designator = await createKey(api.dataDir, 'designator', { department: DEPARTMENT, label: '执行局' });
    implementer = await createKey(api.dataDir, 'implementer', { department: '云阳县公共资源交易中心' });
    profile = mkdtempSync(join(tmpdir(), 'credcheck-console-'));
    browser = await launchBrowser(profile);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await api?.stop();
  });

  it('serves the console with a strict CSP, long-cached hashed assets and an SPA fallback', async () => {
    const index = await fetch(`${api.url}/console/entries/ent_x`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await index.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(api.url + script);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${api.url}/console/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${api.url}/console`, { redirect: 'manual' })).headers.get('location')).toBe(
      '/console/',
    );
  });

  it('public page: a name gives possible matches, a code gives the status with the objection procedure', async () => {
    const page = await browser.newPage();
    const outside = watchOutside(page);
    const errors = watchErrors(page);
    await page.goto(`${api.url}/console/`);
    await page.getByRole('heading', { name: '信用信息公共查询' }).waitFor();
    const box = page.getByLabel('代码或名称');
    await box.fill(LISTED_NAME);
    await box.press('Enter');
    await page.locator('[data-hit] [data-match="name"]').first().waitFor();
    await expect(page.getByRole('note').textContent()).resolves.toContain('疑似');
    // The code of the hit leads to the subject's card.
    const hitCode = (await page.locator('[data-hit] button').first().textContent())!;
    // A commitment the subject made to the court shows on its public card.
    const pledge = await fetch(`${api.url}/v1/commitments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${designator.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        code: hitCode,
        name: LISTED_NAME,
        kind: 'comprehensive',
        text: '本单位承诺依法履行生效法律文书确定的义务，如有违反，自愿接受联合惩戒。',
        madeOn: '2026-11-20',
        channel: 'counter',
        submitter: { name: '李四' },
      }),
    });
    expect(pledge.status).toBe(201);
    await page.locator('[data-hit] button').first().click();
    const card = page.getByTestId('subject-card');
    await card.waitFor();
    await card.locator('[data-commitment-status="active"]').waitFor();
    await expect(card.locator('.commitments').textContent()).resolves.toContain('本单位承诺依法履行');
    expect(await card.locator('.entry-card.kind-black').count()).toBeGreaterThan(0);
    const procedure = card.locator('.entry-card.kind-black .procedure').first();
    await expect(procedure.textContent()).resolves.toMatch(/10 个工作日/);
    await shot(page, 'console-public.png');
    // English on request, kept across a reload.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'How to object' }).first().waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Public credit query' }).waitFor();
    await page.getByRole('button', { name: '切换到中文' }).click();
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a designator creates an entry in the form; a decision reflects it; an objection suspends it', async () => {
    const page = await browser.newPage();
    const outside = watchOutside(page);
    const errors = watchErrors(page);
    // The keyboard reaches the skip link first.
    await page.goto(`${api.url}/console/`);
    await page.getByRole('heading', { name: '信用信息公共查询' }).waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('跳到主要内容');

    await signIn(page, api.url, designator.key);
    await expect(page.locator('.who').textContent()).resolves.toContain(DEPARTMENT);
    const count = page.getByTestId('entries-count');
    await count.waitFor();
    await expect(count.textContent()).resolves.toMatch(/第 1–50 条，共 \d+ 条/);
    expect(await page.locator('tr[data-entry]').count()).toBe(50);
    await shot(page, 'console-entries.png');
    // Forward and back by cursor.
    await page.getByRole('button', { name: '下一页' }).click();
    await page.getByText('第 2 页').waitFor();
    await page.getByRole('button', { name: '上一页' }).click();
    await page.getByText('第 1 页').waitFor();

    await page.getByRole('link', { name: '新增条目' }).click();
    await page.getByRole('heading', { name: '新增名单条目' }).waitFor();
    const code = generateUSCC(seededRandom(20261123), { division: '500235' });
    // A wrong code first: the API's problem shows in Chinese, and nothing is created.
    await page.locator('input[name="code"]').fill('9150023');
    await page.locator('input[name="name"]').fill('重庆控制台测试建设工程有限公司');
    await page.locator('select[name="listType"]').selectOption('dishonest-judgment-debtor');
    await page.locator('input[name="basis"]').fill('（2026）渝0235执1001号');
    await page.locator('textarea[name="reason"]').fill('有履行能力而拒不履行生效法律文书确定义务');
    await page.locator('input[name="decidedOn"]').fill('2026-11-20');
    await page.getByRole('button', { name: '提交' }).click();
    const problem = page.locator('[data-problem]');
    await problem.waitFor();
    expect(await problem.getAttribute('data-problem')).toMatch(/^\/problems\//);
    expect(await problem.textContent()).toMatch(/[\u4e00-\u9fff]/);
    // …and marks the field it names.
    expect(await page.locator('input[name="code"]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('input[name="name"]').getAttribute('aria-invalid')).toBeNull();

    await page.locator('input[name="code"]').fill(code);
    await page.getByRole('button', { name: '提交' }).click();
    const view = page.locator('[data-entry-view]');
    await view.waitFor();
    const entryId = (await view.getAttribute('data-entry-view'))!;
    expect(entryId).toMatch(/^ent_/);
    await expect(
      page.locator('.title-row [data-entry-status]').getAttribute('data-entry-status'),
    ).resolves.toBe('active');

    // At once, through the implementer's own check.
    const before = await decide(api, implementer.key, code);
    expect(before.outcome).toBe('block');
    expect(before.entries.map((e) => e.id)).toContain(entryId);

    // The subject objects at the counter; the designator records it in the entry view.
    await page.locator('textarea[name="claim"]').fill('款项已于 2026-11-21 全部履行，请核实');
    await page.locator('input[name="submitter"]').fill('张三');
    await page.getByRole('button', { name: '登记异议' }).click();
    await page.locator('.title-row [data-entry-status="suspended"]').waitFor();
    await page.getByText('核实期间暂不执行联合惩戒', { exact: false }).first().waitFor();
    const row = page.locator('tr[data-objection]');
    await expect(row.locator('[data-urgency]').getAttribute('data-urgency')).resolves.toBe('ok');

    const after = await decide(api, implementer.key, code);
    expect(after.status).toBe('suspended');
    expect(after.outcome).not.toBe('block');
    expect(after.entries.map((e) => e.id)).not.toContain(entryId);

    // The list finds it by its code, suspended.
    await nav(page, '名单条目').click();
    await page.getByLabel('代码前缀或名称').fill(code);
    await page.getByRole('button', { name: '筛选' }).click();
    await page.locator(`tr[data-entry="${entryId}"] [data-entry-status="suspended"]`).waitFor();
    expect(await page.locator('tr[data-entry]').count()).toBe(1);

    // The objections queue lists it with its working-day deadline, not yet due.
    await nav(page, '异议处理').click();
    const queued = page.locator('tr[data-objection]').first();
    await queued.waitFor();
    await expect(queued.textContent()).resolves.toMatch(/剩 \d+ 个工作日/);
    expect(await queued.getAttribute('data-urgency')).not.toBe('overdue');
    objectedEntry = entryId;

    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('imports a file: a row of another department is a row error and nothing is written; then it is', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const rand = seededRandom(7);
    const mine = generateUSCC(rand, { division: '500235' });
    const theirs = generateUSCC(rand, { division: '500235' });
    const header = 'code,name,list_type,kind,designator,basis,reason,decided_on,department';
    const row = (code: string, name: string, dept: string) =>
      `${code},${name},dishonest-judgment-debtor,black,${dept},（2026）渝0235执2001号,违反财产报告制度,2026-11-18,${dept}`;
    const good = row(mine, '重庆导入测试商贸有限公司', DEPARTMENT);
    const bad = row(theirs, '重庆导入测试物流有限公司', '重庆市万州区人民法院');
    const upload = async (lines: string[], dryRun: boolean) => {
      await page.locator('input[type="file"]').setInputFiles({
        name: 'entries.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`${[header, ...lines].join('\n')}\n`, 'utf8'),
      });
      await page.getByLabel('仅校验，不写入').setChecked(dryRun);
      await page.getByRole('button', { name: dryRun ? '校验' : '导入' }).click();
    };
    try {
      await signIn(page, api.url, designator.key);
      await nav(page, '批量导入').click();
      await upload([good, bad], false);
      const report = page.getByTestId('import-report');
      await report.locator('tbody tr').first().waitFor();
      await expect(report.locator('[role="status"]').textContent()).resolves.toContain('未写入任何数据');
      const cells = await report.locator('tbody tr').first().locator('td').allTextContents();
      expect(cells[0]).toBe('3');
      expect(cells[1]).toBe('department');
      expect(await page.locator('[data-problem]').count()).toBe(0);
      const lookup = await fetch(`${api.url}/v1/subjects/${mine}`);
      expect(lookup.status).toBe(404);

      await upload([good], false);
      await page.getByTestId('import-summary').waitFor();
      await expect(page.getByTestId('import-summary').textContent()).resolves.toContain('新增条目 1 条');
      expect((await fetch(`${api.url}/v1/subjects/${mine}`)).status).toBe(200);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a month later the same objection is highlighted as overdue, in working days', async () => {
    expect(objectedEntry).toMatch(/^ent_/);
    // A second process on the same data, its calendar pinned past the verification period.
    const later = await startApiProcess({ DATA_DIR: api.dataDir, CREDCHECK_NOW: '2026-12-31' });
    const page = await browser.newPage();
    try {
      await signIn(page, later.url, designator.key);
      await page.goto(`${later.url}/console/objections`);
      const row = page.locator('tr[data-objection][data-urgency="overdue"]');
      await row.waitFor();
      await expect(row.textContent()).resolves.toMatch(/已超期 \d+ 个工作日/);
      await page.getByRole('status').filter({ hasText: '已超过核实期限' }).waitFor();
      // The overdue filter asks the API for exactly those.
      await page.getByLabel('只看已超期').check();
      await page.locator('tr[data-objection]').first().waitFor();
      expect(await page.locator('tr[data-objection]:not([data-urgency="overdue"])').count()).toBe(0);
    } finally {
      await page.close();
      await later.stop();
    }
  });

  it('without a key the department views ask to sign in, and /v1/me says public', async () => {
    const me = await (await fetch(`${api.url}/v1/me`)).json();
    expect(me).toMatchObject({ role: 'public', department: null });
    const page = await browser.newPage();
    await page.goto(`${api.url}/console/entries`);
    await page.getByRole('alert').filter({ hasText: '请先登录' }).waitFor();
    await page.close();
  });
});
