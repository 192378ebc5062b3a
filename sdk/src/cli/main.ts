/** `credcheck`: client commands live here; server-side ones come from @credcheck/api when installed. */
import { decideCommand } from './commands/decide.ts';
import { lookupCommand } from './commands/lookup.ts';
import { screenCommand } from './commands/screen.ts';
import { searchCommand } from './commands/search.ts';
import { EXIT } from './exit-codes.ts';
import type { Command, Io } from './io.ts';

export type { Command, Io } from './io.ts';

const clientCommands: Record<string, Command> = {
  lookup: lookupCommand,
  search: searchCommand,
  decide: decideCommand,
  screen: screenCommand,
};

const UNAVAILABLE = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNKNOWN_FILE_EXTENSION']);

async function loadServerCommands(): Promise<Record<string, Command>> {
  try {
    // A variable specifier keeps bundlers and type checks from tying the sdk to the api.
    const specifier = '@credcheck/api/cli';
    const mod = (await import(specifier)) as { serverCommands: Record<string, Command> };
    return mod.serverCommands;
  } catch (err) {
    // Not installed (the published sdk alone), or present only as TypeScript sources that plain
    // node cannot load (a built sdk run inside the workspace): client commands only.
    if (UNAVAILABLE.has((err as { code?: string }).code ?? '')) return {};
    throw err;
  }
}

function help(commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length), 4);
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `credcheck — check red/black credit lists from the command line\n\nUsage: credcheck <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "credcheck <command> --help" for a command's options.\nExit codes: 0 done, 1 unexpected error, 2 usage or input to fix, 3 API unavailable (fail closed),\n4 a subject reached --fail-on.\n`;
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const commands = { ...clientCommands, ...(await loadServerCommands()) };
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
    return typeof e.exitCode === 'number' ? e.exitCode : EXIT.bug;
  }
}

function defaultIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
