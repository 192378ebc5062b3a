import { useRef, useState } from 'react';
import { useAuth } from '../../auth/context.tsx';
import { Pager } from '../../components/Pager.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useI18n } from '../../i18n/context.tsx';
import { type AuditPage, type AuditVerification, compactDetail } from '../../lib/admin-types.ts';
import { currentCursor, FIRST_PAGE, type PageState } from '../../lib/paging.ts';
import { useLoad } from '../../lib/use-load.ts';
import { AdminTabs } from './AdminTabs.tsx';

const PAGE_SIZE = 50;

/** The audit log, newest first, paged back by seq; and the chain verification on demand. */
export function Audit() {
  const { t } = useI18n();
  const { api } = useAuth();
  const [page, setPage] = useState<PageState>(FIRST_PAGE);
  const list = useLoad(
    (signal) =>
      api.request<AuditPage>('GET', '/v1/audit', {
        query: { limit: PAGE_SIZE, before: currentCursor(page) ?? undefined },
        signal,
      }),
    [api, page],
  );
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="audit-title">
      <AdminTabs current="admin/audit" />
      <div className="title-row">
        <h1 id="audit-title">{t('admin.auditTitle')}</h1>
        {list.data && (
          <span className="muted">
            {t('admin.auditHead', { seq: list.data.head.seq, hash: list.data.head.hash.slice(0, 16) })}
          </span>
        )}
      </div>
      <VerifyChain />
      <ProblemAlert error={list.error} />
      {list.data && items.length === 0 && <p>{t('admin.auditEmpty')}</p>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.seq')}</th>
                <th scope="col">{t('admin.at')}</th>
                <th scope="col">{t('admin.actor')}</th>
                <th scope="col">{t('admin.action')}</th>
                <th scope="col">{t('admin.target')}</th>
                <th scope="col">{t('admin.detail')}</th>
                <th scope="col">{t('admin.hash')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.seq} data-audit-seq={r.seq}>
                  <td>{r.seq}</td>
                  <td className="nowrap">{r.at.slice(0, 19).replace('T', ' ')}</td>
                  <td>
                    <code>{r.actor}</code>
                  </td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td className="detail-cell">
                    <code>{r.target}</code>
                  </td>
                  <td className="detail-cell">
                    <code title={r.detail}>{compactDetail(r.detail)}</code>
                  </td>
                  <td>
                    <code title={r.hash}>{r.hash.slice(0, 10)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        page={page}
        setPage={setPage}
        next={list.data?.nextBefore ? String(list.data.nextBefore) : null}
        showNumber
        prevLabel="admin.newer"
        nextLabel="admin.older"
      />
    </section>
  );
}

function VerifyChain() {
  const { t } = useI18n();
  const { api } = useAuth();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const verify = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.request<AuditVerification>('POST', '/v1/audit/verify', {}, {}));
      requestAnimationFrame(() => resultRef.current?.focus());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card">
      <div className="title-row">
        <button type="button" className="primary" onClick={verify} disabled={busy} aria-busy={busy}>
          {busy ? t('admin.verifying') : t('admin.verifyChain')}
        </button>
        <span className="muted">{t('admin.verifyHint')}</span>
      </div>
      <ProblemAlert error={error} />
      <div aria-live="polite">
        {result && (
          <div
            ref={resultRef}
            tabIndex={-1}
            className={`alert ${result.ok ? 'alert-ok' : 'alert-error'}`}
            data-testid="verify-result"
            data-verified={result.ok ? 'ok' : 'broken'}
          >
            <strong>
              {result.ok
                ? t('admin.chainOk', { n: result.checked })
                : t('admin.chainBroken', {
                    kind: t(`admin.break.${result.broken!.kind}`),
                    seq: result.broken!.seq,
                  })}
            </strong>
            <p>
              {t('admin.verifyFacts', {
                n: result.checked,
                ms: result.ms,
                seq: result.head.seq,
                hash: result.head.hash.slice(0, 16),
              })}
            </p>
            {result.ok && <p className="muted">{t('admin.anchorHint', { hash: result.head.hash })}</p>}
          </div>
        )}
      </div>
    </div>
  );
}
