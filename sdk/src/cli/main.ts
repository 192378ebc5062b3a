/** `credcheck`: client commands live here; server-side ones come from @credcheck/api when installed. */

interface Command {
  summary: string;
  usage: string;
  run(args: string[], io: Io): Promise<number>;
}

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

async function loadServerCommands(): Promise<Record<string, Command>> {
  try {
    // A variable specifier keeps bundlers and type checks from tying the sdk to the api.
    const specifier = '@credcheck/api/cli';
    const mod = (await import(specifier)) as { serverCommands: Record<string, Command> };
    return mod.serverCommands;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return {};
    throw err;
  }
}

function help(commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length), 4);
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `credcheck — check red/black credit lists from the command line\n\nUsage: credcheck <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "credcheck <command> --help" for a command's options.\n`;
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const commands = { ...(await loadServerCommands()) };
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(help(commands));
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`credcheck: unknown command "${name}"\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const e = err as { message?: string; exitCode?: number; name?: string };
    // Expected input errors carry an exit code; anything else is a bug and keeps its stack in DEBUG.
    io.stderr.write(`credcheck ${name}: ${e.message ?? String(err)}\n`);
    if (io.env.DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    return typeof e.exitCode === 'number' ? e.exitCode : 1;
  }
}

function defaultIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
