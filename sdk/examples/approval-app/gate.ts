import {
  type CredCheckClient,
  type DecisionOrUnavailable,
  ProblemError,
  ReceiptError,
  verifyReceipt,
} from '@credcheck/sdk/client';

/** What the approval system records for one request; `approved` only after a verified clear/favour decision. */
export interface ApprovalRecord {
  n: number;
  code: string;
  bidder: string;
  reference: string;
  status: 'approved' | 'refused' | 'manual-review';
  /** Why, for the officer: the decision's basis, the cause of an unavailable check, or a refusal by the API. */
  reasons: string[];
  outcome: DecisionOrUnavailable['outcome'] | 'error';
  /** The decision id the receipt attests (`dec_…`), kept with the record; null when no decision was made. */
  receiptId: string | null;
  receipt: string | null;
  /** Measure codes the verified receipt names: the ones feedback must report on. */
  measures: string[];
  feedbackSent: boolean;
}

export interface GateInput {
  code: string;
  bidder: string;
  reference: string;
}

/**
 * Gates one approval on a decision. Fails closed: only a clear or favour decision whose receipt
 * verifies approves; block refuses; review, an unavailable API or an unverifiable receipt go to
 * manual review. Nothing here ever turns a missing answer into an approval.
 */
export async function gateApproval(
  cc: CredCheckClient,
  jwksUrl: string,
  scenario: string,
  input: GateInput,
  n: number,
): Promise<ApprovalRecord> {
  const record: ApprovalRecord = {
    n,
    ...input,
    status: 'manual-review',
    reasons: [],
    outcome: 'error',
    receiptId: null,
    receipt: null,
    measures: [],
    feedbackSent: false,
  };
  let d: DecisionOrUnavailable;
  try {
    d = await cc.decide({
      scenario,
      subject: { code: input.code, ...(input.bidder ? { name: input.bidder } : {}) },
      reference: input.reference || undefined,
    });
  } catch (err) {
    // The API refused the request itself (invalid code, wrong key): nothing to approve on.
    record.status = 'refused';
    record.reasons = [err instanceof ProblemError ? `${err.title}: ${err.detail ?? ''}` : String(err)];
    return record;
  }
  record.outcome = d.outcome;
  if (d.outcome === 'unavailable') {
    record.reasons = [`查询不可用 / check unavailable: ${d.cause.message}`];
    return record;
  }
  record.receiptId = d.id;
  record.receipt = d.receipt;
  record.reasons = d.basis;
  try {
    const { claims } = await verifyReceipt(d.receipt, { jwksUrl });
    if (claims.jti !== d.id || claims.outcome !== d.outcome)
      throw new Error('the receipt attests another decision');
    record.measures = [...new Set([...claims.measures, ...claims.related.flatMap((r) => r.measures)])];
  } catch (err) {
    record.reasons = [
      `回执无法验证 / receipt not verified: ${err instanceof ReceiptError ? err.code : String(err)}`,
      ...d.basis,
    ];
    return record;
  }
  if (d.outcome === 'block') record.status = 'refused';
  else if (d.outcome === 'clear' || d.outcome === 'favour') record.status = 'approved';
  return record;
}

/** Reports that every measure of the decision was applied (执行反馈), once the approval is settled. */
export async function sendFeedback(cc: CredCheckClient, record: ApprovalRecord, note: string): Promise<void> {
  if (!record.receiptId) throw new Error('no decision to report on');
  await cc.sendFeedback(record.receiptId, {
    measures: record.measures.map((code) => ({ code, applied: true })),
    ...(note ? { note } : {}),
  });
  record.feedbackSent = true;
}
