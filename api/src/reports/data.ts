import { classifyCode } from '@credcheck/sdk/identifiers';
import type { Principal } from '../auth/roles.ts';
import { type CommitmentView, commitmentView } from '../commitments/service.ts';
import { DecisionRequestError } from '../decisions/errors.ts';
import type { DecisionResult } from '../decisions/schemas.ts';
import type { StoredStatus } from '../domain/model.ts';
import type { AppDeps } from '../http/env.ts';
import type { ProblemSlug } from '../http/problems.ts';
import { foundView, lookupCode } from '../lookup/lookup.ts';
import { lookupContext, visibilityOf } from '../routes/subjects.ts';

/**
 * What a credit report (信用报告) shows, gathered once: the subject and its status from the
 * in-memory index (persons masked for the caller's role), each entry with its history from the
 * change log, the organization's commitments, and a decision for the chosen scenario, made,
 * signed and recorded like any other (the report is proof that the check was made).
 */

export interface ReportEntry {
  id: string;
  listType: string;
  listTypeName: string;
  listTypeNameEn: string;
  kind: 'red' | 'black';
  designator: string;
  basis: string;
  reason: string;
  decidedOn: string;
  publishedOn: string | null;
  validUntil: string | null;
  status: string;
  inForce: boolean;
  history: Array<{ at: string; type: string; status: StoredStatus | null; why: string | null }>;
}

export interface ReportData {
  code: string;
  subject: {
    type: 'org' | 'person';
    name: string | null;
    code: string | null;
    idMasked: string | null;
    legalRep: string | null;
  } | null;
  /** black, suspended, red, expired, clean */
  status: string;
  warnings: string[];
  entries: ReportEntry[];
  commitments: CommitmentView[];
  decision: DecisionResult;
  scenarioName: { zh: string; en: string };
  generatedAt: string;
  dataVersion: number;
}

export class ReportInputError extends Error {
  constructor(
    readonly slug: ProblemSlug,
    message: string,
    readonly messageZh: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export async function gatherReport(
  deps: AppDeps,
  code: string,
  scenario: string,
  caller: Principal,
): Promise<ReportData> {
  const catalog = deps.catalog();
  const sc = catalog?.scenarios.find((s) => s.code === scenario);
  if (sc === undefined) {
    throw new ReportInputError(
      'unknown-scenario',
      `Scenario "${scenario}" is not in the measure catalog; GET /v1/scenarios lists the codes.`,
      `场景“${scenario}”不在措施清单中，可通过 GET /v1/scenarios 查询。`,
      { scenario },
    );
  }
  const ctx = lookupContext(deps, visibilityOf(caller));
  const found = lookupCode(ctx, code);
  if (found.result === 'invalid') {
    throw new ReportInputError('invalid-code', found.failure.message, found.failure.messageZh, {
      code: found.code ?? undefined,
      failure: found.failure,
    });
  }
  let decision: DecisionResult;
  try {
    ({ result: decision } = await deps.decisions.decide({ scenario, subject: { code } }, caller));
  } catch (err) {
    if (err instanceof DecisionRequestError) {
      throw new ReportInputError(
        err.slug,
        `${err.field}: ${err.message}`,
        `${err.field}：${err.messageZh}`,
        err.extra,
      );
    }
    throw err;
  }
  const view = found.result === 'found' ? foundView(ctx, found) : null;
  const entries: ReportEntry[] = [];
  for (const e of view?.entries ?? []) {
    const history = await deps.store.historyOf(e.id);
    entries.push({
      ...e,
      history: history
        .filter((h) => h.type.startsWith('entry.'))
        .map((h) => {
          const data = h.data as { status?: StoredStatus } | null;
          return {
            at: h.at,
            type: h.type,
            status: typeof data?.status === 'string' ? data.status : null,
            why: h.why?.text ?? null,
          };
        }),
    });
  }
  const isOrg = view ? view.subject.type === 'org' : classifyCode(found.code) === 'uscc';
  const today = deps.clock.today();
  const commitments = isOrg
    ? (await deps.store.listCommitments({ code: found.code, limit: 200 })).map((r) =>
        commitmentView(r, caller, today),
      )
    : [];
  return {
    code: found.code,
    subject: view
      ? {
          type: view.subject.type,
          name: view.subject.name,
          code: view.subject.code,
          idMasked: view.subject.idMasked,
          legalRep: view.subject.legalRep,
        }
      : ((commitments[0] && {
          type: 'org',
          name: commitments[0].name,
          code: found.code,
          idMasked: null,
          legalRep: null,
        }) ??
        null),
    status: found.status,
    warnings: found.warnings,
    entries,
    commitments,
    decision,
    scenarioName: { zh: sc.nameZh, en: sc.nameEn },
    generatedAt: deps.clock.now().toISOString(),
    dataVersion: decision.dataVersion,
  };
}
