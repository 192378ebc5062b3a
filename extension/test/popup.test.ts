// The popup against a background that answers like the real one (settings, sync state) and a tab
// whose content script answers the page summary.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PageSummary, SettingsView, SyncState, TabRequest } from '../src/messages.ts';
import { DEFAULT_SETTINGS, type Settings } from '../src/settings/settings.ts';
import { renderPopup } from '../src/ui/popup.ts';
import { type FakeHostApis, installHostApis } from './helpers/browser-apis.ts';

const PORTAL = 'https://portal.example.gov.cn/*';
const PAGE = 'https://portal.example.gov.cn/notice/1.html';
const TAB_ID = 7;

const synced: SyncState = {
  version: 42,
  dataVersion: 1317,
  asOf: '2026-11-23T08:00:00Z',
  checksum: 'abc',
  syncedAt: '2026-12-03T08:15:00Z',
  lastAttemptAt: '2026-12-03T09:00:00Z',
  lastError: 'API unreachable: fetch failed',
  offline: true,
  codes: 1234,
  names: 1200,
};

const summary: PageSummary = {
  counts: { black: 2, red: 1, invalid: 1, clean: 20, related: 1 },
  total: 25,
  items: [
    { index: 0, status: 'black', match: 'code', label: '91330100MA2XXXXX1X' },
    { index: 3, status: 'black', match: 'name', label: '鄂州通蔚仪器设备有限公司' },
    { index: 5, status: 'red', match: 'code', label: '91320100MA1XXXXX2Y' },
    { index: 9, status: 'invalid', match: 'code', label: '91330100MA2XXXXX19' },
    { index: 11, status: 'related', match: 'name', label: '杭州澜沧建设工程有限公司上海分公司' },
  ],
};

interface Setup {
  settings?: Partial<Settings>;
  state?: SyncState;
  afterSync?: SyncState;
  tabUrl?: string | undefined;
  pageSummary?: PageSummary | null;
}

