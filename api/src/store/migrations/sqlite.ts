import { sqliteCommitmentsMigration } from './commitments.ts';
import { sqliteDueProcessMigration } from './due-process.ts';
import { sqliteEntryListMigration } from './entry-list.ts';
import { sqliteImportGuardMigration } from './import-guard.ts';
import { sqliteKeyDepartmentsMigration } from './key-departments.ts';
import { sqliteOversightMigration } from './oversight.ts';
import type { Migration } from './types.ts';
import { sqliteWebhooksMigration } from './webhooks.ts';

/** SQLite schema, oldest first. Keep it equivalent to ./postgres.ts. */
export const sqliteMigrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- seq is assigned by the store (max + 1 inside the write transaction) so that the entity rows and
-- the change's data can carry it; AUTOINCREMENT keeps it from ever being reused.
CREATE TABLE change_log (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  type        TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  subject_key TEXT,
  actor       TEXT NOT NULL,
  data        TEXT NOT NULL
);
CREATE INDEX change_log_entity_id ON change_log (entity_id);

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only: UPDATE rejected'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only: DELETE rejected'); END;

-- One row per replacement; the latest seq is the catalog in force.
CREATE TABLE catalog (
  seq         INTEGER PRIMARY KEY,
  version     TEXT NOT NULL,
  data        TEXT NOT NULL,
  replaced_at TEXT NOT NULL,
  actor       TEXT NOT NULL
);

CREATE TABLE subjects (
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL CHECK (type IN ('org', 'person')),
  key         TEXT NOT NULL UNIQUE,
  code        TEXT,
  id_masked   TEXT,
  name        TEXT NOT NULL,
  norm_name   TEXT NOT NULL,
  legal_rep   TEXT,
  legal_rep_key TEXT,
  division    TEXT,
  fingerprint TEXT NOT NULL,
  seq         INTEGER NOT NULL
);

CREATE TABLE entries (
  id           TEXT PRIMARY KEY,
  subject_id   TEXT NOT NULL REFERENCES subjects (id),
  list_type    TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('red', 'black')),
  designator   TEXT NOT NULL,
  department   TEXT NOT NULL,
  basis        TEXT NOT NULL,
  reason       TEXT NOT NULL,
  decided_on   TEXT NOT NULL,
  published_on TEXT,
  valid_until  TEXT,
  status       TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'repaired', 'revoked')),
  fingerprint  TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX entries_subject_id ON entries (subject_id);
CREATE INDEX entries_department ON entries (department);
`,
  },
  {
    version: 2,
    name: 'api keys and decision records',
    sql: `
-- Keys are stored only as their SHA-256 hash; a designator key, and only it, names a department.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  hash        TEXT NOT NULL UNIQUE,
  hint        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('public', 'implementer', 'designator', 'admin')),
  department  TEXT,
  label       TEXT NOT NULL,
  rate_limit  INTEGER CHECK (rate_limit >= 0),
  created_at  TEXT NOT NULL,
  revoked_at  TEXT,
  CHECK ((role = 'designator') = (department IS NOT NULL))
);

CREATE TABLE decisions (
  id              TEXT PRIMARY KEY,
  at              TEXT NOT NULL,
  key_id          TEXT,
  scenario        TEXT NOT NULL,
  subject_id      TEXT,
  subject_key     TEXT,
  outcome         TEXT NOT NULL CHECK (outcome IN ('block', 'review', 'favour', 'clear')),
  data_version    INTEGER NOT NULL,
  catalog_version TEXT NOT NULL,
  reference       TEXT,
  receipt         TEXT NOT NULL
);
CREATE INDEX decisions_subject_id ON decisions (subject_id);
CREATE INDEX decisions_at ON decisions (at);
`,
  },
  {
    version: 3,
    name: 'idempotent decision responses',
    sql: `
-- The first answer to a request sent with an Idempotency-Key, replayed when the same key sends
-- the same request again (CONVENTIONS: writes accept an Idempotency-Key).
CREATE TABLE idempotent_responses (
  key_id       TEXT NOT NULL,
  idem_key     TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response     TEXT NOT NULL,
  at           TEXT NOT NULL,
  PRIMARY KEY (key_id, idem_key)
);
`,
  },
  {
    version: 4,
    name: 'audit log',
    sql: `
-- Append-only and hash-chained (see ../audit-chain.js for the hash): every write and decision
-- appends its record in its own transaction. Columns are text exactly as hashed. The triggers
-- stop the application and honest mistakes, not someone who can write the file: such a person
-- can drop them and rewrite rows, and that is what credcheck audit verify detects.
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY CHECK (seq > 0),
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE rejected'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE rejected'); END;

-- The chain head: one row, seq and hash of the last record, moved forward with each append in
-- the same transaction. Appenders read it inside their write transaction; verify compares it
-- with the log's end, so records cut off the end are noticed too.
CREATE TABLE audit_head (
  one  INTEGER PRIMARY KEY CHECK (one = 1),
  seq  INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (one, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head WHEN NEW.seq <= OLD.seq OR NEW.one <> OLD.one
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
`,
  },
  sqliteDueProcessMigration,
  sqliteOversightMigration,
  sqliteWebhooksMigration,
  sqliteImportGuardMigration,
  sqliteKeyDepartmentsMigration,
  sqliteEntryListMigration,
  sqliteCommitmentsMigration,
];
