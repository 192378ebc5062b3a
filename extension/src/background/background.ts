/**
 * The background's wiring: settings, the snapshot sync and its schedule, the content script's
 * registration, and the answers to messages. Only the extension's own senders are answered, page
 * requests only from portal tabs, and nothing sent to a content script carries the API key.
 */
import { cleanCode } from '@credcheck/sdk/identifiers';
import { normalizeName } from '@credcheck/sdk/names';
import { type Browser, browser } from 'wxt/browser';
import type {
  CheckResponse,
  DecideRequest,
  DecideResponse,
  MatchKind,
  PageConfig,
  Request,
  ResponseOf,
  SettingsView,
  SubjectCard,
  SyncState,
} from '../messages.ts';
import {
  DEFAULT_SETTINGS,
  type EffectiveSettings,
  permissionOrigin,
  portalFor,
} from '../settings/settings.ts';
import { ApiClient, ApiProblem, ApiUnreachable, type Fetch, messageOf } from './api-client.ts';
import type { DecisionAnswer } from './api-types.ts';
import { buildCard } from './card.ts';
import { runCheck } from './check.ts';
import { Records } from './records.ts';
import { Registrar } from './registration.ts';
import { loadSettings, watchSettings } from './settings-store.ts';
import { SnapshotDb } from './snapshot-db.ts';
import { Syncer } from './sync.ts';
import { PAGE_REQUESTS, readRequest } from './validate.ts';

export const SYNC_ALARM = 'credcheck-sync';
/** How long a check waits for the first sync when there is no local copy yet. */
const FIRST_SYNC_WAIT_MS = 20_000;

export interface BackgroundOptions {
  fetch?: Fetch;
  indexedDB?: IDBFactory;
  now?: () => Date;
}

type Sender = Browser.runtime.MessageSender;

export interface Background {
  /** Resolves once the settings are loaded and the first registration and sync were started. */
  ready: Promise<void>;
  /** The message handler: a promise of the answer, or undefined for a request it ignores. */
  handle(message: unknown, sender: Sender): Promise<unknown> | undefined;
  sync(): Promise<SyncState>;
  settings(): EffectiveSettings;
  stop(): void;
}

