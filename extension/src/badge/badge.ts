/**
 * The `credcheck-badge` element. Chrome gives content scripts no `customElements` registry (it is
 * null in the isolated world), so the badge is a plain element with that autonomous custom-element
 * name: such an element may carry a shadow root, which holds the badge's UI away from the page's
 * styles. The host's data-* attributes are the badge's public face (CONVENTIONS.md).
 */
import type { BadgeStatus, DecideResponse, MatchKind, SubjectCard } from '../messages.ts';
import { BADGE_TAG } from '../scan/dom-rules.ts';
import type { BadgeStyle, UiLocale } from '../settings/settings.ts';
import { renderCard } from './card.ts';
import { statusWords, words } from './labels.ts';
import { BADGE_CSS } from './style.ts';

export interface BadgeData {
  status: BadgeStatus;
  match: MatchKind;
  /** Normalized code, or the masked ID number. */
  code?: string;
  /** Normalized name, for name matches. */
  name?: string;
  /** True until the background has answered. */
  pending?: boolean;
}

/** What a badge asks of the page controller: the subject's card, and a decision. */
export interface BadgeEnv {
  locale: UiLocale;
  style: BadgeStyle;
  scenario: string | null;
  offline: () => boolean;
  loadCard(badge: HTMLElement): Promise<SubjectCard | { error: string } | null>;
  decide(badge: HTMLElement): Promise<DecideResponse>;
  /**
   * Whether an event may open a card or ask for a decision, both of which make the background
   * call the API with the officer's key. Only the officer's own input counts (isTrusted): a page
   * script's synthetic events must not spend the key. Unit tests, whose events are all synthetic,
   * pass their own.
   */
  acceptsEvent?(e: Event): boolean;
}

export const isUserEvent = (e: Event): boolean => e.isTrusted;

interface BadgeState {
  data: BadgeData;
  env: BadgeEnv;
  /** The visible badge: icon and words. */
  face: HTMLElement;
  /** Made on first opening: most badges on a long page are never opened. */
  card: HTMLElement | null;
  pinned: boolean;
  filled: boolean;
}

const states = new WeakMap<Element, BadgeState>();
const sheets = new WeakMap<Document, CSSStyleSheet | null>();

/** One shared stylesheet per document when constructable sheets exist; else a <style> per badge. */
function sharedSheet(doc: Document): CSSStyleSheet | null {
  if (sheets.has(doc)) return sheets.get(doc) ?? null;
  let sheet: CSSStyleSheet | null = null;
  try {
    const Ctor = (doc.defaultView as (Window & typeof globalThis) | null)?.CSSStyleSheet ?? CSSStyleSheet;
    sheet = new Ctor();
    sheet.replaceSync(BADGE_CSS);
  } catch {
    sheet = null;
  }
  sheets.set(doc, sheet);
  return sheet;
}

export function createBadge(doc: Document, data: BadgeData, env: BadgeEnv): HTMLElement {
  const host = doc.createElement(BADGE_TAG);
  host.setAttribute('tabindex', '0');
  host.setAttribute('role', 'button');
  host.setAttribute('aria-haspopup', 'dialog');
  host.setAttribute('aria-expanded', 'false');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = sharedSheet(doc);
  if (sheet && 'adoptedStyleSheets' in root) root.adoptedStyleSheets = [sheet];
  else {
    const style = doc.createElement('style');
    style.textContent = BADGE_CSS;
    root.append(style);
  }
  // The icon and the words in one text node: every extra element is layout for each of thousands.
  const face = doc.createElement('span');
  root.append(face);
  const state: BadgeState = { data, env, face, card: null, pinned: false, filled: false };
  states.set(host, state);
  paint(host, state);
  wireDocument(doc);
  return host;
}

export function updateBadge(host: Element, patch: Partial<BadgeData>): void {
  const state = states.get(host);
  if (!state) return;
  state.data = { ...state.data, ...patch };
  state.filled = false;
  paint(host as HTMLElement, state);
  if (state.card && !state.card.hidden) void fill(host as HTMLElement, state);
}

export function badgeData(host: Element): BadgeData | undefined {
  return states.get(host)?.data;
}

function paint(host: HTMLElement, state: BadgeState): void {
  const { data, env } = state;
  const w = words(env.locale);
  const sw = statusWords(env.locale, data.status);
  host.setAttribute('data-status', data.status);
  host.setAttribute('data-match', data.match);
  if (data.code) host.setAttribute('data-code', data.code);
  else host.removeAttribute('data-code');
  if (data.name) host.setAttribute('data-name', data.name);
  else host.removeAttribute('data-name');
  if (data.pending) host.setAttribute('data-pending', '');
  else host.removeAttribute('data-pending');
  const possible = data.match === 'name' ? `${w.possible}·` : '';
  const label = data.pending ? w.pending : env.style === 'compact' ? sw.short : sw.label;
  const icon = data.pending ? '…' : sw.icon;
  // The compact clean badge's word is its icon: shown once.
  state.face.textContent = label === icon ? icon : `${icon} ${possible}${label}`;
  state.face.className = `b s-${data.status} m-${data.match}`;
  const subject = data.code ?? data.name ?? '';
  const how = w.byMatch[data.match];
  const en = env.locale === 'en';
  const hint = data.match === 'name' ? `${en ? '. ' : '，'}${w.possibleHint}` : '';
  const status = `${possible}${data.pending ? w.pending : sw.label}`;
  host.setAttribute(
    'aria-label',
    en
      ? `${w.ariaPrefix}: ${status} (${how} ${subject})${hint}`
      : `${w.ariaPrefix}：${status}（${how} ${subject}）${hint}`,
  );
}

