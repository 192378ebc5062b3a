import type { components } from '@credcheck/sdk/client';
import { type FormEvent, useState } from 'react';
import { useAuth } from '../../auth/context.tsx';
import { Field } from '../../components/Field.tsx';
import { Pager } from '../../components/Pager.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useI18n } from '../../i18n/context.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { parseEvidence, parseLines } from '../../lib/commitment-form.ts';
import { currentCursor, FIRST_PAGE, type PageState } from '../../lib/paging.ts';
import { chinaToday } from '../../lib/stats-series.ts';
import { useLoad } from '../../lib/use-load.ts';
import { Link } from '../../router.tsx';
import '../../components/charts/charts.css';

type Commitment = components['schemas']['Commitment'];
type CommitmentRequest = components['schemas']['CommitmentRequest'];
type StatusFilter = '' | 'active' | 'breached';

const CHANNELS = ['counter', 'website', 'app', 'letter', 'email', 'phone', 'wechat', 'other'] as const;
const MATTER_TYPES = ['tolerant-acceptance', 'notify-commit', 'other'] as const;

/**
 * Credit commitments (信用承诺): the department records a pledge a subject signed, lists them by
 * subject or for itself, and a designator marks a broken one breached (a black-list entry follows).
 */
export function Commitments() {
  const { t } = useI18n();
  const { api, me } = useAuth();
  const [draftCode, setDraftCode] = useState('');
  const [code, setCode] = useState('');
  const [department, setDepartment] = useState('');
  const [status, setStatus] = useState<StatusFilter>('');
  const [page, setPage] = useState<PageState>(FIRST_PAGE);
  const [showForm, setShowForm] = useState(false);
  const [saved, setSaved] = useState<{ id: string; warnings: string[] } | null>(null);
  const isAdmin = me?.role === 'admin';
  const list = useLoad(
    (signal) =>
      // An admin without a code or a department has no list of its own to show.
      isAdmin && !code && !department
        ? null
        : api.get('/v1/commitments', {
            query: {
              ...(code ? { code } : {}),
              ...(!code && isAdmin && department ? { department } : {}),
              ...(status ? { status } : {}),
              limit: 50,
              cursor: currentCursor(page) ?? undefined,
            },
            signal,
          }),
    [api, code, department, status, page, isAdmin],
  );
  const search = (e: FormEvent) => {
    e.preventDefault();
    setCode(draftCode.trim());
    setPage(FIRST_PAGE);
  };
  const items = list.data?.items ?? [];
  const canBreach = me?.role === 'designator' || isAdmin;
  return (
    <section aria-labelledby="commitments-title">
      <div className="title-row">
        <h1 id="commitments-title">{t('commitments.title')}</h1>
        <span className="spacer" />
        <button
          type="button"
          className="primary"
          aria-expanded={showForm}
          onClick={() => setShowForm((s) => !s)}
        >
          {t('commitments.record')}
        </button>
      </div>
      {showForm && (
        <CommitmentForm
          onSaved={(c, warnings) => {
            setShowForm(false);
            setSaved({ id: c.id, warnings });
            setDraftCode(c.code);
            setCode(c.code);
            setPage(FIRST_PAGE);
            list.reload();
          }}
        />
      )}
      {saved && (
        <div className="alert alert-ok" role="status" data-testid="commitment-saved">
          {t('commitments.saved', { id: saved.id })}
          {saved.warnings.length > 0 && (
            <ul>
              {saved.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <form className="filters" onSubmit={search} aria-label={t('commitments.search')}>
        <Field label={t('commitments.subjectCode')} hint={t('commitments.subjectCodeHint')}>
          {(p) => (
            <input
              {...p}
              name="subjectCode"
              value={draftCode}
              onChange={(e) => setDraftCode(e.target.value)}
            />
          )}
        </Field>
        {isAdmin && (
          <Field label={t('admin.department')}>
            {(p) => (
              <input
                {...p}
                value={department}
                onChange={(e) => {
                  setDepartment(e.target.value);
                  setPage(FIRST_PAGE);
                }}
              />
            )}
          </Field>
        )}
        <Field label={t('entry.status')}>
          {(p) => (
            <select
              {...p}
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as StatusFilter);
                setPage(FIRST_PAGE);
              }}
            >
              <option value="">{t('common.all')}</option>
              <option value="active">{t('commitments.status.active')}</option>
              <option value="breached">{t('commitments.status.breached')}</option>
            </select>
          )}
        </Field>
        <button type="submit">{t('commitments.searchButton')}</button>
      </form>
      {!code && (
        <p className="muted">
          {isAdmin && !department
            ? t('commitments.adminHint')
            : t('commitments.ownDepartment', { department: me?.department ?? '—' })}
        </p>
      )}
      <ProblemAlert error={list.error} />
      {list.data && items.length === 0 && <p>{t('commitments.none')}</p>}
      {items.length > 0 && (
        <ul className="entry-cards" data-testid="commitments">
          {items.map((c) => (
            <CommitmentCard key={c.id} c={c} canBreach={canBreach} onBreached={list.reload} />
          ))}
        </ul>
      )}
      <Pager page={page} setPage={setPage} next={list.data?.nextCursor} />
    </section>
  );
}

function CommitmentCard({
  c,
  canBreach,
  onBreached,
}: {
  c: Commitment;
  canBreach: boolean;
  onBreached(): void;
}) {
  const { t } = useI18n();
  const [breaching, setBreaching] = useState(false);
  const tone = c.status === 'breached' ? 'kind-black' : '';
  return (
    <li className={`entry-card ${tone}`} data-commitment={c.id} data-commitment-status={c.status}>
      <div className="entry-card-head">
        <strong>{c.name}</strong>
        <code>{c.code}</code>
        <span
          className={`badge ${c.status === 'breached' ? 'status-black' : c.status === 'expired' ? 'entry-expired' : 'entry-active'}`}
        >
          {t(`commitments.status.${c.status}`)}
        </span>
        <span className="muted">{t(`commitments.kind.${c.kind}`)}</span>
      </div>
      <div>
        <p>{c.text}</p>
        {c.matter && (
          <dl className="facts">
            <dt>{t('commitments.matter')}</dt>
            <dd>
              {c.matter.title} · {t(`commitments.matterType.${c.matter.type}`)}
              {c.matter.reference ? ` · ${c.matter.reference}` : ''}
            </dd>
            {c.matter.materials.length > 0 && (
              <>
                <dt>{t('commitments.materials')}</dt>
                <dd>{c.matter.materials.join('；')}</dd>
              </>
            )}
            {c.matter.dueOn && (
              <>
                <dt>{t('commitments.dueOn')}</dt>
                <dd>{c.matter.dueOn}</dd>
              </>
            )}
          </dl>
        )}
        {c.breach && (
          <p className="alert alert-error">
            {t('commitments.breachedOn', { date: c.breach.decidedOn, reason: c.breach.reason })}{' '}
            <Link to={`entries/${encodeURIComponent(c.breach.entryId)}`}>{c.breach.entryId}</Link>
          </p>
        )}
      </div>
      <div>
        <dl className="facts">
          <dt>{t('commitments.department')}</dt>
          <dd>{c.department}</dd>
          <dt>{t('commitments.madeOnLabel')}</dt>
          <dd>{c.madeOn}</dd>
          <dt>{t('commitments.validUntilLabel')}</dt>
          <dd>{c.validUntil ?? t('commitments.openEnded')}</dd>
          <dt>{t('commitments.channel')}</dt>
          <dd>{t(`channel.${c.channel}` as MessageKey)}</dd>
          {c.submitter && (
            <>
              <dt>{t('commitments.submitter')}</dt>
              <dd>
                {c.submitter.name}
                {c.submitter.contact ? ` · ${c.submitter.contact}` : ''}
              </dd>
            </>
          )}
          <dt>{t('commitments.id')}</dt>
          <dd>
            <code>{c.id}</code>
          </dd>
        </dl>
        {canBreach && c.status !== 'breached' && !breaching && (
          <button type="button" className="danger" onClick={() => setBreaching(true)}>
            {t('commitments.markBreached')}
          </button>
        )}
        {breaching && (
          <BreachForm
            id={c.id}
            onCancel={() => setBreaching(false)}
            onDone={() => {
              setBreaching(false);
              onBreached();
            }}
          />
        )}
      </div>
    </li>
  );
}

function BreachForm({ id, onCancel, onDone }: { id: string; onCancel(): void; onDone(): void }) {
  const { t } = useI18n();
  const { api } = useAuth();
  const [reason, setReason] = useState('');
  const [evidence, setEvidence] = useState('');
  const [decidedOn, setDecidedOn] = useState(chinaToday());
  const [basis, setBasis] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(
        '/v1/commitments/{id}/breach',
        {
          reason,
          evidence: parseEvidence(evidence),
          decidedOn,
          ...(basis.trim() ? { basis: basis.trim() } : {}),
        },
        { params: { id } },
      );
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="card" aria-label={t('commitments.markBreached')}>
      <p className="alert alert-warn">{t('commitments.breachWarning')}</p>
      <Field label={t('commitments.breachReason')} required>
        {(p) => (
          <textarea
            {...p}
            name="reason"
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('commitments.evidence')} hint={t('commitments.evidenceHint')} required>
        {(p) => (
          <textarea
            {...p}
            name="evidence"
            rows={2}
            value={evidence}
            onChange={(e) => setEvidence(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('commitments.decidedOn')} required>
        {(p) => (
          <input
            {...p}
            type="date"
            name="decidedOn"
            value={decidedOn}
            onChange={(e) => setDecidedOn(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('commitments.basis')} hint={t('commitments.basisHint')}>
        {(p) => <input {...p} name="basis" value={basis} onChange={(e) => setBasis(e.target.value)} />}
      </Field>
      <ProblemAlert error={error} />
      <div className="inline-form">
        <button type="submit" className="danger" disabled={busy}>
          {t('commitments.confirmBreach')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

function CommitmentForm({ onSaved }: { onSaved(c: Commitment, warnings: string[]): void }) {
  const { t, lang } = useI18n();
  const { api, me } = useAuth();
  const scenarios = useLoad((signal) => api.get('/v1/scenarios', { signal }), [api]);
  const [f, setF] = useState({
    code: '',
    name: '',
    kind: 'comprehensive' as CommitmentRequest['kind'],
    matterType: 'tolerant-acceptance' as (typeof MATTER_TYPES)[number],
    matterTitle: '',
    scenario: '',
    reference: '',
    materials: '',
    dueOn: '',
    text: '',
    madeOn: chinaToday(),
    validUntil: '',
    department: '',
    channel: 'counter' as CommitmentRequest['channel'],
    submitter: '',
    contact: '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF((s) => ({ ...s, [k]: e.target.value }));
  const specific = f.kind === 'specific';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: CommitmentRequest = {
        code: f.code.trim(),
        name: f.name.trim(),
        kind: f.kind,
        text: f.text,
        madeOn: f.madeOn,
        channel: f.channel,
        submitter: { name: f.submitter.trim(), ...(f.contact.trim() ? { contact: f.contact.trim() } : {}) },
        ...(f.validUntil ? { validUntil: f.validUntil } : {}),
        ...(me?.role !== 'designator' && f.department.trim() ? { department: f.department.trim() } : {}),
        ...(specific
          ? {
              matter: {
                type: f.matterType,
                title: f.matterTitle,
                materials: parseLines(f.materials),
                ...(f.scenario ? { scenario: f.scenario } : {}),
                ...(f.reference.trim() ? { reference: f.reference.trim() } : {}),
                ...(f.dueOn ? { dueOn: f.dueOn } : {}),
              },
            }
          : {}),
      };
      const r = await api.post('/v1/commitments', body);
      onSaved(r.commitment, r.warnings);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="grid-form" onSubmit={submit} aria-labelledby="commitment-form-title">
      <h2 id="commitment-form-title" className="form-actions">
        {t('commitments.record')}
      </h2>
      <Field label={t('commitments.code')} hint={t('commitments.codeHint')} required>
        {(p) => <input {...p} name="code" value={f.code} onChange={set('code')} />}
      </Field>
      <Field label={t('commitments.name')} required>
        {(p) => <input {...p} name="name" value={f.name} onChange={set('name')} />}
      </Field>
      <Field label={t('commitments.kindLabel')} required>
        {(p) => (
          <select {...p} name="kind" value={f.kind} onChange={set('kind')}>
            <option value="comprehensive">{t('commitments.kind.comprehensive')}</option>
            <option value="specific">{t('commitments.kind.specific')}</option>
          </select>
        )}
      </Field>
      {specific && (
        <>
          <Field label={t('commitments.matterTypeLabel')} required>
            {(p) => (
              <select {...p} name="matterType" value={f.matterType} onChange={set('matterType')}>
                {MATTER_TYPES.map((m) => (
                  <option key={m} value={m}>
                    {t(`commitments.matterType.${m}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('commitments.matter')} required>
            {(p) => <input {...p} name="matterTitle" value={f.matterTitle} onChange={set('matterTitle')} />}
          </Field>
          <Field label={t('commitments.scenario')}>
            {(p) => (
              <select {...p} name="scenario" value={f.scenario} onChange={set('scenario')}>
                <option value="">—</option>
                {(scenarios.data?.items ?? []).map((s) => (
                  <option key={s.code} value={s.code}>
                    {lang === 'zh' ? s.nameZh : s.nameEn}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('commitments.reference')}>
            {(p) => <input {...p} name="reference" value={f.reference} onChange={set('reference')} />}
          </Field>
          <Field label={t('commitments.materials')} hint={t('commitments.materialsHint')}>
            {(p) => (
              <textarea {...p} name="materials" rows={2} value={f.materials} onChange={set('materials')} />
            )}
          </Field>
          <Field label={t('commitments.dueOn')}>
            {(p) => <input {...p} type="date" name="dueOn" value={f.dueOn} onChange={set('dueOn')} />}
          </Field>
        </>
      )}
      <div className="form-actions">
        <Field label={t('commitments.text')} required>
          {(p) => <textarea {...p} name="text" rows={3} value={f.text} onChange={set('text')} />}
        </Field>
      </div>
      <Field label={t('commitments.madeOnLabel')} required>
        {(p) => <input {...p} type="date" name="madeOn" value={f.madeOn} onChange={set('madeOn')} />}
      </Field>
      <Field label={t('commitments.validUntilLabel')} hint={t('commitments.validUntilHint')}>
        {(p) => (
          <input {...p} type="date" name="validUntil" value={f.validUntil} onChange={set('validUntil')} />
        )}
      </Field>
      {me?.role === 'designator' ? (
        <p className="muted">{t('commitments.forDepartment', { department: me.department ?? '—' })}</p>
      ) : (
        <Field
          label={t('commitments.department')}
          hint={t(me?.role === 'admin' ? 'commitments.departmentAdmin' : 'commitments.departmentImplementer')}
          required={me?.role === 'admin'}
        >
          {(p) => <input {...p} name="department" value={f.department} onChange={set('department')} />}
        </Field>
      )}
      <Field label={t('commitments.channel')} required>
        {(p) => (
          <select {...p} name="channel" value={f.channel} onChange={set('channel')}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('commitments.submitter')} required>
        {(p) => <input {...p} name="submitter" value={f.submitter} onChange={set('submitter')} />}
      </Field>
      <Field label={t('commitments.contact')}>
        {(p) => <input {...p} name="contact" value={f.contact} onChange={set('contact')} />}
      </Field>
      <div className="form-actions">
        <ProblemAlert error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('commitments.save')}
        </button>
      </div>
    </form>
  );
}
