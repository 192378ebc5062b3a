/**
 * Exit codes of every `credcheck` command, for scripts (documented in the README):
 * 0 done (and nothing reached --fail-on); 1 an unexpected error (a bug: rerun with DEBUG=1);
 * 2 usage or input the caller must fix (bad flags, unreadable file, a request the API refused:
 * invalid code, unknown scenario, key without the role); 3 the API could not answer (unreachable,
 * timeout, 5xx): fail closed, never read as clear; 4 a subject reached the --fail-on threshold.
 */
export const EXIT = {
  ok: 0,
  bug: 1,
  usage: 2,
  unavailable: 3,
  flagged: 4,
} as const;

/** An expected failure: main() prints the message (no stack) and exits with the code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}
