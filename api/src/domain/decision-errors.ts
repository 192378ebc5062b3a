/** Why a decision could not be made from its input; the HTTP layer turns it into a problem response. */
export type DecisionInputProblem = 'unknown-scenario' | 'invalid-date' | 'inconsistent-input';

export class DecisionInputError extends Error {
  override readonly name = 'DecisionInputError';
  readonly problem: DecisionInputProblem;
  /** The input field at fault, e.g. `scenario` or `entries[2].subjectId`. */
  readonly field: string;
  readonly messageZh: string;

  constructor(problem: DecisionInputProblem, field: string, message: string, messageZh: string) {
    super(message);
    this.problem = problem;
    this.field = field;
    this.messageZh = messageZh;
  }
}
