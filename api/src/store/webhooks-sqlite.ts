import type Database from 'better-sqlite3';
import { nonEmptyString, positiveInt } from './arguments.ts';
import type { AuditEventRow } from './audit-chain.js';
import { CHANGE_COLUMNS, type ChangeRow, toChange } from './rows.ts';
import {
  type AttemptRow,
  type ClaimedDelivery,
  type DeliveryRow,
  OWNER_NOT_REVOKED,
  SUBSCRIPTION_SELECT,
  type SubscriptionRow,
  subscriptionCreatedAudit,
  subscriptionDeletedAudit,
  subscriptionUpdatedAudit,
  toDeliveries,
  toSubscription,
  validAttempt,
  validDeliveryStatus,
  validNewSubscription,
  validOutboxRow,
  validPatch,
  validSubscriptionId,
  validWatchList,
  type WebhookStore,
  watchListAudit,
} from './webhook-store.ts';

/** What the SQLite store lends: its file, connection, statement cache, clock and audit appender. */
export interface SqliteWebhookDeps {
  file: string;
  db: Database.Database;
  sql: <P extends unknown[] = unknown[], R = unknown>(text: string) => Database.Statement<P, R>;
  now: () => Date;
  /** Appends inside the caller's write transaction. */
  appendAudit: (events: AuditEventRow[]) => void;
}

/** How often another connection's commits are looked for (PRAGMA data_version costs about a microsecond). */
const DATA_VERSION_POLL_MS = 25;

/**
 * Webhooks on SQLite. Every write is one immediate transaction: it holds the file's only write
 * lock, so the dispatcher's cursor, a claim or a new subscription's fromSeq cannot race another
 * writer, in this process or another.
 */
