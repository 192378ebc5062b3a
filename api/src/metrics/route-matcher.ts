/**
 * Maps a request path to its route template (`/v1/subjects/{code}`), for metric labels and log
 * lines: a raw path may carry a person's ID number, and one label value per code would grow the
 * metrics without bound. Segment by segment over a tree of the templates, static segments before
 * parameters (`/v1/subjects/batch` before `/v1/subjects/{code}`), preferring a template that the
 * request's method is routed on; null when no template fits.
 */

interface Node<T> {
  /** Static children, scanned in order: comparing in place costs less than slicing the path and hashing the slice. */
  segments: string[];
  children: Node<T>[];
  param: Node<T> | null;
  /** Per method (upper case) and under '*' the first template registered at this node. */
  ends: Map<string, T> | null;
}

export interface RouteSpec {
  method: string;
  /** OpenAPI form: `/v1/subjects/{code}`. */
  template: string;
}

const node = <T>(): Node<T> => ({ segments: [], children: [], param: null, ends: null });

export function createRouteMatcher<T>(
  routes: readonly RouteSpec[],
  make: (template: string) => T,
): (method: string, path: string) => T | null {
  const root = node<T>();
  const values = new Map<string, T>();
  for (const { method, template } of routes) {
    let value = values.get(template);
    if (value === undefined) {
      value = make(template);
      values.set(template, value);
    }
    let at = root;
    for (const seg of template.slice(1).split('/')) {
      if (/^\{[^}]+\}$/.test(seg)) at = at.param ??= node();
      else {
        let next = at.children[at.segments.indexOf(seg)];
        if (!next) {
          next = node();
          at.segments.push(seg);
          at.children.push(next);
        }
        at = next;
      }
    }
    at.ends ??= new Map();
    const m = method.toUpperCase();
    if (!at.ends.has(m)) at.ends.set(m, value);
    if (!at.ends.has('*')) at.ends.set('*', value);
  }

  const walk = (at: Node<T>, path: string, from: number, method: string): T | null => {
    if (from > path.length) {
      if (!at.ends) return null;
      return at.ends.get(method) ?? (method === 'HEAD' ? at.ends.get('GET') : undefined) ?? null;
    }
    let end = path.indexOf('/', from);
    if (end < 0) end = path.length;
    const fixed = fixedChild(at, path, from, end);
    if (fixed) {
      const hit = walk(fixed, path, end + 1, method);
      if (hit !== null) return hit;
    }
    if (at.param && end > from) return walk(at.param, path, end + 1, method);
    return null;
  };
  const anyMethod = (at: Node<T>, path: string, from: number): T | null => {
    if (from > path.length) return at.ends?.get('*') ?? null;
    let end = path.indexOf('/', from);
    if (end < 0) end = path.length;
    const fixed = fixedChild(at, path, from, end);
    const hit = fixed ? anyMethod(fixed, path, end + 1) : null;
    if (hit !== null) return hit;
    return at.param && end > from ? anyMethod(at.param, path, end + 1) : null;
  };

  return (method, path) => {
    if (path.charCodeAt(0) !== 47 /* / */) return null;
    return walk(root, path, 1, method) ?? anyMethod(root, path, 1);
  };
}

function fixedChild<T>(at: Node<T>, path: string, from: number, end: number): Node<T> | null {
  const length = end - from;
  const segments = at.segments;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.length === length && path.startsWith(segment, from)) return at.children[i]!;
  }
  return null;
}

/** Hono's `/:id` and `/:id{[0-9]+}` as OpenAPI's `/{id}`. */
export function openApiTemplate(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}
