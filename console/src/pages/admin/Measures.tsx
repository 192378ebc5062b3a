import { useMemo, useState } from 'react';
import { useAuth } from '../../auth/context.tsx';
import { Field } from '../../components/Field.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useI18n } from '../../i18n/context.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { AdminTabs } from './AdminTabs.tsx';

type Published = '' | 'true' | 'false';
type Kind = '' | 'incentive' | 'punishment';

/**
 * The measure catalog (措施清单). Unpublished measures are never applied (未经公布的信用惩戒措施
 * 不得实施), so which ones are published is shown in words, counted and filterable.
 */
export function Measures() {
  const { t, lang } = useI18n();
  const { api } = useAuth();
  const [published, setPublished] = useState<Published>('');
  const [kind, setKind] = useState<Kind>('');
  const [q, setQ] = useState('');
  const all = useLoad((signal) => api.get('/v1/measures', { signal }), [api]);
  const list = useLoad(
    (signal) =>
      api.get('/v1/measures', {
        query: { ...(published ? { published } : {}), ...(kind ? { kind } : {}) },
        signal,
      }),
    [api, published, kind],
  );
  const counts = useMemo(() => {
    const items = all.data?.items ?? [];
    return { total: items.length, published: items.filter((m) => m.published).length };
  }, [all.data]);
  const needle = q.trim().toLowerCase();
  const items = (list.data?.items ?? []).filter(
    (m) =>
      !needle ||
      m.code.toLowerCase().includes(needle) ||
      m.nameZh.includes(q.trim()) ||
      m.nameEn.toLowerCase().includes(needle),
  );
  return (
    <section aria-labelledby="measures-title">
      <AdminTabs current="admin/measures" />
      <div className="title-row">
        <h1 id="measures-title">{t('admin.measuresTitle')}</h1>
        {all.data && (
          <span className="muted" data-testid="measure-counts">
            {t('admin.measureCounts', {
              total: counts.total,
              published: counts.published,
              unpublished: counts.total - counts.published,
              version: all.data.catalogVersion,
            })}
          </span>
        )}
      </div>
      <div className="filters">
        <Field label={t('admin.published')}>
          {(p) => (
            <select
              {...p}
              name="published"
              value={published}
              onChange={(e) => setPublished(e.target.value as Published)}
            >
              <option value="">{t('common.all')}</option>
              <option value="true">{t('admin.publishedYes')}</option>
              <option value="false">{t('admin.publishedNo')}</option>
            </select>
          )}
        </Field>
        <Field label={t('admin.measureKind')}>
          {(p) => (
            <select {...p} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              <option value="">{t('common.all')}</option>
              <option value="punishment">{t('admin.kindPunishment')}</option>
              <option value="incentive">{t('admin.kindIncentive')}</option>
            </select>
          )}
        </Field>
        <Field label={t('admin.measureSearch')}>
          {(p) => <input {...p} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}
        </Field>
      </div>
      <ProblemAlert error={list.error} />
      {list.data && (
        <p className="muted" role="status">
          {t('admin.shown', { n: items.length })}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="measures-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.measureCode')}</th>
                <th scope="col">{t('admin.measureName')}</th>
                <th scope="col">{t('admin.measureKind')}</th>
                <th scope="col">{t('admin.binding')}</th>
                <th scope="col">{t('admin.effect')}</th>
                <th scope="col">{t('admin.listTypes')}</th>
                <th scope="col">{t('admin.implementer')}</th>
                <th scope="col">{t('admin.published')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.code} data-measure={m.code} data-published={String(m.published)}>
                  <td>
                    <code>{m.code}</code>
                  </td>
                  <td>
                    {lang === 'zh' ? m.nameZh : m.nameEn}
                    <div className="muted detail-cell">{m.basisZh}</div>
                  </td>
                  <td className="nowrap">
                    {t(m.kind === 'incentive' ? 'admin.kindIncentive' : 'admin.kindPunishment')}
                  </td>
                  <td className="nowrap">
                    {t(m.binding === 'mandatory' ? 'admin.bindingMandatory' : 'admin.bindingRecommended')}
                  </td>
                  <td className="nowrap">{t(`admin.effect.${m.effect}`)}</td>
                  <td className="detail-cell">{m.appliesToListTypes.join(', ')}</td>
                  <td className="detail-cell">{m.implementerZh}</td>
                  <td>
                    <span className={`badge ${m.published ? 'status-clean' : 'entry-suspended'}`}>
                      {t(m.published ? 'admin.publishedYes' : 'admin.publishedNo')}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
