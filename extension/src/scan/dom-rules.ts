/**
 * Which elements the scanner reads and where text runs break. Decided by tag name alone: asking
 * the layout engine (getComputedStyle) for every element would cost more than the scan itself.
 */

/** Tag of the badge host element (CONVENTIONS.md); its subtree is our UI, never page text. */
export const BADGE_TAG = 'credcheck-badge';
/** Attribute on every other element CredCheck adds to a page (the banner's host). */
export const UI_ATTR = 'data-credcheck-ui';

/** Elements whose text joins its neighbours' into one run: a code split over them is one code. */
const INLINE = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'cite',
  'code',
  'data',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'label',
  'mark',
  'nobr',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
]);

/** Subtrees that hold no page text worth reading (code, styles, templates, editors' sources). */
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'textarea',
  'select',
  'option',
  'svg',
  'math',
  'canvas',
  'video',
  'audio',
  'object',
  'embed',
  'head',
  'title',
]);

const FIELD_TYPES = new Set(['', 'text', 'search', 'tel', 'url']);

export function isInline(tag: string): boolean {
  return INLINE.has(tag);
}

/** True for an element whose subtree the walker never enters. */
export function isSkipped(el: Element): boolean {
  const tag = el.localName;
  if (SKIPPED.has(tag) || tag === BADGE_TAG) return true;
  if (el.hasAttribute(UI_ATTR)) return true;
  // What the user is typing in a rich-text editor is theirs, not the portal's record.
  const editable = el.getAttribute('contenteditable');
  return editable !== null && editable !== 'false';
}

/** A text field whose value the scanner reads (the value is not in the DOM tree). */
export function isReadableField(el: Element): el is HTMLInputElement | HTMLTextAreaElement {
  const tag = el.localName;
  if (tag === 'textarea') return !insideEditor(el);
  if (tag !== 'input') return false;
  return FIELD_TYPES.has((el.getAttribute('type') ?? '').toLowerCase());
}

function insideEditor(el: Element): boolean {
  // Code editors (CodeMirror 5, Ace) keep a hidden textarea for keystrokes: never page data.
  return el.closest('[contenteditable]:not([contenteditable="false"]), .CodeMirror, .ace_editor') !== null;
}

/** True for a node inside CredCheck's own UI (badges, banner), so its mutations are ignored. */
export function isOwnNode(node: Node): boolean {
  const el = node.nodeType === 1 ? (node as Element) : node.parentElement;
  if (!el) {
    // A node directly inside one of our shadow roots.
    const root = node.getRootNode();
    return root instanceof ShadowRoot && isOwnNode(root.host);
  }
  return el.closest(`${BADGE_TAG}, [${UI_ATTR}]`) !== null;
}
