import { hash } from 'node:crypto';
import type { Change } from '../domain/model.ts';
import { nonEmptyString, positiveInt } from './arguments.ts';
import { auditEventRow } from './audit.ts';
import type { AuditEventRow } from './audit-chain.js';

/**
 * Webhook subscriptions and their persistent outbox: the part of the Store that item 8 (webhooks)
 * adds, implemented by webhooks-sqlite.ts and webhooks-postgres.ts and checked by the same
 * conformance suite (api/test/store-webhooks.conformance.test.ts).
 *
 * The outbox holds one row per (subscription, change) that the subscription's filter lets through;
 * its id is the `webhook-id` every attempt carries, so a receiver can drop repeats. The dispatcher
 * writes rows and moves its cursor in one transaction; deliverers claim due rows with a lease,
 * record each attempt, and mark a row delivered only after a 2xx.
 */

export type SubscriptionStatus = 'active' | 'paused';
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface WebhookSubscription {
  /** `wh_` + 20 hex characters. */
  id: string;
  /** The API key that created it; only that key sees it. */
  ownerKeyId: string;
  url: string;
  description: string | null;
  /** Only entry changes on these list types; null = any change. */
  listTypes: string[] | null;
  /** Size of the watch list (subject keys); null = no watch-list filter. */
  watchListSize: number | null;
  /** `paused` holds deliveries (they queue and go out on resume). */
  status: SubscriptionStatus;
  /** Changes after this seq are delivered (the change log's end when it was created). */
  fromSeq: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewSubscription {
  id: string;
  ownerKeyId: string;
  url: string;
  description: string | null;
  listTypes: string[] | null;
  /** Subject keys (USCC or `p:<hmac>`), deduplicated by the store; null = no watch-list filter. */
  watchList: string[] | null;
  /** `whsec_…`: the store keeps it to sign with; the API shows it once. */
  secret: string;
}

export interface SubscriptionPatch {
  url?: string;
  description?: string | null;
  listTypes?: string[] | null;
  status?: SubscriptionStatus;
}

/** What routing a change needs to know of a subscription. */
export interface RoutingSubscription {
  id: string;
  ownerKeyId: string;
  fromSeq: number;
  listTypes: string[] | null;
  watchList: boolean;
}

export interface OutboxRow {
  /** `msg_…` (outboxIdOf): the webhook-id and idempotency key. */
  id: string;
  subscriptionId: string;
  seq: number;
  type: string;
  /** The body as sent, fixed when the row is written, so every attempt sends the same bytes. */
  payload: string;
}

/**
 * Routes one batch of changes inside the dispatch transaction (synchronous: it runs while the
 * SQLite store holds its write lock). `watched` tells whether a subject key is on a subscription's
 * watch list, for the keys this batch's changes carry.
 */
export type DispatchPlan = (
  changes: readonly Change[],
  subscriptions: readonly RoutingSubscription[],
  watched: (subscriptionId: string, subjectKey: string) => boolean,
) => OutboxRow[];

export interface DispatchResult {
  /** The cursor after this run: every change up to it has its outbox rows. */
  cursor: number;
  enqueued: number;
  /** More changes wait after the cursor (the batch was full). */
  more: boolean;
}

export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  seq: number;
  type: string;
  payload: string;
  /** Attempts made before this one. */
  attempts: number;
  url: string;
  secret: string;
}

export interface AttemptRecord {
  deliveryId: string;
  /** The lease holder; the row changes only while this owner still holds it. */
  owner: string;
  /** 1-based. */
  attempt: number;
  at: string;
  /** HTTP status, or null when no answer came (network error, timeout). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  status: DeliveryStatus;
  /** When status is pending: the next attempt. */
  nextAttemptAt: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  nextAttemptAt: string | null;
}

export interface DeliveryRecord {
  id: string;
  subscriptionId: string;
  seq: number;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  log: DeliveryAttempt[];
}

