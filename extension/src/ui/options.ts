/**
 * The options page: API URL and key, portal rules (pattern → scenario) with their host access,
 * badge style, language and sync interval. Policy-set fields are shown read-only; host access is
 * requested from the click that adds a portal, the moment it is needed.
 */
import { browser } from 'wxt/browser';
import type { SettingsView } from '../messages.ts';
import {
  type BadgeStyle,
  normalizeApiUrl,
  type PortalRule,
  parseMatchPattern,
  permissionOrigin,
  readSettings,
  type SettingField,
  type Settings,
  type UiLocale,
} from '../settings/settings.ts';
import { button, el, replaceChildren } from './dom.ts';
import { keyTail } from './format.ts';
import { languageTag, type MessageKey, type Translate, translator } from './i18n.ts';
import { ask } from './messaging.ts';
import { type FetchLike, loadScenarios, SCENARIO_CODE, type Scenario } from './scenarios.ts';

export interface OptionsDeps {
  /** For GET /v1/scenarios; the page's own fetch by default. */
  fetch?: FetchLike;
  /** The page's query string (`?add=<origin>` prefills a new portal). */
  search?: string;
}

type FieldId = 'apiUrl' | 'syncMinutes' | 'addPattern' | 'addScenario' | `portal:${string}`;

interface Model {
  view: SettingsView;
  /** What local storage holds (well-formed fields only): kept for fields the policy overrides. */
  stored: Partial<Settings>;
  apiUrl: string;
  keyInput: string;
  clearKey: boolean;
  portals: PortalRule[];
  badgeStyle: BadgeStyle;
  locale: UiLocale;
  syncMinutes: string;
  addPattern: string;
  addScenario: string;
  /** null: the API could not be asked, codes are typed. */
  scenarios: Scenario[] | null;
  /** Host access per permission origin. */
  granted: Map<string, boolean>;
  denied: Set<string>;
  errors: Map<FieldId, MessageKey>;
  status: string;
}

export interface OptionsPage {
  /** Resolves when the scenario list and host-access states have been asked for. */
  ready: Promise<void>;
  stop(): void;
}

export async function renderOptions(root: HTMLElement, deps: OptionsDeps = {}): Promise<OptionsPage> {
  const fetchImpl: FetchLike = deps.fetch ?? ((url, init) => fetch(url, init));
  const view = await ask({ type: 'settings' });
  if (!view) throw new Error('the background did not answer');
  const stored = readSettings((await browser.storage.local.get('settings')).settings).values;
  const s = view.settings;
  const m: Model = {
    view,
    stored,
    apiUrl: s.apiUrl,
    keyInput: '',
    clearKey: false,
    portals: s.portals.map((p) => ({ ...p })),
    badgeStyle: s.badgeStyle,
    locale: s.locale,
    syncMinutes: String(s.syncMinutes),
    addPattern: prefillPattern(deps.search ?? window.location.search),
    addScenario: '',
    scenarios: null,
    granted: new Map(),
    denied: new Set(),
    errors: new Map(),
    status: '',
  };
  const page = new Page(root, m, fetchImpl);
  // From the popup's "add this site": the pattern is there, the scenario is what is left to choose.
  page.render(m.addPattern && !view.locked.includes('portals') ? 'add-scenario' : undefined);
  const ready = Promise.all([page.refreshScenarios(), page.refreshGrants()]).then(() => undefined);
  return { ready, stop: () => page.stop() };
}

/** `?add=https://x.gov.cn` → `https://x.gov.cn/*`; anything that is not an http(s) origin → ''. */
export function prefillPattern(search: string): string {
  const add = new URLSearchParams(search).get('add');
  if (!add) return '';
  try {
    const url = new URL(add);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return '';
    const pattern = `${url.origin}/*`;
    return parseMatchPattern(pattern) ? pattern : '';
  } catch {
    return '';
  }
}

class Page {
  private t: Translate;
  private portalList = el('div', { className: 'portal-list' });
  private addScenarioSlot = el('div', { className: 'field' });
  private statusLine = el('p', {
    id: 'status',
    className: 'status',
    attrs: { role: 'status', 'aria-live': 'polite' },
  });
  private scenariosFor = '';
  private readonly onPermissions = () => void this.refreshGrants();

