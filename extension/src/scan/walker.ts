/**
 * A resumable walk over a DOM subtree that yields text runs, text fields, open shadow roots and
 * same-origin frame documents. It stops when its budget runs out and carries on where it left off,
 * so the caller can give the event loop back between slices.
 */
import { isInline, isReadableField, isSkipped } from './dom-rules.ts';
import type { TextRun } from './runs.ts';

export interface WalkSink {
  run(run: TextRun): void;
  field(el: HTMLInputElement | HTMLTextAreaElement): void;
  /** An open shadow root: scanned (and observed) on its own. */
  root(root: ShadowRoot): void;
  /** A frame: its document, when same-origin, is scanned on its own. */
  frame(el: HTMLIFrameElement): void;
}

/**
 * Text nodes already read, with the text they had: a node is read again only when it changed.
 * The text is kept on the node's wrapper under a symbol of this scanner's own. The wrapper belongs
 * to the content script's isolated world, so the page never sees it; and a property read is about
 * half the cost of a WeakMap lookup, which on a 10,000-row table (50,000 text nodes) was the
 * largest part of reading it, and left a large weak table for every collection to trace.
 */
export class SeenText {
  private readonly key = Symbol('credcheck.read');

  get(node: Text): string | undefined {
    return (node as unknown as Record<symbol, string | undefined>)[this.key];
  }

  set(node: Text, data: string): void {
    (node as unknown as Record<symbol, string>)[this.key] = data;
  }
}

const NOT_SPACE = /\S/;

export class Walker {
  private node: Node | null;
  private readonly rootNode: Node;
  private nodes: Text[] = [];
  private starts: number[] = [];
  private fresh: boolean[] = [];
  private text = '';
  private anyFresh = false;

  constructor(
    root: Node,
    private readonly seen: SeenText,
    private readonly sink: WalkSink,
  ) {
    this.rootNode = root;
    this.node = root;
  }

  get done(): boolean {
    return this.node === null;
  }

  /** Walks until the subtree is done or `deadline` (performance.now()) has passed. */
  step(deadline: number): void {
    let count = 0;
    while (this.node) {
      if ((++count & 63) === 0 && performance.now() >= deadline) return;
      const node = this.node;
      let descend = false;
      if (node.nodeType === 3) this.addText(node as Text);
      else if (node.nodeType === 1) descend = this.enter(node as Element);
      else if (node.nodeType === 9 || node.nodeType === 11) descend = true;
      this.node = this.advance(node, descend);
    }
    this.flush();
  }

  private enter(el: Element): boolean {
    if (el.shadowRoot) this.sink.root(el.shadowRoot);
    const tag = el.localName;
    if (tag === 'iframe' || tag === 'frame') {
      this.flush();
      this.sink.frame(el as HTMLIFrameElement);
      return false;
    }
    if (isReadableField(el)) {
      this.flush();
      this.sink.field(el);
      return false;
    }
    if (isSkipped(el)) {
      // A badge or a skipped element between two pieces of text separates them.
      this.flush();
      return false;
    }
    if (!isInline(tag)) this.flush();
    return el.firstChild !== null;
  }

  private advance(node: Node, descend: boolean): Node | null {
    if (descend && node.firstChild) return node.firstChild;
    let current: Node = node;
    while (current !== this.rootNode) {
      if (current.nodeType === 1 && !isInline((current as Element).localName)) this.flush();
      if (current.nextSibling) return current.nextSibling;
      const parent = current.parentNode;
      if (!parent) break;
      current = parent;
    }
    this.flush();
    return null;
  }

  private addText(node: Text): void {
    const data = node.data;
    if (data.length === 0) return;
    const isFresh = this.seen.get(node) !== data;
    if (isFresh) {
      this.seen.set(node, data);
      this.anyFresh = true;
    }
    this.nodes.push(node);
    this.starts.push(this.text.length);
    this.fresh.push(isFresh);
    this.text += data;
  }

  private flush(): void {
    if (this.nodes.length === 0) return;
    // Whitespace alone (the line breaks between a table's rows) holds nothing to mark.
    if (this.anyFresh && NOT_SPACE.test(this.text)) {
      const first = this.nodes[0] as Text;
      this.sink.run({
        text: this.text,
        nodes: this.nodes,
        starts: this.starts,
        fresh: this.fresh,
        row: first.parentElement?.closest('tr') ?? null,
      });
    }
    this.nodes = [];
    this.starts = [];
    this.fresh = [];
    this.text = '';
    this.anyFresh = false;
  }
}

/** The frame's document when it is same-origin and loaded, else null (cross-origin throws or is null). */
export function frameDocument(frame: HTMLIFrameElement): Document | null {
  try {
    const doc = frame.contentDocument;
    return doc?.documentElement ? doc : null;
  } catch {
    return null;
  }
}
