import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../api/src/demo/dataset.ts';
import { DEMO_SEED, DEMO_SUBJECTS } from '../../api/src/demo/seed.ts';
import { generateUSCC } from '../../sdk/src/identifiers/index.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/browser.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const ADMIN = 'cck_e2e-web-component-key-for-this-test-only';

// In CI chromium is installed by .ci/run: a missing browser must fail there, not skip.
const run = chromiumAvailable() || process.env.CI ? describe : describe.skip;

/** A legacy approval form as an intranet system serves it: its own origin, one script tag. */
function legacyForm(api: string, withName: boolean): string {
  const name = withName
    ? '<label for="supplier">供应商名称</label> <input id="supplier" name="supplierName" size="40">'
    : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>政府采购供应商审核</title>
<script src="${api}/sdk/credcheck-check.js"></script></head>
<body>
<form id="approval" action="/approve" method="post">
  ${name}
  <label for="code">统一社会信用代码</label>
  <input id="code" name="supplierCode" size="24">
  <credcheck-check for="code" ${withName ? 'name-for="supplier"' : ''} scenario="gov-procurement"
    name="receipt" key="${ADMIN}" debounce="100"></credcheck-check>
  <button type="submit">提交审批</button>
</form>
</body></html>`;
}

run('<credcheck-check> in a legacy form against a real API process', () => {
  let api: ApiProcess;
  let site: Server;
  let siteUrl: string;
  let context: BrowserContext;
  let profile: string;
  let blocked: string;
  let blockedName: string;

  beforeAll(async () => {
    api = await startApiProcess({ CREDCHECK_ADMIN_KEY: ADMIN });
    // The demo set is deterministic: its black-listed organizations are the ones the API seeded.
    for (const row of generateDataset({ seed: DEMO_SEED, subjects: DEMO_SUBJECTS, today: '2026-11-23' })) {
      if (row.subject_type !== 'org' || row.kind !== 'black' || row.status !== 'active') continue;
      const res = await fetch(`${api.url}/v1/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ scenario: 'gov-procurement', subject: { code: row.uscc } }),
      });
      if ((await res.json()).outcome === 'block') {
        blocked = row.uscc;
        blockedName = row.name;
        break;
      }
    }
    const forms = { '/form': legacyForm(api.url, false), '/name-form': legacyForm(api.url, true) };
    site = createServer((req, res) => {
      const html = forms[req.url as keyof typeof forms];
      res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html ?? '');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    profile = mkdtempSync(join(tmpdir(), 'credcheck-chromium-'));
    context = await launchBrowser(profile);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await new Promise((r) => site?.close(r));
    await api?.stop();
  });

  const host = (page: Page, attr: string) =>
    page.locator('credcheck-check').evaluate((el, a) => el.getAttribute(a), attr);
  const waitForStatus = (page: Page, status: string) =>
    page.waitForFunction(
      (s) => document.querySelector('credcheck-check')?.getAttribute('data-status') === s,
      status,
      { timeout: 10_000 },
    );
  const receipt = (page: Page) =>
    page.evaluate(() => (document.querySelector('input[name=receipt]') as HTMLInputElement | null)?.value);

  it('serves the script with an ETag and long caching, and answers 304 to a revalidation', async () => {
    const res = await fetch(`${api.url}/sdk/credcheck-check.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('max-age=86400');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(await res.text()).toContain("customElements.define('credcheck-check'");
    const again = await fetch(`${api.url}/sdk/credcheck-check.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('shows a name-only hit as 疑似, never as the solid badge, and a clean code as 未见名单', async () => {
    const page = await context.newPage();
    await page.goto(`${siteUrl}/name-form`);
    await page.locator('#supplier').fill(blockedName);
    await waitForStatus(page, 'black');
    expect(await host(page, 'data-match')).toBe('name');
    expect(await host(page, 'data-outcome')).toBe('review');
    const text = await page.getByRole('status').textContent();
    expect(text).toContain('疑似失信');
    expect(text).toContain(blocked);
    const badge = page.locator('credcheck-check .b');
    expect(await badge.getAttribute('class')).toBe('b name');
    // Still a recorded check: the receipt is kept.
    expect(await receipt(page)).toMatch(/^dec_/);

    await page.locator('#supplier').fill('');
    await page.locator('#code').fill(generateUSCC(seededRandom(7)));
    await waitForStatus(page, 'clean');
    expect(await host(page, 'data-outcome')).toBe('clear');
    expect(await host(page, 'data-match')).toBe('code');
    expect(await page.getByRole('status').textContent()).toContain('未见名单');
    await page.close();
  });

  it('degrades to a plain "check unavailable" text where custom elements are missing', async () => {
    const page = await context.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(window, 'customElements', { value: undefined });
    });
    await page.goto(`${siteUrl}/form`);
    await waitForStatus(page, 'unavailable');
    expect(await host(page, 'data-cause')).toBe('browser not supported');
    expect(await page.locator('credcheck-check').textContent()).toContain('查询不可用');
    await page.close();
  });

  it('blocks a black-listed code, keeps the receipt id, rejects a typo locally, and fails closed', async () => {
    expect(blocked).toBeDefined();
    const page = await context.newPage();
    const decisionCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/decisions') && r.method() === 'POST') decisionCalls.push(r.postData() ?? '');
    });
    await page.goto(`${siteUrl}/form`);
    await waitForStatus(page, 'idle');

    // A listed code, typed as an officer would: lower case with a space.
    await page.locator('#code').pressSequentially(`${blocked.slice(0, 8)} ${blocked.slice(8).toLowerCase()}`);
    await waitForStatus(page, 'black');
    expect(await host(page, 'data-outcome')).toBe('block');
    expect(await host(page, 'data-match')).toBe('code');
    const id = await receipt(page);
    expect(id).toMatch(/^dec_[0-9a-z]+$/);
    expect(await host(page, 'data-decision')).toBe(id);
    // Debounced: one decision for the whole typed code, not one per key.
    expect(decisionCalls).toHaveLength(1);
    expect(JSON.parse(decisionCalls[0]!).subject.code).toBe(blocked);
    const status = page.getByRole('status');
    expect(await status.getAttribute('aria-live')).toBe('polite');
    const text = await status.textContent();
    expect(text).toContain('失信');
    expect(text).toContain('禁止 block');
    const shots = join(process.cwd(), 'test', 'bench', 'out');
    mkdirSync(shots, { recursive: true });
    await page.locator('form').screenshot({ path: join(shots, 'web-component-block.png') });
    // The API recorded the decision the form keeps.
    const recorded = await fetch(`${api.url}/v1/decisions/${id}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(recorded.status).toBe(200);

    // One wrong check character: invalid in the browser, no request, and the old receipt is gone.
    const last = blocked.at(-1) === '0' ? '1' : '0';
    await page.locator('#code').fill(blocked.slice(0, 17) + last);
    await waitForStatus(page, 'invalid');
    await page.waitForTimeout(300);
    expect(decisionCalls).toHaveLength(1);
    expect(await receipt(page)).toBe('');
    expect(await host(page, 'data-outcome')).toBeNull();
    expect(await page.getByRole('status').textContent()).toContain('代码无效');

    // The API goes away: "check unavailable", never clear, and no receipt to submit.
    await api.stop();
    await page.locator('#code').fill(blocked);
    await waitForStatus(page, 'unavailable');
    expect(await host(page, 'data-outcome')).toBeNull();
    expect(await receipt(page)).toBe('');
    expect(await page.getByRole('status').textContent()).toContain('查询不可用 check unavailable');
    await page.close();
  });
});
