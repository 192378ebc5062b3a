import { ApiError } from '../api/client.ts';
import { useI18n } from '../i18n/context.tsx';
import { problemText } from '../lib/problem.ts';

/** Shows why a call failed, in the reader's language, with the offending fields listed. */
export function ProblemAlert({ error }: { error: unknown }) {
  const { lang, t } = useI18n();
  if (!error) return null;
  if (error instanceof ApiError && error.problem) {
    const p = problemText(error.problem, lang);
    return (
      <div className="alert alert-error" role="alert" data-problem={error.problem.type}>
        <strong>{p.title}</strong>
        <p>{p.detail}</p>
        {p.fields.length > 0 && (
          <ul className="field-errors">
            {p.fields.map((f) => (
              <li key={`${f.field}:${f.message}`}>
                <code>{f.field}</code>: {f.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  const text =
    error instanceof ApiError
      ? error.status === 0
        ? t('error.network')
        : t('error.http', { status: error.status })
      : t('error.unexpected');
  return (
    <div className="alert alert-error" role="alert">
      {text}
    </div>
  );
}
