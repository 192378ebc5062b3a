/** The page summary: counts per status, and the badges worth jumping to, in page order. */
import { statusWords } from '../badge/labels.ts';
import type { BadgeStatus, PageSummary } from '../messages.ts';
import type { Mark } from '../scan/scanner.ts';
import type { UiLocale } from '../settings/settings.ts';

export const SUMMARY_ATTR = 'data-credcheck-summary';

export interface SummaryView {
  summary: PageSummary;
  /** The badge behind each item, by the item's index. */
  targets: HTMLElement[];
}

export function summarize(marks: readonly Mark[], locale: UiLocale): SummaryView {
  const counts: Partial<Record<BadgeStatus, number>> = {};
  const notable: Mark[] = [];
  let total = 0;
  for (const mark of marks) {
    if (!mark.el?.isConnected) continue;
    total++;
    counts[mark.status] = (counts[mark.status] ?? 0) + 1;
    if (mark.status !== 'clean') notable.push(mark);
  }
  // Reading order from the scan: compareDocumentPosition on a long page costs a walk per pair.
  notable.sort((a, b) => a.order - b.order);
  const items = notable.map((mark, index) => ({
    index,
    status: mark.status,
    match: mark.match,
    label:
      `${statusWords(locale, mark.status).label} ${mark.el?.getAttribute('data-code') ?? mark.el?.getAttribute('data-name') ?? ''}`.trim(),
  }));
  // Only badges in the page are counted, so each notable mark has its element.
  return { summary: { counts, total, items }, targets: notable.map((m) => m.el as HTMLElement) };
}

/** CONVENTIONS.md: counts per status as a JSON object on <html>, after every completed pass. */
export function publishSummary(doc: Document, summary: PageSummary): void {
  doc.documentElement.setAttribute(SUMMARY_ATTR, JSON.stringify(summary.counts));
}
