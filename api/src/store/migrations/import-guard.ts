import type { Migration } from './types.ts';

/**
 * Migration 8 of both stores: the index an import reads, at its start, to find the entries that
 * the due process repaired or revoked (../import-guard.ts). Those are status changes that carry a
 * why; imports write none, so the index stays as small as the due process's own history and the
 * look-up does not read the change log whole. Both dialects side by side; sqlite.ts and
 * postgres.ts list it in their order.
 */

const VERSION = 8;
const NAME = 'index of due-process status changes, for imports';

export const sqliteImportGuardMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
CREATE INDEX change_log_due_process_status ON change_log (entity_id, seq)
  WHERE why IS NOT NULL AND type = 'entry.status';
`,
};

export const postgresImportGuardMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
CREATE INDEX change_log_due_process_status ON change_log (entity_id, seq)
  WHERE why IS NOT NULL AND type = 'entry.status';
`,
};
