// @vitest-environment node
// The background is a service worker: no DOM, and Node's own fetch and URL as in a worker.
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { type Background, SYNC_ALARM, startBackground } from '../src/background/background.ts';
import { CONTENT_SCRIPT_FILE, CONTENT_SCRIPT_ID } from '../src/background/registration.ts';
import type {
  CheckResponse,
  DecideResponse,
  PageConfig,
  SettingsView,
  SubjectCard,
  SyncState,
} from '../src/messages.ts';
import { type FakeHostApis, installHostApis } from './helpers/browser-apis.ts';
import { ADMIN_KEY, type ListedApi, startListedApi } from './helpers/listed-api.ts';

const PORTAL = 'https://portal.example.gov.cn/*';
const OTHER_PORTAL = 'https://bid.example.org/notices/*';
const PAGE = 'https://portal.example.gov.cn/notice/1.html';
const SCENARIO = 'gov-procurement';
const nodeFetch: typeof fetch = (...args) => fetch(...args);

/** Lets listeners triggered by storage and permission events finish their async work. */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('background: messages, settings, registration', () => {
  let api: ListedApi;
  let bg: Background;
  let host: FakeHostApis;
  const ext = () => fakeBrowser.runtime.id;
  const optionsPage = () => ({ id: ext(), url: fakeBrowser.runtime.getURL('/options.html') }) as never;
  const portalTab = (url = PAGE) => ({ id: ext(), url, tab: { id: 3, url } }) as never;

  const start = async (settings: Record<string, unknown> = {}) => {
    await fakeBrowser.storage.local.set({
      settings: {
        apiUrl: api.url,
        apiKey: ADMIN_KEY,
        portals: [{ pattern: PORTAL, scenario: SCENARIO }],
        ...settings,
      },
    });
    bg = startBackground({ fetch: nodeFetch, indexedDB: new IDBFactory() });
    await bg.ready;
  };

  beforeAll(async () => {
    api = await startListedApi(4);
    await api.waitForVersionAfter(-1);
  }, 120_000);
  afterAll(() => api?.stop());

  beforeEach(() => {
    fakeBrowser.reset();
    host = installHostApis();
    host.granted.add(PORTAL);
  });
  afterEach(() => bg?.stop());

  it('ignores messages from other extensions and web pages', async () => {
    await start();
    const msg = { type: 'check', codes: [api.rows[0]!.code], ids: [], names: [] };
    expect(
      bg.handle(msg, { id: 'another-extension', url: PAGE, tab: { id: 1, url: PAGE } } as never),
    ).toBeUndefined();
    expect(bg.handle(msg, {} as never)).toBeUndefined();
    // Through the runtime event as the browser delivers it: no listener answers.
    const answers = await fakeBrowser.runtime.onMessage.trigger(msg, { id: 'another-extension', url: PAGE });
    expect(answers.every((a) => a === undefined)).toBe(true);
    // Our own content script on a portal is answered.
    const res = (await bg.handle(msg, portalTab())) as CheckResponse;
    expect(res.codes[0]!.status).toBe('black');
  });

  it('answers page requests only for portal tabs, and settings only to extension pages', async () => {
    await start();
    const offPortal = portalTab('https://evil.example.com/page');
    const check = { type: 'check', codes: [api.rows[0]!.code], ids: [], names: [] };
    // Which portal a tab is on is known once the settings are loaded: the answer is then empty.
    expect(await bg.handle(check, offPortal)).toBeUndefined();
    expect(
      await bg.handle({ type: 'card', kind: 'code', key: api.rows[0]!.code, scenario: null }, offPortal),
    ).toBeUndefined();
    expect(
      await bg.handle(
        { type: 'decide', subject: { code: api.rows[0]!.code }, scenario: SCENARIO },
        offPortal,
      ),
    ).toBeUndefined();
    expect(((await bg.handle({ type: 'page-config', url: PAGE }, offPortal)) as PageConfig).enabled).toBe(
      false,
    );
    // A content script never gets the settings (they hold the API key) nor drives the sync.
    for (const type of ['settings', 'settings-saved', 'sync-now', 'sync-state']) {
      expect(bg.handle({ type }, portalTab())).toBeUndefined();
    }
    const config = (await bg.handle({ type: 'page-config', url: PAGE }, portalTab())) as PageConfig;
    expect(config).toEqual({ enabled: true, scenario: SCENARIO, badgeStyle: 'full', locale: 'zh_CN' });
    const view = (await bg.handle({ type: 'settings' }, optionsPage())) as SettingsView;
    expect(view.settings.apiKey).toBe(ADMIN_KEY);
    expect(view.granted).toEqual([PORTAL]);
    expect(JSON.stringify(config)).not.toContain(ADMIN_KEY);
  });

  it('ignores a content script on a configured portal whose access is not granted, or was withdrawn: no answer, no API request', async () => {
    // An already open tab keeps its content script after the user withdraws the portal's access.
    const asked: string[] = [];
    await fakeBrowser.storage.local.set({
      settings: {
        apiUrl: api.url,
        apiKey: ADMIN_KEY,
        portals: [
          { pattern: PORTAL, scenario: SCENARIO },
          { pattern: OTHER_PORTAL, scenario: SCENARIO },
        ],
      },
    });
    bg = startBackground({
      fetch: (input, init) => {
        asked.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
      indexedDB: new IDBFactory(),
    });
    await bg.ready;
    await bg.handle({ type: 'sync-now' }, optionsPage());
    const code = api.rows[0]!.code;
    const requests = (url: string) => [
      { type: 'check', codes: [code], ids: [], names: [{ text: api.rows[0]!.name }] },
      { type: 'card', kind: 'code', key: code, scenario: SCENARIO },
      { type: 'card', kind: 'name', key: api.rows[0]!.name, scenario: null },
      { type: 'decide', subject: { code }, scenario: SCENARIO },
      { type: 'page-config', url },
    ];
    const ungranted = portalTab('https://bid.example.org/notices/7.html');
    const before = asked.length;
    for (const msg of requests('https://bid.example.org/notices/7.html')) {
      const res = await bg.handle(msg, ungranted);
      if (msg.type === 'page-config') expect((res as PageConfig).enabled).toBe(false);
      else expect(res, msg.type).toBeUndefined();
    }
    await host.revoke(PORTAL);
    await settle();
    for (const msg of requests(PAGE)) {
      const res = await bg.handle(msg, portalTab());
      if (msg.type === 'page-config') expect((res as PageConfig).enabled).toBe(false);
      else expect(res, msg.type).toBeUndefined();
    }
    expect(asked.slice(before)).toEqual([]);
    // Granted again, the same content script is answered (and the decision reaches the API).
    await host.grant('https://portal.example.gov.cn/*');
    await settle();
    const decided = (await bg.handle(
      { type: 'decide', subject: { code }, scenario: SCENARIO },
      portalTab(),
    )) as DecideResponse;
    expect(decided.ok).toBe(true);
    expect(asked.slice(before).some((u) => u.endsWith('/v1/decisions'))).toBe(true);
  });

  it('rejects oversized and malformed requests', async () => {
    await start();
    const codes = Array.from({ length: 5001 }, () => api.rows[0]!.code);
    expect(bg.handle({ type: 'check', codes, ids: [], names: [] }, portalTab())).toBeUndefined();
    expect(
      bg.handle({ type: 'check', codes: ['9'.repeat(201)], ids: [], names: [] }, portalTab()),
    ).toBeUndefined();
    expect(
      bg.handle({ type: 'check', codes: [], ids: [], names: [{ text: '公'.repeat(201) }] }, portalTab()),
    ).toBeUndefined();
    expect(bg.handle({ type: 'check', codes: [42], ids: [], names: [] }, portalTab())).toBeUndefined();
    expect(bg.handle({ type: 'check', codes: [] }, portalTab())).toBeUndefined();
    expect(bg.handle({ type: 'nuke' }, optionsPage())).toBeUndefined();
    expect(bg.handle('check', portalTab())).toBeUndefined();
    const atLimit = Array.from({ length: 5000 }, () => '91110108MA0U94MT1P');
    const ok = (await bg.handle(
      { type: 'check', codes: atLimit, ids: [], names: [] },
      portalTab(),
    )) as CheckResponse;
    expect(ok.codes).toHaveLength(5000);
  });

  it('registers the content script for granted portals and follows permission and settings changes', async () => {
    await start({
      portals: [
        { pattern: PORTAL, scenario: SCENARIO },
        { pattern: OTHER_PORTAL, scenario: SCENARIO },
      ],
    });
    expect(host.scripts.get(CONTENT_SCRIPT_ID)).toMatchObject({
      matches: [PORTAL],
      js: [CONTENT_SCRIPT_FILE],
      runAt: 'document_idle',
      allFrames: false,
    });
    await host.grant('https://bid.example.org/*');
    await settle();
    expect(host.scripts.get(CONTENT_SCRIPT_ID)?.matches).toEqual([PORTAL, OTHER_PORTAL]);
    await host.revoke(PORTAL);
    await settle();
    expect(host.scripts.get(CONTENT_SCRIPT_ID)?.matches).toEqual([OTHER_PORTAL]);
    await fakeBrowser.storage.local.set({ settings: { apiUrl: api.url, portals: [] } });
    await settle();
    await bg.handle({ type: 'settings' }, optionsPage());
    expect(host.scripts.has(CONTENT_SCRIPT_ID)).toBe(false);
  });

  it('lets the policy in managed storage win and lock its fields', async () => {
    await fakeBrowser.storage.managed.set({ badgeStyle: 'compact', syncMinutes: 60 });
    await start({ badgeStyle: 'full' });
    const view = (await bg.handle({ type: 'settings' }, optionsPage())) as SettingsView;
    expect(view.settings.badgeStyle).toBe('compact');
    expect(view.locked.sort()).toEqual(['badgeStyle', 'syncMinutes']);
    expect(await fakeBrowser.alarms.get(SYNC_ALARM)).toMatchObject({ periodInMinutes: 60 });
    const config = (await bg.handle({ type: 'page-config', url: PAGE }, portalTab())) as PageConfig;
    expect(config.badgeStyle).toBe('compact');
  });

  it('syncs on demand and reports the sync state', async () => {
    await start();
    const state = (await bg.handle({ type: 'sync-now' }, optionsPage())) as SyncState;
    expect(state.lastError).toBeNull();
    expect(state.version).toBeGreaterThan(0);
    expect(state.codes).toBe(4);
    const again = (await bg.handle({ type: 'sync-state' }, optionsPage())) as SyncState;
    expect(again.checksum).toBe(state.checksum);
    expect(again.syncedAt).not.toBeNull();
  });

  it('gives a card on demand, also for a clean code', async () => {
    await start();
    const [black] = api.rows;
    const card = (await bg.handle(
      { type: 'card', kind: 'code', key: black!.code, scenario: null },
      portalTab(),
    )) as SubjectCard;
    expect(card.displayCode).toBe(black!.code);
    expect(card.displayName).toBe(black!.name);
    expect(card.measures.length).toBeGreaterThan(0); // the portal's scenario
    const byName = (await bg.handle(
      { type: 'card', kind: 'name', key: black!.name, scenario: SCENARIO },
      portalTab(),
    )) as SubjectCard;
    expect(byName.displayCode).toBe(black!.code);
    const clean = (await bg.handle(
      { type: 'card', kind: 'code', key: '91110108MA0U94MT1P', scenario: null },
      portalTab(),
    )) as SubjectCard;
    expect(clean).toMatchObject({ displayCode: '91110108MA0U94MT1P', entries: [], measures: [] });
  });

  it('requests a decision with the key and returns its receipt id, or the problem', async () => {
    await start();
    const [black] = api.rows;
    const res = (await bg.handle(
      { type: 'decide', subject: { code: black!.code }, scenario: SCENARIO },
      portalTab(),
    )) as DecideResponse;
    expect(res.ok).toBe(true);
    expect(res.decisionId).toMatch(/^dec_/);
    expect(res.outcome).toBe('block');
    const refused = (await bg.handle(
      { type: 'decide', subject: { code: black!.code }, scenario: 'no-such-scenario' },
      portalTab(),
    )) as DecideResponse;
    expect(refused.ok).toBe(false);
    expect(refused.error).toBeTruthy();
  });
});
