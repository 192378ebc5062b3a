import { classifyCode, cleanCode, validateUSCC } from '@credcheck/sdk/identifiers';
import { canActForDepartment, type Principal } from '../auth/roles.ts';
import { newDecisionId } from '../decisions/decision-id.ts';
import type { Catalog } from '../domain/catalog.ts';
import type { Clock } from '../domain/clock.ts';
import { addPeriod } from '../domain/periods.ts';
import { DueProcessError, invalid, notFound } from '../due-process/errors.ts';
import type { DueProcessService } from '../due-process/service.ts';
import type { CommitmentRecord } from '../store/commitments.ts';
import type { Store } from '../store/types.ts';
import type { BreachRequest, CommitmentRequest } from './schemas.ts';

/**
 * Credit commitments (信用承诺): a department records the pledge an organization made to it
 * (subjects hold no keys, as for objections: the channel and who signed are recorded), anyone
 * reads them by code, and the department's designator (or an admin) finds one breached, which
 * lists the organization on `commitment-breach` with the commitment as basis in the same
 * transaction (DueProcessService.designate with the commitment attached).
 */

export const BREACH_LIST_TYPE = 'commitment-breach';

export interface CommitmentDeps {
  store: Pick<Store, 'getCommitment' | 'listCommitments'>;
  clock: Clock;
  catalog: () => Catalog | null;
  dueProcess: DueProcessService;
  /** The change-log seq the in-memory index is at. */
  dataVersion: () => number;
}

export type CommitmentView = ReturnType<typeof commitmentView>;