export function sqliteWebhooks(d: SqliteWebhookDeps): WebhookStore {
  const { db, sql } = d;
  const byId = (id: string) =>
    sql<[string], SubscriptionRow>(`${SUBSCRIPTION_SELECT} WHERE s.id = ?`).get(id);
  const maxSeq = () =>
    sql<[], { seq: number }>('SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log').get()!.seq;
  const insertWatch = (id: string, keys: string[]) => {
    const insert = sql('INSERT INTO webhook_watch (subscription_id, subject_key) VALUES (?, ?)');
    // In key order the rows append to the primary-key B-tree instead of splitting pages all over it.
    for (const key of [...keys].sort()) insert.run(id, key);
  };

  return {
    async createWebhook(s, actor) {
      const r = validNewSubscription(s);
      nonEmptyString(actor, 'actor');
      const at = d.now().toISOString();
      db.transaction(() => {
        sql(
          `INSERT INTO webhook_subscriptions (id, key_id, url, description, list_types, watch_size, status, secret,
                                              from_seq, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
        ).run(
          r.id,
          r.ownerKeyId,
          r.url,
          r.description,
          r.listTypes === null ? null : JSON.stringify(r.listTypes),
          r.watchList === null ? null : r.watchList.length,
          r.secret,
          maxSeq(),
          at,
          at,
        );
        if (r.watchList) insertWatch(r.id, r.watchList);
        d.appendAudit([subscriptionCreatedAudit(at, actor, r)]);
      }).immediate();
      return toSubscription(byId(r.id)!);
    },

    async getWebhook(id) {
      const row = byId(id);
      return row ? toSubscription(row) : null;
    },

    async listWebhooks(ownerKeyId) {
      return sql<[string], SubscriptionRow>(
        `${SUBSCRIPTION_SELECT} WHERE s.key_id = ? ORDER BY s.created_at, s.id`,
      )
        .all(ownerKeyId)
        .map(toSubscription);
    },

    async updateWebhook(id, patch, actor) {
      const p = validPatch(patch);
      nonEmptyString(actor, 'actor');
      const at = d.now().toISOString();
      const sets: string[] = ['updated_at = ?'];
      const values: unknown[] = [at];
      const set = (column: string, value: unknown) => {
        sets.push(`${column} = ?`);
        values.push(value);
      };
      if (p.url !== undefined) set('url', p.url);
      if (p.description !== undefined) set('description', p.description);
      if (p.listTypes !== undefined)
        set('list_types', p.listTypes === null ? null : JSON.stringify(p.listTypes));
      if (p.status !== undefined) set('status', p.status);
      const changed = db
        .transaction(() => {
          const n = sql(`UPDATE webhook_subscriptions SET ${sets.join(', ')} WHERE id = ?`).run(
            ...values,
            id,
          ).changes;
          if (n === 1) d.appendAudit([subscriptionUpdatedAudit(at, actor, id, p)]);
          return n === 1;
        })
        .immediate();
      return changed ? toSubscription(byId(id)!) : null;
    },

    async replaceWebhookWatchList(id, keys, actor) {
      const list = validWatchList(keys);
      nonEmptyString(actor, 'actor');
      const at = d.now().toISOString();
      const found = db
        .transaction(() => {
          const n = sql('UPDATE webhook_subscriptions SET watch_size = ?, updated_at = ? WHERE id = ?').run(
            list === null ? null : list.length,
            at,
            id,
          ).changes;
          if (n === 0) return false;
          sql('DELETE FROM webhook_watch WHERE subscription_id = ?').run(id);
          if (list) insertWatch(id, list);
          d.appendAudit([watchListAudit(at, actor, id, list === null ? null : list.length)]);
          return true;
        })
        .immediate();
      return found ? toSubscription(byId(id)!) : null;
    },

    async deleteWebhook(id, actor) {
      nonEmptyString(actor, 'actor');
      const at = d.now().toISOString();
      return db
        .transaction(() => {
          const n = sql('DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes;
          if (n === 1) d.appendAudit([subscriptionDeletedAudit(at, actor, id)]);
          return n === 1;
        })
        .immediate();
    },

    async dispatchWebhooks(limit, now, plan) {
      positiveInt(limit, 'limit');
      const due = new Date(now).toISOString();
      // Caught up (the usual answer to a poll): no write lock taken. A change committed after this
      // read wakes the dispatcher again.
      const seen = sql<[], { cursor: number; end: number }>(
        'SELECT (SELECT seq FROM webhook_dispatch) AS cursor, (SELECT COALESCE(MAX(seq), 0) FROM change_log) AS end',
      ).get()!;
      if (seen.cursor >= seen.end) return { cursor: seen.cursor, enqueued: 0, more: false };
      return db
        .transaction(() => {
          const cursor = sql<[], { seq: number }>('SELECT seq FROM webhook_dispatch').get()!.seq;
          const moveTo = (seq: number) => {
            if (seq !== cursor) sql('UPDATE webhook_dispatch SET seq = ?').run(seq);
          };
          const subs = sql<
            [],
            {
              id: string;
              key_id: string;
              from_seq: number;
              list_types: string | null;
              watch_size: number | null;
            }
          >(
            `SELECT s.id, s.key_id, s.from_seq, s.list_types, s.watch_size FROM webhook_subscriptions s WHERE ${OWNER_NOT_REVOKED}`,
          ).all();
          if (subs.length === 0) {
            // Nobody listens: nothing before the log's end will ever be routed.
            const end = Math.max(cursor, maxSeq());
            moveTo(end);
            return { cursor: end, enqueued: 0, more: false };
          }
          const start = Math.max(cursor, Math.min(...subs.map((s) => s.from_seq)));
          const changes = sql<[number, number], ChangeRow>(
            `SELECT ${CHANGE_COLUMNS} FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?`,
          )
            .all(start, limit)
            .map(toChange);
          const watching = subs.filter((s) => s.watch_size !== null).map((s) => s.id);
          const keys = [...new Set(changes.map((c) => c.subjectKey).filter((k) => k !== null))];
          const hits = new Set<string>();
          if (watching.length > 0 && keys.length > 0) {
            const rows = sql<[string, string], { subscription_id: string; subject_key: string }>(
              `SELECT subscription_id, subject_key FROM webhook_watch
                WHERE subject_key IN (SELECT value FROM json_each(?)) AND subscription_id IN (SELECT value FROM json_each(?))`,
            ).all(JSON.stringify(keys), JSON.stringify(watching));
            for (const r of rows) hits.add(`${r.subscription_id}\n${r.subject_key}`);
          }
          const routed = plan(
            changes,
            subs.map((s) => ({
              id: s.id,
              ownerKeyId: s.key_id,
              fromSeq: s.from_seq,
              listTypes: s.list_types === null ? null : (JSON.parse(s.list_types) as string[]),
              watchList: s.watch_size !== null,
            })),
            (subscriptionId, subjectKey) => hits.has(`${subscriptionId}\n${subjectKey}`),
          ).map(validOutboxRow);
          const insert = sql(
            `INSERT INTO webhook_outbox (id, subscription_id, seq, type, payload, status, attempts, next_attempt_at, created_at)
             VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING`,
          );
          let enqueued = 0;
          for (const r of routed)
            enqueued += insert.run(r.id, r.subscriptionId, r.seq, r.type, r.payload, due, due).changes;
          const end = changes.length > 0 ? changes[changes.length - 1]!.seq : start;
          moveTo(end);
          return { cursor: end, enqueued, more: changes.length === limit };
        })
        .immediate();
    },

    async webhookDispatchCursor() {
      return sql<[], { seq: number }>('SELECT seq FROM webhook_dispatch').get()!.seq;
    },

    async claimWebhookDeliveries(owner, now, leaseUntil, limit) {
      nonEmptyString(owner, 'owner');
      positiveInt(limit, 'limit');
      const at = new Date(now).toISOString();
      const until = new Date(leaseUntil).toISOString();
      return db
        .transaction(() => {
          const rows = sql<
            [string, string, string, string, number],
            Omit<ClaimedDelivery, 'subscriptionId'> & { subscription_id: string }
          >(
            `UPDATE webhook_outbox SET lease_owner = ?, lease_until = ?
              WHERE id IN (
                SELECT o.id FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
                 WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until <= ?)
                   AND s.status = 'active' AND ${OWNER_NOT_REVOKED}
                 ORDER BY o.next_attempt_at, o.seq LIMIT ?)
             RETURNING id, subscription_id, seq, type, payload, attempts`,
          ).all(owner, until, at, at, limit);
          if (rows.length === 0) return [];
          const targets = new Map(
            sql<[string], { id: string; url: string; secret: string }>(
              'SELECT id, url, secret FROM webhook_subscriptions WHERE id IN (SELECT value FROM json_each(?))',
            )
              .all(JSON.stringify([...new Set(rows.map((r) => r.subscription_id))]))
              .map((t) => [t.id, t]),
          );
          return rows
            .map((r) => {
              const t = targets.get(r.subscription_id)!;
              return {
                id: r.id,
                subscriptionId: r.subscription_id,
                seq: r.seq,
                type: r.type,
                payload: r.payload,
                attempts: r.attempts,
                url: t.url,
                secret: t.secret,
              };
            })
            .sort((a, b) => a.seq - b.seq);
        })
        .immediate();
    },

    async recordWebhookAttempt(attempt) {
      const r = validAttempt(attempt);
      return db
        .transaction(() => {
          const held =
            sql(
              `UPDATE webhook_outbox SET status = ?, attempts = ?, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL,
                                         delivered_at = ?
                WHERE id = ? AND lease_owner = ?`,
            ).run(
              r.status,
              r.attempt,
              r.nextAttemptAt,
              r.status === 'delivered' ? r.at : null,
              r.deliveryId,
              r.owner,
            ).changes === 1;
          // The attempt happened even when the lease was lost; a deleted subscription keeps no log.
          sql(
            `INSERT INTO webhook_attempts (outbox_id, attempt, at, status_code, latency_ms, error, next_attempt_at)
             SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhook_outbox WHERE id = ?)
             ON CONFLICT DO NOTHING`,
          ).run(
            r.deliveryId,
            r.attempt,
            r.at,
            r.statusCode,
            r.latencyMs,
            r.error,
            r.nextAttemptAt,
            r.deliveryId,
          );
          return held;
        })
        .immediate();
    },

    async releaseWebhookDeliveries(owner) {
      return sql(
        `UPDATE webhook_outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND status = 'pending'`,
      ).run(owner).changes;
    },

    async nextWebhookAttemptAt() {
      const row = sql<[], { at: string }>(
        `SELECT o.next_attempt_at AS at FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
          WHERE o.status = 'pending' AND o.lease_until IS NULL AND s.status = 'active'
          ORDER BY o.next_attempt_at LIMIT 1`,
      ).get();
      return row?.at ?? null;
    },

    async countPendingWebhookDeliveries() {
      return sql<[], { n: number }>(
        `SELECT COUNT(*) AS n FROM webhook_outbox WHERE status = 'pending'`,
      ).get()!.n;
    },

    async listWebhookDeliveries(subscriptionId, opts) {
      validSubscriptionId(subscriptionId);
      positiveInt(opts.limit, 'limit');
      const status = validDeliveryStatus(opts.status);
      const before = opts.beforeSeq ?? Number.MAX_SAFE_INTEGER;
      const rows = sql<[string, number, string | null, string | null, number], DeliveryRow>(
        `SELECT id, subscription_id, seq, type, status, attempts, next_attempt_at, created_at, delivered_at
           FROM webhook_outbox WHERE subscription_id = ? AND seq < ? AND (? IS NULL OR status = ?)
          ORDER BY seq DESC LIMIT ?`,
      ).all(subscriptionId, before, status, status, opts.limit);
      const attempts =
        rows.length === 0
          ? []
          : sql<[string], AttemptRow>(
              `SELECT outbox_id, attempt, at, status_code, latency_ms, error, next_attempt_at FROM webhook_attempts
                WHERE outbox_id IN (SELECT value FROM json_each(?))`,
            ).all(JSON.stringify(rows.map((r) => r.id)));
      return toDeliveries(rows, attempts);
    },

    async watchChanges(onChange) {
      if (d.file === ':memory:') return async () => {};
      // data_version moves when another connection (another process, the decision writer thread)
      // commits to the file; this connection's own writes do not move it.
      const version = () => db.pragma('data_version', { simple: true }) as number;
      let seen = version();
      const timer = setInterval(() => {
        try {
          const now = version();
          if (now !== seen) {
            seen = now;
            onChange();
          }
        } catch {
          // Closed under us: the caller stops the watch on shutdown.
        }
      }, DATA_VERSION_POLL_MS);
      timer.unref();
      return async () => clearInterval(timer);
    },
  };
}
