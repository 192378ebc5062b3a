import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usccFor } from '../../api/test/helpers/records.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { chromiumAvailable } from '../helpers/browser.ts';
import { shadowContent } from '../helpers/extension-badges.ts';
import {
  builtExtensionCopy,
  type ExtensionBrowser,
  startExtensionBrowser,
  storeSettings,
  waitFor,
} from '../helpers/extension-browser.ts';
import { type PageServer, servePages } from '../helpers/page-server.ts';

/**
 * A hostile page on a granted portal (issue 9 item 5): its own scripts post CredCheck-looking
 * window messages, fire synthetic events at the badges and their open shadow roots, and search the
 * DOM for the API key the officer set in the options. The API's JSON request log counts what
 * reached it: nothing may, until the officer's own click asks for a decision; and the key shows
 * nowhere the page can read.
 */

const run = chromiumAvailable() || process.env.CI ? describe : describe.skip;
const cliScript = join(dirname(fileURLToPath(import.meta.url)), '../../sdk/bin/credcheck.js');
const ADMIN_KEY = 'cck_hostile-page-admin-key-0123456789';
const SCENARIO = 'gov-procurement';
const LISTED = usccFor(4242);
const LISTED_NAME = '重庆敌意页面测试建材有限公司';
const PAGE_PATH = '/portal/notice.html';

// The page records every window message it receives, to tell whether anything answered it.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>中标公告</title>
<script>
  window.__received = [];
  window.addEventListener('message', (e) => { window.__received.push(e.data); });
