import { type FormEvent, useState } from 'react';
import type { RepairRecord } from '../api/types.ts';
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

type StatusFilter = 'pending' | 'approved' | 'rejected';

/** Credit repair requests (信用修复) for the department's entries, oldest first. */
export function Repairs() {
  const { t } = useI18n();
  const { api } = useAuth();
  const [status, setStatus] = useState<StatusFilter>('pending');
  const [page, setPage] = useState<PageState>(FIRST_PAGE);
  const list = useLoad(
    (signal) =>
      api.get('/v1/repairs', {
        query: { status, limit: 50, cursor: currentCursor(page) ?? undefined },
        signal,
      }),
    [api, status, page],
  );
  const items = list.data?.items ?? [];
  const late = items.filter((r) => urgency(r.deadline, r.status === 'pending') === 'overdue').length;
  return (
    <section aria-labelledby="repairs-title">
      <h1 id="repairs-title">{t('repairs.title')}</h1>
      <div className="filters">
        <QueueStatusFilter
          statuses={['pending', 'approved', 'rejected'] as const}
          value={status}
          labelOf={(s) => `repairStatus.${s}`}
          onChange={(s) => {
            setStatus(s);
            setPage(FIRST_PAGE);
          }}
        />
      </div>
      <ProblemAlert error={list.error} />
      <QueueTable
        columns={[
          'objections.entry',
          'repairs.applicant',
          'repairs.statement',
          'repairs.evidence',
          'repairs.filedOn',
          'repairs.due',
          'queue.action',
        ]}
        count={items.length}
        loaded={list.data !== null}
        overdueNotice={late > 0 ? t('repairs.overdueCount', { n: late }) : null}
      >
        {items.map((r) => (
          <RepairRow key={r.id} r={r} onDone={list.reload} />
        ))}
      </QueueTable>
      <Pager page={page} setPage={setPage} next={list.data?.nextCursor} />
    </section>
  );
}

function RepairRow({ r, onDone }: { r: RepairRecord; onDone(): void }) {
  const { t } = useI18n();
  return (
    <tr data-repair={r.id}>
      <td>
        <Link to={`entries/${encodeURIComponent(r.entryId)}`}>
          <code>{r.entryId}</code>
        </Link>
      </td>
      <td>{r.applicant.name}</td>
      <td>{r.statement}</td>
      <td>
        <ul className="plain">
          {r.evidence.map((e) => (
            <li key={`${e.title}-${e.reference ?? ''}`}>
              {e.title}
              {e.reference && <span className="muted"> ({e.reference})</span>}
            </li>
          ))}
        </ul>
      </td>
      <td>
        {r.filedOn}
        {r.correctedOn && <div className="muted">{t('repairs.correctedOn', { date: r.correctedOn })}</div>}
      </td>
      <td>
        <DeadlineCell deadline={r.deadline} pending={r.status === 'pending'} />
      </td>
      <td>
        {r.status === 'pending' ? <DecideForm id={r.id} onDone={onDone} /> : t(`repairStatus.${r.status}`)}
      </td>
    </tr>
  );
}

function DecideForm({ id, onDone }: { id: string; onDone(): void }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const [outcome, setOutcome] = useState<'approved' | 'rejected'>('approved');
  const [why, setWhy] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/v1/repairs/{id}/decide', { outcome, why }, { params: { id } });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('repairs.decide')}>
      <Field label={t('objections.outcome')}>
        {(p) => (
          <select
            {...p}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as 'approved' | 'rejected')}
          >
            <option value="approved">{t('repairStatus.approved')}</option>
            <option value="rejected">{t('repairStatus.rejected')}</option>
          </select>
        )}
      </Field>
      <Field label={t('common.why')} required>
        {(p) => <input {...p} value={why} onChange={(e) => setWhy(e.target.value)} />}
      </Field>
      <ProblemAlert error={error} />
      <button type="submit">{t('repairs.decide')}</button>
    </form>
  );
}
