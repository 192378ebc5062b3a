/** Puts a badge right after the text it marks, touching the page's DOM as little as possible. */
import { isInline } from './dom-rules.ts';
import { noteSplit, type Position, type TextRun } from './runs.ts';
import type { SeenText } from './walker.ts';

/**
 * Inserts `badge` after the character before `pos`. A hit that ends where its text node ends goes
 * after the node, or after the inline elements it closes (after </b></span>, not inside the bold
 * text); only a hit in the middle of a text node splits the node.
 */
export function insertBadgeAt(pos: Position, badge: Element, seen: SeenText, run: TextRun | null): void {
  const { node, offset } = pos;
  if (offset < node.data.length) {
    const tail = node.splitText(offset);
    // Both halves were read already: the split must not make them look new.
    seen.set(node, node.data);
    seen.set(tail, tail.data);
    if (run) noteSplit(run, node, offset, tail);
    node.after(badge);
    return;
  }
  let anchor: Node = node;
  for (;;) {
    const parent = anchor.parentNode;
    if (anchor.nextSibling !== null || !parent || parent.nodeType !== 1) break;
    if (!isInline((parent as Element).localName)) break;
    anchor = parent;
  }
  anchor.parentNode?.insertBefore(badge, anchor.nextSibling);
}
