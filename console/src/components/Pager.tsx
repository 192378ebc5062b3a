import type { Dispatch, SetStateAction } from 'react';
import { useI18n } from '../i18n/context.tsx';
import type { MessageKey } from '../i18n/zh.ts';
import { nextPage, type PageState, previousPage } from '../lib/paging.ts';

interface PagerProps {
  page: PageState;
  setPage: Dispatch<SetStateAction<PageState>>;
  /** The API's cursor for the page after this one; none on the last page. */
  next: string | null | undefined;
  /** While a page loads, both buttons wait: a second click would skip a page. */
  busy?: boolean;
  showNumber?: boolean;
  prevLabel?: MessageKey;
  nextLabel?: MessageKey;
}

/** Back and forward over a keyset-paged list (the API only knows "after this cursor"). */
export function Pager({
  page,
  setPage,
  next,
  busy = false,
  showNumber = false,
  prevLabel = 'entries.prev',
  nextLabel = 'entries.next',
}: PagerProps) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t('entries.pages')}>
      <button type="button" disabled={page.index === 0 || busy} onClick={() => setPage(previousPage)}>
        {t(prevLabel)}
      </button>
      {showNumber && <span>{t('entries.page', { n: page.index + 1 })}</span>}
      <button
        type="button"
        disabled={!next || busy}
        onClick={() => setPage((s) => nextPage(s, next ?? null))}
      >
        {t(nextLabel)}
      </button>
    </nav>
  );
}
