import type { Context } from 'hono';
import { problem } from '../http/problem.ts';
import { OversightError } from './errors.ts';

export function oversightProblem(c: Context, err: OversightError): Response {
  return problem(c, err.slug, {
    detail: `${err.field}: ${err.message}`,
    detailZh: `${err.field}：${err.messageZh}`,
    ...(err.slug === 'validation-failed' ? { errors: [{ field: err.field, message: err.message }] } : {}),
    extra: { field: err.field, ...err.extra },
  });
}

/** Runs a handler, answering its OversightError as a problem; anything else goes on to the app. */
export async function answerOversight(c: Context, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof OversightError) return oversightProblem(c, err);
    throw err;
  }
}
