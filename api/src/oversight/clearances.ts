import { normalizeName } from '@credcheck/sdk/names';
import type { Principal } from '../auth/roles.ts';
import { newDecisionId } from '../decisions/decision-id.ts';
import type { Clock } from '../domain/clock.ts';
import type { LiveIndex } from '../index/live-index.ts';
import { resolveCode } from '../lookup/resolve-code.ts';
import { ClearanceConflictError, type ClearanceRecord } from '../store/oversight-types.ts';
import type { Store } from '../store/types.ts';
import { ClearanceSet } from './clearance-set.ts';
import { OversightError } from './errors.ts';
import type { ClearanceRequest, ClearanceView } from './schemas.ts';

const PAGE = 1000;

export interface ClearanceServiceDeps {
  store: Pick<Store, 'createClearance' | 'revokeClearance' | 'getClearance' | 'clearancesSince'>;
  index: LiveIndex;
  clock: Clock;
  idHmacKey: string;
}

export interface ClearanceService {
  /** What decisions consult: every clearance, in memory. */
  readonly set: ClearanceSet;
  create(req: ClearanceRequest, caller: Principal): Promise<ClearanceView>;
  /** Only the key that recorded it, or an admin. */
  revoke(id: string, reason: string, caller: Principal): Promise<ClearanceView>;
  get(id: string): Promise<ClearanceView | null>;
  list(opts: {
    candidateSubjectId?: string;
    status: 'active' | 'revoked' | 'all';
    after?: string;
    limit: number;
  }): { items: ClearanceView[]; nextCursor: string | null };
  /** Reads what other processes wrote since the last refresh (the runtime calls it on each tick). */
  refresh(): Promise<void>;
}

