import type { Change } from '../domain/model.ts';
import { changeView } from '../routes/changes.ts';
import {
  type DispatchPlan,
  type OutboxRow,
  outboxIdOf,
  type RoutingSubscription,
} from '../store/webhook-store.ts';

/**
 * Which subscriptions a change goes to, and the body they get: pure, run inside the dispatch
 * transaction. Each filter a subscription sets narrows it (a watch list and list types together
 * mean "these subjects, on these lists"); one that sets none gets every change. A change of the
 * due process that names the subscriber's key among the implementers to tell (an objection
 * upheld, a repair approved: a measure it applied may have to be lifted) reaches every
 * subscription of that key, whatever its filters.
 */

/** Whether the change names this key among the implementers to tell (Change.why.notify). */
export function notifies(change: Change, keyId: string): boolean {
  const keyIds = change.why?.notify?.keyIds;
  return Array.isArray(keyIds) && keyIds.includes(keyId);
}

/** The list type an entry change concerns; null for changes that are not about one entry. */
export function listTypeOf(change: Change): string | null {
  const data = change.data as { listType?: unknown } | null;
  return typeof data?.listType === 'string' ? data.listType : null;
}

export function matches(
  change: Change,
  sub: RoutingSubscription,
  watched: (subscriptionId: string, subjectKey: string) => boolean,
): boolean {
  if (change.seq <= sub.fromSeq) return false;
  if (notifies(change, sub.ownerKeyId)) return true;
  if (sub.watchList && (change.subjectKey === null || !watched(sub.id, change.subjectKey))) return false;
  if (sub.listTypes !== null) {
    const listType = listTypeOf(change);
    if (listType === null || !sub.listTypes.includes(listType)) return false;
  }
  return true;
}

/**
 * The body of a delivery, in the Standard Webhooks shape (`type`, `timestamp`, `data`): `data` is
 * the change as GET /v1/changes shows it to a staff key (subscribers are implementers or admins),
 * persons' names masked and ID numbers in the staff mask.
 */
export function webhookPayload(change: Change): string {
  return JSON.stringify({ type: change.type, timestamp: change.at, data: changeView(change, 'staff') });
}

export const planDeliveries: DispatchPlan = (changes, subscriptions, watched) => {
  const rows: OutboxRow[] = [];
  for (const change of changes) {
    let payload: string | null = null;
    for (const sub of subscriptions) {
      if (!matches(change, sub, watched)) continue;
      payload ??= webhookPayload(change);
      rows.push({
        id: outboxIdOf(sub.id, change.seq),
        subscriptionId: sub.id,
        seq: change.seq,
        type: change.type,
        payload,
      });
    }
  }
  return rows;
};
