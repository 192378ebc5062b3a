import { type FormEvent, useState } from 'react';
import { useAuth } from '../auth/context.tsx';
import { Field } from '../components/Field.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useI18n } from '../i18n/context.tsx';
import { useRouter } from '../router.tsx';
import { homeFor } from '../routes.tsx';

export function SignIn() {
  const { t } = useI18n();
  const { signIn } = useAuth();
  const { navigate } = useRouter();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await signIn(key.trim());
      navigate(homeFor(me.role));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="signin-title" className="narrow">
      <h1 id="signin-title">{t('signin.title')}</h1>
      <p>{t('signin.lead')}</p>
      <form onSubmit={submit}>
        <Field label={t('signin.key')} hint={t('signin.keyHint')} required>
          {(p) => (
            <input
              {...p}
              name="apiKey"
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={key}
              onChange={(e) => setKey(e.target.value)}
            />
          )}
        </Field>
        <ProblemAlert error={error} />
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {t('signin.submit')}
        </button>
      </form>
    </section>
  );
}
