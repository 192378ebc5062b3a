import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.ts';
import type { DesignationRequest } from '../api/types.ts';
import { useAuth } from '../auth/context.tsx';
import { Field } from '../components/Field.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useI18n } from '../i18n/context.tsx';
import { fieldErrors } from '../lib/problem.ts';
import { useLoad } from '../lib/use-load.ts';
import { useRouter } from '../router.tsx';

type Draft = Record<
  | 'code'
  | 'name'
  | 'legalRep'
  | 'listType'
  | 'designator'
  | 'department'
  | 'basis'
  | 'reason'
  | 'decidedOn'
  | 'publishedOn'
  | 'validUntil',
  string
>;

const EMPTY: Draft = {
  code: '',
  name: '',
  legalRep: '',
  listType: '',
  designator: '',
  department: '',
  basis: '',
  reason: '',
  decidedOn: '',
  publishedOn: '',
  validUntil: '',
};

/** Only what was filled in is sent: the API applies its defaults (published today, open-ended). */
export function designationBody(d: Draft): DesignationRequest {
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    code: d.code.trim(),
    name: d.name.trim(),
    listType: d.listType,
    basis: d.basis.trim(),
    reason: d.reason.trim(),
    decidedOn: d.decidedOn,
    ...(opt(d.legalRep) ? { legalRep: opt(d.legalRep) } : {}),
    ...(opt(d.designator) ? { designator: opt(d.designator) } : {}),
    ...(opt(d.department) ? { department: opt(d.department) } : {}),
    ...(opt(d.publishedOn) ? { publishedOn: opt(d.publishedOn) } : {}),
    ...(opt(d.validUntil) ? { validUntil: opt(d.validUntil) } : {}),
  };
}

export function EntryNew() {
  const { t, lang } = useI18n();
  const { api, me } = useAuth();
  const { navigate } = useRouter();
  const [d, setD] = useState<Draft>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const types = useLoad((signal) => api.get('/v1/list-types', { signal }), [api]);
  const bad = fieldErrors(error instanceof ApiError ? error.problem : null, lang);
  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setD((x) => ({ ...x, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.post('/v1/entries', designationBody(d));
      navigate(`entries/${encodeURIComponent(created.entry.id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">{t('entryNew.title')}</h1>
      <form className="grid-form" onSubmit={submit} noValidate>
        <Field error={bad.code} label={t('entryNew.code')} hint={t('entryNew.codeHint')} required>
          {(p) => <input {...p} name="code" value={d.code} onChange={set('code')} autoComplete="off" />}
        </Field>
        <Field error={bad.name} label={t('subject.name')} required>
          {(p) => <input {...p} name="name" value={d.name} onChange={set('name')} />}
        </Field>
        <Field error={bad.legalRep} label={t('subject.legalRep')}>
          {(p) => <input {...p} name="legalRep" value={d.legalRep} onChange={set('legalRep')} />}
        </Field>
        <Field error={bad.listType} label={t('entry.listType')} required>
          {(p) => (
            <select {...p} name="listType" value={d.listType} onChange={set('listType')}>
              <option value="">{t('entryNew.chooseListType')}</option>
              {types.data?.items.map((lt) => (
                <option key={lt.code} value={lt.code}>
                  {lang === 'zh' ? lt.nameZh : lt.nameEn} (
                  {lt.kind === 'red' ? t('kind.red') : t('kind.black')})
                </option>
              ))}
            </select>
          )}
        </Field>
        {me?.role === 'admin' && (
          <Field
            error={bad.department}
            label={t('entry.department')}
            hint={t('entryNew.departmentHint')}
            required
          >
            {(p) => <input {...p} name="department" value={d.department} onChange={set('department')} />}
          </Field>
        )}
        <Field error={bad.designator} label={t('entry.designator')} hint={t('entryNew.designatorHint')}>
          {(p) => <input {...p} name="designator" value={d.designator} onChange={set('designator')} />}
        </Field>
        <Field error={bad.basis} label={t('entry.basis')} hint={t('entryNew.basisHint')} required>
          {(p) => <input {...p} name="basis" value={d.basis} onChange={set('basis')} />}
        </Field>
        <Field error={bad.reason} label={t('entry.reason')} required>
          {(p) => <textarea {...p} name="reason" rows={3} value={d.reason} onChange={set('reason')} />}
        </Field>
        <Field error={bad.decidedOn} label={t('entry.decidedOn')} required>
          {(p) => (
            <input {...p} name="decidedOn" type="date" value={d.decidedOn} onChange={set('decidedOn')} />
          )}
        </Field>
        <Field error={bad.publishedOn} label={t('entry.publishedOn')} hint={t('entryNew.publishedHint')}>
          {(p) => (
            <input
              {...p}
              name="publishedOn"
              type="date"
              value={d.publishedOn}
              onChange={set('publishedOn')}
            />
          )}
        </Field>
        <Field error={bad.validUntil} label={t('entry.validUntil')} hint={t('entryNew.validHint')}>
          {(p) => (
            <input {...p} name="validUntil" type="date" value={d.validUntil} onChange={set('validUntil')} />
          )}
        </Field>
        <div className="form-actions">
          <ProblemAlert error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {t('entryNew.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
