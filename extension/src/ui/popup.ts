/**
 * The toolbar popup: which data the checks use (version, last sync, offline or not), a way to sync
 * now, and what the content script found on the active tab, with jump links to each hit.
 */
import { browser } from 'wxt/browser';
import type { PageSummary, SettingsView, SyncState, TabRequest } from '../messages.ts';
import { DEFAULT_SETTINGS, permissionOrigin, portalFor } from '../settings/settings.ts';
import { button, el, replaceChildren } from './dom.ts';
import { formatTime } from './format.ts';
import { languageTag, type Translate, translator } from './i18n.ts';
import { ask } from './messaging.ts';
import { STATUS_ICON, STATUS_LABEL, SUMMARY_STATUSES } from './status.ts';

export interface PopupOptions {
  /** Closes the popup (after a jump, so that focus lands on the page). */
  close?: () => void;
}

interface ActiveTab {
  id: number;
  url: string | undefined;
}

export async function renderPopup(root: HTMLElement, options: PopupOptions = {}): Promise<void> {
  const close = options.close ?? (() => window.close());
  const view: SettingsView = (await ask({ type: 'settings' }).catch(() => undefined)) ?? {
    settings: DEFAULT_SETTINGS,
    locked: [],
    granted: [],
  };
  const settings = view.settings;
  const t = translator(settings.locale);
  document.documentElement.lang = languageTag(settings.locale);
  document.title = t('extName');

  const notices = el('div', { className: 'notices' });
  const data = el('section', { className: 'data', attrs: { 'aria-labelledby': 'data-heading' } });
  const syncStatus = el('p', { className: 'sync-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const page = el('section', { className: 'page', attrs: { 'aria-labelledby': 'page-heading' } });
  const syncButton = button(t('popupSyncNow'), () => void syncNow(), {
    className: 'primary',
    id: 'sync-now',
  });
  const settingsButton = button(t('openOptions'), () => void browser.runtime.openOptionsPage(), {
    id: 'open-options',
  });

  replaceChildren(
    root,
    el('header', {}, el('h1', { text: t('extName') })),
    el('main', {}, notices, data, page),
    el('footer', {}, settingsButton),
  );

  const showState = (state: SyncState | undefined) => {
    replaceChildren(notices, ...stateNotices(state, Boolean(settings.apiUrl), t));
    replaceChildren(
      data,
      el('h2', { id: 'data-heading', text: t('popupDataHeading') }),
      dataList(state, t, settings.locale),
      el('div', { className: 'actions' }, syncButton),
      syncStatus,
    );
    syncButton.disabled = !settings.apiUrl;
  };

  const syncNow = async () => {
    syncButton.disabled = true;
    syncStatus.textContent = t('popupSyncing');
    try {
      const state = await ask({ type: 'sync-now' });
      showState(state);
      syncStatus.textContent = state?.lastError ? t('popupSyncFailed', state.lastError) : t('popupSyncDone');
    } catch (err) {
      syncStatus.textContent = t('popupSyncFailed', err instanceof Error ? err.message : String(err));
    } finally {
      syncButton.disabled = !settings.apiUrl;
    }
  };

  showState(await ask({ type: 'sync-state' }).catch(() => undefined));
  await renderPage(page, view, t, close);
}

function stateNotices(state: SyncState | undefined, hasApi: boolean, t: Translate) {
  const out: HTMLElement[] = [];
  if (!hasApi) {
    out.push(
      el(
        'div',
        { className: 'notice warn', id: 'no-api' },
        el('p', { text: t('popupNoApi') }),
        button(t('openOptions'), () => void browser.runtime.openOptionsPage()),
      ),
    );
  }
  if (state?.offline) {
    const when = formatTime(state.syncedAt);
    out.push(
      el('p', {
        className: 'notice offline',
        id: 'offline',
        text: when ? t('popupOffline', when) : t('popupOfflineNoCopy'),
      }),
    );
  }
  return out;
}

function dataList(state: SyncState | undefined, t: Translate, locale: SettingsView['settings']['locale']) {
  if (!state || state.version === null) {
    const list = el('dl', { id: 'data-list' });
    list.append(
      ...row(t('popupLastAttempt'), formatTime(state?.lastAttemptAt) ?? t('never'), 'last-attempt'),
    );
    if (state?.lastError) list.append(...row(t('popupLastError'), state.lastError, 'last-error'));
    return el('div', {}, el('p', { text: t('popupNoData') }), list);
  }
  const list = el('dl', { id: 'data-list' });
  list.append(
    ...row(t('popupSnapshotVersion'), String(state.version), 'snapshot-version'),
    ...row(
      t('popupDataVersion'),
      state.dataVersion === null ? t('none') : String(state.dataVersion),
      'data-version',
    ),
    ...row(t('popupAsOf'), formatTime(state.asOf) ?? t('none'), 'as-of'),
    ...row(t('popupCodes'), state.codes.toLocaleString(languageTag(locale)), 'codes'),
    ...row(t('popupLastSync'), formatTime(state.syncedAt) ?? t('never'), 'last-sync'),
  );
  if (state.lastError) list.append(...row(t('popupLastError'), state.lastError, 'last-error'));
  return list;
}

function row(term: string, value: string, key: string): HTMLElement[] {
  return [el('dt', { text: term }), el('dd', { text: value, attrs: { 'data-field': key } })];
}

async function activeTab(): Promise<ActiveTab | null> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true }).catch(() => []);
  if (!tab || tab.id === undefined) return null;
  return { id: tab.id, url: tab.url };
}

