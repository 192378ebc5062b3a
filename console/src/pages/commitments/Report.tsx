import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useAuth } from '../../auth/context.tsx';
import { Field } from '../../components/Field.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useI18n } from '../../i18n/context.tsx';
import { fetchWithKey, filenameFromDisposition, reportFileName, saveBlob } from '../../lib/download.ts';
import { splitReportStyles, styleReportFrame } from '../../lib/report-frame.ts';
import { useLoad } from '../../lib/use-load.ts';
import { useRouter } from '../../router.tsx';
import '../../components/charts/charts.css';

interface Shown {
  code: string;
  scenario: string;
  /** As served, for the HTML download. */
  html: string;
  /** What the frame shows: the page without its <style>, and that stylesheet. */
  shown: { html: string; css: string };
  decisionId: string | null;
}

/**
 * The credit report (信用报告) of a subject for a scenario: shown in a sandboxed frame (no script
 * runs in it), downloadable as PDF or HTML. Each report makes and records a signed decision.
 */
export function Report() {
  const { t, lang } = useI18n();
  const { api } = useAuth();
  const { search } = useRouter();
  const [code, setCode] = useState(search.get('code') ?? '');
  const [scenario, setScenario] = useState(search.get('scenario') ?? '');
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState<'html' | 'pdf' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const frameRef = useRef<HTMLIFrameElement>(null);
  const scenarios = useLoad((signal) => api.get('/v1/scenarios', { signal }), [api]);
  useEffect(() => {
    if (!scenario && scenarios.data?.items[0]) setScenario(scenarios.data.items[0].code);
  }, [scenario, scenarios.data]);

  const get = (format: 'html' | 'pdf') =>
    fetchWithKey('/v1/reports/{code}', format === 'pdf' ? 'application/pdf' : 'text/html', {
      params: { code: code.trim() },
      query: { scenario, format, lang },
    });

  const show = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('html');
    setError(null);
    try {
      const res = await get('html');
      const html = await res.text();
      setShown({
        code: code.trim(),
        scenario,
        html,
        shown: splitReportStyles(html),
        decisionId: res.headers.get('x-decision-id'),
      });
    } catch (err) {
      setShown(null);
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const downloadPdf = async () => {
    setBusy('pdf');
    setError(null);
    try {
      const res = await get('pdf');
      const name = filenameFromDisposition(
        res.headers.get('content-disposition'),
        reportFileName(code.trim(), scenario, 'pdf'),
      );
      saveBlob(await res.blob(), name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  const downloadHtml = () => {
    if (!shown) return;
    saveBlob(
      new Blob([shown.html], { type: 'text/html;charset=utf-8' }),
      reportFileName(shown.code, shown.scenario, 'html'),
    );
  };
  return (
    <section aria-labelledby="report-title">
      <h1 id="report-title">{t('report.title')}</h1>
      <p className="lead">{t('report.lead')}</p>
      <form className="filters" onSubmit={show} aria-label={t('report.title')}>
        <Field label={t('report.code')} hint={t('report.codeHint')} required>
          {(p) => <input {...p} name="code" value={code} onChange={(e) => setCode(e.target.value)} />}
        </Field>
        <Field label={t('report.scenario')} required>
          {(p) => (
            <select {...p} name="scenario" value={scenario} onChange={(e) => setScenario(e.target.value)}>
              {(scenarios.data?.items ?? []).map((s) => (
                <option key={s.code} value={s.code}>
                  {lang === 'zh' ? s.nameZh : s.nameEn}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={busy !== null || !code.trim() || !scenario}>
          {busy === 'html' ? t('common.loading') : t('report.show')}
        </button>
        <button
          type="button"
          onClick={downloadPdf}
          disabled={busy !== null || !code.trim() || !scenario}
          data-testid="download-pdf"
        >
          {busy === 'pdf' ? t('common.loading') : t('report.downloadPdf')}
        </button>
        {shown && (
          <button type="button" onClick={downloadHtml}>
            {t('report.downloadHtml')}
          </button>
        )}
      </form>
      <ProblemAlert error={error} />
      {shown && (
        <>
          <p className="muted" data-testid="report-decision">
            {t('report.decision', { id: shown.decisionId ?? '—' })}
          </p>
          <iframe
            ref={frameRef}
            className="report-frame"
            title={t('report.frameTitle', { code: shown.code })}
            // No allow-scripts: nothing in the report runs. Same origin only so that the console
            // can hand it its stylesheet (see lib/report-frame.ts).
            sandbox="allow-same-origin"
            srcDoc={shown.shown.html}
            onLoad={() => {
              if (frameRef.current) styleReportFrame(frameRef.current, shown.shown.css);
            }}
            data-testid="report-frame"
          />
        </>
      )}
    </section>
  );
}
