/**
 * The content script's wiring on one page: asks the background whether (and how) to scan, runs
 * the scanner, keeps the summary attribute and banner current, and answers the popup.
 */
import { type BadgeEnv, createBadge, updateBadge } from '../badge/badge.ts';
import type { PageConfig, Request, ResponseOf, SubjectCard, TabRequest } from '../messages.ts';
import { type Mark, Scanner } from '../scan/scanner.ts';
import { Banner } from './banner.ts';
import { publishSummary, type SummaryView, summarize } from './summary.ts';

export type Ask = <R extends Request>(req: R) => Promise<ResponseOf[R['type']]>;

export interface PageOptions {
  doc: Document;
  ask: Ask;
  /** Whether to show the banner (tests of the scanner alone may leave it out). */
  banner?: boolean;
  /** Which events may open cards and ask for decisions (BadgeEnv.acceptsEvent); the user's only by default. */
  acceptsEvent?: (e: Event) => boolean;
}

export class PageController {
  readonly scanner: Scanner;
  private readonly byEl = new WeakMap<Element, Mark>();
  private view: SummaryView = { summary: { counts: {}, total: 0, items: [] }, targets: [] };
  private readonly banner: Banner | null;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly opts: PageOptions,
    private config: PageConfig,
  ) {
    const page = this;
    const env: BadgeEnv = {
      locale: config.locale,
      style: config.badgeStyle,
      // An SPA navigation may move to another portal rule: the card asks for the current scenario.
      get scenario() {
        return page.config.scenario;
      },
      offline: () => this.scanner.offline,
      loadCard: (el) => this.loadCard(el),
      decide: (el) => this.decide(el),
      ...(opts.acceptsEvent ? { acceptsEvent: opts.acceptsEvent } : {}),
    };
    this.banner = opts.banner === false ? null : new Banner(opts.doc, config.locale, (i) => this.jump(i));
    this.scanner = new Scanner({
      check: (req) => opts.ask(req),
      createBadge: (doc, spec) => {
        const el = createBadge(doc, spec, env);
        return el;
      },
      updateBadge: (el, patch) => updateBadge(el, patch),
      idle: () => this.onIdle(),
    });
  }

  start(): void {
    this.scanner.start(this.opts.doc);
  }

  /** After an SPA navigation: the scenario may differ; new content is read, old content is not. */
  async navigated(url: string): Promise<void> {
    const config = await this.opts.ask({ type: 'page-config', url });
    if (!config.enabled) return;
    this.config = config;
    this.scanner.enqueue(this.opts.doc.body ?? this.opts.doc.documentElement);
  }

  summary(): SummaryView {
    return this.view;
  }

  /** Resolves when the current pass has completed (at once if nothing is going on). */
  whenIdle(): Promise<void> {
    if (!this.scanner.busy && this.opts.doc.documentElement.hasAttribute('data-credcheck-summary')) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  jump(index: number): boolean {
    const el = this.view.targets[index];
    if (!el?.isConnected) return false;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el.focus({ preventScroll: true });
    return true;
  }

  answer(req: TabRequest): unknown {
    if (req.type === 'page-summary') return this.view.summary;
    if (req.type === 'jump') return { ok: this.jump(req.index) };
    return undefined;
  }

  private markOf(el: Element): Mark | undefined {
    let mark = this.byEl.get(el);
    if (!mark) {
      mark = this.scanner.marks.find((m) => m.el === el);
      if (mark) this.byEl.set(el, mark);
    }
    return mark;
  }

  private async loadCard(el: HTMLElement): Promise<SubjectCard | { error: string } | null> {
    const mark = this.markOf(el);
    if (!mark) return null;
    if (mark.card) return mark.card;
    if (mark.status === 'clean' || mark.status === 'invalid' || mark.status === 'unknown') return null;
    const card = await this.opts.ask({
      type: 'card',
      kind: mark.match,
      key: mark.key,
      scenario: this.config.scenario,
    });
    if (card && !('error' in card)) mark.card = card;
    return card;
  }

  private async decide(el: HTMLElement) {
    const mark = this.markOf(el);
    if (!mark || !this.config.scenario) return { ok: false, error: '—' };
    const subject = mark.match === 'name' ? { name: mark.key } : { code: mark.key };
    return this.opts.ask({ type: 'decide', subject, scenario: this.config.scenario });
  }

  private onIdle(): void {
    this.view = summarize(this.scanner.marks, this.config.locale);
    publishSummary(this.opts.doc, this.view.summary);
    this.banner?.update(this.view.summary);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** Asks for the page's config and, when the page is a portal, starts scanning it. */
export async function startPage(opts: PageOptions, url: string): Promise<PageController | null> {
  const config = await opts.ask({ type: 'page-config', url });
  if (!config?.enabled) return null;
  const page = new PageController(opts, config);
  page.start();
  return page;
}