const wired = new WeakSet<Document>();

/** The badge an event concerns: its target, or for a badge inside a page's shadow root, on its path. */
function badgeOf(e: Event): { host: HTMLElement; state: BadgeState } | null {
  const target = e.target as Element | null;
  if (target?.nodeType !== 1) return null;
  let state = states.get(target);
  if (state) return { host: target as HTMLElement, state };
  if (!target.shadowRoot) return null;
  for (const node of e.composedPath()) {
    state = states.get(node as Element);
    if (state) return { host: node as HTMLElement, state };
  }
  return null;
}

function open(host: HTMLElement, state: BadgeState): void {
  if (state.card && !state.card.hidden) return;
  if (!state.card) {
    const card = host.ownerDocument.createElement('div');
    card.className = 'card';
    card.setAttribute('role', 'dialog');
    host.shadowRoot?.append(card);
    state.card = card;
  }
  state.card.hidden = false;
  host.setAttribute('aria-expanded', 'true');
  place(host, state.card);
  void fill(host, state);
}

function close(host: HTMLElement, state: BadgeState): void {
  if (!state.card || state.card.hidden) return;
  state.card.hidden = true;
  state.pinned = false;
  host.setAttribute('aria-expanded', 'false');
}

const inside = (host: HTMLElement, node: Node | null) =>
  node !== null && (node === host || host.contains(node) || (host.shadowRoot?.contains(node) ?? false));

/**
 * One set of listeners per document instead of six per badge: a long bid table carries thousands
 * of badges. Events from inside a badge's shadow root reach the document retargeted to the badge.
 */
function wireDocument(doc: Document): void {
  if (wired.has(doc)) return;
  wired.add(doc);
  const on = (type: string, handler: (host: HTMLElement, state: BadgeState, e: Event) => void) =>
    doc.addEventListener(
      type,
      (e) => {
        const hit = badgeOf(e);
        if (hit && (hit.state.env.acceptsEvent ?? isUserEvent)(e)) handler(hit.host, hit.state, e);
      },
      true,
    );
  on('mouseover', (host, state) => open(host, state));
  on('mouseout', (host, state, e) => {
    if (inside(host, (e as MouseEvent).relatedTarget as Node | null)) return;
    if (!state.pinned && host.ownerDocument.activeElement !== host) close(host, state);
  });
  on('focusin', (host, state) => open(host, state));
  on('focusout', (host, state, e) => {
    // Focus moving into the card (its buttons) keeps it open.
    if (inside(host, (e as FocusEvent).relatedTarget as Node | null)) return;
    close(host, state);
  });
  on('click', (host, state, e) => {
    // Clicks inside the card (buttons, links) must not toggle it.
    if (state.card && e.composedPath().includes(state.card)) return;
    e.preventDefault();
    e.stopPropagation();
    if (state.pinned) close(host, state);
    else {
      open(host, state);
      state.pinned = true;
    }
  });
  on('keydown', (host, state, e) => {
    const key = (e as KeyboardEvent).key;
    if (key === 'Escape') {
      close(host, state);
      host.focus();
    } else if ((key === 'Enter' || key === ' ') && !(state.card && e.composedPath().includes(state.card))) {
      e.preventDefault();
      if (!state.card || state.card.hidden) {
        open(host, state);
        state.pinned = true;
      } else close(host, state);
    }
  });
}

/**
 * Beside the badge when there is room, so the card never hides the code or name it explains;
 * otherwise below it, or above it near the bottom of the window. Measured after each render.
 */
function place(host: HTMLElement, card: HTMLElement): void {
  const r = host.getBoundingClientRect();
  const view = host.ownerDocument.defaultView;
  const height = view?.innerHeight ?? 800;
  const width = view?.innerWidth ?? 1200;
  const box = card.getBoundingClientRect();
  const w = box.width || 320;
  const h = box.height || 200;
  card.style.bottom = '';
  // In a table cell or other narrow box, beside the whole box: the code above the badge is wider.
  const parent = host.parentElement?.getBoundingClientRect();
  const right = parent && parent.width < width / 2 ? Math.max(r.right, parent.right) : r.right;
  if (right + 8 + w <= width - 4) {
    card.style.left = `${right + 8}px`;
    card.style.top = `${Math.max(4, Math.min(r.top - 16, height - h - 4))}px`;
    return;
  }
  card.style.left = `${Math.max(4, Math.min(r.left, width - w - 4))}px`;
  if (r.bottom + 4 + h > height && r.top > height / 2) {
    card.style.top = '';
    card.style.bottom = `${Math.max(4, height - r.top + 4)}px`;
  } else {
    card.style.top = `${r.bottom + 4}px`;
  }
}

async function fill(host: HTMLElement, state: BadgeState): Promise<void> {
  const box = state.card;
  if (state.filled || !box) return;
  state.filled = true;
  const { env, data } = state;
  const w = words(env.locale);
  const loading = host.ownerDocument.createElement('p');
  loading.textContent = w.loading;
  box.replaceChildren(loading);
  let card: SubjectCard | { error: string } | null = null;
  if (!data.pending && data.status !== 'invalid') {
    try {
      card = await env.loadCard(host);
    } catch (err) {
      card = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  // The badge may have been repainted (status arrived) while the card loaded.
  if (states.get(host)?.data !== data) return;
  renderCard(box, { data, card, env, host });
  if (!box.hidden) place(host, box);
}