/** Loads every clearance, then keeps the set current; see ClearanceSet. */
export async function openClearanceService(deps: ClearanceServiceDeps): Promise<ClearanceService> {
  const set = new ClearanceSet();
  let running: Promise<void> | null = null;

  const refresh = () => {
    running ??= (async () => {
      try {
        for (;;) {
          const page = await deps.store.clearancesSince(set.rev, PAGE);
          for (const r of page) set.apply(r);
          if (page.length > 0) set.rev = page[page.length - 1]!.rev;
          if (page.length < PAGE) break;
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };
  await refresh();

  const keyOf = (caller: Principal): string => {
    // Routes let only keyed roles in; a key id is what "who" means in every record.
    if (caller.keyId === null) throw new Error('a clearance needs an API key');
    return caller.keyId;
  };

  return {
    set,
    refresh,

    async create(req, caller) {
      const candidate = findCandidate(deps, req);
      const presentedNormName = normalizeName(req.presented.name);
      if (presentedNormName === '') {
        throw new OversightError(
          'validation-failed',
          'presented.name',
          'The name has no letters or characters left once normalized.',
          '名称规范化后为空。',
        );
      }
      let presentedKey: string | null = null;
      let presentedCode: string | null = null;
      if (req.presented.code !== undefined) {
        const resolved = resolveCode(req.presented.code, deps.idHmacKey);
        if (!resolved.usable) {
          throw new OversightError(
            'invalid-code',
            'presented.code',
            resolved.failure.message,
            resolved.failure.messageZh,
            { failure: resolved.failure },
          );
        }
        presentedKey = resolved.key;
        presentedCode = resolved.display;
      }
      if (presentedKey === candidate.key) {
        throw new OversightError(
          'validation-failed',
          'presented.code',
          'The code presented is the candidate’s own: that is the listed subject, not a false match.',
          '所提交的代码即为该名单主体的代码：属于同一主体，不能排除。',
        );
      }
      const at = deps.clock.now();
      try {
        const record = await deps.store.createClearance({
          // Time-ordered like decision ids, so that listing by id lists by creation.
          id: `clr_${newDecisionId(at.getTime()).slice(4)}`,
          candidateSubjectId: candidate.id,
          candidateCode: candidate.code ?? candidate.idMasked,
          candidateName: candidate.name,
          presentedName: req.presented.name,
          presentedNormName,
          presentedKey,
          presentedCode,
          reason: req.reason,
          keyId: keyOf(caller),
          at: at.toISOString(),
        });
        set.apply(record);
        return clearanceView(record);
      } catch (err) {
        if (!(err instanceof ClearanceConflictError)) throw err;
        set.apply(err.existing);
        throw new OversightError(
          'clearance-conflict',
          'presented',
          `Clearance ${err.existing.id} already clears this candidate for this name${presentedCode ? ' and code' : ''}.`,
          `该名称${presentedCode ? '和代码' : ''}与该疑似主体的排除记录 ${err.existing.id} 已存在。`,
          { clearance: clearanceView(err.existing) },
        );
      }
    },

    async revoke(id, reason, caller) {
      const found = await deps.store.getClearance(id);
      if (found === null) throw notFound(id);
      if (caller.role !== 'admin' && found.keyId !== caller.keyId) {
        throw new OversightError(
          'forbidden',
          'id',
          'Only the key that recorded a clearance, or an admin, may revoke it.',
          '只有记录该排除的密钥或管理员可以撤销。',
        );
      }
      const done = await deps.store.revokeClearance(id, {
        at: deps.clock.now().toISOString(),
        by: keyOf(caller),
        reason,
      });
      if (done === null) throw notFound(id);
      set.apply(done.record);
      if (!done.changed) {
        throw new OversightError(
          'clearance-conflict',
          'id',
          `Clearance ${id} was already revoked at ${done.record.revokedAt}.`,
          `排除记录 ${id} 已于 ${done.record.revokedAt} 撤销。`,
          { clearance: clearanceView(done.record) },
        );
      }
      return clearanceView(done.record);
    },

    async get(id) {
      const found = await deps.store.getClearance(id);
      if (found !== null) set.apply(found);
      return found === null ? null : clearanceView(found);
    },

    list({ candidateSubjectId, status, after, limit }) {
      const items: ClearanceView[] = [];
      for (const r of set.all()) {
        if (after !== undefined && r.id <= after) continue;
        if (candidateSubjectId !== undefined && r.candidateSubjectId !== candidateSubjectId) continue;
        if (status !== 'all' && (r.revokedAt === null ? 'active' : 'revoked') !== status) continue;
        if (items.length === limit) return { items, nextCursor: items[items.length - 1]!.id };
        items.push(clearanceView(r));
      }
      return { items, nextCursor: null };
    },
  };
}

function findCandidate(deps: ClearanceServiceDeps, req: ClearanceRequest) {
  if (req.candidateSubjectId !== undefined) {
    const found = deps.index.list.getById(req.candidateSubjectId);
    if (found === undefined) throw candidateNotListed('candidateSubjectId');
    return found.subject;
  }
  const resolved = resolveCode(req.candidateCode!, deps.idHmacKey);
  if (!resolved.usable) {
    throw new OversightError(
      'invalid-code',
      'candidateCode',
      resolved.failure.message,
      resolved.failure.messageZh,
      { failure: resolved.failure },
    );
  }
  const found = deps.index.list.get(resolved.key);
  if (found === undefined) throw candidateNotListed('candidateCode');
  return found.subject;
}

function candidateNotListed(field: string): OversightError {
  return new OversightError(
    'subject-not-found',
    field,
    'The candidate is not a listed subject: only a listed subject can be matched by name, and cleared.',
    '该疑似主体不在名单中：只有名单主体才会被名称匹配，也才需要排除。',
  );
}

function notFound(id: string): OversightError {
  return new OversightError('not-found', 'id', `No clearance ${id}.`, `排除记录 ${id} 不存在。`);
}

export function clearanceView(r: ClearanceRecord): ClearanceView {
  return {
    id: r.id,
    status: r.revokedAt === null ? 'active' : 'revoked',
    candidate: { subjectId: r.candidateSubjectId, code: r.candidateCode, name: r.candidateName },
    presented: { name: r.presentedName, normalizedName: r.presentedNormName, code: r.presentedCode },
    reason: r.reason,
    by: r.keyId,
    at: r.at,
    revoked:
      r.revokedAt === null ? null : { at: r.revokedAt, by: r.revokedBy ?? '', reason: r.revokeReason ?? '' },
  };
}
