import type { Migration } from './types.ts';

/**
 * Migration 5 of both stores: the due process (designation, objections, credit repair, expiry).
 * Kept here, in one file, so that the two dialects stay side by side; sqlite.ts and postgres.ts
 * list it in their order.
 *
 * - change_log.why: who-when-why of a due-process change (JSON: cause, the actor's reason, the
 *   objection or repair it belongs to, the implementers to tell); null for imports.
 * - objections, repairs: one row per request, the record as JSON in `data` beside the columns that
 *   queries filter on. At most one pending objection and one pending repair per entry.
 * - entry_expiries: the `entry.expired` change written for an entry and validity end, so that the
 *   event is written once whatever the number of processes or restarts.
 */

const VERSION = 5;
const NAME = 'objections, credit repair and expiry events';

export const sqliteDueProcessMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
ALTER TABLE change_log ADD COLUMN why TEXT;

CREATE TABLE objections (
  id         TEXT PRIMARY KEY,
  entry_id   TEXT NOT NULL REFERENCES entries (id),
  subject_id TEXT NOT NULL,
  department TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'upheld', 'rejected')),
  filed_by   TEXT NOT NULL,
  due_on     TEXT NOT NULL,
  data       TEXT NOT NULL
);
CREATE UNIQUE INDEX objections_one_pending ON objections (entry_id) WHERE status = 'pending';
CREATE INDEX objections_entry_id ON objections (entry_id);
CREATE INDEX objections_pending_due ON objections (due_on) WHERE status = 'pending';
CREATE INDEX objections_department ON objections (department, id);

CREATE TABLE repairs (
  id         TEXT PRIMARY KEY,
  entry_id   TEXT NOT NULL REFERENCES entries (id),
  subject_id TEXT NOT NULL,
  department TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  filed_by   TEXT NOT NULL,
  data       TEXT NOT NULL
);
CREATE UNIQUE INDEX repairs_one_pending ON repairs (entry_id) WHERE status = 'pending';
CREATE INDEX repairs_entry_id ON repairs (entry_id);
CREATE INDEX repairs_department ON repairs (department, id);

CREATE TABLE entry_expiries (
  entry_id    TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (entry_id, valid_until)
);
-- The expiry scan reads only entries still recorded as applying, by the day their validity ends.
CREATE INDEX entries_expiring ON entries (valid_until) WHERE status IN ('active', 'suspended');
`,
};

export const postgresDueProcessMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
ALTER TABLE change_log ADD COLUMN why json;

CREATE TABLE objections (
  id         text COLLATE "C" PRIMARY KEY,
  entry_id   text COLLATE "C" NOT NULL REFERENCES entries (id),
  subject_id text COLLATE "C" NOT NULL,
  department text NOT NULL,
  status     text NOT NULL CHECK (status IN ('pending', 'upheld', 'rejected')),
  filed_by   text NOT NULL,
  due_on     text NOT NULL,
  data       text NOT NULL
);
CREATE UNIQUE INDEX objections_one_pending ON objections (entry_id) WHERE status = 'pending';
CREATE INDEX objections_entry_id ON objections (entry_id);
CREATE INDEX objections_pending_due ON objections (due_on) WHERE status = 'pending';
CREATE INDEX objections_department ON objections (department, id);

CREATE TABLE repairs (
  id         text COLLATE "C" PRIMARY KEY,
  entry_id   text COLLATE "C" NOT NULL REFERENCES entries (id),
  subject_id text COLLATE "C" NOT NULL,
  department text NOT NULL,
  status     text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  filed_by   text NOT NULL,
  data       text NOT NULL
);
CREATE UNIQUE INDEX repairs_one_pending ON repairs (entry_id) WHERE status = 'pending';
CREATE INDEX repairs_entry_id ON repairs (entry_id);
CREATE INDEX repairs_department ON repairs (department, id);

CREATE TABLE entry_expiries (
  entry_id    text COLLATE "C" NOT NULL,
  valid_until text NOT NULL,
  seq         bigint NOT NULL,
  PRIMARY KEY (entry_id, valid_until)
);
CREATE INDEX entries_expiring ON entries (valid_until) WHERE status IN ('active', 'suspended');
`,
};
