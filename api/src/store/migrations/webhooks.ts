import type { Migration } from './types.ts';

/**
 * Migration 7 of both stores: webhook subscriptions, their watch lists, the persistent outbox with
 * its delivery log, and the dispatcher's cursor; on PostgreSQL also a notification on every commit
 * to the change log, so that API processes follow each other's writes at once. Both dialects side
 * by side; sqlite.ts and postgres.ts list it in their order.
 */

const VERSION = 7;
const NAME = 'webhooks: subscriptions, outbox, delivery log, change notifications';

export const sqliteWebhooksMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
-- The secret signs deliveries, so it is kept as it is (like the other signing keys in settings).
-- list_types: JSON array, NULL = any change; watch_size: NULL = no watch-list filter.
CREATE TABLE webhook_subscriptions (
  id          TEXT PRIMARY KEY,
  key_id      TEXT NOT NULL,
  url         TEXT NOT NULL,
  description TEXT,
  list_types  TEXT,
  watch_size  INTEGER CHECK (watch_size >= 0),
  status      TEXT NOT NULL CHECK (status IN ('active', 'paused')),
  secret      TEXT NOT NULL,
  from_seq    INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX webhook_subscriptions_key_id ON webhook_subscriptions (key_id);

-- A bank's loan portfolio: subject keys (USCC or p:<hmac>, never a clear ID number).
CREATE TABLE webhook_watch (
  subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  subject_key     TEXT NOT NULL,
  PRIMARY KEY (subscription_id, subject_key)
) WITHOUT ROWID;
CREATE INDEX webhook_watch_subject_key ON webhook_watch (subject_key);

-- One row per (subscription, change) to deliver; id is the webhook-id. payload is the body as sent.
CREATE TABLE webhook_outbox (
  id              TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL,
  type            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  lease_owner     TEXT,
  lease_until     TEXT,
  created_at      TEXT NOT NULL,
  delivered_at    TEXT,
  UNIQUE (subscription_id, seq),
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE status = 'pending';

-- The delivery log: every attempt with its answer.
CREATE TABLE webhook_attempts (
  outbox_id       TEXT NOT NULL REFERENCES webhook_outbox (id) ON DELETE CASCADE,
  attempt         INTEGER NOT NULL CHECK (attempt > 0),
  at              TEXT NOT NULL,
  status_code     INTEGER,
  latency_ms      INTEGER NOT NULL,
  error           TEXT,
  next_attempt_at TEXT,
  PRIMARY KEY (outbox_id, attempt)
) WITHOUT ROWID;

-- The dispatcher's cursor: every change up to seq has its outbox rows. It starts at the log's end
-- (no subscription existed before this migration).
CREATE TABLE webhook_dispatch (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  seq INTEGER NOT NULL
);
INSERT INTO webhook_dispatch (one, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM change_log;
`,
};

export const postgresWebhooksMigration: Migration = {
  version: VERSION,
  name: NAME,
  sql: `
CREATE TABLE webhook_subscriptions (
  id          text COLLATE "C" PRIMARY KEY,
  key_id      text NOT NULL,
  url         text NOT NULL,
  description text,
  list_types  text[],
  watch_size  integer CHECK (watch_size >= 0),
  status      text NOT NULL CHECK (status IN ('active', 'paused')),
  secret      text NOT NULL,
  from_seq    bigint NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE INDEX webhook_subscriptions_key_id ON webhook_subscriptions (key_id);

CREATE TABLE webhook_watch (
  subscription_id text COLLATE "C" NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  subject_key     text COLLATE "C" NOT NULL,
  PRIMARY KEY (subscription_id, subject_key)
);
CREATE INDEX webhook_watch_subject_key ON webhook_watch (subject_key);

CREATE TABLE webhook_outbox (
  id              text COLLATE "C" PRIMARY KEY,
  subscription_id text COLLATE "C" NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  seq             bigint NOT NULL,
  type            text NOT NULL,
  payload         text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  lease_owner     text,
  lease_until     timestamptz,
  created_at      timestamptz NOT NULL,
  delivered_at    timestamptz,
  UNIQUE (subscription_id, seq),
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
  outbox_id       text COLLATE "C" NOT NULL REFERENCES webhook_outbox (id) ON DELETE CASCADE,
  attempt         integer NOT NULL CHECK (attempt > 0),
  at              timestamptz NOT NULL,
  status_code     integer,
  latency_ms      integer NOT NULL,
  error           text,
  next_attempt_at timestamptz,
  PRIMARY KEY (outbox_id, attempt)
);

CREATE TABLE webhook_dispatch (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq bigint NOT NULL
);
INSERT INTO webhook_dispatch (one, seq) SELECT true, COALESCE(MAX(seq), 0) FROM change_log;

-- Every statement that appends to the change log notifies the API processes of this schema when it
-- commits (NOTIFY is transactional and folds repeats within a transaction), so that they catch up
-- at once instead of at their next poll. The payload names the schema: several stores may share a
-- database (tests do), and listeners drop the others' notifications.
CREATE FUNCTION change_log_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('credcheck_change_log', current_schema());
  RETURN NULL;
END
$$;
CREATE TRIGGER change_log_notify AFTER INSERT ON change_log
  FOR EACH STATEMENT EXECUTE FUNCTION change_log_notify();
`,
};