/** Who sees what of a commitment: the pledge is public, who signed it and the evidence are not. */
export function commitmentView(r: CommitmentRecord, caller: Principal, today: string) {
  const own =
    canActForDepartment(caller, r.department) || (caller.keyId !== null && caller.keyId === r.filedBy);
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    kind: r.kind,
    matter: r.matter,
    text: r.text,
    madeOn: r.madeOn,
    validUntil: r.validUntil,
    status:
      r.status === 'breached'
        ? ('breached' as const)
        : r.validUntil !== null && r.validUntil < today
          ? ('expired' as const)
          : ('active' as const),
    department: r.department,
    channel: r.channel,
    submitter: own ? r.submitter : null,
    filedOn: r.filedOn,
    breach:
      r.breach === null
        ? null
        : {
            reason: r.breach.reason,
            decidedOn: r.breach.decidedOn,
            entryId: r.breach.entryId,
            evidence: own ? r.breach.evidence : null,
          },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** An organization's USCC, cleaned; a failing check character is kept with a warning, as imports do. */
export function commitmentCode(raw: string): { code: string; warnings: string[] } {
  const code = cleanCode(raw).toUpperCase();
  const kind = classifyCode(code);
  if (kind === 'resident-id') {
    throw invalid(
      'code',
      'is a resident ID number: commitments are organizations’ public pledges and take a unified social credit code',
      '为公民身份号码：信用承诺为组织的公开承诺，须填写统一社会信用代码',
    );
  }
  const check = validateUSCC(code);
  if (check.valid) return { code, warnings: [] };
  const f = check.failure!;
  if ((f.check === 'check-character' || f.check === 'org-code-check') && code.length === 18) {
    return {
      code,
      warnings: [`USCC ${code}: ${f.message} Recorded as given; confirm it against the registration record.`],
    };
  }
  throw new DueProcessError(
    'invalid-code',
    `USCC ${code}: ${f.message}`,
    `统一社会信用代码 ${code}：${f.messageZh}`,
    { code, failure: f },
    [{ field: 'body.code', message: f.message }],
  );
}

export function createCommitmentService(deps: CommitmentDeps) {
  const { store, clock, dueProcess } = deps;
  const actorOf = (caller: Principal) => caller.keyId ?? 'anonymous';

  function departmentFor(req: CommitmentRequest, caller: Principal): string {
    if (caller.role === 'designator') {
      if (req.department !== undefined && req.department !== caller.department) {
        throw new DueProcessError(
          'wrong-department',
          `Your key records commitments for "${caller.department}", not "${req.department}".`,
          `您的密钥代表“${caller.department}”，不能为“${req.department}”受理承诺。`,
          { department: req.department },
        );
      }
      return caller.department!;
    }
    const department = req.department ?? (caller.role === 'implementer' ? caller.department : null);
    if (department === null || department === undefined) {
      throw invalid(
        'department',
        'is required: name the department receiving the commitment',
        '须注明受理承诺的部门',
      );
    }
    return department;
  }

  async function commitmentOrThrow(id: string): Promise<CommitmentRecord> {
    const r = await store.getCommitment(id);
    if (r === null) throw notFound('commitment', id);
    return r;
  }

  return {
    async create(req: CommitmentRequest, caller: Principal) {
      const { code, warnings } = commitmentCode(req.code);
      const department = departmentFor(req, caller);
      const today = clock.today();
      if (req.madeOn > today) throw invalid('madeOn', 'is after today', '晚于今天');
      if (req.validUntil !== undefined && req.validUntil < req.madeOn) {
        throw invalid('validUntil', `is before madeOn ${req.madeOn}`, `早于承诺日期 ${req.madeOn}`);
      }
      if (req.kind === 'specific' && req.matter === undefined) {
        throw invalid('matter', 'is required for a specific commitment', '专项承诺须注明所涉事项');
      }
      if (req.kind === 'comprehensive' && req.matter !== undefined) {
        throw invalid('matter', 'is for a specific commitment only', '综合承诺无需注明事项');
      }
      const m = req.matter;
      if (m?.dueOn !== undefined && m.dueOn < req.madeOn) {
        throw invalid('matter.dueOn', `is before madeOn ${req.madeOn}`, `早于承诺日期 ${req.madeOn}`);
      }
      if (m?.scenario !== undefined && !deps.catalog()?.scenarios.some((s) => s.code === m.scenario)) {
        throw invalid(
          'matter.scenario',
          `"${m.scenario}" is not a scenario of the catalog`,
          '不是措施清单中的场景',
        );
      }
      const now = clock.now().toISOString();
      const record: CommitmentRecord = {
        id: `com_${newDecisionId(Date.parse(now)).slice(4)}`,
        code,
        name: req.name,
        kind: req.kind,
        matter: m
          ? {
              type: m.type,
              title: m.title,
              scenario: m.scenario ?? null,
              reference: m.reference ?? null,
              materials: m.materials,
              dueOn: m.dueOn ?? null,
            }
          : null,
        text: req.text,
        madeOn: req.madeOn,
        validUntil: req.validUntil ?? null,
        department,
        channel: req.channel,
        submitter: { name: req.submitter.name, contact: req.submitter.contact ?? null },
        status: 'active',
        filedBy: actorOf(caller),
        filedOn: today,
        breach: null,
        createdAt: now,
        updatedAt: now,
      };
      const { seq } = await dueProcess.write({
        actor: actorOf(caller),
        commitment: { record, expectStatus: null, change: 'commitment.created' },
        audit: {
          action: 'commitment.created',
          target: record.id,
          detail: { code, department, kind: record.kind, matter: record.matter?.type ?? null },
        },
      });
      return { dataVersion: seq, commitment: commitmentView(record, caller, today), warnings };
    },

    async get(id: string, caller: Principal) {
      return commitmentView(await commitmentOrThrow(id), caller, clock.today());
    },

    async list(
      q: {
        code?: string;
        department?: string;
        status?: 'active' | 'breached';
        limit: number;
        cursor?: string;
      },
      caller: Principal,
    ) {
      const code = q.code === undefined ? undefined : cleanCode(q.code).toUpperCase();
      const department =
        q.department ?? (code === undefined && caller.role !== 'admin' ? caller.department : undefined);
      if (code === undefined && (department === undefined || department === null)) {
        throw invalid('code', 'give the subject’s code (or a department)', '请提供主体代码（或部门）');
      }
      const rows = await store.listCommitments({
        ...(code !== undefined ? { code } : {}),
        ...(department ? { department } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.cursor ? { after: q.cursor } : {}),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const today = clock.today();
      return {
        asOf: today,
        items: page.map((r) => commitmentView(r, caller, today)),
        nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
      };
    },

    async breach(id: string, req: BreachRequest, caller: Principal) {
      const commitment = await commitmentOrThrow(id);
      if (!canActForDepartment(caller, commitment.department)) {
        throw new DueProcessError(
          'wrong-department',
          `This commitment was made to "${commitment.department}"; your key acts for "${caller.department ?? '(none)'}".`,
          `该承诺由“${commitment.department}”受理，您的密钥代表“${caller.department ?? '（无）'}”，无权认定违诺。`,
          { department: commitment.department },
        );
      }
      if (commitment.status !== 'active') {
        throw new DueProcessError(
          'conflict',
          `The commitment was already found breached (${commitment.breach?.entryId}).`,
          `该承诺已被认定违诺（${commitment.breach?.entryId}）。`,
          { reason: 'already-breached', entryId: commitment.breach?.entryId },
        );
      }
      const today = clock.today();
      if (req.decidedOn < commitment.madeOn) {
        throw invalid(
          'decidedOn',
          `is before the commitment was made (${commitment.madeOn})`,
          `早于承诺日期 ${commitment.madeOn}`,
        );
      }
      const listType = deps.catalog()?.listTypes.find((t) => t.code === BREACH_LIST_TYPE);
      if (listType === undefined) {
        throw new DueProcessError(
          'service-unavailable',
          `The measure catalog in force has no list type ${BREACH_LIST_TYPE}: load the current default catalog.`,
          `现行措施清单中没有“${BREACH_LIST_TYPE}”名单类型，请加载最新的默认清单。`,
        );
      }
      const validUntil =
        req.validUntil !== undefined
          ? req.validUntil
          : listType.typicalValidity
            ? addPeriod(req.decidedOn, listType.typicalValidity)
            : null;
      const now = clock.now().toISOString();
      const breached: CommitmentRecord = {
        ...commitment,
        status: 'breached',
        breach: {
          reason: req.reason,
          evidence: req.evidence.map((e) => ({ title: e.title, reference: e.reference ?? null })),
          decidedOn: req.decidedOn,
          entryId: '',
          by: actorOf(caller),
          at: now,
        },
        updatedAt: now,
      };
      const basis = `违背信用承诺 ${commitment.id}${req.basis ? `（${req.basis}）` : ''}`;
      const entry = await dueProcess.designate(
        {
          code: commitment.code,
          subjectType: 'org',
          name: commitment.name,
          listType: BREACH_LIST_TYPE,
          department: commitment.department,
          designator: commitment.department,
          basis,
          reason: req.reason,
          decidedOn: req.decidedOn,
          validUntil,
        },
        caller,
        {
          commitment: { record: breached, expectStatus: 'active', change: 'commitment.breached' },
          why: {
            cause: 'commitment.breached',
            text: `违背信用承诺 / Credit commitment broken: ${req.reason}`,
            commitmentId: commitment.id,
          },
          audit: {
            action: 'commitment.breached',
            target: commitment.id,
            detail: { code: commitment.code, evidence: req.evidence.length, decidedOn: req.decidedOn },
          },
        },
      );
      const stored = (await store.getCommitment(id)) ?? {
        ...breached,
        breach: { ...breached.breach!, entryId: entry.entry.id },
      };
      return { dataVersion: entry.dataVersion, commitment: commitmentView(stored, caller, today), entry };
    },
  };
}

export type CommitmentService = ReturnType<typeof createCommitmentService>;