  constructor(
    private readonly root: HTMLElement,
    private readonly m: Model,
    private readonly fetchImpl: FetchLike,
  ) {
    this.t = translator(m.locale);
    try {
      browser.permissions.onAdded.addListener(this.onPermissions);
      browser.permissions.onRemoved.addListener(this.onPermissions);
    } catch {
      // No permission events (a test double): states refresh after each request instead.
    }
  }

  stop() {
    try {
      browser.permissions.onAdded.removeListener(this.onPermissions);
      browser.permissions.onRemoved.removeListener(this.onPermissions);
    } catch {}
  }

  private locked(field: SettingField): boolean {
    return this.m.view.locked.includes(field);
  }

  render(focusId?: string) {
    this.t = translator(this.m.locale);
    const t = this.t;
    document.documentElement.lang = languageTag(this.m.locale);
    document.title = t('optionsTitle');
    const form = el('form', { attrs: { novalidate: '' } });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.save();
    });
    form.append(
      this.apiSection(),
      this.portalsSection(),
      this.displaySection(),
      this.syncSection(),
      el(
        'div',
        { className: 'actions' },
        el('button', { id: 'save', className: 'primary', attrs: { type: 'submit' }, text: t('optSave') }),
      ),
      this.statusLine,
    );
    this.statusLine.textContent = this.m.status;
    replaceChildren(this.root, el('header', {}, el('h1', { text: t('optionsTitle') })), el('main', {}, form));
    if (focusId) document.getElementById(focusId)?.focus();
  }

  // --- sections -------------------------------------------------------------------------------

  private apiSection(): HTMLElement {
    const t = this.t;
    const urlLocked = this.locked('apiUrl');
    const url = this.input('apiUrl', 'api-url', t('optApiUrl'), {
      type: 'url',
      value: this.m.apiUrl,
      hint: t('optApiUrlHint'),
      locked: urlLocked,
      autocomplete: 'url',
    });
    const urlInput = url.querySelector('input')!;
    urlInput.addEventListener('input', () => {
      this.m.apiUrl = urlInput.value;
      this.changed();
    });
    urlInput.addEventListener('change', () => void this.refreshScenarios());

    const key = this.m.view.settings.apiKey;
    const tail = key ? t('optApiKeySaved', keyTail(key)) : t('optApiKeyNone');
    const keyField = el('div', { className: 'field' });
    const saved = el('p', {
      id: 'api-key-saved',
      className: 'hint',
      text: this.m.clearKey ? t('optApiKeyWillClear') : tail,
    });
    if (this.locked('apiKey')) {
      // Nothing to type: the policy's key is shown only by its last characters, as plain text.
      keyField.append(
        el('p', { className: 'term', id: 'api-key-label', text: t('optApiKey') }),
        saved,
        this.lockedNote('api-key-locked', 'apiKey'),
      );
    } else {
      const input = el('input', {
        id: 'api-key',
        attrs: {
          type: 'password',
          autocomplete: 'off',
          spellcheck: 'false',
          'aria-describedby': key ? 'api-key-saved api-key-hint' : 'api-key-saved',
        },
      });
      input.value = this.m.keyInput;
      input.addEventListener('input', () => {
        this.m.keyInput = input.value;
        this.changed();
      });
      keyField.append(el('label', { attrs: { for: 'api-key' }, text: t('optApiKey') }), input, saved);
      if (key) {
        keyField.append(el('p', { id: 'api-key-hint', className: 'hint', text: t('optApiKeyHint') }));
        keyField.append(
          button(
            t('optApiKeyClear'),
            () => {
              this.m.clearKey = true;
              this.m.keyInput = '';
              input.value = '';
              saved.textContent = t('optApiKeyWillClear');
              this.changed();
            },
            { id: 'api-key-clear', className: 'secondary' },
          ),
        );
      }
    }
    return el('fieldset', {}, el('legend', { text: t('optApiHeading') }), url, keyField);
  }

  private portalsSection(): HTMLElement {
    const t = this.t;
    const locked = this.locked('portals');
    this.renderPortalList();
    const section = el(
      'fieldset',
      { id: 'portals' },
      el('legend', { text: t('optPortalsHeading') }),
      el('p', { className: 'hint', text: t('optPortalsIntro') }),
    );
    if (locked) section.append(this.lockedNote('portals-locked', 'portals'));
    section.append(this.portalList);
    if (!locked) section.append(this.addForm());
    return section;
  }

  private renderPortalList() {
    const t = this.t;
    const locked = this.locked('portals');
    if (this.m.portals.length === 0) {
      replaceChildren(this.portalList, el('p', { id: 'portals-empty', text: t('optPortalsEmpty') }));
      return;
    }
    const list = el('ul', { className: 'portals' });
    this.m.portals.forEach((portal, i) => {
      const origin = permissionOrigin(portal.pattern) ?? '';
      const granted = this.m.granted.get(origin);
      const rowId = `portal-${i}`;
      const row = el('li', { className: 'portal', attrs: { 'data-pattern': portal.pattern } });
      row.append(
        el(
          'div',
          { className: 'pattern' },
          el('span', { className: 'term', text: `${t('optPattern')}：` }),
          el('code', { text: portal.pattern }),
        ),
        this.scenarioControl(
          `${rowId}-scenario`,
          portal.scenario,
          locked,
          `portal:${portal.pattern}`,
          (v) => {
            portal.scenario = v;
            this.changed();
          },
        ),
      );
      const access = el('div', { className: 'access' });
      access.append(
        el('span', {
          className: `grant-state ${granted ? 'granted' : 'not-granted'}`,
          attrs: { 'data-granted': String(Boolean(granted)) },
          text: `${granted ? '✓' : '✗'} ${granted ? t('optGranted') : t('optNotGranted')}`,
        }),
      );
      if (!granted && origin) {
        access.append(
          button(t('optGrant'), () => this.requestAccess(origin), {
            className: 'grant secondary',
            attrs: { 'aria-label': t('optGrantLabel', origin) },
          }),
        );
      }
      if (!locked) {
        access.append(
          button(
            t('optRemove'),
            () => {
              this.m.portals.splice(i, 1);
              this.m.errors.delete(`portal:${portal.pattern}`);
              this.changed();
              this.renderPortalList();
              document.getElementById(this.m.portals.length ? 'portal-0-scenario' : 'add-pattern')?.focus();
            },
            { className: 'remove secondary', attrs: { 'aria-label': t('optRemoveLabel', portal.pattern) } },
          ),
        );
      }
      row.append(access);
      if (this.m.denied.has(origin) && !granted) {
        row.append(
          el('p', { className: 'error', attrs: { role: 'alert' }, text: t('optPermissionDenied', origin) }),
        );
      }
      list.append(row);
    });
    replaceChildren(this.portalList, list);
  }

  private addForm(): HTMLElement {
    const t = this.t;
    const pattern = this.input('addPattern', 'add-pattern', t('optPattern'), {
      type: 'text',
      value: this.m.addPattern,
      hint: t('optPatternHint'),
      locked: false,
      autocomplete: 'off',
    });
    const patternInput = pattern.querySelector('input')!;
    patternInput.spellcheck = false;
    patternInput.addEventListener('input', () => {
      this.m.addPattern = patternInput.value;
    });
    this.renderAddScenario();
    const add = button(t('optAddPortal'), () => this.addPortal(), {
      id: 'add-portal',
      className: 'secondary',
    });
    return el(
      'fieldset',
      { className: 'add-portal' },
      el('legend', { text: t('optAddPortal') }),
      pattern,
      this.addScenarioSlot,
      add,
    );
  }

  private renderAddScenario() {
    const control = this.scenarioControl('add-scenario', this.m.addScenario, false, 'addScenario', (v) => {
      this.m.addScenario = v;
    });
    replaceChildren(this.addScenarioSlot, ...control.childNodes);
  }

  /** A select of the API's scenarios, or a text field when they could not be loaded. */
  private scenarioControl(
    id: string,
    value: string,
    locked: boolean,
    errorKey: FieldId,
    onChange: (v: string) => void,
  ): HTMLElement {
    const t = this.t;
    const field = el('div', { className: 'field' });
    const describedBy: string[] = [];
    field.append(el('label', { attrs: { for: id }, text: t('optScenario') }));
    let control: HTMLInputElement | HTMLSelectElement;
    if (this.m.scenarios) {
      const select = el('select', { id });
      select.append(el('option', { attrs: { value: '' }, text: t('optScenarioChoose') }));
      const known = new Set<string>();
      for (const sc of this.m.scenarios) {
        known.add(sc.code);
        const name = this.m.locale === 'en' ? sc.nameEn : sc.nameZh;
        select.append(el('option', { attrs: { value: sc.code }, text: `${name} (${sc.code})` }));
      }
      // A code the catalog no longer lists stays selectable so saving never drops it silently.
      if (value && !known.has(value)) select.append(el('option', { attrs: { value }, text: value }));
      select.value = value;
      select.disabled = locked;
      select.addEventListener('change', () => onChange(select.value));
      control = select;
    } else {
      const input = el('input', { id, attrs: { type: 'text', autocomplete: 'off', spellcheck: 'false' } });
      input.value = value;
      input.readOnly = locked;
      input.addEventListener('input', () => onChange(input.value.trim()));
      const hintId = `${id}-hint`;
      describedBy.push(hintId);
      field.append(input, el('p', { id: hintId, className: 'hint', text: t('optScenarioOffline') }));
      control = input;
    }
    if (control instanceof HTMLSelectElement) field.append(control);
    const error = this.m.errors.get(errorKey);
    if (error) {
      const errId = `${id}-error`;
      describedBy.push(errId);
      field.append(el('p', { id: errId, className: 'error', text: t(error) }));
      control.setAttribute('aria-invalid', 'true');
    }
    if (describedBy.length) control.setAttribute('aria-describedby', describedBy.join(' '));
    return field;
  }

  private displaySection(): HTMLElement {
    const t = this.t;
    const styleLocked = this.locked('badgeStyle');
    const radios = el('fieldset', { className: 'radios' }, el('legend', { text: t('optBadgeStyle') }));
    for (const [value, label] of [
      ['full', t('optBadgeFull')],
      ['compact', t('optBadgeCompact')],
    ] as const) {
      const radio = el('input', {
        id: `badge-${value}`,
        attrs: { type: 'radio', name: 'badgeStyle', value },
      });
      radio.checked = this.m.badgeStyle === value;
      radio.disabled = styleLocked;
      radio.addEventListener('change', () => {
        if (radio.checked) this.m.badgeStyle = value;
        this.changed();
      });
      radios.append(
        el('div', { className: 'radio' }, radio, el('label', { attrs: { for: radio.id }, text: label })),
      );
    }
    if (styleLocked) radios.append(this.lockedNote('badge-locked', 'badgeStyle'));

    const langField = el('div', { className: 'field' });
    const select = el('select', { id: 'locale' });
    select.append(
      el('option', { attrs: { value: 'zh_CN', lang: 'zh-CN' }, text: t('langZh') }),
      el('option', { attrs: { value: 'en', lang: 'en' }, text: t('langEn') }),
    );
    select.value = this.m.locale;
    select.disabled = this.locked('locale');
    select.addEventListener('change', () => {
      this.m.locale = select.value === 'en' ? 'en' : 'zh_CN';
      // The page speaks the chosen language at once, before saving, so the choice can be judged.
      this.render('locale');
      this.changed();
    });
    langField.append(el('label', { attrs: { for: 'locale' }, text: t('optLanguage') }), select);
    if (this.locked('locale')) {
      select.setAttribute('aria-describedby', 'locale-locked');
      langField.append(this.lockedNote('locale-locked', 'locale'));
    }
    return el('fieldset', {}, el('legend', { text: t('optDisplayHeading') }), radios, langField);
  }

  private syncSection(): HTMLElement {
    const t = this.t;
    const field = this.input('syncMinutes', 'sync-minutes', t('optSyncMinutes'), {
      type: 'number',
      value: this.m.syncMinutes,
      locked: this.locked('syncMinutes'),
      autocomplete: 'off',
    });
    const input = field.querySelector('input')!;
    input.min = '1';
    input.max = '1440';
    input.step = '1';
    input.inputMode = 'numeric';
    input.addEventListener('input', () => {
      this.m.syncMinutes = input.value;
      this.changed();
    });
    return el('fieldset', {}, el('legend', { text: t('optSyncHeading') }), field);
  }

  // --- building blocks ------------------------------------------------------------------------

  private input(
    key: FieldId,
    id: string,
    label: string,
    o: { type: string; value: string; hint?: string; locked: boolean; autocomplete: string },
  ): HTMLElement {
    const field = el('div', { className: 'field' });
    const input = el('input', { id, attrs: { type: o.type, autocomplete: o.autocomplete } });
    input.value = o.value;
    input.readOnly = o.locked;
    const describedBy: string[] = [];
    field.append(el('label', { attrs: { for: id }, text: label }), input);
    if (o.hint) {
      describedBy.push(`${id}-hint`);
      field.append(el('p', { id: `${id}-hint`, className: 'hint', text: o.hint }));
    }
    if (o.locked) {
      describedBy.push(`${id}-locked`);
      field.append(this.lockedNote(`${id}-locked`, key as SettingField));
    }
    const error = this.m.errors.get(key);
    if (error) {
      describedBy.push(`${id}-error`);
      field.append(el('p', { id: `${id}-error`, className: 'error', text: this.t(error) }));
      input.setAttribute('aria-invalid', 'true');
    }
    if (describedBy.length) input.setAttribute('aria-describedby', describedBy.join(' '));
    return field;
  }

  private lockedNote(id: string, field: SettingField): HTMLElement {
    return el('p', {
      id,
      className: 'locked',
      attrs: { 'data-locked': field },
      text: `🔒 ${this.t('locked')}`,
    });
  }

  private changed() {
    this.m.status = this.t('optUnsaved');
    this.statusLine.textContent = this.m.status;
  }

  // --- actions --------------------------------------------------------------------------------

  private addPortal() {
    const pattern = this.m.addPattern.trim();
    const scenario = this.m.addScenario.trim();
    this.m.errors.delete('addPattern');
    this.m.errors.delete('addScenario');
    if (!parseMatchPattern(pattern)) this.m.errors.set('addPattern', 'optPatternInvalid');
    else if (this.m.portals.some((p) => p.pattern === pattern))
      this.m.errors.set('addPattern', 'optPatternDuplicate');
    if (!SCENARIO_CODE.test(scenario)) this.m.errors.set('addScenario', 'optScenarioInvalid');
    if (this.m.errors.has('addPattern') || this.m.errors.has('addScenario')) {
      this.render(this.m.errors.has('addPattern') ? 'add-pattern' : 'add-scenario');
      return;
    }
    const origin = permissionOrigin(pattern)!;
    // First thing in the click handler: the browser grants host access only during a user gesture.
    const asked = this.askAccess(origin);
    this.m.portals.push({ pattern, scenario });
    this.m.addPattern = '';
    this.m.addScenario = '';
    this.m.status = this.t('optPortalAdded', pattern);
    this.render('add-pattern');
    void asked.then(() => this.renderPortalList());
  }

  private requestAccess(origin: string) {
    void this.askAccess(origin).then(() => this.renderPortalList());
  }

  private askAccess(origin: string): Promise<void> {
    let request: Promise<boolean>;
    try {
      request = browser.permissions.request({ origins: [origin] });
    } catch (err) {
      request = Promise.reject(err);
    }
    return request
      .catch(() => false)
      .then((granted) => {
        this.m.granted.set(origin, granted);
        if (granted) this.m.denied.delete(origin);
        else this.m.denied.add(origin);
      });
  }

  async refreshGrants(): Promise<void> {
    const origins = [
      ...new Set(this.m.portals.map((p) => permissionOrigin(p.pattern)).filter((o) => o !== null)),
    ];
    await Promise.all(
      origins.map(async (origin) => {
        let granted: boolean;
        try {
          granted = await browser.permissions.contains({ origins: [origin] });
        } catch {
          granted = this.m.view.granted.includes(origin);
        }
        this.m.granted.set(origin, granted);
        if (granted) this.m.denied.delete(origin);
      }),
    );
    this.renderPortalList();
  }

  async refreshScenarios(): Promise<void> {
    const url = normalizeApiUrl(this.m.apiUrl) ?? '';
    if (url === this.scenariosFor && this.m.scenarios !== null) return;
    this.scenariosFor = url;
    const list = url ? await loadScenarios(url, this.fetchImpl) : null;
    if (this.scenariosFor !== url) return;
    this.m.scenarios = list;
    const focused = document.activeElement?.id;
    this.renderPortalList();
    if (!this.locked('portals')) this.renderAddScenario();
    if (focused) document.getElementById(focused)?.focus();
  }

  private validate(): FieldId[] {
    const m = this.m;
    for (const key of [...m.errors.keys()])
      if (key !== 'addPattern' && key !== 'addScenario') m.errors.delete(key);
    const bad: FieldId[] = [];
    if (!this.locked('apiUrl') && normalizeApiUrl(m.apiUrl) === null) {
      m.errors.set('apiUrl', 'optApiUrlInvalid');
      bad.push('apiUrl');
    }
    const minutes = Number(m.syncMinutes);
    if (!this.locked('syncMinutes') && !(Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440)) {
      m.errors.set('syncMinutes', 'optSyncInvalid');
      bad.push('syncMinutes');
    }
    if (!this.locked('portals')) {
      for (const p of m.portals) {
        if (!parseMatchPattern(p.pattern) || !SCENARIO_CODE.test(p.scenario)) {
          m.errors.set(`portal:${p.pattern}`, 'optScenarioInvalid');
          bad.push(`portal:${p.pattern}`);
        }
      }
    }
    return bad;
  }

  private async save(): Promise<void> {
    const m = this.m;
    const t = this.t;
    const bad = this.validate();
    if (bad.length) {
      m.status = t('optFixErrors');
      const first = bad[0]!;
      const focus =
        first === 'apiUrl'
          ? 'api-url'
          : first === 'syncMinutes'
            ? 'sync-minutes'
            : `portal-${m.portals.findIndex((p) => `portal:${p.pattern}` === first)}-scenario`;
      this.render(focus);
      return;
    }
    // Fields the policy sets keep whatever the user had stored: the policy may be lifted later.
    const next: Partial<Settings> = { ...m.stored };
    if (!this.locked('apiUrl')) next.apiUrl = normalizeApiUrl(m.apiUrl) ?? '';
    if (!this.locked('apiKey')) {
      const typed = m.keyInput.trim();
      next.apiKey = typed !== '' ? typed : m.clearKey ? '' : (m.stored.apiKey ?? '');
    }
    if (!this.locked('portals'))
      next.portals = m.portals.map(({ pattern, scenario }) => ({ pattern, scenario }));
    if (!this.locked('badgeStyle')) next.badgeStyle = m.badgeStyle;
    if (!this.locked('locale')) next.locale = m.locale;
    if (!this.locked('syncMinutes')) next.syncMinutes = Number(m.syncMinutes);
    try {
      await browser.storage.local.set({ settings: next });
      m.stored = next;
      const view = await ask({ type: 'settings-saved' });
      if (view) {
        m.view = view;
        this.adopt(view);
      }
      m.keyInput = '';
      m.clearKey = false;
      m.errors.clear();
      m.status = this.t('optSaved');
    } catch (err) {
      m.status = t('optSaveFailed', err instanceof Error ? err.message : String(err));
    }
    this.render('save');
    await this.refreshGrants();
  }

  /** After a save: show what is now in effect (the policy may have changed meanwhile). */
  private adopt(view: SettingsView) {
    const s = view.settings;
    this.m.apiUrl = s.apiUrl;
    this.m.portals = s.portals.map((p) => ({ ...p }));
    this.m.badgeStyle = s.badgeStyle;
    this.m.locale = s.locale;
    this.m.syncMinutes = String(s.syncMinutes);
    for (const origin of view.granted) this.m.granted.set(origin, true);
  }
}
