import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
const ADMIN = 'console-admin-e2e-admin-key-0123456789';
const DEPARTMENT = '重庆市云阳县人民法院';
const IMPLEMENTER_DEPARTMENT = '云阳县公共资源交易中心';

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
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function call(api: ApiProcess, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(api.url + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    body: res.headers.get('content-type')?.includes('json') ? await res.json() : null,
  };
}

run('web console administration, statistics, commitments and reports in Chromium', () => {
  let api: ApiProcess;
  let profile: string;
  let browser: BrowserContext;
  let designator: CreatedKey;
  let implementer: CreatedKey;
  let receiver: Server;
  let received = 0;
  let listedCode: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    // A local receiver, so that the webhook delivery log has real attempts to show.
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received += 1;
        res.writeHead(received % 2 === 1 ? 200 : 503).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    api = await startApiProcess({
      CREDCHECK_ADMIN_KEY: ADMIN,
      CREDCHECK_WEBHOOK_ALLOW_HTTP: '1',
      CREDCHECK_WEBHOOK_RETRY_MS: '200',
    });
    designator = await createKey(api.dataDir, 'designator', { department: DEPARTMENT, label: '执行局' });
    implementer = await createKey(api.dataDir, 'implementer', {
      department: IMPLEMENTER_DEPARTMENT,
      label: '交易中心审批系统',
    });
    const listed = await call(
      api,
      ADMIN,
      'GET',
      `/v1/entries?department=${encodeURIComponent(DEPARTMENT)}&limit=5`,
    );
    expect(listed.status).toBe(200);
    listedCode = listed.body.items.find((e: { subject: { type: string } }) => e.subject.type === 'org')
      .subject.code;
    // Checks for the dashboard: blocked, clear and the like from two departments' keys.
    const clean = generateUSCC(seededRandom(77), { division: '500235' });
    for (const [key, code, scenario] of [
      [implementer.key, listedCode, 'gov-procurement'],
      [implementer.key, clean, 'gov-procurement'],
      [implementer.key, clean, 'admin-licensing'],
      [designator.key, listedCode, 'admin-licensing'],
      [designator.key, clean, 'bidding-tendering'],
    ] as const) {
      const d = await call(api, key, 'POST', '/v1/decisions', { scenario, subject: { code } });
      expect(d.status).toBe(200);
    }
    // An objection handled, for the turnaround chart.
    const other = listed.body.items.find((e: { subject: { code: string } }) => e.subject.code !== listedCode);
    const objection = await call(api, designator.key, 'POST', '/v1/objections', {
      entryId: other.id,
      claim: '已履行完毕，请核实',
      channel: 'counter',
      submitter: { name: '王五' },
    });
    expect(objection.status).toBe(201);
    const resolved = await call(
      api,
      designator.key,
      'POST',
      `/v1/objections/${objection.body.objection.id}/resolve`,
      {
        outcome: 'rejected',
        why: '经核实，款项尚未履行',
      },
    );
    expect(resolved.status).toBe(200);
    const port = (receiver.address() as AddressInfo).port;
    const hook = await call(api, ADMIN, 'POST', '/v1/webhooks', {
      url: `http://127.0.0.1:${port}/credcheck`,
      description: '监管平台接收端',
    });
    expect(hook.status).toBe(201);
    profile = mkdtempSync(join(tmpdir(), 'credcheck-console-admin-'));
    browser = await launchBrowser(profile);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await api?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  it('an administrator verifies the audit chain, creates a key and revokes it', async () => {
    const page = await browser.newPage();
    const outside = watchOutside(page);
    const errors = watchErrors(page);
    await signIn(page, api.url, ADMIN);
    await page.getByRole('link', { name: '管理', exact: true }).click();
    await page.getByRole('heading', { name: 'API 密钥与角色' }).waitFor();

    // Audit log first: newest first, and the chain verifies.
    await page.getByRole('link', { name: '审计日志' }).click();
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    // The heading is there before the first page of records has come back.
    await page.locator('tr[data-audit-seq]').first().waitFor();
    const seqs = await page
      .locator('tr[data-audit-seq]')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-audit-seq'))));
    expect(seqs.length).toBeGreaterThan(0);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    await page.getByRole('button', { name: '校验哈希链' }).click();
    const verified = page.getByTestId('verify-result');
    await verified.waitFor();
    expect(await verified.getAttribute('data-verified')).toBe('ok');
    await expect(verified.textContent()).resolves.toMatch(/哈希链完整：\d+ 条记录全部校验通过/);
    await expect(verified.textContent()).resolves.toMatch(/用时 \d+ 毫秒/);
    await shot(page, 'console-admin-audit.png');

    // Keys: a designator key without a department is refused with the API's reason.
    await page.getByRole('link', { name: '密钥与角色' }).click();
    await page.locator('select[name="role"]').selectOption('designator');
    await page.locator('input[name="label"]').fill('无部门');
    await page.getByRole('button', { name: '创建', exact: true }).click();
    // The form asks for the department before anything is sent.
    await page.locator('input[name="department"]:invalid').waitFor();
    const keysBefore = await call(api, ADMIN, 'GET', '/v1/keys');
    expect(keysBefore.body.items.some((k: { label: string }) => k.label === '无部门')).toBe(false);

    await page.locator('select[name="role"]').selectOption('implementer');
    await page.locator('input[name="label"]').fill('XX银行信贷审批系统');
    await page.locator('input[name="department"]').fill(IMPLEMENTER_DEPARTMENT);
    await page.getByRole('button', { name: '创建', exact: true }).click();
    const box = page.getByTestId('new-key');
    await box.waitFor();
    await expect(box.textContent()).resolves.toContain('密钥仅在此显示一次');
    const secret = await box.locator('input[data-secret]').inputValue();
    const id = (await box.getAttribute('data-key-id'))!;
    expect(secret).toMatch(/^cck_/);
    const meBefore = await call(api, secret, 'GET', '/v1/me');
    expect(meBefore.status).toBe(200);
    expect(meBefore.body).toMatchObject({
      role: 'implementer',
      department: IMPLEMENTER_DEPARTMENT,
      keyId: id,
    });
    const row = page.locator(`tr[data-key="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-key-state')).toBe('active');
    await shot(page, 'console-admin-keys.png');
    await page.getByRole('button', { name: '我已保存，关闭' }).click();
    await expect(box.count()).resolves.toBe(0);

    // Revoke by keyboard: the confirmation takes focus; Cancel leaves the key alone.
    await row.getByRole('button', { name: '吊销' }).click();
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('确认吊销');
    await row.getByRole('button', { name: '取消' }).click();
    expect(await row.getAttribute('data-key-state')).toBe('active');
    await row.getByRole('button', { name: '吊销' }).click();
    await page.keyboard.press('Enter');
    await page.locator(`tr[data-key="${id}"][data-key-state="revoked"]`).waitFor();
    const after = await call(api, secret, 'GET', '/v1/me');
    expect(after.status).toBe(401);
    const decide = await call(api, secret, 'POST', '/v1/decisions', {
      scenario: 'gov-procurement',
      subject: { code: listedCode },
    });
    expect(decide.status).toBe(401);

    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the measure catalog shows published and unpublished measures; webhooks show their delivery log', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await signIn(page, api.url, ADMIN);
    await page.goto(`${api.url}/console/admin/measures`);
    await page.getByTestId('measure-counts').waitFor();
    const counts = (await page.getByTestId('measure-counts').textContent())!;
    const [, total, published, unpublished] = /共 (\d+) 项：已公布 (\d+) 项，未公布 (\d+) 项/
      .exec(counts)!
      .map(Number);
    expect(published! + unpublished!).toBe(total);
    expect(await page.locator('tr[data-measure]').count()).toBe(total);
    await page.locator('select[name="published"]').selectOption('false');
    await expect.poll(() => page.locator('tr[data-measure]').count(), { timeout: 10_000 }).toBe(unpublished);
    expect(await page.locator('tr[data-measure][data-published="true"]').count()).toBe(0);
    await page.locator('select[name="published"]').selectOption('');
    await expect.poll(() => page.locator('tr[data-measure]').count(), { timeout: 10_000 }).toBe(total);
    await shot(page, 'console-admin-measures.png');

    // A change for the subscription: a designator's new entry goes out to the receiver.
    const code = generateUSCC(seededRandom(4242), { division: '500235' });
    const entry = await call(api, designator.key, 'POST', '/v1/entries', {
      code,
      name: '重庆控制台订阅测试有限公司',
      listType: 'dishonest-judgment-debtor',
      basis: '（2026）渝0235执2001号',
      reason: '有履行能力而拒不履行生效法律文书确定义务',
      decidedOn: '2026-11-20',
    });
    expect([200, 201]).toContain(entry.status);
    await page.getByRole('link', { name: 'Webhook 订阅' }).click();
    const sub = page.locator('tr[data-webhook]').first();
    await sub.waitFor();
    await sub.getByRole('link', { name: '投递记录' }).click();
    await expect
      .poll(
        async () => {
          await page.locator('select').first().selectOption('');
          return page.locator('tr[data-delivery]').count();
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    await page.reload();
    await page.locator('tr[data-delivery] .attempts li').first().waitFor();
    await shot(page, 'console-admin-webhooks.png');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the statistics dashboard draws its charts and exports CSV', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await signIn(page, api.url, ADMIN);
    await page.getByRole('link', { name: '统计', exact: true }).click();
    await page.getByRole('heading', { name: '统计评估' }).waitFor();
    const trend = page.locator('[data-chart="checks-over-time"]');
    await trend.locator('svg[role="img"] rect').first().waitFor();
    // The columns add up to every check of the range, and the KPI says the same.
    const totals = await trend
      .locator('g[data-column]')
      .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-total'))));
    const sum = totals.reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThanOrEqual(5);
    await expect(page.getByTestId('kpis').textContent()).resolves.toContain(`核查次数${sum}`);
    expect(await trend.locator('svg title').first().textContent()).toContain('核查次数');
    expect(await trend.locator('svg desc').first().textContent()).toContain(`${sum} 次核查`);
    for (const chart of ['hit-rate-department', 'hit-rate-scenario', 'feedback-department']) {
      await page.locator(`[data-chart="${chart}"] svg rect`).first().waitFor({ state: 'attached' });
    }
    await shot(page, 'console-stats.png');
    await page.locator('.chart-grid').evaluate((g) => g.scrollIntoView());
    await shot(page, 'console-stats-rates.png');
    // The data table alternative opens by keyboard.
    await trend.locator('summary').focus();
    await page.keyboard.press('Enter');
    await trend.locator('table').waitFor();
    await page.getByRole('radio', { name: '部门' }).check();
    await trend.locator('.legend li', { hasText: IMPLEMENTER_DEPARTMENT }).waitFor();
    // The dashboard speaks English on request.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Statistics' }).waitFor();
    await trend.locator('figcaption', { hasText: 'Checks by department' }).waitFor();
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { name: '统计评估' }).waitFor();

    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^credcheck-stats-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(IMPLEMENTER_DEPARTMENT);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a designator records a commitment and marks it breached; the credit report shows in a frame and downloads as PDF', async () => {
    const page = await browser.newPage();
    const outside = watchOutside(page);
    const errors = watchErrors(page);
    await signIn(page, api.url, designator.key);
    await page.getByRole('link', { name: '承诺', exact: true }).click();
    await page.getByRole('button', { name: '登记信用承诺' }).click();
    const code = generateUSCC(seededRandom(20261203), { division: '500235' });
    await page.locator('input[name="code"]').fill(code);
    await page.locator('input[name="name"]').fill('重庆承诺测试建设工程有限公司');
    await page.locator('select[name="kind"]').selectOption('specific');
    await page.locator('input[name="matterTitle"]').fill('建筑工程施工许可证核发');
    await page.locator('textarea[name="materials"]').fill('消防设计审查合格意见书');
    await page.locator('input[name="dueOn"]').fill('2026-12-31');
    await page
      .locator('textarea[name="text"]')
      .fill('本单位承诺于2026年12月31日前补齐消防设计审查合格意见书，逾期未补齐的，自愿承担相应责任。');
    await page.locator('input[name="madeOn"]').fill('2026-11-20');
    await page.locator('input[name="submitter"]').fill('李四');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByTestId('commitment-saved').waitFor();
    const card = page.locator('[data-commitment]').first();
    await card.waitFor();
    expect(await card.getAttribute('data-commitment-status')).toBe('active');
    // Public from now on.
    const pub = await fetch(`${api.url}/v1/commitments?code=${code}`);
    expect(((await pub.json()) as { items: unknown[] }).items).toHaveLength(1);

    await card.getByRole('button', { name: '认定违诺' }).click();
    await card.locator('textarea[name="reason"]').fill('承诺期限届满未补齐消防设计审查合格意见书');
    await card.locator('textarea[name="evidence"]').fill('现场核查笔录 | 云建执〔2026〕12号');
    await card.locator('input[name="decidedOn"]').fill('2026-11-23');
    await card.getByRole('button', { name: '确认认定违诺' }).click();
    await page.locator('[data-commitment][data-commitment-status="breached"]').waitFor();
    const entryLink = page.locator('[data-commitment] a[href*="/console/entries/ent_"]');
    await entryLink.waitFor();
    await shot(page, 'console-commitments.png');
    // The breach is a black-list entry: a decision blocks at once.
    const d = await call(api, implementer.key, 'POST', '/v1/decisions', {
      scenario: 'admin-licensing',
      subject: { code },
    });
    expect(d.body.status).toBe('black');

    await page.getByRole('link', { name: '报告', exact: true }).click();
    await page.locator('input[name="code"]').fill(code);
    await page.locator('select[name="scenario"]').selectOption('admin-licensing');
    await page.getByRole('button', { name: '生成报告' }).click();
    const frame = page.frameLocator('[data-testid="report-frame"]');
    await frame.locator('h1').waitFor();
    await expect(frame.locator('body').textContent()).resolves.toContain('重庆承诺测试建设工程有限公司');
    await frame.locator('svg').first().waitFor();
    // The report's own stylesheet applies inside the frame (handed over through the CSSOM).
    await expect
      .poll(() => frame.locator('header').evaluate((h) => getComputedStyle(h).display))
      .toBe('flex');
    // Nothing runs in it.
    expect(await page.locator('[data-testid="report-frame"]').getAttribute('sandbox')).toBe(
      'allow-same-origin',
    );
    await expect(page.getByTestId('report-decision').textContent()).resolves.toMatch(/dec_/);
    await shot(page, 'console-report.png');

    const download = page.waitForEvent('download');
    await page.getByTestId('download-pdf').click();
    const pdf = await download;
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
