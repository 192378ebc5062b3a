import { join } from 'node:path';
import { openPostgresStore, type PostgresStoreOptions } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store, StoreOptions } from './types.ts';

export { openPostgresStore } from './postgres.ts';
export { openSqliteStore } from './sqlite.ts';
export type { ImportOptions, Store, StoreOptions } from './types.ts';

export const SQLITE_FILE_NAME = 'credcheck.db';

/**
 * The store the configuration asks for, migrated: PostgreSQL when DATABASE_URL is set, otherwise
 * SQLite at DATA_DIR/credcheck.db (DATA_DIR defaults to ./data). `maxConnections` sizes a
 * PostgreSQL pool; SQLite has no pool.
 */
export async function openStore(
  env: { DATABASE_URL?: string | undefined; DATA_DIR?: string | undefined },
  opts: StoreOptions & Pick<PostgresStoreOptions, 'maxConnections' | 'acquireTimeoutMs'> = {},
): Promise<Store> {
  const store = env.DATABASE_URL
    ? openPostgresStore(env.DATABASE_URL, opts)
    : openSqliteStore(join(env.DATA_DIR || './data', SQLITE_FILE_NAME), opts);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}
