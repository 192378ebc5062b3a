import { CliFailure } from './exit-codes.ts';

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

/**
 * `--flag value`, `--flag=value` and boolean `--switch`; anything else unknown is a usage error
 * rather than silently ignored, so a typo never screens with the wrong settings.
 */
export function parseArgs(
  args: readonly string[],
  spec: { values?: readonly string[]; switches?: readonly string[] },
): ParsedArgs {
  const valueFlags = new Set(spec.values ?? []);
  const switchFlags = new Set(spec.switches ?? []);
  const out: ParsedArgs = { positionals: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (switchFlags.has(name) && eq < 0) {
      out.switches.add(name);
    } else if (valueFlags.has(name)) {
      const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') throw new CliFailure(`--${name} needs a value`);
      out.values.set(name, value);
    } else {
      throw new CliFailure(`unknown option ${arg}`);
    }
  }
  return out;
}

/** A positive integer option, or the default. */
export function intOption(parsed: ParsedArgs, name: string, fallback: number, max = 1_000_000): number {
  const raw = parsed.values.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new CliFailure(`--${name} must be an integer from 1 to ${max}`);
  return n;
}
