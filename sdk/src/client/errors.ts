import type { Problem } from './types.ts';

/**
 * Why a call failed. `network`, `timeout` and `server` (5xx or 429 after the retries) mean the API
 * could not give an answer: decide() turns those into an `unavailable` outcome rather than a guess.
 */
export type FailureKind = 'network' | 'timeout' | 'server' | 'problem' | 'invalid-response';

export class CredCheckError extends Error {
  override readonly name: string = 'CredCheckError';
  readonly kind: FailureKind;
  readonly method: string;
  readonly url: string;
  /** How many requests were sent before giving up (retries included). */
  readonly attempts: number;

  constructor(
    kind: FailureKind,
    message: string,
    init: { method: string; url: string; attempts: number; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.method = init.method;
    this.url = init.url;
    this.attempts = init.attempts;
  }

  /** Whether the API could not be reached or could not answer (as opposed to refusing the request). */
  get unavailable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'server';
  }
}

/** An HTTP error answered with an RFC 9457 problem (application/problem+json). */
export class ProblemError extends CredCheckError {
  override readonly name = 'ProblemError';
  readonly problem: Problem;
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly detailZh: string;
  /** Members beyond the standard ones (e.g. `errors` of a validation problem). */
  readonly extensions: Record<string, unknown>;
  /** Seconds the server asked to wait (Retry-After), when it said. */
  readonly retryAfter: number | null;

  constructor(
    problem: Problem,
    init: { method: string; url: string; attempts: number; retryAfter: number | null },
  ) {
    const kind: FailureKind = problem.status >= 500 || problem.status === 429 ? 'server' : 'problem';
    super(kind, `${problem.status} ${problem.title}: ${problem.detail}`, init);
    this.problem = problem;
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.detailZh = problem.detailZh;
    const { type: _t, title: _ti, status: _s, detail: _d, detailZh: _dz, ...rest } = problem;
    this.extensions = rest;
    this.retryAfter = init.retryAfter;
  }
}

/** A problem for a response that did not carry one (a proxy's HTML 502, say). */
export function synthesizeProblem(status: number, statusText: string, text: string): Problem {
  const title = statusText || `HTTP ${status}`;
  const detail = text.trim().slice(0, 200) || title;
  return { type: 'about:blank', title, status, detail, detailZh: detail };
}
