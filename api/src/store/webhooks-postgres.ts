import pg from 'pg';
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

/** What the PostgreSQL store lends: its pooled query, transaction, clock, audit appender and connection settings. */
export interface PostgresWebhookDeps {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  transaction<T>(fn: (c: pg.PoolClient) => Promise<{ result: T; rollback?: boolean }>): Promise<T>;
  now: () => Date;
  /** Appends in the caller's transaction; call it last (it holds the chain head to commit). */
  appendAudit: (c: pg.PoolClient, events: AuditEventRow[]) => Promise<void>;
  /** Settings for a connection of its own (LISTEN needs one outside the pool). */
  clientConfig: pg.ClientConfig;
}

const CHANNEL = 'credcheck_change_log';
/** After a lost LISTEN connection; the index's poll covers the gap. */
const RECONNECT_MS = 2000;
/**
 * The LISTEN connection sends nothing for as long as nobody writes: without TCP keepalive a peer
 * that vanished without closing (a failover, a dropped NAT or firewall mapping) would leave it
 * half-open for hours, NOTIFYs lost and only the poll left. Probes from this idle time on turn
 * that into an error, and the reconnect below.
 */
export const LISTEN_KEEPALIVE_MS = 10_000;

/**
 * Webhooks on PostgreSQL. The dispatcher's cursor row is taken FOR UPDATE, so dispatchers of
 * several API processes route each change once, and a new subscription reads its fromSeq under
 * the same lock (no change falls between the cursor and it). Claims use FOR UPDATE SKIP LOCKED,
 * so concurrent deliverers take disjoint rows without waiting for each other.
 */
