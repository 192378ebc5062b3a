import type { FieldError } from '../http/problem.ts';
import type { ProblemSlug } from '../http/problems.ts';

/** A due-process request that cannot be done, as the problem the caller gets (English and Chinese). */
export class DueProcessError extends Error {
  constructor(
    readonly slug: ProblemSlug,
    message: string,
    readonly messageZh: string,
    readonly extra: Record<string, unknown> = {},
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'DueProcessError';
  }
}

export const notFound = (what: string, id: string) =>
  new DueProcessError('not-found', `No ${what} with id ${id}.`, `编号为 ${id} 的${whatZh(what)}不存在。`, {
    id,
  });

function whatZh(what: string): string {
  return what === 'entry'
    ? '名单条目'
    : what === 'objection'
      ? '异议'
      : what === 'repair request'
        ? '信用修复申请'
        : what === 'commitment'
          ? '信用承诺'
          : what;
}

export function invalid(field: string, message: string, messageZh: string): DueProcessError {
  return new DueProcessError('validation-failed', `${field}: ${message}`, `${field}：${messageZh}`, {}, [
    { field: `body.${field}`, message },
  ]);
}
