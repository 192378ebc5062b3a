/**
 * The hover/focus card: list type, reason, designator, basis, validity, the measures of the
 * portal's scenario, the objection procedure, and a decision on demand. Everything from the
 * background is set with textContent: data is never parsed as HTML.
 */
import type { EntryCard, SubjectCard } from '../messages.ts';
import type { BadgeData, BadgeEnv } from './badge.ts';
import { isUserEvent } from './badge.ts';
import { statusWords, type Words, words } from './labels.ts';

interface CardInput {
  data: BadgeData;
  card: SubjectCard | { error: string } | null;
  env: BadgeEnv;
  host: HTMLElement;
}

type Make = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string) => HTMLElementTagNameMap[K];

export function renderCard(container: HTMLElement, input: CardInput): void {
  const doc = container.ownerDocument;
  const make: Make = (tag, text) => {
    const el = doc.createElement(tag);
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const { data, card, env } = input;
  const w = words(env.locale);
  const sw = statusWords(env.locale, data.status);
  const parts: HTMLElement[] = [];
  const possible = data.match === 'name' ? `${w.possible}·` : '';
  parts.push(make('h2', `${sw.icon} ${possible}${sw.label}`));
  const subject = card && !('error' in card) ? card : null;
  const title = [subject?.displayName ?? data.name, subject?.displayCode || data.code]
    .filter(Boolean)
    .join('　');
  if (title) {
    const sub = make('p', title);
    sub.className = 'sub';
    parts.push(sub);
  }
  if (data.match === 'name') parts.push(note(make, w.possibleHint));
  if (data.status === 'invalid') parts.push(note(make, w.invalidHint));
  if (env.offline()) parts.push(note(make, w.offline));
  if (card && 'error' in card) parts.push(note(make, card.error));
  if (subject) {
    if (subject.entries.length === 0) parts.push(make('p', w.noEntries));
    for (const entry of subject.entries) parts.push(entryBlock(make, entry, w));
    if (env.scenario && subject.entries.length > 0) parts.push(...measures(make, subject, w));
    const link = safeUrl(subject.objectionUrl);
    if (link) {
      const a = make('a', w.objection);
      a.href = link;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      const p = make('p');
      p.append(a);
      parts.push(p);
    }
  }
  if (data.status !== 'invalid' && data.status !== 'unknown' && !data.pending) {
    parts.push(decisionBlock(make, input, w));
  }
  container.replaceChildren(...parts);
}

function note(make: Make, text: string): HTMLElement {
  const p = make('p', text);
  p.className = 'note';
  return p;
}

function entryBlock(make: Make, e: EntryCard, w: Words): HTMLElement {
  const box = make('div');
  box.className = 'entry';
  const dl = make('dl');
  const row = (k: string, v: string | undefined | null) => {
    if (!v) return;
    dl.append(make('dt', k), make('dd', v));
  };
  const status = w.entryStatus[e.status] ?? e.status;
  row(w.listType, `${e.listTypeName || e.listType}（${status}）`);
  row(w.reason, e.reason);
  row(w.designator, e.designator);
  row(w.basis, e.basis);
  const from = e.validFrom ?? e.decidedOn;
  if (from || e.validUntil !== undefined) row(w.validity, `${from ?? ''} – ${e.validUntil ?? w.openEnded}`);
  box.append(dl);
  return box;
}

function measures(make: Make, card: SubjectCard, w: Words): HTMLElement[] {
  if (card.measures.length === 0) return [make('p', w.noMeasures)];
  const ul = make('ul');
  for (const m of card.measures) {
    ul.append(make('li', m.binding ? `${m.name}（${w.binding[m.binding] ?? m.binding}）` : m.name));
  }
  return [make('p', w.measures), ul];
}

function decisionBlock(make: Make, input: CardInput, w: Words): HTMLElement {
  const box = make('div');
  if (!input.env.scenario) {
    box.append(note(make, w.noScenario));
    return box;
  }
  const button = make('button', w.decide);
  button.type = 'button';
  const out = make('p');
  button.addEventListener('click', async (e) => {
    e.stopPropagation();
    if (!(input.env.acceptsEvent ?? isUserEvent)(e)) return;
    button.disabled = true;
    button.textContent = w.deciding;
    try {
      const res = await input.env.decide(input.host);
      out.replaceChildren();
      if (res.ok && res.decisionId) {
        const id = make('code', res.decisionId);
        const copy = make('button', w.copy);
        copy.type = 'button';
        copy.addEventListener('click', (ev) => {
          ev.stopPropagation();
          void copyText(res.decisionId as string, id).then(() => {
            copy.textContent = w.copied;
          });
        });
        out.append(make('span', `${w.decision}：`), id, make('span', ' '), copy);
        if (res.outcome) out.append(make('span', `（${res.outcome}）`));
      } else out.append(note(make, res.error ?? '—'));
    } catch (err) {
      out.replaceChildren(note(make, err instanceof Error ? err.message : String(err)));
    } finally {
      button.disabled = false;
      button.textContent = w.decide;
    }
  });
  box.append(button, out);
  return box;
}

async function copyText(text: string, source: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard access, select the id so the officer can copy it by hand.
    const range = source.ownerDocument.createRange();
    range.selectNodeContents(source);
    const sel = source.ownerDocument.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
  }
}

/** Only http(s) links are shown: a `javascript:` URL from bad data must never become clickable. */
function safeUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