describe('popup', () => {
  let host: FakeHostApis;
  let requests: string[];
  let tabMessages: { tabId: number; message: TabRequest }[];
  let closed: number;

  const start = async (setup: Setup = {}) => {
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      apiUrl: 'https://credcheck.example.gov.cn',
      portals: [{ pattern: PORTAL, scenario: 'gov-procurement' }],
      ...setup.settings,
    };
    let state = setup.state ?? synced;
    fakeBrowser.runtime.onMessage.addListener(((message: { type: string }) => {
      requests.push(message.type);
      const view: SettingsView = { settings, locked: [], granted: [...host.granted] };
      if (message.type === 'settings') return Promise.resolve(view);
      if (message.type === 'sync-state') return Promise.resolve(state);
      if (message.type === 'sync-now') {
        state = setup.afterSync ?? state;
        return Promise.resolve(state);
      }
      return undefined;
    }) as never);
    const tab = { id: TAB_ID, index: 0, url: 'tabUrl' in setup ? setup.tabUrl : PAGE, active: true };
    Object.assign(fakeBrowser.tabs, {
      // fakeBrowser has no window focus model to answer "active tab of the current window".
      query: async (q: { active?: boolean; currentWindow?: boolean }) =>
        q.active && q.currentWindow ? [tab] : [],
      sendMessage: async (tabId: number, message: TabRequest) => {
        tabMessages.push({ tabId, message });
        const page = setup.pageSummary === undefined ? summary : setup.pageSummary;
        if (!page) throw new Error('Could not establish connection. Receiving end does not exist.');
        if (message.type === 'page-summary') return page;
        // The content script's answer: false when the badge is no longer on the page.
        return { ok: message.index !== 11 };
      },
    });
    await renderPopup(document.body, { close: () => closed++ });
  };

  const text = (selector: string) => document.querySelector(selector)?.textContent ?? null;
  const field = (name: string) => text(`[data-field="${name}"]`);
  const settle = () => new Promise((r) => setTimeout(r, 0));

  beforeEach(() => {
    fakeBrowser.reset();
    host = installHostApis();
    host.granted.add(PORTAL);
    requests = [];
    tabMessages = [];
    closed = 0;
  });
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('shows the data version, the last sync and the offline notice', async () => {
    await start();
    expect(field('snapshot-version')).toBe('42');
    expect(field('data-version')).toBe('1317');
    expect(field('as-of')).toBe('2026-11-23 08:00');
    expect(field('last-sync')).toBe('2026-12-03 08:15');
    expect(field('codes')).toBe('1,234');
    expect(field('last-error')).toBe('API unreachable: fetch failed');
    expect(text('#offline')).toBe('离线：使用 2026-12-03 08:15 的本地数据');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(requests).toEqual(['settings', 'sync-state']);
  });

  it('says when there is no local copy and when no API URL is configured', async () => {
    const empty: SyncState = {
      ...synced,
      version: null,
      dataVersion: null,
      asOf: null,
      syncedAt: null,
      codes: 0,
      names: 0,
    };
    await start({ settings: { apiUrl: '' }, state: empty });
    expect(text('#no-api')).toContain('尚未配置 API 地址');
    expect(text('#offline')).toBe('离线：尚无本地数据，页面暂时无法核查');
    expect(document.querySelector('[data-field="snapshot-version"]')).toBeNull();
    expect(field('last-attempt')).toBe('2026-12-03 09:00');
    expect(document.querySelector('[data-field="last-sync"]')).toBeNull();
    expect((document.getElementById('sync-now') as HTMLButtonElement).disabled).toBe(true);
  });

  it('does not claim to be offline after a good sync', async () => {
    await start({ state: { ...synced, offline: false, lastError: null } });
    expect(document.getElementById('offline')).toBeNull();
    expect(document.querySelector('[data-field="last-error"]')).toBeNull();
  });

  it('syncs on demand and shows the new state', async () => {
    const after: SyncState = {
      ...synced,
      version: 43,
      offline: false,
      lastError: null,
      syncedAt: '2026-12-03T09:30:00Z',
    };
    await start({ afterSync: after });
    const sync = document.getElementById('sync-now') as HTMLButtonElement;
    expect(sync.textContent).toBe('立即同步');
    sync.click();
    expect(sync.disabled).toBe(true);
    expect(text('.sync-status')).toBe('正在同步…');
    await settle();
    await settle();
    expect(requests).toContain('sync-now');
    expect(field('snapshot-version')).toBe('43');
    expect(field('last-sync')).toBe('2026-12-03 09:30');
    expect(document.getElementById('offline')).toBeNull();
    expect(text('.sync-status')).toBe('同步完成');
    expect(sync.disabled).toBe(false);
  });

  it('reports a failed sync and stays offline', async () => {
    await start({ afterSync: { ...synced, lastError: 'API unavailable (503)' } });
    (document.getElementById('sync-now') as HTMLButtonElement).click();
    await settle();
    await settle();
    expect(text('.sync-status')).toBe('同步失败：API unavailable (503)');
    expect(text('#offline')).toContain('离线');
  });

  it("shows the page's counts per status and jumps to a hit", async () => {
    await start();
    expect(tabMessages[0]).toEqual({ tabId: TAB_ID, message: { type: 'page-summary' } });
    expect(text('#checked-total')).toBe('已核查 25 处');
    const count = (status: string) => text(`#counts [data-status="${status}"] .n`);
    expect(count('black')).toBe('2');
    expect(count('red')).toBe('1');
    expect(count('suspended')).toBe('0');
    expect(count('expired')).toBe('0');
    expect(count('related')).toBe('1');
    expect(count('invalid')).toBe('1');
    expect(count('name')).toBe('2');
    const items = [...document.querySelectorAll<HTMLButtonElement>('#items button')];
    expect(items.map((b) => b.dataset.index)).toEqual(['0', '3', '5', '9', '11']);
    expect(items[1]!.textContent).toContain('黑名单 · 鄂州通蔚仪器设备有限公司 (疑似)');
    expect(items[0]!.textContent).not.toContain('疑似');
    items[2]!.click();
    await settle();
    expect(tabMessages.at(-1)).toEqual({ tabId: TAB_ID, message: { type: 'jump', index: 5 } });
    expect(closed).toBe(1);
    items[4]!.click();
    await settle();
    expect(tabMessages.at(-1)).toEqual({ tabId: TAB_ID, message: { type: 'jump', index: 11 } });
    expect(closed).toBe(1);
    expect(text('.jump-status')).toBe('无法跳转：页面已变化，请刷新。');
  });

  it('says when a page has nothing that needs attention', async () => {
    await start({ pageSummary: { counts: { clean: 3 }, total: 3, items: [] } });
    expect(text('#no-issues')).toBe('本页没有需关注的主体。');
    expect(document.getElementById('items')).toBeNull();
  });

  it('offers to add a page that is not a portal, with its origin prefilled', async () => {
    await start({ tabUrl: 'https://bid.example.org/notices/7?x=1', pageSummary: null });
    expect(text('#not-portal')).toBe('此页面不是已配置的门户，不会被核查。');
    const add = document.getElementById('add-portal') as HTMLButtonElement;
    expect(add.textContent).toBe('将 https://bid.example.org 添加为门户');
    add.click();
    await settle();
    const tabs = await fakeBrowser.tabs.get(1);
    expect(tabs?.url).toBe(
      `chrome-extension://${fakeBrowser.runtime.id}/options.html?add=${encodeURIComponent('https://bid.example.org')}`,
    );
    expect(closed).toBe(1);
  });

  it('opens the options page empty when the browser hides the address', async () => {
    await start({ tabUrl: undefined, pageSummary: null });
    const add = document.getElementById('add-portal') as HTMLButtonElement;
    expect(add.textContent).toBe('添加门户…');
    add.click();
    await settle();
    expect((await fakeBrowser.tabs.get(1))?.url).toBe(
      `chrome-extension://${fakeBrowser.runtime.id}/options.html`,
    );
  });

  it('offers host access for a portal that has none yet', async () => {
    host.granted.clear();
    const asked: string[][] = [];
    Object.assign(fakeBrowser.permissions, {
      request: async (p: { origins: string[] }) => {
        asked.push(p.origins);
        return false;
      },
    });
    await start({ pageSummary: null });
    const grant = document.getElementById('grant-portal') as HTMLButtonElement;
    expect(text('#page-heading + p')).toBe(
      '尚未授权访问此门户（https://portal.example.gov.cn/*），页面不会被核查。',
    );
    grant.click();
    expect(asked).toEqual([['https://portal.example.gov.cn/*']]);
  });

  it('says when a granted portal page has not been checked yet', async () => {
    await start({ pageSummary: null });
    expect(text('#no-summary')).toContain('本页尚未完成核查');
  });

  it('speaks English when the settings say so', async () => {
    await start({ settings: { locale: 'en' } });
    expect(document.documentElement.lang).toBe('en');
    expect(text('h1')).toBe('CredCheck credit check');
    expect(text('#offline')).toBe('Offline: using the local copy from 2026-12-03 08:15');
    expect(text('#sync-now')).toBe('Sync now');
    expect(text('#checked-total')).toBe('25 items checked');
    expect(text('#counts [data-status="black"] .label')).toBe('Black list');
  });
});
