/**
 * The page scanner: walks the page in slices (no task over the budget), marks every well-formed
 * code or ID number with a badge at once (pending until the background answers), collects name
 * runs that no code accompanies, asks the background in batches, caches the answers per key, and
 * follows the page's changes with a MutationObserver without reading any text twice.
 */
import type {
  BadgeStatus,
  CheckRequest,
  CheckResponse,
  CodeResult,
  MatchKind,
  NameResult,
  SubjectCard,
} from '../messages.ts';
import { findCodeHits } from './codes.ts';
import { isOwnNode, isReadableField } from './dom-rules.ts';
import { insertBadgeAt } from './insert.ts';
import { findNameCandidates, isLabelGap, type NameCandidate } from './names.ts';
import { positionAtEnd, runIntact, type TextRun, touchesFresh } from './runs.ts';
import { frameDocument, SeenText, Walker } from './walker.ts';
import { yieldToEventLoop } from './yield.ts';

/** One slice of work; well under the 50 ms of a long task, leaving room for layout of new badges. */
export const SLICE_MS = 12;
/** Keys per check message (the background accepts up to 5,000 per message). */
export const BATCH_KEYS = 500;
/** How long keys read may wait for a full batch before they are sent anyway. */
export const HOLD_KEYS_MS = 100;
/** A badge whose answer takes longer than this goes in anyway, saying it is still being checked. */
export const PENDING_GRACE_MS = 3000;

export interface Mark {
  /**
   * The badge, made when it goes into the page: by then most answers are in, so it is drawn once
   * with its status instead of pending and again (thousands of badges on a long table).
   */
  el: HTMLElement | null;
  /** data-code: the code as shown, or the masked ID. */
  display?: string;
  match: MatchKind;
  /** The cleaned code or ID number (never in the DOM for an ID), or the normalized name. */
  key: string;
  status: BadgeStatus;
  pending: boolean;
  card?: SubjectCard;
  confirmed?: boolean;
  /** Reading order on the page (run sequence, then offset): summary items follow it. */
  order: number;
}

export interface MarkSpec {
  match: MatchKind;
  status: BadgeStatus;
  pending: boolean;
  /** data-code: the code or the masked ID. */
  code?: string;
  /** data-name: the normalized name. */
  name?: string;
}

export interface ScannerHost {
  check(req: CheckRequest): Promise<CheckResponse>;
  /** Makes the badge element for a mark (in `doc`, the document the text lives in). */
  createBadge(doc: Document, spec: MarkSpec): HTMLElement;
  updateBadge(el: HTMLElement, spec: Partial<MarkSpec>): void;
  /** Called when a pass is complete: nothing queued, nothing waiting for the background. */
  idle(): void;
}

interface NameJob {
  run: TextRun;
  cand: NameCandidate;
}

/** A badge waiting to be put into the page: after `end` in `run`, or after `anchor` (a field). */
interface Insert {
  mark: Mark;
  run: TextRun | null;
  end: number;
  anchor: Element | null;
  at: number;
}

/** While a long pass goes on, badges go into the page at most this often (and when it ends). */
export const INSERT_INTERVAL_MS = 2000;
/** After reading, how long answers still out may hold back the badges that are ready. */
export const ANSWER_WAIT_MS = 1000;
/** Time for one batch of insertions: a task of at most about this much. */
export const INSERT_BUDGET_MS = 30;
const OBSERVE: MutationObserverInit = { childList: true, subtree: true, characterData: true };
/** While reading, time per slice for making the badges of marks already answered. */
export const MAKE_BUDGET_MS = 6;

interface Pairing {
  /** Raw text of name runs paired with a code, folded, to suppress the same name said again. */
  texts: string[];
}

export class Scanner {
  readonly marks: Mark[] = [];
  /** Codes that have a code badge on the page: a name hit on the same subject is not repeated. */
  readonly codesOnPage = new Set<string>();
  offline = false;

