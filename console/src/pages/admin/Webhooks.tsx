import { useState } from 'react';
import { useAuth } from '../../auth/context.tsx';
import { Field } from '../../components/Field.tsx';
import { Pager } from '../../components/Pager.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useI18n } from '../../i18n/context.tsx';
import { currentCursor, FIRST_PAGE, type PageState } from '../../lib/paging.ts';
import { useLoad } from '../../lib/use-load.ts';
import { Link } from '../../router.tsx';
import { AdminTabs } from './AdminTabs.tsx';

/**
 * Webhook subscriptions. The API shows a key only the subscriptions made with it (another key's
 * do not exist for it, whatever its role), so this lists the signed-in key's own; the page says so.
 */
export function Webhooks() {
  const { t } = useI18n();
  const { api } = useAuth();
  const [page, setPage] = useState<PageState>(FIRST_PAGE);
  const list = useLoad(
    (signal) =>
      api.get('/v1/webhooks', { query: { limit: 50, cursor: currentCursor(page) ?? undefined }, signal }),
    [api, page],
  );
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="webhooks-title">
      <AdminTabs current="admin/webhooks" />
      <h1 id="webhooks-title">{t('admin.webhooksTitle')}</h1>
      <p className="alert alert-info">{t('admin.webhooksScope')}</p>
      <ProblemAlert error={list.error} />
      {list.data && items.length === 0 && <p>{t('admin.noWebhooks')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="webhooks-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.webhookId')}</th>
                <th scope="col">{t('admin.webhookUrl')}</th>
                <th scope="col">{t('admin.webhookFilter')}</th>
                <th scope="col">{t('admin.keyState')}</th>
                <th scope="col">{t('admin.createdAt')}</th>
                <th scope="col">{t('admin.deliveries')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr key={w.id} data-webhook={w.id}>
                  <td>
                    <code>{w.id}</code>
                    {w.description && <div className="muted">{w.description}</div>}
                  </td>
                  <td className="detail-cell">
                    <code>{w.url}</code>
                  </td>
                  <td className="detail-cell">
                    {w.listTypes ? w.listTypes.join(', ') : t('admin.anyListType')}
                    {' · '}
                    {w.watchListSize === null
                      ? t('admin.everySubject')
                      : t('admin.watchList', { n: w.watchListSize })}
                  </td>
                  <td>
                    <span className={`badge ${w.status === 'active' ? 'entry-active' : 'entry-suspended'}`}>
                      {t(w.status === 'active' ? 'admin.webhookActive' : 'admin.webhookPaused')}
                    </span>
                  </td>
                  <td className="nowrap">{w.createdAt.slice(0, 10)}</td>
                  <td>
                    <Link to={`admin/webhooks/${encodeURIComponent(w.id)}`}>{t('admin.deliveryLog')}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} setPage={setPage} next={list.data?.nextCursor} />
    </section>
  );
}

type DeliveryStatus = '' | 'pending' | 'delivered' | 'dead';

/** One subscription's delivery log: each delivery with every attempt, newest first. */
export function WebhookDeliveries({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const id = params.id ?? '';
  const [status, setStatus] = useState<DeliveryStatus>('');
  const [page, setPage] = useState<PageState>(FIRST_PAGE);
  const sub = useLoad((signal) => api.get('/v1/webhooks/{id}', { params: { id }, signal }), [api, id]);
  const list = useLoad(
    (signal) =>
      api.get('/v1/webhooks/{id}/deliveries', {
        params: { id },
        query: { limit: 50, ...(status ? { status } : {}), cursor: currentCursor(page) ?? undefined },
        signal,
      }),
    [api, id, status, page],
  );
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="deliveries-title">
      <AdminTabs current="admin/webhooks" />
      <div className="title-row">
        <h1 id="deliveries-title">{t('admin.deliveryLog')}</h1>
        <code>{id}</code>
        <span className="spacer" />
        <Link to="admin/webhooks">{t('admin.backToWebhooks')}</Link>
      </div>
      {sub.data && (
        <p className="muted">
          <code>{sub.data.url}</code>
        </p>
      )}
      <ProblemAlert error={sub.error ?? list.error} />
      <div className="filters">
        <Field label={t('admin.deliveryStatus')}>
          {(p) => (
            <select
              {...p}
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as DeliveryStatus);
                setPage(FIRST_PAGE);
              }}
            >
              <option value="">{t('common.all')}</option>
              {(['pending', 'delivered', 'dead'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`admin.delivery.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {list.data && items.length === 0 && <p>{t('admin.noDeliveries')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="deliveries-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.deliveryId')}</th>
                <th scope="col">{t('admin.change')}</th>
                <th scope="col">{t('admin.deliveryStatus')}</th>
                <th scope="col">{t('admin.attempts')}</th>
                <th scope="col">{t('admin.createdAt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-delivery={d.id} data-delivery-status={d.status}>
                  <td>
                    <code>{d.id}</code>
                  </td>
                  <td>
                    {d.type} <span className="muted">#{d.seq}</span>
                  </td>
                  <td>
                    <span
                      className={`badge ${d.status === 'delivered' ? 'status-clean' : d.status === 'dead' ? 'overdue' : 'entry-suspended'}`}
                    >
                      {t(`admin.delivery.${d.status}`)}
                    </span>
                    {d.nextAttemptAt && (
                      <div className="muted">
                        {t('admin.nextAttempt', { at: d.nextAttemptAt.slice(0, 19) })}
                      </div>
                    )}
                  </td>
                  <td>
                    {d.log.length === 0 ? (
                      '—'
                    ) : (
                      <ol className="attempts">
                        {d.log.map((a) => (
                          <li key={a.attempt}>
                            {a.at.slice(0, 19).replace('T', ' ')} ·{' '}
                            {a.statusCode === null ? t('admin.noAnswer') : `HTTP ${a.statusCode}`} ·{' '}
                            {a.latencyMs} ms
                            {a.error && <span className="muted"> · {a.error}</span>}
                          </li>
                        ))}
                      </ol>
                    )}
                  </td>
                  <td className="nowrap">{d.createdAt.slice(0, 19).replace('T', ' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} setPage={setPage} next={list.data?.nextCursor} />
    </section>
  );
}
