import { hash } from 'node:crypto';
import type { JWK } from 'jose';
import type { Principal } from '../auth/roles.ts';
import type { Catalog } from '../domain/catalog.ts';
import type { Clock } from '../domain/clock.ts';
import { DecisionInputError, decide } from '../domain/decision.ts';
import { withIdentity } from '../domain/decision-identity.ts';
import type { LiveIndex } from '../index/live-index.ts';
import { clearedIdentity } from '../oversight/apply-clearances.ts';
import type { ClearanceSet } from '../oversight/clearance-set.ts';
import { createReceiptSigner, type ReceiptSigner } from '../receipts/signer.ts';
import { hasNewerKey, readSigningKeys } from '../receipts/signing-keys.ts';
import type { DecisionRecord, IdempotentResponse, Store } from '../store/types.ts';
import { subjectView } from '../views/subject.ts';
import { newDecisionId } from './decision-id.ts';
import { DecisionLog } from './decision-log.ts';
import { DecisionRequestError } from './errors.ts';
import { identify } from './identify.ts';
import { receiptPayload } from './receipt-payload.ts';
import type { DecisionBatchRequest, DecisionRequest, DecisionResult } from './schemas.ts';

export interface DecisionServiceDeps {
  store: Pick<
    Store,
    'recordDecisions' | 'getDecision' | 'getSetting' | 'getIdempotentResponse' | 'putIdempotentResponse'
  >;
  index: LiveIndex;
  clock: Clock;
  catalog: () => Catalog | null;
  idHmacKey: string;
  signer: ReceiptSigner;
  /** Cleared false matches (in memory): a cleared candidate is shown as such and holds nothing. */
  clearances?: ClearanceSet;
}

export type BatchItem = (DecisionResult & { index: number }) | { index: number; error: ItemError };

export interface ItemError {
  type: string;
  status: number;
  detail: string;
  detailZh: string;
}

export interface DecisionService {
  /**
   * Decides, signs and records one request; throws DecisionRequestError for input it cannot decide
   * on. With an idempotency key, a repeat of the same request by the same API key gets the first
   * decision back (`replayed`) and nothing new is recorded.
   */
  decide(
    req: DecisionRequest,
    caller: Principal,
    idempotencyKey?: string,
  ): Promise<{ result: DecisionResult; replayed: boolean }>;
  /** Each item decided on the same data version; one bad item does not spoil the others. */
  decideBatch(
    req: DecisionBatchRequest,
    caller: Principal,
  ): Promise<{ dataVersion: number; decided: number; failed: number; items: BatchItem[] }>;
  get(id: string): Promise<DecisionRecord | null>;
  jwks(): { keys: JWK[] };
  /** Picks up a key rotated by another process (credcheck receipts rotate-key). */
  reloadKeys(): Promise<boolean>;
  /** Resolves when every decision handed out is recorded. */
  idle(): Promise<void>;
}

