import type { Migration } from './types.ts';

/**
 * Migration 6 of both stores: cleared false matches, decision feedback (执行反馈) and the index
 * that lists one key's decisions. Kept here, in one file, so that the two dialects stay side by
 * side; sqlite.ts and postgres.ts list it in their order.
 */

const VERSION = 6;
const NAME = 'clearances and decision feedback';

export const sqliteOversightMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
-- A false match an implementer cleared: the presented subject (normalized name, and its code as a
-- subject key when one was given) is not the candidate. Never deleted: revoking fills revoked_*
-- and moves rev on, so that every API process's refresh sees it (rev = max + 1 in the write).
CREATE TABLE clearances (
  id                   TEXT PRIMARY KEY,
  rev                  INTEGER NOT NULL UNIQUE CHECK (rev > 0),
  candidate_subject_id TEXT NOT NULL,
  candidate_code       TEXT,
  candidate_name       TEXT NOT NULL,
  presented_name       TEXT NOT NULL,
  presented_norm_name  TEXT NOT NULL,
  presented_key        TEXT,
  presented_code       TEXT,
  reason               TEXT NOT NULL,
  key_id               TEXT NOT NULL,
  at                   TEXT NOT NULL,
  revoked_at           TEXT,
  revoked_by           TEXT,
  revoke_reason        TEXT,
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revoke_reason IS NULL))
);
-- One active clearance per pair.
CREATE UNIQUE INDEX clearances_active_pair
  ON clearances (candidate_subject_id, presented_norm_name, COALESCE(presented_key, ''))
  WHERE revoked_at IS NULL;
CREATE TRIGGER clearances_revoke_only BEFORE UPDATE ON clearances
  WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.rev <= OLD.rev
    OR NEW.id IS NOT OLD.id OR NEW.candidate_subject_id IS NOT OLD.candidate_subject_id
    OR NEW.presented_norm_name IS NOT OLD.presented_norm_name OR NEW.presented_key IS NOT OLD.presented_key
    OR NEW.reason IS NOT OLD.reason OR NEW.key_id IS NOT OLD.key_id OR NEW.at IS NOT OLD.at
BEGIN SELECT RAISE(ABORT, 'clearances: only an active clearance can be revoked, nothing else changes'); END;
CREATE TRIGGER clearances_no_delete BEFORE DELETE ON clearances
BEGIN SELECT RAISE(ABORT, 'clearances are kept: DELETE rejected (revoke instead)'); END;

-- What an implementer did with a decision; a later report supersedes an earlier one, both stay.
CREATE TABLE decision_feedback (
  id          TEXT PRIMARY KEY,
  decision_id TEXT NOT NULL REFERENCES decisions (id),
  at          TEXT NOT NULL,
  key_id      TEXT NOT NULL,
  note        TEXT
);
CREATE INDEX decision_feedback_decision ON decision_feedback (decision_id, at, id);
CREATE TABLE decision_feedback_measures (
  feedback_id TEXT NOT NULL REFERENCES decision_feedback (id),
  ord         INTEGER NOT NULL,
  measure     TEXT NOT NULL,
  applied     INTEGER NOT NULL CHECK (applied IN (0, 1)),
  reason      TEXT,
  PRIMARY KEY (feedback_id, ord),
  CHECK (applied = 1 OR reason IS NOT NULL)
);
CREATE TRIGGER decision_feedback_no_update BEFORE UPDATE ON decision_feedback
BEGIN SELECT RAISE(ABORT, 'decision_feedback is append-only: UPDATE rejected'); END;
CREATE TRIGGER decision_feedback_no_delete BEFORE DELETE ON decision_feedback
BEGIN SELECT RAISE(ABORT, 'decision_feedback is append-only: DELETE rejected'); END;
CREATE TRIGGER decision_feedback_measures_no_update BEFORE UPDATE ON decision_feedback_measures
BEGIN SELECT RAISE(ABORT, 'decision_feedback_measures is append-only: UPDATE rejected'); END;
CREATE TRIGGER decision_feedback_measures_no_delete BEFORE DELETE ON decision_feedback_measures
BEGIN SELECT RAISE(ABORT, 'decision_feedback_measures is append-only: DELETE rejected'); END;

-- One key's decisions, oldest first (GET /v1/decisions, missing feedback).
CREATE INDEX decisions_key_at ON decisions (key_id, at, id);
`,
};

export const postgresOversightMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
CREATE TABLE clearances (
  id                   text COLLATE "C" PRIMARY KEY,
  rev                  bigint NOT NULL UNIQUE CHECK (rev > 0),
  candidate_subject_id text COLLATE "C" NOT NULL,
  candidate_code       text,
  candidate_name       text NOT NULL,
  presented_name       text NOT NULL,
  presented_norm_name  text NOT NULL,
  presented_key        text,
  presented_code       text,
  reason               text NOT NULL,
  key_id               text NOT NULL,
  at                   timestamptz NOT NULL,
  revoked_at           timestamptz,
  revoked_by           text,
  revoke_reason        text,
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revoke_reason IS NULL))
);
CREATE UNIQUE INDEX clearances_active_pair
  ON clearances (candidate_subject_id, presented_norm_name, COALESCE(presented_key, ''))
  WHERE revoked_at IS NULL;

CREATE FUNCTION clearances_revoke_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL AND NEW.rev > OLD.rev
     AND NEW.id = OLD.id AND NEW.candidate_subject_id = OLD.candidate_subject_id
     AND NEW.presented_norm_name = OLD.presented_norm_name
     AND NEW.presented_key IS NOT DISTINCT FROM OLD.presented_key
     AND NEW.reason = OLD.reason AND NEW.key_id = OLD.key_id AND NEW.at = OLD.at THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'clearances: only an active clearance can be revoked, nothing else changes (% rejected)', TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER clearances_revoke_only BEFORE UPDATE OR DELETE ON clearances
  FOR EACH ROW EXECUTE FUNCTION clearances_revoke_only();

CREATE TABLE decision_feedback (
  id          text COLLATE "C" PRIMARY KEY,
  decision_id text COLLATE "C" NOT NULL REFERENCES decisions (id),
  at          timestamptz NOT NULL,
  key_id      text NOT NULL,
  note        text
);
CREATE INDEX decision_feedback_decision ON decision_feedback (decision_id, at, id);
CREATE TABLE decision_feedback_measures (
  feedback_id text COLLATE "C" NOT NULL REFERENCES decision_feedback (id),
  ord         integer NOT NULL,
  measure     text NOT NULL,
  applied     boolean NOT NULL,
  reason      text,
  PRIMARY KEY (feedback_id, ord),
  CHECK (applied OR reason IS NOT NULL)
);

CREATE FUNCTION oversight_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER decision_feedback_append_only BEFORE UPDATE OR DELETE ON decision_feedback
  FOR EACH ROW EXECUTE FUNCTION oversight_append_only();
CREATE TRIGGER decision_feedback_measures_append_only BEFORE UPDATE OR DELETE ON decision_feedback_measures
  FOR EACH ROW EXECUTE FUNCTION oversight_append_only();

CREATE INDEX decisions_key_at ON decisions (key_id, at, id);
`,
};
