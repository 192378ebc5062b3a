import type { Context } from 'hono';
import { PROBLEM_TYPES, type ProblemSlug } from './problems.ts';
import { redactSecrets } from './redact-secrets.ts';

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `body.items.3.code` or `path.code`. */
  field: string;
  message: string;
  /** The same in Chinese, where it is known (validation issues). */
  messageZh?: string;
}

export interface ProblemInput {
  /** English sentence. */
  detail: string;
  /** Chinese sentence. */
  detailZh: string;
  errors?: FieldError[];
  /** Extra members (RFC 9457 extensions), e.g. the code explanation. */
  extra?: Record<string, unknown>;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  detailZh: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function problemBody(slug: ProblemSlug, input: ProblemInput, instance?: string): ProblemBody {
  const t = PROBLEM_TYPES[slug];
  return {
    type: `/problems/${slug}`,
    title: `${t.title} / ${t.titleZh}`,
    status: t.status,
    detail: input.detail,
    detailZh: input.detailZh,
    ...(instance ? { instance } : {}),
    ...(input.errors ? { errors: input.errors } : {}),
    ...withoutReserved(input.extra),
  };
}

/** A response as plain data: what the hot lookup lane sends without building a Hono context. */
export interface Answer {
  status: number;
  body: string | Uint8Array<ArrayBuffer> | null;
  /** Never changed once made: a cached lookup answer hands out its own. */
  headers: Readonly<Record<string, string>>;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problemAnswer(
  slug: ProblemSlug,
  input: ProblemInput,
  instance?: string,
  headers?: Record<string, string>,
): Answer {
  const body = problemBody(slug, input, instance);
  return {
    status: body.status,
    // Problems quote what the caller sent (its path, an unknown field's name): never a key in it.
    body: redactSecrets(JSON.stringify(body)),
    headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE },
  };
}

/** Through the context, so that headers set earlier (request id, rate limit, CORS) are kept. */
export function problem(
  c: Context,
  slug: ProblemSlug,
  input: ProblemInput,
  headers?: Record<string, string>,
): Response {
  return answer(c, problemAnswer(slug, input, c.req.path, headers));
}

/** Sends an Answer through the context (headers set earlier stay). */
export function answer(c: Context, a: Answer): Response {
  return a.body === null
    ? c.body(null, a.status as never, a.headers)
    : c.body(a.body, a.status as never, a.headers);
}

/** Extensions must never overwrite the RFC 9457 members themselves. */
function withoutReserved(extra: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!extra) return {};
  const {
    type: _t,
    title: _ti,
    status: _s,
    detail: _d,
    detailZh: _dz,
    instance: _i,
    errors: _e,
    ...rest
  } = extra;
  return rest;
}