  private readonly seen = new SeenText();
  private readonly seenFields = new WeakMap<Element, string>();
  private readonly fieldMarks = new WeakMap<Element, Mark[]>();
  private readonly rowsWithCode = new WeakSet<Element>();
  private readonly observed = new WeakSet<Node>();
  /** The same roots, to observe again after the scanner's own insertions. */
  private readonly watched: WeakRef<Node>[] = [];
  private readonly framesHooked = new WeakSet<Element>();
  private readonly nameSpots = new WeakMap<TextRun, Set<number>>();
  private readonly results = new Map<string, CodeResult>();
  private readonly waiting = new Map<string, Mark[]>();
  private readonly paired: Pairing = { texts: [] };
  private queue: Node[] = [];
  private inserts: Insert[] = [];
  /** How far makeBadges has got in `inserts`. */
  private madeUpTo = 0;
  /**
   * How many changes of the page's own the observer has reported. A run read when the count was
   * what it is now is still as it was read, and needs no checking node by node (a tenth of the
   * task that puts ten thousand badges in).
   */
  private pageChanges = 0;
  private readonly runStamps = new WeakMap<TextRun, number>();
  /** Since when keys have been waiting to be sent (null: none are). */
  private heldSince: number | null = null;
  private lastInsertAt = Number.NEGATIVE_INFINITY;
  private lateTimer: ReturnType<typeof setTimeout> | null = null;
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the last reading pass ended (null while reading): answers are awaited from then on. */
  private readDoneAt: number | null = null;
  private runSeq = 0;
  private readonly runOrder = new WeakMap<TextRun, number>();
  private walker: Walker | null = null;
  private lastRow: Element | null = null;
  private codesToSend: string[] = [];
  private idsToSend: string[] = [];
  private names: NameJob[] = [];
  private inFlight = 0;
  private pumping = false;
  private stopped = false;
  private readonly observer: MutationObserver;

  constructor(private readonly host: ScannerHost) {
    this.observer = new MutationObserver((records) => this.onMutations(records));
  }

  /** Starts with the document (or any root) and watches it for changes. */
  start(root: Document | ShadowRoot | Element): void {
    this.watch(root);
    this.enqueue(root instanceof Document ? (root.body ?? root.documentElement) : root);
  }

  stop(): void {
    this.stopped = true;
    if (this.lateTimer !== null) clearTimeout(this.lateTimer);
    if (this.wakeTimer !== null) clearTimeout(this.wakeTimer);
    this.observer.disconnect();
    this.queue = [];
    this.walker = null;
  }

  /** Queues a subtree for scanning; text already read is skipped cheaply. */
  enqueue(node: Node): void {
    if (this.stopped) return;
    this.queue.push(node);
    void this.pump();
  }

  /** True while work is queued or answers are outstanding. */
  get busy(): boolean {
    return (
      this.pumping ||
      this.inFlight > 0 ||
      this.queue.length > 0 ||
      this.walker !== null ||
      this.inserts.length > 0
    );
  }

  private watch(root: Node): void {
    if (this.observed.has(root)) return;
    this.observed.add(root);
    this.watched.push(new WeakRef(root));
    this.observer.observe(root, OBSERVE);
    const doc = root.nodeType === 9 ? (root as Document) : null;
    // Values typed into fields are not in the DOM: read a field again when it changes.
    doc?.addEventListener(
      'change',
      (e) => {
        const t = e.target as Element | null;
        if (t && t.nodeType === 1 && isReadableField(t)) this.enqueue(t);
      },
      true,
    );
  }