export function startBackground(opts: BackgroundOptions = {}): Background {
  const db = new SnapshotDb(opts.indexedDB);
  const now = opts.now ?? (() => new Date());
  const syncer = new Syncer(db, opts.fetch, now);
  const records = new Records(() => now().getTime());
  const registrar = new Registrar();
  let current: EffectiveSettings = { settings: DEFAULT_SETTINGS, locked: [] };
  let loaded: Promise<void> = Promise.resolve();

  syncer.onNewData = (meta) => records.useVersion(meta.apiUrl, meta.dataVersion);

  const api = () =>
    current.settings.apiUrl
      ? new ApiClient(
          {
            apiUrl: current.settings.apiUrl,
            apiKey: current.settings.apiKey,
            locale: current.settings.locale,
          },
          opts.fetch,
        )
      : null;

  const sync = async () => {
    await loaded;
    return syncer.sync(current.settings.apiUrl, current.settings.apiKey);
  };

  const schedule = async () => {
    const { apiUrl, syncMinutes } = current.settings;
    const existing = await browser.alarms.get(SYNC_ALARM);
    // Recreating the alarm at every worker start would push the next sync back each time.
    if (apiUrl && existing?.periodInMinutes === syncMinutes) return;
    await browser.alarms.clear(SYNC_ALARM);
    if (apiUrl)
      browser.alarms.create(SYNC_ALARM, { periodInMinutes: syncMinutes, delayInMinutes: syncMinutes });
  };

  /** Applies (re)loaded settings: a new API gets its own copy, synced now; portals re-registered. */
  const apply = async (first: boolean) => {
    const before = current.settings;
    current = await loadSettings();
    const s = current.settings;
    records.useVersion(s.apiUrl, null);
    const tasks: Promise<unknown>[] = [registrar.update(s.portals).catch(() => [])];
    if (first || before.apiUrl !== s.apiUrl || before.syncMinutes !== s.syncMinutes) tasks.push(schedule());
    if (s.apiUrl && (before.apiUrl !== s.apiUrl || before.apiKey !== s.apiKey || first)) {
      const state = await syncer.state(s.apiUrl);
      // A worker woken up often must not sync each time: only when the copy is due.
      const due =
        !first ||
        state.syncedAt === null ||
        now().getTime() - Date.parse(state.lastAttemptAt ?? state.syncedAt) >= s.syncMinutes * 60_000;
      if (due) void syncer.sync(s.apiUrl, s.apiKey);
    }
    await Promise.all(tasks);
  };

  // A failure to apply settings leaves the previous ones in force; the next change retries.
  const logged = (err: unknown) => console.warn(`credcheck: settings not applied: ${messageOf(err)}`);
  loaded = apply(true).catch(logged);
  const reload = () => {
    loaded = loaded.then(() => apply(false)).catch(logged);
  };

  const unwatch = watchSettings(reload);
  const onAlarm = (alarm: { name: string }) => {
    if (alarm.name === SYNC_ALARM) void sync();
  };
  const onPermissions = () => {
    void loaded.then(() => registrar.update(current.settings.portals)).catch(() => {});
  };
  const onWake = () => {
    void sync();
  };
  browser.alarms.onAlarm.addListener(onAlarm);
  browser.permissions.onAdded.addListener(onPermissions);
  browser.permissions.onRemoved.addListener(onPermissions);
  browser.runtime.onInstalled.addListener(onWake);
  browser.runtime.onStartup.addListener(onWake);

  const settingsView = async (): Promise<SettingsView> => {
    const all = await browser.permissions.getAll().catch(() => ({ origins: [] as string[] }));
    return { settings: current.settings, locked: current.locked, granted: all.origins ?? [] };
  };

  const pageConfig = (url: string | undefined): PageConfig => {
    const portal = url ? portalFor(url, current.settings.portals) : undefined;
    return {
      enabled: portal !== undefined,
      scenario: portal?.scenario ?? null,
      badgeStyle: current.settings.badgeStyle,
      locale: current.settings.locale,
    };
  };

  const check = async (
    req: Extract<Request, { type: 'check' }>,
    scenario: string | null,
  ): Promise<CheckResponse> => {
    const apiUrl = current.settings.apiUrl;
    let copy = await syncer.current(apiUrl);
    if (!copy && apiUrl) {
      const first = syncer.inFlight ?? syncer.sync(apiUrl, current.settings.apiKey);
      await Promise.race([first, new Promise((r) => setTimeout(r, FIRST_SYNC_WAIT_MS))]);
      copy = await syncer.current(apiUrl);
    }
    records.useVersion(apiUrl, copy?.meta.dataVersion ?? null);
    return runCheck(req, {
      snapshot: copy?.snapshot ?? null,
      dataVersion: copy?.meta.dataVersion ?? null,
      api: api(),
      records,
      scenario,
      locale: current.settings.locale,
    });
  };

  const card = async (
    kind: MatchKind,
    key: string,
    scenario: string | null,
  ): Promise<SubjectCard | { error: string }> => {
    const client = api();
    if (!client) return { error: 'no API URL configured' };
    try {
      let code = key;
      if (kind === 'name') {
        const name = normalizeName(key);
        const hit = (await records.searchExact(client, [name])).get(name);
        if (!hit) return { error: 'no listed organization has this name' };
        if (!hit.code)
          return { displayCode: '', displayName: hit.name, subjectType: 'org', entries: [], measures: [] };
        code = hit.code;
      }
      const found =
        kind === 'id'
          ? (await records.lookupIds(client, [key])).get(key)
          : (await records.lookupCodes(client, [cleanCode(code)])).get(cleanCode(code));
      if (!found || found.result === 'invalid') return { error: 'not a valid code' };
      if (!found.item) {
        // Not listed: a clean subject's card says so (no entries, no measures).
        return {
          displayCode: kind === 'id' ? '' : cleanCode(code),
          subjectType: kind === 'id' ? 'person' : 'org',
          entries: [],
          measures: [],
          dataVersion: found.dataVersion,
        };
      }
      const measures = scenario ? await records.measures(client).catch(() => []) : [];
      return buildCard(
        { subject: found.item.subject, entries: found.item.entries, dataVersion: found.dataVersion },
        { scenario, measures, locale: current.settings.locale, apiUrl: client.target.apiUrl },
      );
    } catch (err) {
      return { error: messageOf(err) };
    }
  };

  const decide = async (req: DecideRequest): Promise<DecideResponse> => {
    const client = api();
    if (!client) return { ok: false, error: 'no API URL configured' };
    if (!current.settings.apiKey)
      return { ok: false, error: 'no API key configured: a decision needs an implementer key' };
    try {
      const subject = { ...req.subject, ...(req.subject.code ? { code: cleanCode(req.subject.code) } : {}) };
      const res = await client.postJson<DecisionAnswer>('/v1/decisions', { scenario: req.scenario, subject });
      return { ok: true, decisionId: res.id, outcome: res.outcome };
    } catch (err) {
      if (err instanceof ApiProblem || err instanceof ApiUnreachable)
        return { ok: false, error: err.message };
      return { ok: false, error: messageOf(err) };
    }
  };

  const portalGranted = (pattern: string) => {
    const origin = permissionOrigin(pattern);
    return origin === null
      ? Promise.resolve(false)
      : browser.permissions.contains({ origins: [origin] }).catch(() => false);
  };

  const isExtensionPage = (sender: Sender) =>
    typeof sender.url === 'string' && sender.url.startsWith(browser.runtime.getURL('/'));

  const answer = async (req: Request, sender: Sender): Promise<unknown> => {
    await loaded;
    const fromPage = !isExtensionPage(sender);
    const pageUrl = sender.tab?.url ?? sender.url;
    let portal = fromPage && pageUrl ? portalFor(pageUrl, current.settings.portals) : undefined;
    // A tab opened before the user withdrew a portal's access keeps its content script running:
    // the grant is checked at each request, not only when the script is registered.
    if (portal && !(await portalGranted(portal.pattern))) portal = undefined;
    if (fromPage && !portal) {
      // Off-portal pages learn only that they are off-portal; nothing else reaches the API for them.
      return req.type === 'page-config' ? pageConfig(undefined) : undefined;
    }
    const scenario = portal?.scenario ?? null;
    switch (req.type) {
      case 'page-config':
        return pageConfig(fromPage ? pageUrl : req.url);
      case 'check':
        return check(req, scenario);
      case 'card':
        return card(req.kind, req.key, req.scenario ?? scenario);
      case 'decide':
        return decide(req);
      case 'sync-state':
        return syncer.state(current.settings.apiUrl);
      case 'sync-now':
        return sync();
      case 'settings':
        return settingsView();
      case 'settings-saved':
        reload();
        await loaded;
        return settingsView();
    }
  };

  const handle = (message: unknown, sender: Sender): Promise<unknown> | undefined => {
    if (!sender || sender.id !== browser.runtime.id) return undefined;
    const req = readRequest(message);
    if (!req) return undefined;
    if (!PAGE_REQUESTS.has(req.type) && !isExtensionPage(sender)) return undefined;
    return answer(req, sender) as Promise<ResponseOf[typeof req.type] | undefined>;
  };

  const onMessage = (message: unknown, sender: Sender) => handle(message, sender);
  browser.runtime.onMessage.addListener(onMessage as never);

  return {
    ready: loaded.then(() => undefined),
    handle,
    sync,
    settings: () => current,
    stop() {
      unwatch();
      browser.runtime.onMessage.removeListener(onMessage as never);
      browser.alarms.onAlarm.removeListener(onAlarm);
      browser.permissions.onAdded.removeListener(onPermissions);
      browser.permissions.onRemoved.removeListener(onPermissions);
      browser.runtime.onInstalled.removeListener(onWake);
      browser.runtime.onStartup.removeListener(onWake);
      db.close();
    },
  };
}
