import { type FormEvent, useState } from 'react';
import type { EntryDetail } from '../api/types.ts';
import { useAuth } from '../auth/context.tsx';
import { DeadlineCell } from '../components/Deadline.tsx';
import { Field } from '../components/Field.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { EntryStatusBadge, KindBadge } from '../components/Status.tsx';
import { useI18n } from '../i18n/context.tsx';
import { useLoad } from '../lib/use-load.ts';
import { Link } from '../router.tsx';

const HISTORY = {
  'entry.created': 'history.created',
  'entry.updated': 'history.updated',
  'entry.status': 'history.status',
  'entry.expired': 'history.expired',
} as const;

/** One entry: its facts, status and history, and the designator's actions on it. */
export function EntryView({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const id = params.id ?? '';
  const [fresh, setFresh] = useState<EntryDetail | null>(null);
  const r = useLoad((signal) => api.get('/v1/entries/{id}', { params: { id }, signal }), [api, id]);
  const d = fresh?.entry.id === id ? fresh : r.data;
  if (r.error) return <ProblemAlert error={r.error} />;
  if (!d) return <p>{t('common.loading')}</p>;
  const historyLabel = (type: string) => (type in HISTORY ? t(HISTORY[type as keyof typeof HISTORY]) : type);
  const e = d.entry;
  const open = e.storedStatus === 'active' || e.storedStatus === 'suspended';
  return (
    <section aria-labelledby="entry-title" data-entry-view={e.id}>
      <p>
        <Link to="entries">← {t('nav.entries')}</Link>
      </p>
      <div className="title-row">
        <h1 id="entry-title">{d.subject.name}</h1>
        <KindBadge kind={e.kind} />
        <EntryStatusBadge status={e.status} />
        {e.inForce ? (
          <span className="badge in-force">{t('entry.inForce')}</span>
        ) : (
          <span className="badge not-in-force">{t('entry.notInForce')}</span>
        )}
      </div>
      {d.warnings.map((w) => (
        <p className="alert alert-warn" key={w}>
          {w}
        </p>
      ))}
      {e.status === 'suspended' && (
        <p className="alert alert-info" role="status">
          {t('entry.suspendedNote')}
        </p>
      )}
      <dl className="facts two-col">
        <dt>{t('subject.code')}</dt>
        <dd>
          <code>{d.subject.code ?? d.subject.idMasked ?? '—'}</code>
        </dd>
        <dt>{t('entry.id')}</dt>
        <dd>
          <code>{e.id}</code>
        </dd>
        <dt>{t('entry.listType')}</dt>
        <dd>{e.listTypeName}</dd>
        <dt>{t('entry.department')}</dt>
        <dd>{e.department}</dd>
        <dt>{t('entry.designator')}</dt>
        <dd>{e.designator}</dd>
        <dt>{t('entry.basis')}</dt>
        <dd>{e.basis}</dd>
        <dt>{t('entry.reason')}</dt>
        <dd>{e.reason}</dd>
        <dt>{t('entry.decidedOn')}</dt>
        <dd>{e.decidedOn}</dd>
        <dt>{t('entry.publishedOn')}</dt>
        <dd>
          {e.publishedOn ?? '—'}
          {d.publication?.late && <span className="badge overdue"> {t('entry.publishedLate')}</span>}
        </dd>
        <dt>{t('entry.validUntil')}</dt>
        <dd>{e.validUntil ?? t('entry.openEnded')}</dd>
        <dt>{t('entry.repairRule')}</dt>
        <dd>{d.repairRule.note}</dd>
      </dl>
      {d.objections.length > 0 && (
        <>
          <h2>{t('objections.title')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('objections.claim')}</th>
                <th scope="col">{t('objections.acceptedOn')}</th>
                <th scope="col">{t('objections.due')}</th>
                <th scope="col">{t('entry.status')}</th>
              </tr>
            </thead>
            <tbody>
              {d.objections.map((o) => (
                <tr key={o.id} data-objection={o.id}>
                  <td>{o.claim}</td>
                  <td>{o.acceptedOn}</td>
                  <td>
                    <DeadlineCell deadline={o.deadline} pending={o.status === 'pending'} />
                  </td>
                  <td>{t(`objectionStatus.${o.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {open && (
        <div className="actions-grid">
          <CorrectForm id={e.id} onDone={setFresh} />
          <RevokeForm id={e.id} onDone={setFresh} />
          {e.storedStatus === 'active' && <ObjectionForm id={e.id} onDone={() => r.reload()} />}
        </div>
      )}
      <h2>{t('entry.history')}</h2>
      <ol className="history">
        {d.history.map((h) => (
          <li key={h.seq}>
            <time dateTime={h.at}>{h.at.replace('T', ' ').slice(0, 19)}</time> · {historyLabel(h.type)}
            {h.status && <> · {t(`entryStatus.${h.status}`)}</>} · <span className="muted">{h.actor}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function CorrectForm({ id, onDone }: { id: string; onDone(d: EntryDetail): void }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const [f, setF] = useState({ reason: '', decidedOn: '', publishedOn: '', validUntil: '', why: '' });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF((x) => ({ ...x, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    try {
      const body = {
        why: f.why,
        ...(f.reason ? { reason: f.reason } : {}),
        ...(f.decidedOn ? { decidedOn: f.decidedOn } : {}),
        ...(f.publishedOn ? { publishedOn: f.publishedOn } : {}),
        ...(f.validUntil ? { validUntil: f.validUntil } : {}),
      };
      onDone(await api.patch('/v1/entries/{id}', body, { params: { id } }));
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="correct-title" className="card">
      <h2 id="correct-title">{t('correct.title')}</h2>
      <Field label={t('entry.reason')}>
        {(p) => <input {...p} value={f.reason} onChange={set('reason')} />}
      </Field>
      <Field label={t('entry.decidedOn')}>
        {(p) => <input {...p} type="date" value={f.decidedOn} onChange={set('decidedOn')} />}
      </Field>
      <Field label={t('entry.publishedOn')}>
        {(p) => <input {...p} type="date" value={f.publishedOn} onChange={set('publishedOn')} />}
      </Field>
      <Field label={t('entry.validUntil')}>
        {(p) => <input {...p} type="date" value={f.validUntil} onChange={set('validUntil')} />}
      </Field>
      <Field label={t('common.why')} hint={t('common.whyHint')} required>
        {(p) => <input {...p} name="why" value={f.why} onChange={set('why')} />}
      </Field>
      <ProblemAlert error={error} />
      {done && <p role="status">{t('common.saved')}</p>}
      <button type="submit">{t('correct.submit')}</button>
    </form>
  );
}

function RevokeForm({ id, onDone }: { id: string; onDone(d: EntryDetail): void }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const [why, setWhy] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!window.confirm(t('revoke.confirm'))) return;
    try {
      onDone(await api.post('/v1/entries/{id}/revoke', { why }, { params: { id } }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="revoke-title" className="card">
      <h2 id="revoke-title">{t('revoke.title')}</h2>
      <Field label={t('common.why')} hint={t('common.whyHint')} required>
        {(p) => <input {...p} name="why" value={why} onChange={(e) => setWhy(e.target.value)} />}
      </Field>
      <ProblemAlert error={error} />
      <button type="submit" className="danger">
        {t('revoke.submit')}
      </button>
    </form>
  );
}

const CHANNELS = ['counter', 'phone', 'email', 'letter', 'website', 'app', 'wechat', 'other'] as const;

/** An objection that reached the department by counter, phone or letter, recorded for the subject. */
function ObjectionForm({ id, onDone }: { id: string; onDone(): void }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const [f, setF] = useState({ claim: '', channel: 'counter', name: '', contact: '' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF((x) => ({ ...x, [k]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/v1/objections', {
        entryId: id,
        claim: f.claim,
        channel: f.channel as (typeof CHANNELS)[number],
        submitter: { name: f.name, ...(f.contact ? { contact: f.contact } : {}) },
      });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="objection-title" className="card">
      <h2 id="objection-title">{t('objectionNew.title')}</h2>
      <Field label={t('objections.claim')} required>
        {(p) => <textarea {...p} name="claim" rows={2} value={f.claim} onChange={set('claim')} />}
      </Field>
      <Field label={t('objectionNew.channel')}>
        {(p) => (
          <select {...p} value={f.channel} onChange={set('channel')}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('objectionNew.submitter')} required>
        {(p) => <input {...p} name="submitter" value={f.name} onChange={set('name')} />}
      </Field>
      <Field label={t('objectionNew.contact')}>
        {(p) => <input {...p} value={f.contact} onChange={set('contact')} />}
      </Field>
      <ProblemAlert error={error} />
      <button type="submit">{t('objectionNew.submit')}</button>
    </form>
  );
}