  private onMutations(records: MutationRecord[]): void {
    for (const r of records) {
      if (!isOwnRecord(r)) this.pageChanges++;
      if (r.type === 'characterData') {
        const t = r.target as Text;
        if (this.seen.get(t) === t.data || isOwnNode(t)) continue;
        this.queue.push(t.parentNode ?? t);
        continue;
      }
      for (const node of r.addedNodes) {
        if (node.nodeType !== 1 && node.nodeType !== 3) continue;
        if (node.nodeType === 3 && this.seen.get(node as Text) === (node as Text).data) continue;
        if (isOwnNode(node)) continue;
        this.queue.push(node);
      }
    }
    if (this.queue.length > 0) void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      while ((this.queue.length > 0 || this.walker || this.readyInserts()) && !this.stopped) {
        const deadline = performance.now() + SLICE_MS;
        while (performance.now() < deadline) {
          if (!this.walker) {
            const root = this.queue.shift();
            if (!root) break;
            if (!root.isConnected) continue;
            this.walker = new Walker(root, this.seen, this);
          }
          this.walker.step(deadline);
          if (this.walker.done) this.walker = null;
        }
        const readingDone = this.queue.length === 0 && this.walker === null;
        this.dispatch(readingDone);
        const allMade = this.makeBadges(readingDone ? deadline : deadline + MAKE_BUDGET_MS);
        const now = performance.now();
        if (!readingDone) this.readDoneAt = null;
        else if (this.readDoneAt === null) this.readDoneAt = now;
        // Badges go into the page in few batches, each once its status is known: every change to
        // the page makes the browser lay it out again, and a long table's layout costs far more
        // than reading it. Once the page is read, the answers still out are awaited (briefly) so
        // that everything goes in at once: one layout instead of one per answer.
        if (readingDone && this.inFlight > 0 && now - (this.readDoneAt ?? now) < ANSWER_WAIT_MS) {
          this.wakeAfter(ANSWER_WAIT_MS - (now - (this.readDoneAt ?? now)));
          break;
        }
        // The last batch goes in as one short task of DOM insertions: its badges are made first,
        // in slices, since making ten thousand of them takes longer than a task may.
        if (readingDone && !allMade) {
          await yieldToEventLoop();
          continue;
        }
        if (readingDone || now - this.lastInsertAt >= INSERT_INTERVAL_MS) {
          this.insertSome(
            readingDone ? Number.POSITIVE_INFINITY : Math.max(deadline, now + INSERT_BUDGET_MS),
          );
        }
        await yieldToEventLoop();
      }
    } finally {
      this.pumping = false;
    }
    this.scheduleLate();
    this.maybeIdle();
  }

  private wakeAfter(ms: number): void {
    if (this.wakeTimer !== null || this.stopped) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      void this.pump();
    }, ms);
  }

  private ready(op: Insert, now: number): boolean {
    return !op.mark.pending || now - op.at >= PENDING_GRACE_MS;
  }

  private readyInserts(): boolean {
    const now = performance.now();
    return this.inserts.some((op) => this.ready(op, now));
  }

  /** Comes back for badges whose answer is late, so they are shown as still being checked. */
  private scheduleLate(): void {
    if (this.lateTimer !== null || this.stopped || !this.inserts.some((op) => op.mark.pending)) return;
    this.lateTimer = setTimeout(() => {
      this.lateTimer = null;
      void this.pump();
      this.scheduleLate();
    }, PENDING_GRACE_MS);
  }

  /**
   * Runs the scanner's own changes to the page unobserved: a record for each of ten thousand
   * badges doubled the cost of putting them in, only for onMutations to throw them away. The
   * page's own changes queued before are handled as usual; none can happen during `change`.
   */
  private unobserved(change: () => void): void {
    // The page's own changes so far are counted first: insertReady trusts a run read since.
    const before = this.observer.takeRecords();
    if (before.length > 0) this.onMutations(before);
    this.observer.disconnect();
    try {
      change();
    } finally {
      for (const ref of this.stopped ? [] : this.watched) {
        const root = ref.deref();
        if (root) this.observer.observe(root, OBSERVE);
      }
    }
  }

  private insertSome(deadline: number): void {
    this.unobserved(() => this.insertReady(deadline));
  }

  private insertReady(deadline: number): void {
    const keep: Insert[] = [];
    let inserted = 0;
    const now = performance.now();
    for (let i = 0; i < this.inserts.length; i++) {
      const op = this.inserts[i] as Insert;
      if (!this.ready(op, now) || ((inserted & 31) === 31 && performance.now() >= deadline)) {
        keep.push(op);
        continue;
      }
      inserted++;
      if (op.anchor) {
        if (op.anchor.isConnected) op.anchor.after(this.badgeOf(op.mark, op.anchor.ownerDocument));
        else this.drop(op.mark);
      } else if (op.run && (this.runStamps.get(op.run) === this.pageChanges || runIntact(op.run))) {
        const pos = positionAtEnd(op.run, op.end);
        insertBadgeAt(pos, this.badgeOf(op.mark, pos.node.ownerDocument), this.seen, op.run);
      } else {
        // The page changed the text meanwhile: the change is read again and marked afresh.
        this.drop(op.mark);
      }
    }
    this.inserts = keep;
    this.madeUpTo = 0;
    if (inserted > 0) this.lastInsertAt = performance.now();
  }

  /**
   * Makes the badges of answered marks, in page order, until `deadline`; true when every ready
   * insert has its badge. It stops at a mark still waiting for its answer: the ones after it were
   * mostly sent later.
   */
  private makeBadges(deadline: number): boolean {
    const now = performance.now();
    for (; this.madeUpTo < this.inserts.length; this.madeUpTo++) {
      const op = this.inserts[this.madeUpTo] as Insert;
      if (op.mark.el) continue;
      if (!this.ready(op, now)) return true;
      if ((this.madeUpTo & 15) === 0 && performance.now() >= deadline) return false;
      const doc = op.anchor?.ownerDocument ?? (op.run?.nodes[0] as Text | undefined)?.ownerDocument;
      if (doc) this.badgeOf(op.mark, doc);
    }
    return true;
  }

  private badgeOf(mark: Mark, doc: Document): HTMLElement {
    if (mark.el) return mark.el;
    const spec: MarkSpec = { match: mark.match, status: mark.status, pending: mark.pending };
    if (mark.match === 'name') spec.name = mark.key;
    else if (mark.display !== undefined) spec.code = mark.display;
    mark.el = this.host.createBadge(doc, spec);
    return mark.el;
  }

  private drop(mark: Mark): void {
    const i = this.marks.indexOf(mark);
    if (i >= 0) this.marks.splice(i, 1);
  }

  // ---- WalkSink ----

  run(run: TextRun): void {
    this.lastRow = run.row;
    this.runStamps.set(run, this.pageChanges);
    const seq = ++this.runSeq;
    this.runOrder.set(run, seq);
    const hits = findCodeHits(run.text);
    // Last hit first: splitting a node keeps the earlier offsets valid.
    for (let i = hits.length - 1; i >= 0; i--) {
      const hit = hits[i] as (typeof hits)[number];
      if (!touchesFresh(run, hit.start, hit.end)) continue;
      if (run.row) this.rowsWithCode.add(run.row);
      const mark = this.markCode(hit, seq * 65536 + hit.end);
      this.inserts.push({ mark, run, end: hit.end, anchor: null, at: performance.now() });
    }
    const cands = findNameCandidates(run.text);
    for (const cand of cands) {
      if (!touchesFresh(run, cand.start, cand.end)) continue;
      const next = hits.find((h) => h.start >= cand.end);
      if (next && isLabelGap(run.text.slice(cand.end, next.start))) {
        this.notePaired(run.text.slice(cand.start, cand.end));
        continue;
      }
      this.names.push({ run, cand });
    }
  }

  field(el: HTMLInputElement | HTMLTextAreaElement): void {
    const value = el.value ?? '';
    if (this.seenFields.get(el) === value) return;
    this.seenFields.set(el, value);
    for (const old of this.fieldMarks.get(el) ?? []) this.unmark(old);
    const marks: Mark[] = [];
    const seq = ++this.runSeq;
    // Inserted after the field in reverse, so that they read in the value's order.
    const hits = findCodeHits(value);
    for (let i = hits.length - 1; i >= 0; i--) {
      const hit = hits[i] as (typeof hits)[number];
      const row = el.closest('tr');
      if (row) this.rowsWithCode.add(row);
      const mark = this.markCode(hit, seq * 65536 + hit.end);
      this.inserts.push({ mark, run: null, end: 0, anchor: el, at: performance.now() });
      marks.push(mark);
    }
    this.fieldMarks.set(el, marks);
  }

  root(root: ShadowRoot): void {
    if (this.observed.has(root)) return;
    this.watch(root);
    this.queue.push(root);
  }

  frame(el: HTMLIFrameElement): void {
    if (!this.framesHooked.has(el)) {
      this.framesHooked.add(el);
      // A frame that loads (or navigates) later brings a new document.
      el.addEventListener('load', () => {
        const doc = frameDocument(el);
        if (doc && !this.observed.has(doc)) this.start(doc);
      });
    }
    const doc = frameDocument(el);
    if (doc && !this.observed.has(doc)) {
      this.watch(doc);
      this.queue.push(doc.body ?? doc.documentElement);
    }
  }

  // ---- marks ----

  private markCode(hit: ReturnType<typeof findCodeHits>[number], order: number): Mark {
    if (hit.match === 'code') this.codesOnPage.add(hit.key);
    if (!hit.valid) {
      // A code that fails its checksum is never sent: it is probably mistyped, and looking it up
      // would only find someone else.
      const mark: Mark = {
        el: null,
        display: hit.display,
        match: hit.match,
        key: hit.key,
        status: 'invalid',
        pending: false,
        order,
      };
      this.marks.push(mark);
      return mark;
    }
    const known = this.results.get(hit.key);
    const status: BadgeStatus = known?.status ?? 'unknown';
    const mark: Mark = {
      el: null,
      display: hit.display,
      match: hit.match,
      key: hit.key,
      status,
      pending: !known,
      order,
    };
    if (known) {
      if (known.card) mark.card = known.card;
      mark.confirmed = known.confirmed;
    } else {
      const list = this.waiting.get(hit.key);
      if (list) list.push(mark);
      else {
        this.waiting.set(hit.key, [mark]);
        (hit.match === 'id' ? this.idsToSend : this.codesToSend).push(hit.key);
      }
    }
    this.marks.push(mark);
    return mark;
  }

  private unmark(mark: Mark): void {
    mark.el?.remove();
    this.inserts = this.inserts.filter((op) => op.mark !== mark);
    this.madeUpTo = 0;
    this.drop(mark);
  }

  private notePaired(text: string): void {
    if (this.paired.texts.length < 20000) this.paired.texts.push(fold(text));
  }

  // ---- checking ----

  /** Sends what is collected; names wait for the end of their row (its code may follow the name). */
  private dispatch(final: boolean): void {
    const names: NameJob[] = [];
    const keep: NameJob[] = [];
    for (const job of this.names) {
      const row = job.run.row;
      if (row && this.rowsWithCode.has(row))
        this.notePaired(job.run.text.slice(job.cand.start, job.cand.end));
      else if (!final && row && row === this.lastRow) keep.push(job);
      else names.push(job);
    }
    const queued = this.codesToSend.length + this.idsToSend.length + names.length;
    const now = performance.now();
    if (queued > 0 && this.heldSince === null) this.heldSince = now;
    // A long page is asked about in full batches, not a small one per slice: every message costs
    // the background a lookup and, for each listed code, a round trip to the API.
    if (!final && queued < BATCH_KEYS && now - (this.heldSince ?? now) < HOLD_KEYS_MS) {
      this.names = names.concat(keep);
      return;
    }
    this.names = keep;
    this.heldSince = null;
    while (this.codesToSend.length > 0 || this.idsToSend.length > 0 || names.length > 0) {
      const codes = this.codesToSend.splice(0, BATCH_KEYS);
      const ids = this.idsToSend.splice(0, BATCH_KEYS - codes.length);
      const jobs = names.splice(0, Math.max(0, BATCH_KEYS - codes.length - ids.length));
      void this.send(codes, ids, jobs);
    }
  }

  private async send(codes: string[], ids: string[], jobs: NameJob[]): Promise<void> {
    this.inFlight++;
    try {
      let res: CheckResponse;
      try {
        res = await this.host.check({
          type: 'check',
          codes,
          ids,
          names: jobs.map((j) => ({ text: j.run.text.slice(j.cand.start, j.cand.end) })),
        });
        // An extension being updated or a background that declined answers with nothing.
        if (!res || !Array.isArray(res.codes) || !Array.isArray(res.names)) throw new Error('no answer');
      } catch {
        res = { codes: [], names: [], offline: true, dataVersion: null };
      }
      this.offline = res.offline;
      const answered = new Set<string>();
      for (const r of res.codes) {
        answered.add(r.key);
        this.settle(r.key, r);
      }
      // A key the background did not answer could not be checked.
      for (const key of [...codes, ...ids]) {
        if (!answered.has(key)) this.settle(key, null);
      }
      for (const r of res.names) this.markName(jobs, r);
    } finally {
      this.inFlight--;
      if (this.readyInserts()) void this.pump();
      this.maybeIdle();
    }
  }

  private settle(key: string, r: CodeResult | null): void {
    if (r) this.results.set(key, r);
    const marks = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    const status: BadgeStatus = r?.status ?? 'unknown';
    for (const mark of marks) {
      mark.status = status;
      mark.pending = false;
      if (r?.card) mark.card = r.card;
      mark.confirmed = r?.confirmed ?? false;
      if (mark.el) this.host.updateBadge(mark.el, { status, pending: false });
    }
  }

  private markName(jobs: NameJob[], r: NameResult): void {
    const job = jobs[r.run];
    if (!job) return;
    // A name that matches no listed subject gets no badge (CONVENTIONS.md).
    if (r.status === 'clean' || r.status === 'unknown' || r.status === 'invalid') return;
    if (r.code && this.codesOnPage.has(r.code)) return;
    if (this.pairedCovers(r.name)) return;
    const { run, cand } = job;
    const end = cand.start + r.end;
    // The same name run may be sent twice (its text was read again): one badge per place.
    const spots = this.nameSpots.get(run) ?? new Set<number>();
    if (spots.has(end)) return;
    spots.add(end);
    this.nameSpots.set(run, spots);
    const order = (this.runOrder.get(run) ?? 0) * 65536 + end;
    const mark: Mark = {
      el: null,
      match: 'name',
      key: r.name,
      status: r.status,
      pending: false,
      confirmed: r.confirmed,
      order,
    };
    if (r.card) mark.card = r.card;
    this.marks.push(mark);
    this.inserts.push({ mark, run, end, anchor: null, at: performance.now() });
  }

  /** True when the name was already seen next to its code elsewhere on the page. */
  private pairedCovers(name: string): boolean {
    if (name.length < 4) return false;
    for (const text of this.paired.texts) if (text.endsWith(name)) return true;
    return false;
  }

  private maybeIdle(): void {
    if (this.stopped || this.busy || this.names.length > 0) return;
    this.host.idle();
  }
}

/** True for a record of nodes added or removed that are all the scanner's own badges. */
function isOwnRecord(r: MutationRecord): boolean {
  if (r.type !== 'childList') return false;
  for (const n of r.addedNodes) if (!isOwnNode(n)) return false;
  for (const n of r.removedNodes) if (!isOwnNode(n)) return false;
  return true;
}

/** Enough of name normalization to compare a page's raw text with a normalized name. */
function fold(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '（' || ch === '【' || ch === '[') out += '(';
    else if (ch === '）' || ch === '】' || ch === ']') out += ')';
    else if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0).toUpperCase();
    else if (!/\s/.test(ch)) out += ch.toUpperCase();
  }
  return out;
}
