import type { ProblemSlug } from '../http/problems.ts';

/** Why one decision request cannot be answered; a route turns it into a problem (or a batch item error). */
export class DecisionRequestError extends Error {
  override readonly name = 'DecisionRequestError';
  constructor(
    readonly slug: ProblemSlug,
    readonly field: string,
    message: string,
    readonly messageZh: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