async function askTab<T>(tabId: number, request: TabRequest): Promise<T | undefined> {
  try {
    return (await browser.tabs.sendMessage(tabId, request)) as T | undefined;
  } catch {
    // No content script in the tab (not a portal, not granted, or not loaded yet).
    return undefined;
  }
}

async function renderPage(section: HTMLElement, view: SettingsView, t: Translate, close: () => void) {
  const heading = el('h2', { id: 'page-heading', text: t('popupPageHeading') });
  const tab = await activeTab();
  if (!tab) {
    replaceChildren(section, heading, el('p', { text: t('popupNoTab') }));
    return;
  }
  const summary = await askTab<PageSummary>(tab.id, { type: 'page-summary' });
  if (summary && typeof summary === 'object' && summary.counts) {
    replaceChildren(section, heading, ...summaryView(summary, tab.id, t, close));
    return;
  }
  const web = tab.url !== undefined && /^https?:/i.test(tab.url);
  const portal = web ? portalFor(tab.url!, view.settings.portals) : undefined;
  if (portal) {
    const origin = permissionOrigin(portal.pattern);
    const granted = origin ? await hasOrigin(origin, view) : false;
    if (origin && !granted) {
      const grant = button(
        t('popupGrant'),
        () => {
          // Called straight from the click so that the browser sees the user's gesture.
          void browser.permissions
            .request({ origins: [origin] })
            .then(() => renderPage(section, view, t, close))
            .catch(() => {});
        },
        { id: 'grant-portal' },
      );
      replaceChildren(section, heading, el('p', { text: t('popupNotGranted', origin) }), grant);
      return;
    }
    replaceChildren(section, heading, el('p', { id: 'no-summary', text: t('popupNoSummary') }));
    return;
  }
  const origin = web ? new URL(tab.url!).origin : null;
  // Without host access the browser hides the tab's address: the options page then starts empty.
  const add = button(
    origin ? t('popupAddPortal', origin) : t('popupAddPortalGeneric'),
    () => {
      const url = browser.runtime.getURL('/options.html');
      void browser.tabs.create({ url: origin ? `${url}?add=${encodeURIComponent(origin)}` : url });
      close();
    },
    { id: 'add-portal' },
  );
  const canAdd = tab.url === undefined || web;
  replaceChildren(section, heading, el('p', { id: 'not-portal', text: t('popupNotPortal') }), canAdd && add);
}

async function hasOrigin(origin: string, view: SettingsView): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [origin] });
  } catch {
    return view.granted.includes(origin);
  }
}

function summaryView(summary: PageSummary, tabId: number, t: Translate, close: () => void): HTMLElement[] {
  const counts = el('ul', {
    className: 'counts',
    id: 'counts',
    attrs: { 'aria-label': t('popupCountsLabel') },
  });
  const nameMatches = summary.items.filter((i) => i.match === 'name').length;
  for (const status of SUMMARY_STATUSES) {
    const n = summary.counts[status] ?? 0;
    counts.append(
      el(
        'li',
        { className: `count status-${status}`, attrs: { 'data-status': status } },
        el('span', { className: 'icon', text: STATUS_ICON[status], attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'label', text: t(STATUS_LABEL[status]) }),
        el('span', { className: 'n', text: String(n) }),
      ),
    );
  }
  counts.append(
    el(
      'li',
      { className: 'count status-name', attrs: { 'data-status': 'name' } },
      el('span', { className: 'icon', text: '≈', attrs: { 'aria-hidden': 'true' } }),
      el('span', { className: 'label', text: t('popupNameMatches') }),
      el('span', { className: 'n', text: String(nameMatches) }),
    ),
  );
  const out: HTMLElement[] = [
    el('p', { id: 'checked-total', text: t('popupChecked', summary.total) }),
    counts,
  ];
  if (summary.items.length === 0) {
    out.push(el('p', { id: 'no-issues', text: t('popupNoIssues') }));
    return out;
  }
  const jumpStatus = el('p', { className: 'jump-status', attrs: { role: 'status' } });
  const list = el('ol', { className: 'items', id: 'items' });
  for (const item of summary.items) {
    const label = `${t(STATUS_LABEL[item.status])} · ${item.label}${item.match === 'name' ? ` (${t('popupPossible')})` : ''}`;
    const jump = button(
      '',
      () => {
        void browser.tabs
          .sendMessage(tabId, { type: 'jump', index: item.index } satisfies TabRequest)
          .then((answer) => {
            // The badge is gone (the page re-rendered): say so rather than close on nothing.
            if ((answer as { ok?: boolean } | undefined)?.ok === false)
              jumpStatus.textContent = t('popupJumpFailed');
            else close();
          })
          .catch(() => {
            jumpStatus.textContent = t('popupJumpFailed');
          });
      },
      {
        className: `item status-${item.status}${item.match === 'name' ? ' possible' : ''}`,
        attrs: { 'data-index': String(item.index), 'data-status': item.status, 'data-match': item.match },
      },
    );
    jump.append(
      el('span', { className: 'icon', text: STATUS_ICON[item.status], attrs: { 'aria-hidden': 'true' } }),
      el('span', { text: label }),
    );
    list.append(el('li', {}, jump));
  }
  out.push(el('h3', { text: t('popupIssuesHeading') }), list, jumpStatus);
  return out;
}
