import type { Migration } from './types.ts';

/**
 * Migration 9 of both stores: an implementer key may name a department too (a procurement centre
 * or a bank branch), so that the statistics count its checks under it. A designator key must
 * still name one; public and admin keys name none. The department gives an implementer no right:
 * only designators act for a department (../../auth/roles.ts). The rule is the one
 * ../keys-decisions.ts applies before writing, kept in the schema for anyone writing by hand.
 * Both dialects side by side; sqlite.ts and postgres.ts list it in their order.
 */

const VERSION = 9;
const NAME = 'implementer keys may name a department';

const RULE = `CONSTRAINT api_keys_department CHECK (
    (role = 'designator' AND department IS NOT NULL)
    OR role = 'implementer'
    OR (role IN ('public', 'admin') AND department IS NULL)
  )`;

/**
 * SQLite cannot alter a CHECK, so the table is rebuilt the way its manual says (create, copy,
 * drop, rename), inside the migration's transaction: a failure leaves migration 8's table as it
 * was. At version 8 nothing else in the schema names api_keys (no foreign key, trigger, view or
 * index of its own; its two automatic indexes come back with the new table's PRIMARY KEY and
 * UNIQUE and are renamed with it), so foreign keys may stay on: dropping the table deletes no
 * referenced row, and the rename finds no trigger or view that lost its table. Same columns in
 * the same order as migration 2, so every existing row copies as it is.
 */
export const sqliteKeyDepartmentsMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
CREATE TABLE api_keys_v9 (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  hint        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('public', 'implementer', 'designator', 'admin')),
  department  TEXT,
  label       TEXT NOT NULL,
  rate_limit  INTEGER CHECK (rate_limit >= 0),
  created_at  TEXT NOT NULL,
  revoked_at  TEXT,
  ${RULE}
);
INSERT INTO api_keys_v9 (id, hash, hint, role, department, label, rate_limit, created_at, revoked_at)
  SELECT id, hash, hint, role, department, label, rate_limit, created_at, revoked_at FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_v9 RENAME TO api_keys;
`,
};

/**
 * PostgreSQL alters the CHECK in place. api_keys_check is the name PostgreSQL gave migration 2's
 * unnamed table constraint; the new rule only allows more, so every existing row passes it.
 */
export const postgresKeyDepartmentsMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
ALTER TABLE api_keys DROP CONSTRAINT api_keys_check;
ALTER TABLE api_keys ADD ${RULE};
`,
};
