import { type FormEvent, useState } from 'react';
import { ApiError, type MaybeResponse } from '../api/client.ts';
import { useAuth } from '../auth/context.tsx';
import { Field } from '../components/Field.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useI18n } from '../i18n/context.tsx';
import {
  formatOf,
  type ImportFormat,
  type ImportReportView,
  type RowErrorView,
  reportOf,
  UPLOAD_CONTENT_TYPE,
} from '../lib/import-format.ts';

type ImportAnswer = MaybeResponse<'/v1/imports', 'post'>;

/** Upload a file of entries; the answer is the row-level report, all rows written or none. */
export function Import() {
  const { t } = useI18n();
  const { api } = useAuth();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<ImportFormat | ''>('');
  const [dryRun, setDryRun] = useState(true);
  const [report, setReport] = useState<ImportReportView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const fmt = format || formatOf(file.name) || 'csv';
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const body = await api.request<ImportAnswer>(
        'POST',
        '/v1/imports',
        { query: { dryRun: String(dryRun), format: fmt } },
        undefined,
        { body: file, contentType: UPLOAD_CONTENT_TYPE },
      );
      setReport(reportOf(body));
    } catch (err) {
      const fromProblem = err instanceof ApiError ? reportOf(err.problem) : null;
      if (fromProblem) setReport(fromProblem);
      if (!fromProblem || fromProblem.errors.length === 0) setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">{t('import.title')}</h1>
      <p className="lead">{t('import.lead')}</p>
      <form className="grid-form" onSubmit={submit}>
        <Field label={t('import.file')} hint={t('import.fileHint')} required>
          {(p) => (
            <input
              {...p}
              type="file"
              accept=".csv,.txt,.xlsx,.json,.ndjson,.jsonl"
              onChange={(e) => {
                const f = e.target.files?.[0] ?? null;
                setFile(f);
                setFormat(f ? (formatOf(f.name) ?? '') : '');
              }}
            />
          )}
        </Field>
        <Field label={t('import.format')}>
          {(p) => (
            <select {...p} value={format} onChange={(e) => setFormat(e.target.value as ImportFormat | '')}>
              <option value="">{t('import.formatAuto')}</option>
              <option value="csv">CSV</option>
              <option value="xlsx">XLSX</option>
              <option value="json">JSON</option>
              <option value="ndjson">NDJSON</option>
            </select>
          )}
        </Field>
        <div className="field checkbox">
          <label>
            <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />{' '}
            {t('import.dryRun')}
          </label>
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={!file || busy}>
            {busy ? t('common.loading') : dryRun ? t('import.check') : t('import.submit')}
          </button>
        </div>
      </form>
      <ProblemAlert error={error} />
      {report && <ImportReport report={report} dryRun={dryRun} />}
    </section>
  );
}

function ImportReport({ report, dryRun }: { report: ImportReportView; dryRun: boolean }) {
  const { t } = useI18n();
  return (
    <div className="result" aria-live="polite" data-testid="import-report">
      <p className={report.ok ? 'alert alert-ok' : 'alert alert-error'} role="status">
        {report.ok
          ? t(dryRun ? 'import.okDry' : 'import.ok', { rows: report.rows })
          : t('import.rejected', { rows: report.rows, errors: report.errorCount })}
      </p>
      {report.ok && report.summary && (
        <p data-testid="import-summary">
          {t('import.summary', {
            created: num(report.summary.entriesCreated),
            updated: num(report.summary.entriesUpdated),
            unchanged: num(report.summary.unchanged),
          })}
        </p>
      )}
      {report.errors.length > 0 && (
        <RowTable caption={t('import.errors', { n: report.errorCount })} rows={report.errors} />
      )}
      {report.warnings.length > 0 && (
        <RowTable caption={t('import.warnings', { n: report.warningCount })} rows={report.warnings} />
      )}
    </div>
  );
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

function RowTable({ caption, rows }: { caption: string; rows: RowErrorView[] }) {
  const { t, lang } = useI18n();
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('import.line')}</th>
            <th scope="col">{t('import.column')}</th>
            <th scope="col">{t('import.value')}</th>
            <th scope="col">{t('import.message')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.line}-${r.column ?? ''}-${r.message}`}>
              <td>{r.line}</td>
              <td>{r.column ?? '—'}</td>
              <td>
                <code>{r.value ?? ''}</code>
              </td>
              <td>{lang === 'zh' ? r.messageZh : r.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
