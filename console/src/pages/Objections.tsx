import { type FormEvent, useState } from 'react';
import type { Objection } from '../api/types.ts';
import { useAuth } from '../auth/context.tsx';
import { DeadlineCell } from '../components/Deadline.tsx';
import { Field } from '../components/Field.tsx';
import { Pager } from '../components/Pager.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { QueueStatusFilter, QueueTable } from '../components/QueueTable.tsx';
import { useI18n } from '../i18n/context.tsx';
import { urgency } from '../lib/due-process.ts';
import { currentCursor, FIRST_PAGE, type PageState } from '../lib/paging.ts';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';

type StatusFilter = 'pending' | 'upheld' | 'rejected';

/** Objections to the department's entries, pending first, with the verification deadline. */
export function Objections() {
  const { t } = useI18n();
  const { api } = useAuth();
  const [status, setStatus] = useState<StatusFilter>('pending');
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState<PageState>(FIRST_PAGE);
  const list = useLoad(
    (signal) =>
      api.get('/v1/objections', {
        query: {
          status,
          ...(overdue ? { overdue: 'true' as const } : {}),
          limit: 50,
          cursor: currentCursor(page) ?? undefined,
        },
        signal,
      }),
    [api, status, overdue, page],
  );
  const items = list.data?.items ?? [];
  const late = items.filter((o) => urgency(o.deadline, o.status === 'pending') === 'overdue').length;
  return (
    <section aria-labelledby="objections-title">
      <h1 id="objections-title">{t('objections.title')}</h1>
      <div className="filters">
        <QueueStatusFilter
          statuses={['pending', 'upheld', 'rejected'] as const}
          value={status}
          labelOf={(s) => `objectionStatus.${s}`}
          onChange={(s) => {
            setStatus(s);
            setPage(FIRST_PAGE);
          }}
        />
        <div className="field checkbox">
          <label>
            <input
              type="checkbox"
              checked={overdue}
              onChange={(e) => {
                setOverdue(e.target.checked);
                setPage(FIRST_PAGE);
              }}
            />{' '}
            {t('objections.onlyOverdue')}
          </label>
        </div>
      </div>
      <ProblemAlert error={list.error} />
      <QueueTable
        columns={[
          'objections.entry',
          'objections.claim',
          'objections.submitter',
          'objections.acceptedOn',
          'objections.due',
          'queue.action',
        ]}
        count={items.length}
        loaded={list.data !== null}
        overdueNotice={late > 0 ? t('objections.overdueCount', { n: late }) : null}
      >
        {items.map((o) => (
          <ObjectionRow key={o.id} o={o} onDone={list.reload} />
        ))}
      </QueueTable>
      <Pager page={page} setPage={setPage} next={list.data?.nextCursor} />
    </section>
  );
}

function ObjectionRow({ o, onDone }: { o: Objection; onDone(): void }) {
  const { t } = useI18n();
  const pending = o.status === 'pending';
  const u = urgency(o.deadline, pending);
  return (
    <tr className={`row-${u}`} data-objection={o.id} data-urgency={u}>
      <td>
        <Link to={`entries/${encodeURIComponent(o.entryId)}`}>
          <code>{o.entryId}</code>
        </Link>
      </td>
      <td>{o.claim}</td>
      <td>
        {o.submitter ? o.submitter.name : t(`source.${o.source}`)}
        {o.channel && <span className="muted"> · {t(`channel.${o.channel}` as 'channel.other')}</span>}
      </td>
      <td>{o.acceptedOn}</td>
      <td>
        <DeadlineCell deadline={o.deadline} pending={pending} />
      </td>
      <td>{pending ? <ResolveForm id={o.id} onDone={onDone} /> : t(`objectionStatus.${o.status}`)}</td>
    </tr>
  );
}

function ResolveForm({ id, onDone }: { id: string; onDone(): void }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const [outcome, setOutcome] = useState<'upheld' | 'rejected'>('rejected');
  const [action, setAction] = useState<'revoke' | ''>('');
  const [why, setWhy] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post(
        '/v1/objections/{id}/resolve',
        { outcome, why, ...(outcome === 'upheld' && action ? { action } : {}) },
        { params: { id } },
      );
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('objections.resolve')}>
      <Field label={t('objections.outcome')}>
        {(p) => (
          <select
            {...p}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as 'upheld' | 'rejected')}
          >
            <option value="rejected">{t('objectionStatus.rejected')}</option>
            <option value="upheld">{t('objectionStatus.upheld')}</option>
          </select>
        )}
      </Field>
      {outcome === 'upheld' && (
        <Field label={t('objections.action')}>
          {(p) => (
            <select {...p} value={action} onChange={(e) => setAction(e.target.value as 'revoke' | '')}>
              <option value="">{t('objections.actionNone')}</option>
              <option value="revoke">{t('objections.actionRevoke')}</option>
            </select>
          )}
        </Field>
      )}
      <Field label={t('common.why')} required>
        {(p) => <input {...p} value={why} onChange={(e) => setWhy(e.target.value)} />}
      </Field>
      <ProblemAlert error={error} />
      <button type="submit">{t('objections.resolve')}</button>
    </form>
  );
}