</script></head>
<body><h1>中标结果公告</h1>
<table><tr><th>供应商</th><th>统一社会信用代码</th></tr>
<tr><td>${LISTED_NAME}</td><td id="code">${LISTED}</td></tr></table>
</body></html>`;

interface RequestLine {
  method: string;
  route: string;
  status: number;
}

run('a hostile page on a granted portal, against a real API process', () => {
  let dir: string;
  let api: ApiProcess;
  let server: PageServer;
  let ext: ExtensionBrowser;
  let apiKey = '';
  const badge = `credcheck-badge[data-code="${LISTED}"]`;

  /** Request lines the API logged so far (CREDCHECK_LOG=json writes one per request). */
  const requests = (): RequestLine[] =>
    api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"route"'))
      .map((l) => JSON.parse(l) as RequestLine);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-hostile-'));
    const extensionDir = await builtExtensionCopy(dir);
    server = await servePages(new Map([[PAGE_PATH, PAGE]]));
    const [started, launched] = await Promise.allSettled([
      startApiProcess({
        CREDCHECK_LOG: 'json',
        CREDCHECK_DEMO: '0',
        CREDCHECK_ADMIN_KEY: ADMIN_KEY,
        CREDCHECK_RATE_LIMIT: '0',
        CREDCHECK_RATE_LIMIT_ANON: '0',
      }),
      startExtensionBrowser({ dir: extensionDir, origins: ['http://127.0.0.1/*'] }),
    ]);
    if (started.status === 'fulfilled') api = started.value;
    if (launched.status === 'fulfilled') ext = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;

    const listed = await fetch(`${api.url}/v1/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({
        code: LISTED,
        name: LISTED_NAME,
        listType: 'gov-procurement-serious-violation',
        department: '重庆市财政局',
        basis: '渝财采处〔2026〕1号',
        reason: '提供虚假材料谋取中标',
        decidedOn: '2026-11-20',
      }),
    });
    if (listed.status !== 201) throw new Error(`listing failed: ${listed.status} ${await listed.text()}`);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cliScript, 'keys', 'create', '--role', 'implementer', '--label', 'officer browser', '--json'],
      { env: { ...process.env, DATA_DIR: api.dataDir, CREDCHECK_NOW: '2026-11-23' } },
    );
    apiKey = JSON.parse(stdout).key;

    await storeSettings(ext.worker, {
      apiUrl: api.url,
      apiKey,
      portals: [{ pattern: `${server.url}/portal/*`, scenario: SCENARIO }],
      badgeStyle: 'full',
      locale: 'zh_CN',
    });
    await waitFor(
      () => ext.ask<{ syncedAt: string | null; codes: number }>({ type: 'sync-state' }),
      (s) => s.syncedAt !== null && s.codes > 0,
      20_000,
      'the first snapshot sync',
    );
  }, 180_000);

  afterAll(async () => {
    await ext?.close();
    await server?.close();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the portal page and waits until its badge is there and the scan's own requests are done. */
  async function openPortal(): Promise<Page> {
    const page = await ext.context.newPage();
    await page.goto(`${server.url}${PAGE_PATH}`);
    await page.waitForSelector(badge);
    await waitFor(
      () => page.evaluate(() => document.documentElement.getAttribute('data-credcheck-summary')),
      (s) => s !== null,
      10_000,
      'the page summary',
    );
    await page.waitForTimeout(1_000);
    return page;
  }

  /** Everything the page's own scripts can read: markup, attributes, open shadow roots, storage, globals. */
  const readableByPage = (page: Page) =>
    page.evaluate(() => {
      const parts: string[] = [document.documentElement.outerHTML, document.cookie, document.title];
      const visit = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          for (const name of el.getAttributeNames()) parts.push(`${name}=${el.getAttribute(name)}`);
          if ((el as HTMLInputElement).value !== undefined)
            parts.push(String((el as HTMLInputElement).value));
          if (el.shadowRoot) {
            parts.push(el.shadowRoot.innerHTML, el.shadowRoot.textContent ?? '');
            visit(el.shadowRoot);
          }
        }
      };
      visit(document);
      for (const store of [localStorage, sessionStorage]) {
        for (let i = 0; i < store.length; i++) parts.push(`${store.key(i)}=${store.getItem(store.key(i)!)}`);
      }
      for (const name of Object.getOwnPropertyNames(window)) {
        try {
          const v = (window as unknown as Record<string, unknown>)[name];
          if (typeof v === 'string') parts.push(v);
          else if (v && typeof v === 'object' && name.toLowerCase().includes('credcheck'))
            parts.push(JSON.stringify(v));
        } catch {
          // Cross-origin or throwing getters hold nothing of ours.
        }
      }
      parts.push(...performance.getEntries().map((e) => e.name));
      return parts.join('\n');
    });

  it('window messages and synthetic events make no request reach the API, and nothing answers the page', async () => {
    const page = await openPortal();
    const before = requests().length;
    const sent = await page.evaluate(
      async ({ code, name, scenario, q }) => {
        const messages: unknown[] = [
          { type: 'decide', subject: { code }, scenario },
          { type: 'decide', subject: { name }, scenario },
          { type: 'card', kind: 'code', key: code, scenario },
          { type: 'check', codes: [code], ids: [], names: [{ text: name }] },
          { type: 'settings' },
          { type: 'sync-now' },
          { type: 'page-config', url: location.href },
          { source: 'credcheck', type: 'decide', subject: { code }, scenario },
          { credcheck: true, request: { type: 'decide', subject: { code }, scenario } },
          JSON.stringify({ type: 'decide', subject: { code }, scenario }),
        ];
        for (const m of messages) {
          window.postMessage(m, '*');
          window.postMessage(m, location.origin);
          document.dispatchEvent(new CustomEvent('credcheck', { detail: m }));
          document.dispatchEvent(new CustomEvent('credcheck:request', { detail: m }));
        }
        // No externally_connectable: not even an attempt through the runtime reaches the extension.
        const runtime = (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime;
        if (runtime?.sendMessage) throw new Error('the page can reach chrome.runtime.sendMessage');

        const hosts = [...document.querySelectorAll(q)] as HTMLElement[];
        const fire = (target: EventTarget) => {
          for (const type of [
            'pointerover',
            'pointerenter',
            'mouseover',
            'mouseenter',
            'pointerdown',
            'mousedown',
            'pointerup',
            'mouseup',
            'click',
            'dblclick',
            'focus',
            'focusin',
            'contextmenu',
          ]) {
            target.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true, cancelable: true }));
          }
          for (const key of ['Enter', ' ']) {
            target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
            target.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, composed: true }));
          }
        };
        for (const host of hosts) {
          fire(host);
          host.focus();
          host.click();
          for (const inner of host.shadowRoot?.querySelectorAll('*') ?? []) {
            fire(inner);
            (inner as HTMLElement).click?.();
          }
        }
        // Focus may have opened a card by now: click whatever it offers, the decision button too.
        await new Promise((r) => setTimeout(r, 500));
        let buttons = 0;
        const clickAll = (root: Document | ShadowRoot) => {
          for (const el of root.querySelectorAll('*')) {
            if (el instanceof HTMLButtonElement) {
              buttons++;
              el.click();
              fire(el);
            }
            if (el.shadowRoot) clickAll(el.shadowRoot);
          }
        };
        clickAll(document);
        await new Promise((r) => setTimeout(r, 1_500));
        if (buttons === 0) throw new Error('no button in any open shadow root to try');
        return messages.length * 2;
      },
      { code: LISTED, name: LISTED_NAME, scenario: SCENARIO, q: badge },
    );
    await page.waitForTimeout(1_000);
    expect(requests().slice(before)).toEqual([]);
    // The page hears its own messages and nothing else: no reply, no data, no key. (WXT's content
    // script announces its start to older copies of itself on the page: a name and a random id.)
    const received = await page.evaluate(() => (window as unknown as { __received: unknown[] }).__received);
    const others = received.filter(
      (m) =>
        !(
          typeof m === 'object' &&
          m !== null &&
          /:content:wxt:content-script-started$/.test(String((m as { type?: unknown }).type))
        ),
    );
    expect(others, JSON.stringify(received)).toHaveLength(sent);
    expect(JSON.stringify(received)).not.toContain(apiKey.slice(8));
    // element.focus() from a script is as trusted as the keyboard and may open a card (public list
    // data the check already had); its decision button ignored every scripted click.
    expect((await shadowContent(page)).text).not.toMatch(/dec_[0-9a-z]+/);
    await page.close();
  });

  it('the API key is nowhere the page can read, before and after the officer opens a card and decides', async () => {
    const page = await openPortal();
    const fragments = (text: string) => {
      const found: string[] = [];
      for (let i = 0; i + 12 <= apiKey.length; i++)
        if (text.includes(apiKey.slice(i, i + 12))) found.push(apiKey.slice(i, i + 12));
      return found;
    };
    expect(fragments(await readableByPage(page))).toEqual([]);

    // The officer's own hover and click (trusted input) open the card and ask for a decision.
    const before = requests().length;
    await page.locator(badge).first().hover();
    await page
      .locator(badge)
      .first()
      .focus()
      .catch(() => {});
    await page.locator(`${badge} button`, { hasText: '生成核查决定' }).click();
    const text = await waitFor(
      async () => (await shadowContent(page)).text,
      (t) => /dec_[0-9a-z]+/.test(t),
      10_000,
      'the decision id in the card',
    );
    expect(text).toContain('提供虚假材料谋取中标');
    // The counting sees requests: the officer's decision is there, with the key accepted.
    expect(requests().slice(before)).toContainEqual(
      expect.objectContaining({ method: 'POST', route: '/v1/decisions', status: 200 }),
    );
    expect(fragments(await readableByPage(page))).toEqual([]);
    await page.close();
  });
});
