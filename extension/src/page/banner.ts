/**
 * A small dismissible banner: how many codes and names were checked, how many black, red and
 * warnings, with jump links. It lives in a shadow root on a host marked as our UI, so the scanner
 * never reads it and the page's styles never reach it.
 */
import { statusWords, words } from '../badge/labels.ts';
import type { BadgeStatus, PageSummary } from '../messages.ts';
import { UI_ATTR } from '../scan/dom-rules.ts';
import type { UiLocale } from '../settings/settings.ts';

// The host is display:contents, so the page gains only the fixed box: an inline host at the end
// of <body> put an anonymous block after a 10,000-row table, and mounting the banner was a task of
// 53-115 ms in 3 of 5 bench runs (none in 5 runs without it).
const CSS = `
:host{all:initial;display:contents}
.box{position:fixed;right:1em;bottom:1em;z-index:2147483646;max-width:min(26em,90vw);max-height:50vh;overflow:auto;background:#fff;color:#222;border:1px solid #777;border-radius:.4em;box-shadow:0 .2em .8em rgba(0,0,0,.25);padding:.5em .8em;font:13px/1.5 system-ui,"Microsoft YaHei",sans-serif}
.head{display:flex;justify-content:space-between;gap:.6em;align-items:baseline}
.head strong{font-size:1.05em}
button{font:inherit;cursor:pointer}
.x{border:none;background:none;font-size:1.2em;line-height:1;padding:0 .2em}
ul{margin:.3em 0 0;padding:0;list-style:none}
li button{border:none;background:none;color:#1a4fa0;text-decoration:underline;padding:0;text-align:left}
.counts{margin:.2em 0}
`;

/** Statuses the banner counts out loud; the others are in the total. */
const SHOWN: BadgeStatus[] = ['black', 'suspended', 'red', 'related', 'invalid', 'expired', 'unknown'];
const MAX_LINKS = 30;

export class Banner {
  private host: HTMLElement | null = null;
  private box: HTMLElement | null = null;
  private dismissed = false;

  constructor(
    private readonly doc: Document,
    private readonly locale: UiLocale,
    private readonly jump: (index: number) => void,
  ) {}

  update(summary: PageSummary): void {
    if (this.dismissed || summary.total === 0) return;
    if (!this.box) this.mount();
    const box = this.box as HTMLElement;
    const w = words(this.locale);
    const make = (tag: string, text?: string) => {
      const el = this.doc.createElement(tag);
      if (text !== undefined) el.textContent = text;
      return el;
    };
    const head = make('div');
    head.className = 'head';
    const close = make('button', '×') as HTMLButtonElement;
    close.type = 'button';
    close.className = 'x';
    close.setAttribute('aria-label', w.dismiss);
    close.addEventListener('click', () => this.dismiss());
    head.append(make('strong', `${w.summary}：${w.checked} ${summary.total}`), close);
    const counts = SHOWN.filter((s) => (summary.counts[s] ?? 0) > 0).map(
      (s) => `${statusWords(this.locale, s).icon} ${statusWords(this.locale, s).label} ${summary.counts[s]}`,
    );
    const countLine = make('p', counts.join('　'));
    countLine.className = 'counts';
    const list = make('ul');
    for (const item of summary.items.slice(0, MAX_LINKS)) {
      const li = make('li');
      const b = make(
        'button',
        `${statusWords(this.locale, item.status).icon} ${item.match === 'name' ? `${w.possible}·` : ''}${item.label}`,
      ) as HTMLButtonElement;
      b.type = 'button';
      b.addEventListener('click', () => this.jump(item.index));
      li.append(b);
      list.append(li);
    }
    if (summary.items.length > MAX_LINKS) list.append(make('li', `… +${summary.items.length - MAX_LINKS}`));
    box.replaceChildren(head, countLine, list);
  }

  dismiss(): void {
    this.dismissed = true;
    this.host?.remove();
    this.host = null;
    this.box = null;
  }

  private mount(): void {
    const host = this.doc.createElement('div');
    host.setAttribute(UI_ATTR, 'banner');
    const root = host.attachShadow({ mode: 'open' });
    const style = this.doc.createElement('style');
    style.textContent = CSS;
    const box = this.doc.createElement('div');
    box.className = 'box';
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', words(this.locale).summary);
    root.append(style, box);
    (this.doc.body ?? this.doc.documentElement).append(host);
    this.host = host;
    this.box = box;
  }
}