/** What webhook delivery adds to the Store (spread into both stores, like the other parts). */
export interface WebhookStore {
  /** Its fromSeq is the change log's end, read under the dispatch lock (so no change falls between). Audited. */
  createWebhook(s: NewSubscription, actor: string): Promise<WebhookSubscription>;
  getWebhook(id: string): Promise<WebhookSubscription | null>;
  /** The key's own subscriptions, oldest first. */
  listWebhooks(ownerKeyId: string): Promise<WebhookSubscription[]>;
  /** Null when there is no such subscription. Audited (`webhook.updated`, `webhook.paused`, `webhook.resumed`). */
  updateWebhook(id: string, patch: SubscriptionPatch, actor: string): Promise<WebhookSubscription | null>;
  /** Replaces the whole watch list in one transaction (null removes the filter). Audited with the size only. */
  replaceWebhookWatchList(
    id: string,
    keys: string[] | null,
    actor: string,
  ): Promise<WebhookSubscription | null>;
  /** Removes it with its watch list, outbox rows and delivery log. Audited. */
  deleteWebhook(id: string, actor: string): Promise<boolean>;

  /**
   * Under the dispatch lock: up to `limit` changes after the cursor, routed by `plan`, written as
   * outbox rows due at `now`, and the cursor moved past them, all in one transaction. Several
   * processes may call it at once; each change is routed once. Delivery times come from the
   * caller's clock, never the store's (which may be pinned to a date for demos).
   */
  dispatchWebhooks(limit: number, now: string, plan: DispatchPlan): Promise<DispatchResult>;
  webhookDispatchCursor(): Promise<number>;
  /**
   * Leases up to `limit` due rows (pending, due by `now`, not leased, subscription active and its
   * key not revoked) to `owner` until `leaseUntil`. Concurrent claimers never get the same row.
   */
  claimWebhookDeliveries(
    owner: string,
    now: string,
    leaseUntil: string,
    limit: number,
  ): Promise<ClaimedDelivery[]>;
  /** Logs the attempt and moves the row on; false when the owner no longer held the lease (the row is left alone). */
  recordWebhookAttempt(r: AttemptRecord): Promise<boolean>;
  /** Gives back the rows `owner` leased and did not attempt (a stopping process). */
  releaseWebhookDeliveries(owner: string): Promise<number>;
  /** The earliest next attempt among pending rows of active subscriptions. */
  nextWebhookAttemptAt(): Promise<string | null>;
  /** Deliveries not yet made nor given up (pending, paused subscriptions' included): the backlog. */
  countPendingWebhookDeliveries(): Promise<number>;
  /** A subscription's deliveries, newest change first, each with its attempts; `beforeSeq` pages. */
  listWebhookDeliveries(
    subscriptionId: string,
    opts: { limit: number; beforeSeq?: number | null; status?: DeliveryStatus | null },
  ): Promise<DeliveryRecord[]>;

  /**
   * Calls `onChange` soon after another connection commits to the change log (PostgreSQL:
   * LISTEN/NOTIFY from a trigger; SQLite: the file's data_version, polled), so that the index
   * follows other processes' writes without waiting for its next poll. Resolves to a stop function.
   */
  watchChanges(onChange: () => void): Promise<() => Promise<void>>;
}

/** `msg_` + 24 hex characters of SHA-256 over the subscription and the seq: the same row gets the same id. */
export function outboxIdOf(subscriptionId: string, seq: number): string {
  return `msg_${hash('sha256', `${subscriptionId.length}:${subscriptionId}${seq}`, 'hex').slice(0, 24)}`;
}

export const SUBSCRIPTION_ID = /^wh_[0-9a-f]{20}$/;
const OUTBOX_ID = /^msg_[0-9a-f]{24}$/;
const STATUSES: ReadonlySet<string> = new Set<SubscriptionStatus>(['active', 'paused']);
const DELIVERY_STATUSES: ReadonlySet<string> = new Set<DeliveryStatus>(['pending', 'delivered', 'dead']);

export function validSubscriptionId(id: string): string {
  if (typeof id !== 'string' || !SUBSCRIPTION_ID.test(id)) {
    throw new TypeError(`subscription id must be wh_ + 20 hex characters, got ${JSON.stringify(id)}`);
  }
  return id;
}

