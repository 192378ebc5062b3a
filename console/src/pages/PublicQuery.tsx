import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../api/client.ts';
import type { LookupEntry, SearchResponse, SubjectLookup } from '../api/types.ts';
import { useAuth } from '../auth/context.tsx';
import { Field } from '../components/Field.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { EntryStatusBadge, KindBadge, SubjectStatusBadge } from '../components/Status.tsx';
import { useI18n } from '../i18n/context.tsx';
import { objectionWorkingDays } from '../lib/due-process.ts';
import { queryKind } from '../lib/lookup-kind.ts';
import { useLoad } from '../lib/use-load.ts';
import { useRouter } from '../router.tsx';

/** The citizen's and the company's own check: by code or name, no key needed. */
export function PublicQuery() {
  const { t } = useI18n();
  const { navigate, search } = useRouter();
  const q = search.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  // A hit's code, the back button or a shared link change the query: the box follows.
  useEffect(() => setDraft(q), [q]);
  const kind = queryKind(q);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(draft.trim() ? `?q=${encodeURIComponent(draft.trim())}` : '');
  };

  return (
    <section aria-labelledby="public-title">
      <h1 id="public-title">{t('public.title')}</h1>
      <p className="lead">{t('public.lead')}</p>
      <search>
        <form className="search-form" onSubmit={submit}>
          <Field label={t('public.queryLabel')} hint={t('public.queryHint')}>
            {(p) => (
              <input
                {...p}
                name="q"
                type="search"
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                autoComplete="off"
                maxLength={100}
              />
            )}
          </Field>
          <button type="submit" className="primary">
            {t('public.search')}
          </button>
        </form>
      </search>
      {kind.kind === 'code' && <CodeResult code={kind.value} />}
      {kind.kind === 'name' && <NameResult name={kind.value} />}
    </section>
  );
}

function CodeResult({ code }: { code: string }) {
  const { api } = useAuth();
  const { t } = useI18n();
  const r = useLoad((signal) => api.get('/v1/subjects/{code}', { params: { code }, signal }), [api, code]);
  if (r.loading) return <p aria-live="polite">{t('common.loading')}</p>;
  if (r.error instanceof ApiError && r.error.status === 404) {
    return (
      <div className="result" aria-live="polite">
        <p>
          <span className="badge status-clean" data-status="clean">
            {t('subjectStatus.clean')}
          </span>{' '}
          {t('public.notListed', { code })}
        </p>
      </div>
    );
  }
  if (r.error) return <ProblemAlert error={r.error} />;
  if (!r.data) return null;
  return <SubjectCard lookup={r.data} />;
}

export function SubjectCard({ lookup }: { lookup: SubjectLookup }) {
  const { t } = useI18n();
  const s = lookup.subject;
  return (
    <article className="result" aria-live="polite" data-testid="subject-card">
      <header className="result-head">
        <h2>{s.name}</h2>
        <SubjectStatusBadge status={lookup.status} />
      </header>
      <dl className="facts">
        <dt>{s.type === 'org' ? t('subject.code') : t('subject.idNumber')}</dt>
        <dd>
          <code>{s.code ?? s.idMasked ?? '—'}</code>
        </dd>
        {s.legalRep && (
          <>
            <dt>{t('subject.legalRep')}</dt>
            <dd>{s.legalRep}</dd>
          </>
        )}
        <dt>{t('public.asOf')}</dt>
        <dd>
          {lookup.asOf} · {t('public.dataVersion', { v: lookup.dataVersion })}
        </dd>
      </dl>
      {lookup.warnings.map((w) => (
        <p className="alert alert-warn" key={w}>
          {w}
        </p>
      ))}
      {lookup.entries.length > 0 && (
        <ul className="entry-cards">
          {lookup.entries.map((e) => (
            <EntryCard entry={e} key={e.id} />
          ))}
        </ul>
      )}
      {s.code && <CommitmentList code={s.code} />}
    </article>
  );
}

