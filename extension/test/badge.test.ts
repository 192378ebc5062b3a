import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { type BadgeEnv, createBadge, updateBadge } from '../src/badge/badge.ts';
import type { BadgeStatus } from '../src/messages.ts';
import { attrs, badges, CARD, installFakeBackground, scanDocument, stopScanners } from './scan-helpers.ts';

beforeEach(() => {
  stopScanners();
  fakeBrowser.reset();
  document.documentElement.removeAttribute('data-credcheck-summary');
  document.body.innerHTML = '';
});

const env = (over: Partial<BadgeEnv> = {}): BadgeEnv => ({
  locale: 'zh_CN',
  style: 'full',
  scenario: 'government-procurement',
  offline: () => false,
  loadCard: async () => null,
  decide: async () => ({ ok: false }),
  // happy-dom's events are all synthetic; the browser test checks that a page's are refused.
  acceptsEvent: () => true,
  ...over,
});

const face = (el: HTMLElement) => el.shadowRoot?.querySelector('.b') as HTMLElement;
/** The badge's words: its face's text after the icon. */
const wordsOf = (el: HTMLElement) => (face(el).textContent ?? '').split(' ').slice(1).join(' ');
const card = (el: HTMLElement) => el.shadowRoot?.querySelector('.card') as HTMLElement;
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('credcheck-badge element', () => {
  it('is a focusable credcheck-badge host with a shadow root, attributes and words for every status', () => {
    const statuses: BadgeStatus[] = [
      'black',
      'suspended',
      'red',
      'expired',
      'clean',
      'invalid',
      'related',
      'unknown',
    ];
    const seen = new Set<string>();
    for (const status of statuses) {
      const el = createBadge(document, { status, match: 'code', code: '91110108MA0U94MT1P' }, env());
      document.body.append(el);
      expect(el.localName).toBe('credcheck-badge');
      expect(attrs(el)).toEqual({ status, match: 'code', code: '91110108MA0U94MT1P', name: null });
      expect(el.getAttribute('tabindex')).toBe('0');
      expect(el.getAttribute('role')).toBe('button');
      expect(el.shadowRoot).not.toBeNull();
      // Icon and words, never colour alone; each status says something different.
      const [icon = '', ...rest] = (face(el).textContent ?? '').split(' ');
      const text = rest.join(' ');
      expect(icon).not.toBe('');
      expect(text).not.toBe('');
      seen.add(`${icon}${text}`);
      expect(el.getAttribute('aria-label')).toContain(text);
    }
    expect(seen.size).toBe(statuses.length);
  });

  it('labels a name-only hit 疑似 and outlines it; a code hit is solid', () => {
    const byName = createBadge(
      document,
      { status: 'black', match: 'name', name: '鄂州市泓丰医疗器械有限公司' },
      env(),
    );
    const byCode = createBadge(
      document,
      { status: 'black', match: 'code', code: '91110108MA0U94MT1P' },
      env(),
    );
    expect(attrs(byName)).toEqual({
      status: 'black',
      match: 'name',
      code: null,
      name: '鄂州市泓丰医疗器械有限公司',
    });
    expect(wordsOf(byName)).toBe('疑似·黑名单');
    expect(face(byName).className).toBe('b s-black m-name');
    expect(face(byCode).className).toBe('b s-black m-code');
    const css = byName.shadowRoot?.adoptedStyleSheets?.[0]
      ? [...(byName.shadowRoot.adoptedStyleSheets[0] as CSSStyleSheet).cssRules]
          .map((r) => r.cssText)
          .join('\n')
      : (byName.shadowRoot?.querySelector('style')?.textContent ?? '');
    expect(css).toMatch(/\.m-name\s*\{[^}]*dashed/);
    expect(byName.getAttribute('aria-label')).toContain('请核对统一社会信用代码');
  });

  it('speaks English when the UI language is English, and a quiet clean badge', () => {
    const el = createBadge(
      document,
      { status: 'clean', match: 'code', code: '91500235MA2QJDA231' },
      env({ locale: 'en' }),
    );
    expect(wordsOf(el)).toBe('Not listed');
    expect(el.getAttribute('aria-label')).toBe('Credit check: Not listed (code 91500235MA2QJDA231)');
    expect(face(el).className).toContain('s-clean');
  });

  it('repaints when the answer arrives', () => {
    const el = createBadge(document, { status: 'unknown', match: 'code', code: 'X', pending: true }, env());
    expect(el.hasAttribute('data-pending')).toBe(true);
    expect(wordsOf(el)).toBe('核验中');
    updateBadge(el, { status: 'red', pending: false });
    expect(el.hasAttribute('data-pending')).toBe(false);
    expect(attrs(el).status).toBe('red');
    expect(wordsOf(el)).toBe('红名单');
  });
});

describe('card', () => {
  it('opens on focus with the record as text, never as HTML, and closes on Escape', async () => {
    installFakeBackground();
    document.body.innerHTML = '<p>91110108MA0U94MT1P</p>';
    await scanDocument();
    const [el] = badges();
    if (!el) throw new Error('no badge');
    expect(card(el)).toBeNull();
    el.focus();
    el.dispatchEvent(new FocusEvent('focus'));
    await flush();
    await flush();
    const c = card(el);
    expect(c.hidden).toBe(false);
    expect(el.getAttribute('aria-expanded')).toBe('true');
    const text = c.textContent ?? '';
    for (const part of [
      '拖欠农民工工资失信联合惩戒对象名单（有效）',
      '<img src=x onerror="window.__pwned=1">拖欠工资',
      '北京市人力资源和社会保障局',
      '《保障农民工工资支付条例》',
      '2025-01-02 – 长期',
      '限制参加政府采购活动（强制）',
    ]) {
      expect(text).toContain(part);
    }
    expect(c.querySelector('img')).toBeNull();
    // A javascript: link from bad data is not offered.
    expect(c.querySelector('a')).toBeNull();
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(c.hidden).toBe(true);
  });

  it('links the objection procedure when the link is http(s)', async () => {
    const el = createBadge(
      document,
      { status: 'black', match: 'code', code: '91110108MA0U94MT1P' },
      env({
        loadCard: async () => ({ ...CARD, objectionUrl: 'https://credit.example/docs#tag/objections' }),
      }),
    );
    document.body.append(el);
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await flush();
    const a = card(el).querySelector('a') as HTMLAnchorElement;
    expect(a.href).toBe('https://credit.example/docs#tag/objections');
    expect(a.rel).toContain('noopener');
  });

  it('requests a decision and shows its id with a copy button', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML = '<p>91110108MA0U94MT1P</p>';
    await scanDocument();
    const el = badges()[0] as HTMLElement;
    el.click();
    await flush();
    await flush();
    const button = [...card(el).querySelectorAll('button')].find((b) => b.textContent === '生成核查决定');
    expect(button).toBeDefined();
    button?.click();
    for (let i = 0; i < 5; i++) await flush();
    expect(bg.decides).toEqual([
      { type: 'decide', subject: { code: '91110108MA0U94MT1P' }, scenario: 'government-procurement' },
    ]);
    expect(card(el).querySelector('code')?.textContent).toBe('dec_01TEST');
    expect([...card(el).querySelectorAll('button')].map((b) => b.textContent)).toContain('复制');
  });

  it('says so when no scenario is configured, and offers no decision', async () => {
    const el = createBadge(document, { status: 'black', match: 'code', code: 'X' }, env({ scenario: null }));
    document.body.append(el);
    el.click();
    await flush();
    expect(card(el).textContent).toContain('未为此网站配置业务场景');
    expect(card(el).querySelector('button')).toBeNull();
  });
});