export function postgresWebhooks(d: PostgresWebhookDeps): WebhookStore {
  const byId = async (c: Pick<pg.PoolClient, 'query'> | null, id: string) => {
    const rows = c
      ? (await c.query<SubscriptionRow>(`${SUBSCRIPTION_SELECT} WHERE s.id = $1`, [id])).rows
      : await d.query<SubscriptionRow>(`${SUBSCRIPTION_SELECT} WHERE s.id = $1`, [id]);
    return rows[0] ? toSubscription(rows[0]) : null;
  };
  const insertWatch = (c: pg.PoolClient, id: string, keys: string[]) =>
    c.query('INSERT INTO webhook_watch (subscription_id, subject_key) SELECT $1, unnest($2::text[])', [
      id,
      keys,
    ]);

  return {
    async createWebhook(s, actor) {
      const r = validNewSubscription(s);
      nonEmptyString(actor, 'actor');
      const at = d.now().toISOString();
      return d.transaction(async (c) => {
        await c.query('SELECT seq FROM webhook_dispatch FOR UPDATE');
        await c.query(
          `INSERT INTO webhook_subscriptions (id, key_id, url, description, list_types, watch_size, status, secret,
                                              from_seq, created_at, updated_at)
           SELECT $1, $2, $3, $4, $5, $6, 'active', $7, COALESCE(MAX(seq), 0), $8, $8 FROM change_log`,
          [
            r.id,
            r.ownerKeyId,
            r.url,
            r.description,
            r.listTypes,
            r.watchList === null ? null : r.watchList.length,
            r.secret,
            at,
          ],
        );
        if (r.watchList) await insertWatch(c, r.id, r.watchList);
        const created = (await byId(c, r.id))!;
        await d.appendAudit(c, [subscriptionCreatedAudit(at, actor, r)]);
        return { result: created };
      });
    },

    getWebhook: (id) => byId(null, id),

    async listWebhooks(ownerKeyId) {
      const rows = await d.query<SubscriptionRow>(
        `${SUBSCRIPTION_SELECT} WHERE s.key_id = $1 ORDER BY s.created_at, s.id`,
        [ownerKeyId],
      );
      return rows.map(toSubscription);
    },

    async updateWebhook(id, patch, actor) {
      const p = validPatch(patch);
      nonEmptyString(actor, 'actor');
      const at = d.now().toISOString();
      const values: unknown[] = [id, at];
      const sets = ['updated_at = $2'];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      };
      if (p.url !== undefined) set('url', p.url);
      if (p.description !== undefined) set('description', p.description);
      if (p.listTypes !== undefined) set('list_types', p.listTypes);
      if (p.status !== undefined) set('status', p.status);
      return d.transaction(async (c) => {
        const { rowCount } = await c.query(
          `UPDATE webhook_subscriptions SET ${sets.join(', ')} WHERE id = $1`,
          values,
        );
        if (rowCount !== 1) return { result: null };
        const updated = await byId(c, id);
        await d.appendAudit(c, [subscriptionUpdatedAudit(at, actor, id, p)]);
        return { result: updated };
      });
    },

    async replaceWebhookWatchList(id, keys, actor) {
      const list = validWatchList(keys);
      nonEmptyString(actor, 'actor');
      const at = d.now().toISOString();
      return d.transaction(async (c) => {
        const { rowCount } = await c.query(
          'UPDATE webhook_subscriptions SET watch_size = $2, updated_at = $3 WHERE id = $1',
          [id, list === null ? null : list.length, at],
        );
        if (rowCount !== 1) return { result: null };
        await c.query('DELETE FROM webhook_watch WHERE subscription_id = $1', [id]);
        if (list) await insertWatch(c, id, list);
        const updated = await byId(c, id);
        await d.appendAudit(c, [watchListAudit(at, actor, id, list === null ? null : list.length)]);
        return { result: updated };
      });
    },

    async deleteWebhook(id, actor) {
      nonEmptyString(actor, 'actor');
      const at = d.now().toISOString();
      return d.transaction(async (c) => {
        const { rowCount } = await c.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id]);
        if (rowCount !== 1) return { result: false };
        await d.appendAudit(c, [subscriptionDeletedAudit(at, actor, id)]);
        return { result: true };
      });
    },

    async dispatchWebhooks(limit, now, plan) {
      positiveInt(limit, 'limit');
      const due = new Date(now).toISOString();
      // Caught up (the usual answer to a poll): no lock taken. A change committed after this read
      // wakes the dispatcher again.
      const [seen] = await d.query<{ cursor: string; end: string }>(
        'SELECT (SELECT seq FROM webhook_dispatch) AS cursor, (SELECT COALESCE(MAX(seq), 0) FROM change_log) AS end',
      );
      if (Number(seen!.cursor) >= Number(seen!.end))
        return { cursor: Number(seen!.cursor), enqueued: 0, more: false };
      return d.transaction(async (c) => {
        // Held to commit: another dispatcher waits here, then reads the cursor this one left.
        const cursor = Number(
          (await c.query<{ seq: string }>('SELECT seq FROM webhook_dispatch FOR UPDATE')).rows[0]!.seq,
        );
        const moveTo = async (seq: number) => {
          if (seq !== cursor) await c.query('UPDATE webhook_dispatch SET seq = $1', [seq]);
        };
        const { rows: subs } = await c.query<{
          id: string;
          key_id: string;
          from_seq: string;
          list_types: string[] | null;
          watch_size: number | null;
        }>(
          `SELECT s.id, s.key_id, s.from_seq, s.list_types, s.watch_size FROM webhook_subscriptions s WHERE ${OWNER_NOT_REVOKED}`,
        );
        if (subs.length === 0) {
          const { rows } = await c.query<{ seq: string }>(
            'SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log',
          );
          const end = Math.max(cursor, Number(rows[0]!.seq));
          await moveTo(end);
          return { result: { cursor: end, enqueued: 0, more: false } };
        }
        const start = Math.max(cursor, Math.min(...subs.map((s) => Number(s.from_seq))));
        const changes = (
          await c.query<ChangeRow>(
            `SELECT ${CHANGE_COLUMNS} FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
            [start, limit],
          )
        ).rows.map(toChange);
        const watching = subs.filter((s) => s.watch_size !== null).map((s) => s.id);
        const keys = [...new Set(changes.map((ch) => ch.subjectKey).filter((k) => k !== null))];
        const hits = new Set<string>();
        if (watching.length > 0 && keys.length > 0) {
          const { rows } = await c.query<{ subscription_id: string; subject_key: string }>(
            `SELECT subscription_id, subject_key FROM webhook_watch
              WHERE subject_key = ANY($1::text[]) AND subscription_id = ANY($2::text[])`,
            [keys, watching],
          );
          for (const r of rows) hits.add(`${r.subscription_id}\n${r.subject_key}`);
        }
        const routed = plan(
          changes,
          subs.map((s) => ({
            id: s.id,
            ownerKeyId: s.key_id,
            fromSeq: Number(s.from_seq),
            listTypes: s.list_types,
            watchList: s.watch_size !== null,
          })),
          (subscriptionId, subjectKey) => hits.has(`${subscriptionId}\n${subjectKey}`),
        ).map(validOutboxRow);
        let enqueued = 0;
        if (routed.length > 0) {
          const res = await c.query(
            `INSERT INTO webhook_outbox (id, subscription_id, seq, type, payload, status, attempts, next_attempt_at, created_at)
             SELECT t.id, t.sid, t.seq, t.type, t.payload, 'pending', 0, $6, $6
               FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS t(id, sid, seq, type, payload)
             ON CONFLICT DO NOTHING`,
            [
              routed.map((r) => r.id),
              routed.map((r) => r.subscriptionId),
              routed.map((r) => r.seq),
              routed.map((r) => r.type),
              routed.map((r) => r.payload),
              due,
            ],
          );
          enqueued = res.rowCount ?? 0;
        }
        const end = changes.length > 0 ? changes[changes.length - 1]!.seq : start;
        await moveTo(end);
        return { result: { cursor: end, enqueued, more: changes.length === limit } };
      });
    },

    async webhookDispatchCursor() {
      const rows = await d.query<{ seq: string }>('SELECT seq FROM webhook_dispatch');
      return Number(rows[0]!.seq);
    },

    async claimWebhookDeliveries(owner, now, leaseUntil, limit) {
      nonEmptyString(owner, 'owner');
      positiveInt(limit, 'limit');
      // A row another claimer holds is skipped, not waited for; one it claimed after our snapshot
      // began is re-checked on the locked version (its lease is then in the future) and dropped.
      const rows = await d.query<{
        id: string;
        subscription_id: string;
        seq: string;
        type: string;
        payload: string;
        attempts: number;
        url: string;
        secret: string;
      }>(
        `WITH due AS (
           SELECT o.id FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
            WHERE o.status = 'pending' AND o.next_attempt_at <= $2 AND (o.lease_until IS NULL OR o.lease_until <= $2)
              AND s.status = 'active' AND ${OWNER_NOT_REVOKED}
            ORDER BY o.next_attempt_at, o.seq LIMIT $4
            FOR UPDATE OF o SKIP LOCKED)
         UPDATE webhook_outbox o SET lease_owner = $1, lease_until = $3
           FROM due, webhook_subscriptions s
          WHERE o.id = due.id AND s.id = o.subscription_id
         RETURNING o.id, o.subscription_id, o.seq, o.type, o.payload, o.attempts, s.url, s.secret`,
        [owner, new Date(now).toISOString(), new Date(leaseUntil).toISOString(), limit],
      );
      return rows
        .map(
          (r): ClaimedDelivery => ({
            id: r.id,
            subscriptionId: r.subscription_id,
            seq: Number(r.seq),
            type: r.type,
            payload: r.payload,
            attempts: r.attempts,
            url: r.url,
            secret: r.secret,
          }),
        )
        .sort((a, b) => a.seq - b.seq);
    },

    async recordWebhookAttempt(attempt) {
      const r = validAttempt(attempt);
      return d.transaction(async (c) => {
        const { rowCount } = await c.query(
          `UPDATE webhook_outbox SET status = $1, attempts = $2, next_attempt_at = $3, lease_owner = NULL, lease_until = NULL,
                                     delivered_at = $4
            WHERE id = $5 AND lease_owner = $6`,
          [
            r.status,
            r.attempt,
            r.nextAttemptAt,
            r.status === 'delivered' ? r.at : null,
            r.deliveryId,
            r.owner,
          ],
        );
        await c.query(
          `INSERT INTO webhook_attempts (outbox_id, attempt, at, status_code, latency_ms, error, next_attempt_at)
           SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM webhook_outbox WHERE id = $1)
           ON CONFLICT DO NOTHING`,
          [r.deliveryId, r.attempt, r.at, r.statusCode, r.latencyMs, r.error, r.nextAttemptAt],
        );
        return { result: rowCount === 1 };
      });
    },

    async releaseWebhookDeliveries(owner) {
      const rows = await d.query<{ id: string }>(
        `UPDATE webhook_outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND status = 'pending'
         RETURNING id`,
        [owner],
      );
      return rows.length;
    },

    async nextWebhookAttemptAt() {
      const rows = await d.query<{ at: Date }>(
        `SELECT o.next_attempt_at AS at FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
          WHERE o.status = 'pending' AND o.lease_until IS NULL AND s.status = 'active'
          ORDER BY o.next_attempt_at LIMIT 1`,
      );
      return rows[0] ? rows[0].at.toISOString() : null;
    },

    async countPendingWebhookDeliveries() {
      const rows = await d.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM webhook_outbox WHERE status = 'pending'`,
      );
      return Number(rows[0]?.n ?? 0);
    },

    async listWebhookDeliveries(subscriptionId, opts) {
      validSubscriptionId(subscriptionId);
      positiveInt(opts.limit, 'limit');
      const status = validDeliveryStatus(opts.status);
      const rows = await d.query<DeliveryRow>(
        `SELECT id, subscription_id, seq, type, status, attempts, next_attempt_at, created_at, delivered_at
           FROM webhook_outbox WHERE subscription_id = $1 AND ($2::bigint IS NULL OR seq < $2)
            AND ($3::text IS NULL OR status = $3)
          ORDER BY seq DESC LIMIT $4`,
        [subscriptionId, opts.beforeSeq ?? null, status, opts.limit],
      );
      const attempts =
        rows.length === 0
          ? []
          : await d.query<AttemptRow>(
              `SELECT outbox_id, attempt, at, status_code, latency_ms, error, next_attempt_at FROM webhook_attempts
                WHERE outbox_id = ANY($1::text[])`,
              [rows.map((r) => r.id)],
            );
      return toDeliveries(rows, attempts);
    },

    async watchChanges(onChange) {
      let stopped = false;
      let client: pg.Client | null = null;
      let retry: NodeJS.Timeout | null = null;
      const reconnect = () => {
        if (stopped || retry) return;
        client?.end().catch(() => {});
        client = null;
        retry = setTimeout(() => {
          retry = null;
          void listen();
        }, RECONNECT_MS);
        retry.unref();
      };
      const listen = async () => {
        const c = new pg.Client({
          ...d.clientConfig,
          keepAlive: true,
          keepAliveInitialDelayMillis: LISTEN_KEEPALIVE_MS,
        });
        client = c;
        c.on('error', reconnect);
        c.on('end', reconnect);
        try {
          await c.connect();
          const schema = (await c.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
          c.on('notification', (n) => {
            if (n.channel === CHANNEL && n.payload === schema) onChange();
          });
          await c.query(`LISTEN ${CHANNEL}`);
          // Whatever committed while no one listened.
          onChange();
        } catch {
          reconnect();
        }
      };
      await listen();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => {});
      };
    },
  };
}
