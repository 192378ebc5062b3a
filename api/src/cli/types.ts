/** What a CLI command gets instead of touching process globals, so tests can run it in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CliCommand {
  /** One line for `credcheck help`. */
  summary: string;
  usage: string;
  /** Returns the exit code; never calls process.exit. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** A usage or input error: printed as a message with exit code 2, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
