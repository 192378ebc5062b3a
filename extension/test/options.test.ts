// The options page against a background that answers `settings` from the real settings store
// (local + managed storage), the in-memory host permissions, and a real API for the scenarios.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { type ApiProcess, startApiProcess } from '../../test/helpers/api-process.ts';
import { loadSettings } from '../src/background/settings-store.ts';
import type { SettingsView } from '../src/messages.ts';
import type { Settings } from '../src/settings/settings.ts';
import { type OptionsPage, prefillPattern, renderOptions } from '../src/ui/options.ts';
import { type FakeHostApis, installHostApis } from './helpers/browser-apis.ts';

const PORTAL = 'https://portal.example.gov.cn/*';
const KEY = 'cck_options-page-secret-key-Zq7w';

describe('options page', () => {
  let api: ApiProcess;
  let host: FakeHostApis;
  let page: OptionsPage | undefined;
  /** Host permissions asked for, and whether the (simulated) user allows them. */
  let asked: string[][];
  let allow: boolean;
  /** What local storage held each time the background was told the settings were saved. */
  let savedNotices: unknown[];

  const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
  const input = (id: string) => document.getElementById(id) as HTMLInputElement;
  const select = (id: string) => document.getElementById(id) as HTMLSelectElement;
  const type = (el: HTMLInputElement, value: string) => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const choose = (el: HTMLSelectElement, value: string) => {
    el.value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  };
  const stored = async () => (await fakeBrowser.storage.local.get('settings')).settings as Partial<Settings>;

  const start = async (
    opts: { local?: Partial<Settings>; managed?: Partial<Settings>; search?: string } = {},
  ) => {
    await fakeBrowser.storage.local.set({
      settings: {
        apiUrl: api.url,
        apiKey: KEY,
        portals: [{ pattern: PORTAL, scenario: 'gov-procurement' }],
        ...opts.local,
      },
    });
    if (opts.managed) await fakeBrowser.storage.managed.set(opts.managed);
    page = await renderOptions(document.body, { search: opts.search ?? '' });
    await page.ready;
  };

  beforeAll(async () => {
    // The real API with an empty store: the catalog's scenarios are all this page asks of it.
    api = await startApiProcess({ CREDCHECK_DEMO: '0' });
  }, 60_000);
  afterAll(() => api?.stop());

  beforeEach(() => {
    fakeBrowser.reset();
    host = installHostApis();
    host.granted.add(PORTAL);
    asked = [];
    allow = true;
    savedNotices = [];
    Object.assign(fakeBrowser.permissions, {
      request: async (p: { origins: string[] }) => {
        asked.push(p.origins);
        if (allow) for (const o of p.origins) await host.grant(o);
        return allow;
      },
    });
    fakeBrowser.runtime.onMessage.addListener(((message: { type: string }) => {
      if (message.type !== 'settings' && message.type !== 'settings-saved') return undefined;
      return (async (): Promise<SettingsView> => {
        if (message.type === 'settings-saved') savedNotices.push(await stored());
        const { settings, locked } = await loadSettings();
        return { settings, locked, granted: [...host.granted] };
      })();
    }) as never);
  });
  afterEach(() => {
    page?.stop();
    page = undefined;
    document.body.replaceChildren();
  });

  it('loads the settings, never showing the saved key', async () => {
    await start({ local: { badgeStyle: 'compact', syncMinutes: 30 } });
    expect(input('api-url').value).toBe(api.url);
    expect(input('api-key').value).toBe('');
    expect(input('api-key').type).toBe('password');
    expect($('#api-key-saved').textContent).toBe('已保存 ••••Zq7w');
    expect(document.body.textContent).not.toContain(KEY);
    expect(input('badge-compact').checked).toBe(true);
    expect(input('sync-minutes').value).toBe('30');
    expect(select('locale').value).toBe('zh_CN');
    const row = $(`li.portal[data-pattern="${PORTAL}"]`);
    expect(row.querySelector('.grant-state')!.textContent).toBe('✓ 已授权访问');
    // Every field has a label.
    for (const field of document.querySelectorAll('input, select')) {
      expect(document.querySelector(`label[for="${field.id}"]`), field.id).not.toBeNull();
    }
  });

  it('offers the API’s scenarios, and a code field when the API cannot be reached', async () => {
    await start({
      local: {
        portals: [
          { pattern: PORTAL, scenario: 'gov-procurement' },
          { pattern: 'https://old.example.gov.cn/*', scenario: 'retired-scenario' },
        ],
      },
    });
    const scenario = select('portal-0-scenario');
    const codes = [...scenario.options].map((o) => o.value);
    expect(codes).toContain('gov-procurement');
    expect(codes.length).toBeGreaterThan(10);
    expect(scenario.value).toBe('gov-procurement');
    expect(scenario.selectedOptions[0]!.textContent).toBe('政府采购 (gov-procurement)');
    // A code the catalog does not (or no longer) list is kept, not silently replaced.
    const retired = select('portal-1-scenario');
    expect(retired.value).toBe('retired-scenario');
    document.body.replaceChildren();
    page!.stop();
    // A port nothing listens on: the page falls back to typing the code.
    page = await renderOptions(document.body, { search: '' });
    type(input('api-url'), 'http://127.0.0.1:9');
    input('api-url').dispatchEvent(new Event('change'));
    await settle();
    await new Promise((r) => setTimeout(r, 300));
    const text = input('portal-0-scenario');
    expect(text.tagName).toBe('INPUT');
    expect(text.value).toBe('gov-procurement');
    expect($('#portal-0-scenario-hint').textContent).toBe('无法获取场景列表，请直接输入场景代码。');
    // A typed code is checked on its own row before anything is saved.
    type(text, 'Not A Code');
    $<HTMLButtonElement>('#save').click();
    await settle();
    expect($('#portal-0-scenario-error').textContent).toContain('请选择或输入场景代码');
    expect(input('portal-0-scenario').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement?.id).toBe('portal-0-scenario');
    expect((await stored()).portals![0]!.scenario).toBe('gov-procurement');
    expect(savedNotices).toEqual([]);
  });

  it('asks for host access from the click that adds a portal', async () => {
    await start();
    type(input('add-pattern'), 'https://bid.example.org/notices/*');
    choose(select('add-scenario'), 'gov-procurement');
    $('#add-portal').click();
    // Synchronously, inside the click: later the browser would refuse for want of a user gesture.
    expect(asked).toEqual([['https://bid.example.org/*']]);
    await settle();
    const row = $('li.portal[data-pattern="https://bid.example.org/notices/*"]');
    expect(row.querySelector('.grant-state')!.textContent).toBe('✓ 已授权访问');
    expect($('#status').textContent).toBe('已添加 https://bid.example.org/notices/*，保存后生效。');
    expect(input('add-pattern').value).toBe('');
  });

  it('lists a refused portal as not granted, with a button to ask again', async () => {
    allow = false;
    await start();
    type(input('add-pattern'), '*://*.ccgp.gov.cn/*');
    choose(select('add-scenario'), 'gov-procurement');
    $('#add-portal').click();
    await settle();
    const row = $('li.portal[data-pattern="*://*.ccgp.gov.cn/*"]');
    expect(row.querySelector('.grant-state')!.getAttribute('data-granted')).toBe('false');
    expect(row.querySelector('.error')!.textContent).toBe(
      '浏览器未授予对 *://*.ccgp.gov.cn/* 的访问权限；授权前此门户不会被核查。',
    );
    allow = true;
    const grant = row.querySelector<HTMLButtonElement>('button.grant')!;
    expect(grant.getAttribute('aria-label')).toBe('授权访问 *://*.ccgp.gov.cn/*');
    grant.click();
    expect(asked).toEqual([['*://*.ccgp.gov.cn/*'], ['*://*.ccgp.gov.cn/*']]);
    await settle();
    const after = $('li.portal[data-pattern="*://*.ccgp.gov.cn/*"]');
    expect(after.querySelector('.grant-state')!.getAttribute('data-granted')).toBe('true');
    expect(after.querySelector('.error')).toBeNull();
  });

  it('refuses a bad pattern with a message on its row, and never saves it', async () => {
    await start();
    type(input('add-pattern'), 'ftp://files.example.gov.cn/*');
    choose(select('add-scenario'), 'gov-procurement');
    $('#add-portal').click();
    await settle();
    expect(asked).toEqual([]);
    expect(input('add-pattern').getAttribute('aria-invalid')).toBe('true');
    expect($('#add-pattern-error').textContent).toBe(
      '不是有效的网址模式（格式：https://主机/路径，可用 *）。',
    );
    expect(input('add-pattern').getAttribute('aria-describedby')).toContain('add-pattern-error');
    expect(document.activeElement?.id).toBe('add-pattern');
    expect(document.querySelectorAll('li.portal')).toHaveLength(1);
    // A portal needs a scenario too.
    type(input('add-pattern'), 'https://ok.example.gov.cn/*');
    choose(select('add-scenario'), '');
    $('#add-portal').click();
    await settle();
    expect($('#add-scenario-error').textContent).toContain('请选择或输入场景代码');
    expect(asked).toEqual([]);
    $<HTMLButtonElement>('#save').click();
    await settle();
    expect((await stored()).portals).toEqual([{ pattern: PORTAL, scenario: 'gov-procurement' }]);
  });

  it('refuses a bad API URL or interval without writing anything', async () => {
    await start();
    type(input('api-url'), 'javascript:alert(1)');
    type(input('sync-minutes'), '0');
    $<HTMLButtonElement>('#save').click();
    await settle();
    expect($('#api-url-error').textContent).toBe('请输入以 http:// 或 https:// 开头的地址。');
    expect($('#sync-minutes-error').textContent).toBe('请输入 1 到 1440 之间的整数。');
    expect($('#status').textContent).toBe('请先更正标出的错误。');
    expect(document.activeElement?.id).toBe('api-url');
    expect((await stored()).apiUrl).toBe(api.url);
    expect(savedNotices).toEqual([]);
  });

  it('saves to storage, then tells the background', async () => {
    await start();
    type(input('api-url'), `${api.url}/`);
    type(input('add-pattern'), 'https://bid.example.org/notices/*');
    choose(select('add-scenario'), 'gov-procurement');
    $('#add-portal').click();
    input('badge-compact').checked = true;
    input('badge-compact').dispatchEvent(new Event('change'));
    type(input('sync-minutes'), '60');
    $<HTMLButtonElement>('#save').click();
    await settle();
    const expected = {
      apiUrl: api.url,
      apiKey: KEY,
      portals: [
        { pattern: PORTAL, scenario: 'gov-procurement' },
        { pattern: 'https://bid.example.org/notices/*', scenario: 'gov-procurement' },
      ],
      badgeStyle: 'compact',
      locale: 'zh_CN',
      syncMinutes: 60,
    };
    expect(await stored()).toEqual(expected);
    expect(savedNotices).toEqual([expected]);
    expect($('#status').textContent).toBe('已保存。');
    expect(input('api-url').value).toBe(api.url);

    // A new key replaces the old one and is not shown back; removing it empties it.
    type(input('api-key'), '  cck_new-key-abcd  ');
    $<HTMLButtonElement>('#save').click();
    await settle();
    expect((await stored()).apiKey).toBe('cck_new-key-abcd');
    expect(input('api-key').value).toBe('');
    expect($('#api-key-saved').textContent).toBe('已保存 ••••abcd');
    $<HTMLButtonElement>('#api-key-clear').click();
    $<HTMLButtonElement>('#save').click();
    await settle();
    expect((await stored()).apiKey).toBe('');
    expect($('#api-key-saved').textContent).toBe('尚未保存密钥。');
    expect(savedNotices).toHaveLength(3);
  });

  it('shows policy-set fields read-only and keeps them out of local storage', async () => {
    await start({
      local: { apiUrl: 'https://old.example.com' },
      managed: {
        apiUrl: api.url,
        apiKey: 'cck_policy-key-Pol1',
        portals: [{ pattern: 'https://ggzy.example.gov.cn/*', scenario: 'gov-procurement' }],
        locale: 'en',
      },
    });
    expect(input('api-url').value).toBe(api.url);
    expect(input('api-url').readOnly).toBe(true);
    expect($('#api-url-locked').textContent).toBe('🔒 Set by your administrator');
    expect(input('api-url').getAttribute('aria-describedby')).toContain('api-url-locked');
    expect(document.getElementById('api-key')).toBeNull();
    expect(document.querySelector('[data-locked="apiKey"]')).not.toBeNull();
    expect($('#api-key-saved').textContent).toBe('Saved ••••Pol1');
    expect(document.body.textContent).not.toContain('cck_policy-key-Pol1');
    expect(select('locale').disabled).toBe(true);
    expect(document.querySelector('[data-locked="locale"]')).not.toBeNull();
    expect(document.querySelector('[data-locked="portals"]')).not.toBeNull();
    // The policy's portals: no adding or removing, but access can still be granted.
    expect(document.getElementById('add-pattern')).toBeNull();
    const row = $('li.portal[data-pattern="https://ggzy.example.gov.cn/*"]');
    expect(row.querySelector('button.remove')).toBeNull();
    expect(select('portal-0-scenario').disabled).toBe(true);
    row.querySelector<HTMLButtonElement>('button.grant')!.click();
    expect(asked).toEqual([['https://ggzy.example.gov.cn/*']]);
    // Unlocked fields still save; the locked ones keep what the user had stored.
    type(input('sync-minutes'), '5');
    $<HTMLButtonElement>('#save').click();
    await settle();
    const saved = await stored();
    expect(saved.syncMinutes).toBe(5);
    expect(saved.apiUrl).toBe('https://old.example.com');
    expect(saved.apiKey).toBe(KEY);
    expect(saved.portals).toEqual([{ pattern: PORTAL, scenario: 'gov-procurement' }]);
    expect(saved.locale).toBeUndefined();
  });

  it('switches language at once and saves the choice', async () => {
    await start();
    expect($('h1').textContent).toBe('CredCheck 设置');
    choose(select('locale'), 'en');
    expect($('h1').textContent).toBe('CredCheck settings');
    expect(document.documentElement.lang).toBe('en');
    expect($('label[for="api-url"]').textContent).toBe('API URL');
    expect(document.activeElement?.id).toBe('locale');
    expect($('#status').textContent).toBe('You have unsaved changes.');
    $<HTMLButtonElement>('#save').click();
    await settle();
    expect((await stored()).locale).toBe('en');
    expect($('#status').textContent).toBe('Saved.');
  });

  it('prefills a portal from the popup’s ?add=<origin>', async () => {
    expect(prefillPattern('?add=https%3A%2F%2Fbid.example.org')).toBe('https://bid.example.org/*');
    expect(prefillPattern('?add=http%3A%2F%2F127.0.0.1%3A8080')).toBe('http://127.0.0.1:8080/*');
    expect(prefillPattern('?add=javascript%3Aalert(1)')).toBe('');
    expect(prefillPattern('')).toBe('');
    await start({ search: '?add=https%3A%2F%2Fbid.example.org' });
    expect(input('add-pattern').value).toBe('https://bid.example.org/*');
  });
});
