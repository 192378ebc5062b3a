import { resolve } from 'node:path';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import type { CliIO } from './types.ts';

/** Who the audit log names for a write made through these commands. */
export const CLI_ACTOR = 'cli';

/** The store the environment names (DATABASE_URL, else DATA_DIR relative to the working directory), migrated. */
export function openStoreFromEnv(io: CliIO): Promise<Store> {
  return openStore({
    DATABASE_URL: io.env.DATABASE_URL,
    DATA_DIR: resolve(io.cwd, io.env.DATA_DIR || './data'),
  });
}
