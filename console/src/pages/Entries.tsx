import { type FormEvent, useState } from 'react';
import type { EntrySummary } from '../api/types.ts';
import { useAuth } from '../auth/context.tsx';
import { Field } from '../components/Field.tsx';
import { Pager } from '../components/Pager.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { EntryStatusBadge, KindBadge } from '../components/Status.tsx';
import { useI18n } from '../i18n/context.tsx';
import { currentCursor, FIRST_PAGE, type PageState } from '../lib/paging.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';

type Query = NonNullable<import('@credcheck/sdk/client').QueryOf<'/v1/entries', 'get'>>;
type Filters = Pick<Query, 'department' | 'listType' | 'kind' | 'status' | 'q' | 'sort' | 'order'>;

const PAGE_SIZE = 50;
const STATUSES = ['active', 'suspended', 'repaired', 'expired', 'revoked'] as const;
const SORTS = ['publishedOn', 'decisionDate', 'validUntil', 'code', 'name'] as const;

/** The department's entries: filter, sort and page by keyset cursor, one page in memory at a time. */
export function Entries() {
  const { t, lang } = useI18n();
  const { api, me } = useAuth();
  const [draft, setDraft] = useState<Filters>({ sort: 'publishedOn', order: 'desc' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [page, setPage] = useState<PageState>(FIRST_PAGE);
  const types = useLoad((signal) => api.get('/v1/list-types', { signal }), [api]);
  const list = useLoad(
    (signal) =>
      api.get('/v1/entries', {
        query: { ...filters, limit: PAGE_SIZE, cursor: currentCursor(page) ?? undefined },
        signal,
      }),
    [api, filters, page],
  );

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
    setPage(FIRST_PAGE);
  };
  const set = <K extends keyof Filters>(k: K, v: string) =>
    setDraft((d) => ({ ...d, [k]: v === '' ? undefined : v }));

  const data = list.data;
  const from = page.index * PAGE_SIZE + 1;
  return (
    <section aria-labelledby="entries-title">
      <div className="title-row">
        <h1 id="entries-title">{t('entries.title')}</h1>
        {me?.department && (
          <span className="muted">{t('entries.department', { department: me.department })}</span>
        )}
        <span className="spacer" />
        <Link to="entries/new" className="button primary">
          {t('entries.new')}
        </Link>
        <Link to="import" className="button">
          {t('nav.import')}
        </Link>
      </div>
      <form className="filters" onSubmit={apply} aria-label={t('entries.filters')}>
        <Field label={t('entries.q')}>
          {(p) => (
            <input {...p} type="search" value={draft.q ?? ''} onChange={(e) => set('q', e.target.value)} />
          )}
        </Field>
        {me?.role === 'admin' && (
          <Field label={t('entry.department')}>
            {(p) => (
              <input
                {...p}
                value={draft.department ?? ''}
                onChange={(e) => set('department', e.target.value)}
              />
            )}
          </Field>
        )}
        <Field label={t('entry.listType')}>
          {(p) => (
            <select {...p} value={draft.listType ?? ''} onChange={(e) => set('listType', e.target.value)}>
              <option value="">{t('common.all')}</option>
              {types.data?.items.map((lt) => (
                <option key={lt.code} value={lt.code}>
                  {lang === 'zh' ? lt.nameZh : lt.nameEn}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('entry.kind')}>
          {(p) => (
            <select {...p} value={draft.kind ?? ''} onChange={(e) => set('kind', e.target.value)}>
              <option value="">{t('common.all')}</option>
              <option value="black">{t('kind.black')}</option>
              <option value="red">{t('kind.red')}</option>
            </select>
          )}
        </Field>
        <Field label={t('entry.status')}>
          {(p) => (
            <select {...p} value={draft.status ?? ''} onChange={(e) => set('status', e.target.value)}>
              <option value="">{t('common.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`entryStatus.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('entries.sort')}>
          {(p) => (
            <select {...p} value={draft.sort ?? 'publishedOn'} onChange={(e) => set('sort', e.target.value)}>
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`sort.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('entries.order')}>
          {(p) => (
            <select {...p} value={draft.order ?? 'desc'} onChange={(e) => set('order', e.target.value)}>
              <option value="desc">{t('order.desc')}</option>
              <option value="asc">{t('order.asc')}</option>
            </select>
          )}
        </Field>
        <button type="submit" className="primary">
          {t('entries.apply')}
        </button>
      </form>
      <ProblemAlert error={list.error} />
      {data && (
        <>
          <p className="muted" aria-live="polite" data-testid="entries-count">
            {data.items.length === 0
              ? t('entries.none')
              : t(data.totalExact ? 'entries.range' : 'entries.rangeApprox', {
                  from,
                  to: from + data.items.length - 1,
                  total: data.total.toLocaleString(),
                })}
          </p>
          <EntryTable items={data.items} />
          <Pager page={page} setPage={setPage} next={data.nextCursor} busy={list.loading} showNumber />
        </>
      )}
      {list.loading && !data && <p>{t('common.loading')}</p>}
    </section>
  );
}

function EntryTable({ items }: { items: EntrySummary[] }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="entries">
        <thead>
          <tr>
            <th scope="col">{t('subject.name')}</th>
            <th scope="col">{t('subject.code')}</th>
            <th scope="col">{t('entry.listType')}</th>
            <th scope="col">{t('entry.kind')}</th>
            <th scope="col">{t('entry.decidedOn')}</th>
            <th scope="col">{t('entry.publishedOn')}</th>
            <th scope="col">{t('entry.validUntil')}</th>
            <th scope="col">{t('entry.status')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id} data-entry={e.id}>
              <td>
                <Link to={`entries/${encodeURIComponent(e.id)}`}>{e.subject.name}</Link>
              </td>
              <td>
                <code>{e.subject.code ?? e.subject.idMasked ?? '—'}</code>
              </td>
              <td>{e.listTypeName}</td>
              <td>
                <KindBadge kind={e.kind} />
              </td>
              <td>{e.decidedOn}</td>
              <td>{e.publishedOn ?? '—'}</td>
              <td>{e.validUntil ?? t('entry.openEnded')}</td>
              <td>
                <EntryStatusBadge status={e.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
