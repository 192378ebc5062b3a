import { CredCheckError, ProblemError } from '../client/index.ts';
import { CliFailure, EXIT } from './exit-codes.ts';

/** The badge language of the extension and the web component, so every surface says the same. */
export const STATUS_LABEL: Record<string, string> = {
  black: '失信 black-listed',
  suspended: '异议中 suspended',
  red: '守信 red-listed',
  expired: '曾列入 expired',
  clean: '未见名单 not listed',
  invalid: '代码无效 invalid code',
  unavailable: '查询不可用 check unavailable',
};

export const OUTCOME_LABEL: Record<string, string> = {
  block: '禁止 block',
  review: '审查 review',
  favour: '守信 favour',
  clear: '未见名单 clear',
  unavailable: '查询不可用 unavailable',
  invalid: '代码无效 invalid',
  empty: '空行 no code or name',
  error: '被拒绝 refused',
};

/** Outcomes from the most to the least severe; --fail-on <o> trips on o or anything above it. */
export const OUTCOME_RANK: Record<string, number> = { block: 4, review: 3, favour: 2, clear: 1 };
/** Status precedence of CONVENTIONS.md. */
export const STATUS_RANK: Record<string, number> = { black: 5, suspended: 4, red: 3, expired: 2, clean: 1 };
/** The statuses --fail-on takes for lookups (clean would trip on everything). */
export const LISTED_RANK: Record<string, number> = { black: 5, suspended: 4, red: 3, expired: 2 };

export const statusLabel = (s: string) => STATUS_LABEL[s] ?? s;
export const outcomeLabel = (o: string) => OUTCOME_LABEL[o] ?? o;

/** Validates a --fail-on value against a rank table. */
export function failOnRank(value: string | undefined, ranks: Record<string, number>): number | null {
  if (value === undefined) return null;
  const rank = ranks[value];
  if (rank === undefined)
    throw new CliFailure(`--fail-on must be one of ${Object.keys(ranks).join(', ')}, not "${value}"`);
  return rank;
}

/**
 * A client error as a CliFailure: a problem the API answered with is printed in Chinese and
 * English (exit 2, the caller's to fix); an API that could not answer exits 3 (fail closed).
 */
export function toFailure(err: unknown): unknown {
  if (err instanceof ProblemError) {
    const exit = err.unavailable ? EXIT.unavailable : EXIT.usage;
    const zh = err.detailZh && err.detailZh !== err.detail ? `${err.detailZh}\n  ` : '';
    return new CliFailure(
      `${err.status} ${err.title} (${err.type})\n  ${zh}${err.detail}${fieldErrors(err)}`,
      exit,
    );
  }
  if (err instanceof CredCheckError && err.unavailable) {
    return new CliFailure(
      `无法连接 CredCheck API，未作出任何判断 / the API could not be reached, nothing was decided: ${err.message}`,
      EXIT.unavailable,
    );
  }
  return err;
}

function fieldErrors(err: ProblemError): string {
  const errors = err.extensions.errors;
  if (!Array.isArray(errors)) return '';
  return errors.map((e: { field?: string; message?: string }) => `\n  - ${e.field}: ${e.message}`).join('');
}
