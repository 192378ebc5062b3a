import type { Context } from 'hono';
import { PROBLEM_TYPES, type ProblemSlug } from './problems.ts';

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `body.items.3.code` or `path.code`. */
  field: string;
  message: string;
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

export function problemResponse(
  slug: ProblemSlug,
  input: ProblemInput,
  instance?: string,
  headers?: HeadersInit,
): Response {
  const body = problemBody(slug, input, instance);
  const h = new Headers(headers);
  h.set('content-type', 'application/problem+json; charset=utf-8');
  return new Response(JSON.stringify(body), { status: body.status, headers: h });
}

/** Through the context, so that headers set earlier (request id, rate limit, CORS) are kept. */
export function problem(
  c: Context,
  slug: ProblemSlug,
  input: ProblemInput,
  headers?: Record<string, string>,
): Response {
  const body = problemBody(slug, input, c.req.path);
  return c.body(JSON.stringify(body), body.status as never, {
    ...headers,
    'content-type': 'application/problem+json; charset=utf-8',
  });
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
