/**
 * Keyset paging forward and back: the API gives only a next cursor, so the cursors of the pages
 * already seen are kept on a stack (page n is fetched with cursors[n]; page 0 with none).
 */
export interface PageState {
  cursors: (string | null)[];
  index: number;
}

export const FIRST_PAGE: PageState = { cursors: [null], index: 0 };

export function currentCursor(s: PageState): string | null {
  return s.cursors[s.index] ?? null;
}

export function nextPage(s: PageState, nextCursor: string | null): PageState {
  if (!nextCursor) return s;
  const cursors = s.cursors.slice(0, s.index + 1);
  cursors.push(nextCursor);
  return { cursors, index: s.index + 1 };
}

export function previousPage(s: PageState): PageState {
  return s.index === 0 ? s : { cursors: s.cursors, index: s.index - 1 };
}
