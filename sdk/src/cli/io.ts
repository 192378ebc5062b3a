/** What a command gets instead of process globals, so tests run it in-process. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface Command {
  /** One line for `credcheck help`. */
  summary: string;
  usage: string;
  /** Returns the exit code (see exit-codes.ts); never calls process.exit. */
  run(args: string[], io: Io): Promise<number>;
}
