// Reading what the extension put on a page (badges, summary, shadow-root text) and comparing it
// with what must be there, as a list of readable problems rather than one opaque boolean.
import type { Frame, Page } from 'playwright-core';
import type { ExpectedBadge } from './extension-pages.ts';

export interface SeenBadge {
  status: string | null;
  match: string | null;
  code: string | null;
  name: string | null;
}

export interface PageState {
  badges: SeenBadge[];
  /** `data-credcheck-summary` on <html>, parsed; null when absent or not JSON. */
  summary: Record<string, unknown> | null;
}

/** Every `credcheck-badge` in the document and in its open shadow roots, in document order. */
export async function readPage(target: Page | Frame): Promise<PageState> {
  return target.evaluate(() => {
    const badges: SeenBadge[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.localName === 'credcheck-badge') {
          badges.push({
            status: el.getAttribute('data-status'),
            match: el.getAttribute('data-match'),
            code: el.getAttribute('data-code'),
            name: el.getAttribute('data-name'),
          });
        } else if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    let summary: Record<string, unknown> | null = null;
    try {
      summary = JSON.parse(document.documentElement.getAttribute('data-credcheck-summary') ?? 'null');
    } catch {
      summary = null;
    }
    return { badges, summary };
  });
}

/** The text and markup of every open shadow root in the document (badges, cards, banner). */
export async function shadowContent(
  target: Page | Frame,
): Promise<{ text: string; html: string; elements: string[] }> {
  return target.evaluate(() => {
    let text = '';
    let html = '';
    const elements: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (!el.shadowRoot) continue;
        text += `${el.shadowRoot.textContent ?? ''}\n`;
        html += `${el.shadowRoot.innerHTML}\n`;
        for (const inner of el.shadowRoot.querySelectorAll('*')) elements.push(inner.localName);
        for (const attr of el.getAttributeNames()) html += ` ${attr}="${el.getAttribute(attr)}"`;
        visit(el.shadowRoot);
      }
    };
    visit(document);
    return { text, html, elements };
  });
}

export type Expectation = Pick<ExpectedBadge, 'case' | 'match' | 'code' | 'name' | 'status'>;

const STATUSES = ['black', 'suspended', 'red', 'expired', 'clean', 'invalid', 'related', 'unknown'];

function countBy<T>(items: T[], key: (t: T) => string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) {
    const k = key(t) ?? 'null';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/**
 * What is wrong with a page: each expected badge exactly once with its status, no badge for names
 * that match nothing, no badge beyond the expected ones (counted per status), and the summary on
 * <html> agreeing with the badges.
 */
export function pageProblems(
  state: PageState,
  expected: Expectation[],
  opts: { noBadgeNames?: string[]; checkSummary?: boolean; exhaustive?: boolean } = {},
): string[] {
  const problems: string[] = [];
  for (const e of expected) {
    const found = state.badges.filter((b) =>
      e.match === 'name' ? b.match === 'name' && b.name === e.name : b.match === e.match && b.code === e.code,
    );
    const what = `${e.case}: ${e.match} ${e.match === 'name' ? e.name : e.code}`;
    if (found.length !== 1) problems.push(`${what}: ${found.length} badges, want 1 (${e.status})`);
    else if (found[0]!.status !== e.status)
      problems.push(`${what}: data-status=${found[0]!.status}, want ${e.status}`);
  }
  for (const name of opts.noBadgeNames ?? []) {
    const n = state.badges.filter((b) => b.name === name).length;
    if (n > 0) problems.push(`${name}: matches no listed subject but has ${n} badge(s)`);
  }
  if (opts.exhaustive !== false) {
    const want = countBy(expected, (e) => e.status);
    const got = countBy(state.badges, (b) => b.status);
    for (const s of new Set([...Object.keys(want), ...Object.keys(got)])) {
      if ((want[s] ?? 0) !== (got[s] ?? 0)) {
        const extra = state.badges
          .filter((b) => b.status === s)
          .filter((b) => !expected.some((e) => (e.match === 'name' ? b.name === e.name : b.code === e.code)));
        problems.push(
          `status ${s}: ${got[s] ?? 0} badges, want ${want[s] ?? 0}${extra.length ? `; unexpected: ${JSON.stringify(extra)}` : ''}`,
        );
      }
    }
  }
  if (opts.checkSummary !== false) {
    if (!state.summary) problems.push('no data-credcheck-summary JSON on <html>');
    else {
      const counts = (
        typeof state.summary.counts === 'object' && state.summary.counts !== null
          ? state.summary.counts
          : state.summary
      ) as Record<string, unknown>;
      const got = countBy(state.badges, (b) => b.status);
      for (const s of STATUSES) {
        const said = typeof counts[s] === 'number' ? (counts[s] as number) : 0;
        if (said !== (got[s] ?? 0))
          problems.push(`summary says ${s}=${said}, the page has ${got[s] ?? 0} such badges`);
      }
    }
  }
  return problems;
}

/**
 * Polls the page until it shows what is expected, or returns the problems of the last look: badges
 * arrive as the time-sliced scan and the background's answers do.
 */
export async function settle(
  read: () => Promise<PageState>,
  problemsOf: (s: PageState) => string[],
  timeoutMs = 8_000,
): Promise<{ state: PageState; problems: string[] }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await read();
    const problems = problemsOf(state);
    if (problems.length === 0 || Date.now() > until) return { state, problems };
    await new Promise((r) => setTimeout(r, 150));
  }
}