function stringList(value: unknown, name: string): string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new TypeError(`${name} must be an array of non-empty strings or null`);
  }
  return value as string[];
}

export function validNewSubscription(s: NewSubscription): NewSubscription {
  validSubscriptionId(s?.id);
  nonEmptyString(s.ownerKeyId, 'ownerKeyId');
  nonEmptyString(s.url, 'url');
  if (typeof s.secret !== 'string' || !s.secret.startsWith('whsec_'))
    throw new TypeError('secret must start with whsec_');
  if (s.description !== null && typeof s.description !== 'string')
    throw new TypeError('description must be a string or null');
  const listTypes = stringList(s.listTypes, 'listTypes');
  const watchList = stringList(s.watchList, 'watchList');
  return {
    ...s,
    listTypes: listTypes && [...new Set(listTypes)].sort(),
    watchList: watchList && [...new Set(watchList)],
  };
}

export function validPatch(p: SubscriptionPatch): SubscriptionPatch {
  if (p.url !== undefined) nonEmptyString(p.url, 'url');
  if (p.description !== undefined && p.description !== null && typeof p.description !== 'string') {
    throw new TypeError('description must be a string or null');
  }
  if (p.status !== undefined && !STATUSES.has(p.status))
    throw new TypeError(`unknown status ${JSON.stringify(p.status)}`);
  const out: SubscriptionPatch = { ...p };
  if (p.listTypes !== undefined) {
    const list = stringList(p.listTypes, 'listTypes');
    out.listTypes = list && [...new Set(list)].sort();
  }
  return out;
}

export function validWatchList(keys: string[] | null): string[] | null {
  const list = stringList(keys, 'watchList');
  return list && [...new Set(list)];
}

export function validOutboxRow(r: OutboxRow): OutboxRow {
  if (!OUTBOX_ID.test(r?.id)) throw new TypeError(`outbox id must be msg_ + 24 hex characters, got ${r?.id}`);
  validSubscriptionId(r.subscriptionId);
  positiveInt(r.seq, 'seq');
  nonEmptyString(r.type, 'type');
  nonEmptyString(r.payload, 'payload');
  return r;
}

export function validAttempt(r: AttemptRecord): AttemptRecord {
  if (!OUTBOX_ID.test(r?.deliveryId)) throw new TypeError(`delivery id must be msg_ + 24 hex characters`);
  nonEmptyString(r.owner, 'owner');
  positiveInt(r.attempt, 'attempt');
  if (!DELIVERY_STATUSES.has(r.status))
    throw new TypeError(`unknown delivery status ${JSON.stringify(r.status)}`);
  if ((r.status === 'pending') !== (r.nextAttemptAt !== null)) {
    throw new TypeError('nextAttemptAt is set exactly when the delivery stays pending');
  }
  return {
    ...r,
    at: new Date(r.at).toISOString(),
    nextAttemptAt: r.nextAttemptAt === null ? null : new Date(r.nextAttemptAt).toISOString(),
    latencyMs: Math.max(0, Math.round(r.latencyMs)),
    error: r.error === null ? null : r.error.slice(0, 500),
  };
}

export function validDeliveryStatus(s: DeliveryStatus | null | undefined): DeliveryStatus | null {
  if (s === null || s === undefined) return null;
  if (!DELIVERY_STATUSES.has(s)) throw new TypeError(`unknown delivery status ${JSON.stringify(s)}`);
  return s;
}

/** The target as audited: scheme, host and path; a query string may carry a token, and the log keeps it forever. */
function auditedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(unparsable)';
  }
}

export function subscriptionCreatedAudit(at: string, actor: string, s: NewSubscription): AuditEventRow {
  return auditEventRow(at, {
    actor,
    action: 'webhook.created',
    target: s.id,
    detail: {
      url: auditedUrl(s.url),
      listTypes: s.listTypes,
      watchListSize: s.watchList === null ? null : s.watchList.length,
    },
  });
}

