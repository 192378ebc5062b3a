import type { Migration } from './types.ts';

/**
 * Migration 11 of both stores: credit commitments (信用承诺). One row per commitment, the record as
 * JSON in `data` beside the columns that queries filter on (the subject's code for the public
 * page, the receiving department for its queue). A breach writes the black-list entry in the same
 * transaction (due-process write) and keeps its id here. Both dialects side by side; sqlite.ts
 * and postgres.ts list it in their order.
 */

const VERSION = 11;
const NAME = 'credit commitments';

export const sqliteCommitmentsMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
CREATE TABLE commitments (
  id         TEXT PRIMARY KEY,
  code       TEXT NOT NULL,
  department TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('active', 'breached')),
  entry_id   TEXT UNIQUE,
  filed_by   TEXT NOT NULL,
  data       TEXT NOT NULL
);
CREATE INDEX commitments_code ON commitments (code, id);
CREATE INDEX commitments_department ON commitments (department, id);
`,
};

export const postgresCommitmentsMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
CREATE TABLE commitments (
  id         text COLLATE "C" PRIMARY KEY,
  code       text COLLATE "C" NOT NULL,
  department text NOT NULL,
  status     text NOT NULL CHECK (status IN ('active', 'breached')),
  entry_id   text COLLATE "C" UNIQUE,
  filed_by   text NOT NULL,
  data       text NOT NULL
);
CREATE INDEX commitments_code ON commitments (code, id);
CREATE INDEX commitments_department ON commitments (department, id);
`,
};
