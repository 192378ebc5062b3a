/**
 * A small element builder: text goes in as text nodes only, so nothing from the API, a page or
 * storage can ever become markup in the extension's own pages.
 */
type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  className?: string;
  id?: string;
  attrs?: Record<string, string | undefined>;
  text?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.id) node.id = options.id;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value !== undefined) node.setAttribute(name, value);
  }
  if (options.text !== undefined) node.textContent = options.text;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export function button(text: string, onClick: (ev: MouseEvent) => void, options: ElementOptions = {}) {
  const b = el('button', { ...options, attrs: { type: 'button', ...options.attrs }, text });
  b.addEventListener('click', onClick);
  return b;
}

/** Replaces an element's content, keeping the element (and any live region on it). */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(
    ...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false),
  );
}
