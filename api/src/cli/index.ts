import { auditCommand } from './audit.ts';
import { importCommand } from './import.ts';
import { keysCommand } from './keys.ts';
import { receiptsCommand } from './receipts.ts';
import type { CliCommand } from './types.ts';

/** Server-side commands: the sdk's `credcheck` loads these only when @credcheck/api is installed. */
export const serverCommands: Record<string, CliCommand> = {
  import: importCommand,
  receipts: receiptsCommand,
  keys: keysCommand,
  audit: auditCommand,
};

export type { CliCommand, CliIO } from './types.ts';
export { CliError } from './types.ts';