function EntryCard({ entry }: { entry: LookupEntry }) {
  const { t, lang } = useI18n();
  return (
    <li className={`entry-card kind-${entry.kind}`} data-entry={entry.id}>
      <div className="entry-card-head">
        <KindBadge kind={entry.kind} />
        <strong>{lang === 'zh' ? entry.listTypeName : entry.listTypeNameEn}</strong>
        <EntryStatusBadge status={entry.status} />
      </div>
      <dl className="facts">
        <dt>{t('entry.designator')}</dt>
        <dd>{entry.designator}</dd>
        <dt>{t('entry.basis')}</dt>
        <dd>{entry.basis}</dd>
        <dt>{t('entry.reason')}</dt>
        <dd>{entry.reason}</dd>
        <dt>{t('entry.decidedOn')}</dt>
        <dd>{entry.decidedOn}</dd>
        <dt>{t('entry.publishedOn')}</dt>
        <dd>{entry.publishedOn ?? '—'}</dd>
        <dt>{t('entry.validUntil')}</dt>
        <dd>{entry.validUntil ?? t('entry.openEnded')}</dd>
      </dl>
      {entry.kind === 'black' && <ObjectionProcedure entry={entry} />}
    </li>
  );
}

/** How to object (异议), next to every black entry: where, how, and the working-day deadline. */
export function ObjectionProcedure({
  entry,
}: {
  entry: Pick<LookupEntry, 'designator' | 'listType' | 'status'>;
}) {
  const { t } = useI18n();
  const days = objectionWorkingDays(entry.listType);
  return (
    <aside className="procedure" aria-label={t('procedure.title')}>
      <h3>{t('procedure.title')}</h3>
      <ol>
        <li>{t('procedure.where', { designator: entry.designator })}</li>
        <li>{t('procedure.what')}</li>
        <li>{t('procedure.deadline', { days })}</li>
        <li>{t('procedure.suspend')}</li>
      </ol>
      {entry.status === 'suspended' && <p className="alert alert-info">{t('procedure.underVerification')}</p>}
    </aside>
  );
}

/** The subject's public credit commitments (信用承诺), under its entries; hidden when there are none. */
function CommitmentList({ code }: { code: string }) {
  const { api } = useAuth();
  const { t } = useI18n();
  const r = useLoad((signal) => api.get('/v1/commitments', { query: { code }, signal }), [api, code]);
  // A failure here must not hide the entries above: the section is simply left out.
  const items = r.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="commitments" aria-labelledby="commitments-title">
      <h3 id="commitments-title">{t('commitments.title')}</h3>
      <ul className="plain commitment-list">
        {items.map((c) => (
          <li key={c.id} data-commitment={c.id} data-commitment-status={c.status}>
            <div>
              <strong>
                {t(c.kind === 'comprehensive' ? 'commitments.comprehensive' : 'commitments.specific')}
              </strong>
              {c.matter && <> · {c.matter.title}</>}{' '}
              <span className={`badge commitment-${c.status}`}>{t(`commitments.status.${c.status}`)}</span>
            </div>
            <p>{c.text}</p>
            <small className="muted">
              {t('commitments.madeOn', { date: c.madeOn, department: c.department })}
              {c.validUntil && <> · {t('commitments.validUntil', { date: c.validUntil })}</>}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}

function NameResult({ name }: { name: string }) {
  const { api } = useAuth();
  const { t } = useI18n();
  const r = useLoad((signal) => api.get('/v1/search', { query: { name }, signal }), [api, name]);
  if (r.loading) return <p aria-live="polite">{t('common.loading')}</p>;
  if (r.error) return <ProblemAlert error={r.error} />;
  if (!r.data) return null;
  return <Hits result={r.data} />;
}

function Hits({ result }: { result: SearchResponse }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  if (result.hits.length === 0) {
    return (
      <p className="result" aria-live="polite">
        {t('public.noHits', { q: result.query })}
      </p>
    );
  }
  return (
    <div className="result" aria-live="polite">
      <p className="alert alert-warn" role="note">
        {t('public.possibleMatch')}
      </p>
      <table>
        <caption>{t('public.hitsCaption', { n: result.hits.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('subject.name')}</th>
            <th scope="col">{t('subject.code')}</th>
            <th scope="col">{t('public.status')}</th>
            <th scope="col">{t('public.match')}</th>
          </tr>
        </thead>
        <tbody>
          {result.hits.map((h) => (
            <tr key={h.subjectId} data-hit={h.subjectId}>
              <td>{h.name}</td>
              <td>
                {h.code ? (
                  <button
                    type="button"
                    className="linklike"
                    onClick={() => navigate(`?q=${encodeURIComponent(h.code!)}`)}
                  >
                    {h.code}
                  </button>
                ) : (
                  '—'
                )}
              </td>
              <td>
                <span
                  className={`badge status-${h.status} possible`}
                  data-status={h.status}
                  data-match="name"
                >
                  {t('public.possiblePrefix')} {t(`subjectStatus.${h.status}`)}
                </span>
              </td>
              <td>{t(`match.${h.match}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