export function subscriptionUpdatedAudit(
  at: string,
  actor: string,
  id: string,
  p: SubscriptionPatch,
): AuditEventRow {
  const onlyStatus = Object.keys(p).length === 1 && p.status !== undefined;
  return auditEventRow(at, {
    actor,
    action: onlyStatus ? (p.status === 'paused' ? 'webhook.paused' : 'webhook.resumed') : 'webhook.updated',
    target: id,
    detail: {
      ...(p.url !== undefined ? { url: auditedUrl(p.url) } : {}),
      ...(p.listTypes !== undefined ? { listTypes: p.listTypes } : {}),
      ...(p.status !== undefined ? { status: p.status } : {}),
      ...(p.description !== undefined ? { description: true } : {}),
    },
  });
}

export function watchListAudit(at: string, actor: string, id: string, size: number | null): AuditEventRow {
  return auditEventRow(at, { actor, action: 'webhook.watch-list.replaced', target: id, detail: { size } });
}

export function subscriptionDeletedAudit(at: string, actor: string, id: string): AuditEventRow {
  return auditEventRow(at, { actor, action: 'webhook.deleted', target: id, detail: {} });
}

/** Rows as both dialects return them (PostgreSQL: bigint as string, timestamptz as Date, text[] as array). */
export interface SubscriptionRow {
  id: string;
  key_id: string;
  url: string;
  description: string | null;
  list_types: string | string[] | null;
  /** Null = no watch-list filter. */
  watch_size: number | string | null;
  status: string;
  from_seq: number | string;
  created_at: string | Date;
  updated_at: string | Date;
}

export interface DeliveryRow {
  id: string;
  subscription_id: string;
  seq: number | string;
  type: string;
  status: string;
  attempts: number;
  next_attempt_at: string | Date | null;
  created_at: string | Date;
  delivered_at: string | Date | null;
}

export interface AttemptRow {
  outbox_id: string;
  attempt: number;
  at: string | Date;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  next_attempt_at: string | Date | null;
}

export const instantText = (v: string | Date): string => (typeof v === 'string' ? v : v.toISOString());
const instantOrNull = (v: string | Date | null): string | null => (v === null ? null : instantText(v));

export function toSubscription(row: SubscriptionRow): WebhookSubscription {
  const listTypes =
    typeof row.list_types === 'string' ? (JSON.parse(row.list_types) as string[]) : row.list_types;
  return {
    id: row.id,
    ownerKeyId: row.key_id,
    url: row.url,
    description: row.description,
    listTypes,
    watchListSize: row.watch_size === null ? null : Number(row.watch_size),
    status: row.status as SubscriptionStatus,
    fromSeq: Number(row.from_seq),
    createdAt: instantText(row.created_at),
    updatedAt: instantText(row.updated_at),
  };
}

export function toDeliveries(rows: DeliveryRow[], attempts: AttemptRow[]): DeliveryRecord[] {
  const logs = new Map<string, DeliveryAttempt[]>();
  for (const a of attempts) {
    let log = logs.get(a.outbox_id);
    if (!log) {
      log = [];
      logs.set(a.outbox_id, log);
    }
    log.push({
      attempt: a.attempt,
      at: instantText(a.at),
      statusCode: a.status_code,
      latencyMs: a.latency_ms,
      error: a.error,
      nextAttemptAt: instantOrNull(a.next_attempt_at),
    });
  }
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    seq: Number(r.seq),
    type: r.type,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: instantOrNull(r.next_attempt_at),
    createdAt: instantText(r.created_at),
    deliveredAt: instantOrNull(r.delivered_at),
    log: (logs.get(r.id) ?? []).sort((a, b) => a.attempt - b.attempt),
  }));
}

export const SUBSCRIPTION_SELECT = `SELECT s.id, s.key_id, s.url, s.description, s.list_types, s.watch_size,
  s.status, s.from_seq, s.created_at, s.updated_at FROM webhook_subscriptions s`;

/** A revoked key's subscriptions receive nothing more (the environment's admin key is in no row and never revoked). */
export const OWNER_NOT_REVOKED = `NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.id = s.key_id AND k.revoked_at IS NOT NULL)`;
