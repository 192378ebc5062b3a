import type { ProblemSlug } from '../http/problems.ts';

/** Why a clearance, feedback or statistics request cannot be answered; routes turn it into a problem. */
export class OversightError extends Error {
  override readonly name = 'OversightError';
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
