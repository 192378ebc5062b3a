import type { Problem } from '../api/types.ts';
import type { Lang } from '../i18n/translate.ts';

export interface ProblemText {
  title: string;
  detail: string;
  fields: { field: string; message: string }[];
}

/** A problem in the reader's language: titles come as "English / 中文", details in both. */
export function problemText(problem: Problem, lang: Lang): ProblemText {
  const [en, zh] = problem.title.split(' / ');
  const title = (lang === 'zh' ? (zh ?? en) : en) ?? problem.title;
  const detail = lang === 'zh' ? problem.detailZh || problem.detail : problem.detail || problem.detailZh;
  const fields = (problem.errors ?? []).map((e) => ({
    field: fieldLabel(e.field),
    message: lang === 'zh' ? (e.messageZh ?? e.message) : e.message,
  }));
  return { title, detail, fields };
}

/** `body.validUntil` → `validUntil`: the form field the reader sees, not the request part. */
export function fieldLabel(field: string): string {
  return field.replace(/^(body|query|path|param|json)\./, '');
}

/** Field → message from a failed call's problem, for marking the form's controls; empty otherwise. */
export function fieldErrors(problem: Problem | null | undefined, lang: Lang = 'en'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const name = fieldLabel(e.field);
    const message = lang === 'zh' ? (e.messageZh ?? e.message) : e.message;
    out[name] = out[name] ? `${out[name]}; ${message}` : message;
  }
  return out;
}