export function createDecisionService(deps: DecisionServiceDeps): DecisionService {
  const log = new DecisionLog(deps.store);
  let signer = deps.signer;

  /** The synchronous part: no await between reading the index and signing, so one data version. */
  function make(
    req: DecisionRequest,
    caller: Principal,
    now: Date,
    today: string,
  ): { result: DecisionResult; record: DecisionRecord } {
    const catalog = deps.catalog();
    if (catalog === null) {
      throw new DecisionRequestError(
        'service-unavailable',
        'catalog',
        'No measure catalog is loaded.',
        '尚未加载措施清单。',
      );
    }
    const who = identify(deps.index, req, deps.idHmacKey, today);
    let decision: ReturnType<typeof decide>;
    try {
      decision = decide({
        subject: who.subject,
        entries: who.entries,
        related: who.related,
        catalog,
        scenario: req.scenario,
        today,
      });
    } catch (err) {
      if (err instanceof DecisionInputError) {
        throw new DecisionRequestError(
          err.problem === 'unknown-scenario' ? 'unknown-scenario' : 'validation-failed',
          err.field,
          err.message,
          err.messageZh,
        );
      }
      throw err;
    }
    const identity = clearedIdentity(who.identity, req.subject.name, who.key, deps.clearances);
    const decided = withIdentity(decision, identity);
    const id = newDecisionId(now.getTime());
    const issuedAt = now.toISOString();
    const dataVersion = deps.index.seq;
    const subject = who.subject === null ? null : subjectView(who.subject, 'staff');
    const base = {
      ...decided,
      id,
      issuedAt,
      dataVersion,
      reference: req.reference ?? null,
      subject,
    };
    const receipt = signer.sign(receiptPayload(base, who.code, caller.keyId));
    const result: DecisionResult = { ...base, receipt };
    const record: DecisionRecord = {
      id,
      at: issuedAt,
      keyId: caller.keyId,
      scenario: req.scenario,
      subjectId: who.subject?.id ?? null,
      subjectKey: who.subject?.key ?? null,
      outcome: decided.outcome,
      dataVersion,
      catalogVersion: decided.catalogVersion,
      reference: req.reference ?? null,
      receipt,
    };
    return { result, record };
  }

  return {
    async decide(req, caller, idempotencyKey) {
      const idem =
        idempotencyKey !== undefined && caller.keyId !== null
          ? { keyId: caller.keyId, idemKey: idempotencyKey }
          : null;
      const requestHash = idem ? hash('sha256', JSON.stringify(req), 'hex') : '';
      if (idem) {
        const first = await deps.store.getIdempotentResponse(idem.keyId, idem.idemKey);
        if (first) return replay(first, requestHash);
      }
      if (req.subject.name !== undefined && !deps.index.namesReady) await deps.index.whenNamesReady();
      const now = deps.clock.now();
      const { result, record } = make(req, caller, now, deps.clock.today());
      await log.append([record]);
      if (idem) {
        const kept = await deps.store.putIdempotentResponse({
          ...idem,
          requestHash,
          response: JSON.stringify(result),
          at: now.toISOString(),
        });
        // Two copies of one request raced: both were decided, the first kept answers both.
        if (!kept) {
          const first = await deps.store.getIdempotentResponse(idem.keyId, idem.idemKey);
          if (first) return replay(first, requestHash);
        }
      }
      return { result, replayed: false };
    },

    async decideBatch(req, caller) {
      if (!deps.index.namesReady && req.items.some((i) => i.subject.name !== undefined)) {
        await deps.index.whenNamesReady();
      }
      const now = deps.clock.now();
      const today = deps.clock.today();
      const items: BatchItem[] = [];
      const records: DecisionRecord[] = [];
      let failed = 0;
      req.items.forEach((item, index) => {
        const scenario = item.scenario ?? req.scenario;
        try {
          if (scenario === undefined) {
            throw new DecisionRequestError(
              'validation-failed',
              `items[${index}].scenario`,
              'Give a scenario for the item or for the whole batch.',
              '请为该项或整个批次指定场景。',
            );
          }
          const { result, record } = make({ ...item, scenario }, caller, now, today);
          items.push({ ...result, index });
          records.push(record);
        } catch (err) {
          if (!(err instanceof DecisionRequestError)) throw err;
          failed++;
          items.push({ index, error: itemError(err) });
        }
      });
      await log.append(records);
      return { dataVersion: deps.index.seq, decided: records.length, failed, items };
    },

    get: (id) => deps.store.getDecision(id),
    jwks: () => signer.jwks(),

    async reloadKeys() {
      if (!(await hasNewerKey(deps.store, signer.jwks().keys.length))) return false;
      signer = createReceiptSigner(await readSigningKeys(deps.store));
      return true;
    },

    idle: () => log.idle(),
  };
}

function replay(
  first: IdempotentResponse,
  requestHash: string,
): { result: DecisionResult; replayed: boolean } {
  if (first.requestHash !== requestHash) {
    throw new DecisionRequestError(
      'idempotency-key-reused',
      'Idempotency-Key',
      `This Idempotency-Key was used on ${first.at} for a different request.`,
      `该幂等键已于 ${first.at} 用于另一请求。`,
    );
  }
  return { result: JSON.parse(first.response) as DecisionResult, replayed: true };
}

function itemError(err: DecisionRequestError): ItemError {
  const status = err.slug === 'service-unavailable' ? 503 : 400;
  return {
    type: `/problems/${err.slug}`,
    status,
    detail: `${err.field}: ${err.message}`,
    detailZh: `${err.field}：${err.messageZh}`,
  };
}
