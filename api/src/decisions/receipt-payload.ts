import type { Identity } from '../domain/decision-identity.ts';
import type { Decision } from '../domain/decision-schema.ts';

/**
 * What a receipt attests: who asked, about whom, in which scenario, on which data, with what
 * result and why (measure codes and entry ids). The full decision stays retrievable by id; the
 * receipt is small enough to file with the case.
 */
export function receiptPayload(
  d: Decision & {
    identity: Identity;
    id: string;
    issuedAt: string;
    dataVersion: number;
    reference: string | null;
  },
  code: string | null,
  keyId: string | null,
): Record<string, unknown> {
  return {
    iss: 'credcheck',
    jti: d.id,
    iat: Math.floor(Date.parse(d.issuedAt) / 1000),
    issuedAt: d.issuedAt,
    asOf: d.asOf,
    dataVersion: d.dataVersion,
    catalogVersion: d.catalogVersion,
    scenario: d.scenario,
    subject: { id: d.subjectId, code, matchedBy: d.identity.matchedBy, consistent: d.identity.consistent },
    status: d.status,
    outcome: d.outcome,
    measures: d.measures.map((m) => m.code),
    entries: d.entries.map((e) => e.id),
    notApplied: d.notApplied.map((n) => `${n.id}:${n.why}`),
    related: d.related.map((r) => ({ subjectId: r.subjectId, measures: r.measures.map((m) => m.code) })),
    candidates: d.identity.candidates.map((c) => c.subjectId),
    // Only when some were applied, so that other receipts keep their exact shape.
    ...clearedClaim(d.identity),
    greenChannel: d.greenChannel.eligible,
    caller: keyId,
    reference: d.reference,
  };
}

/** Ids of the clearances (cleared false matches) the decision relied on. */
function clearedClaim(identity: Identity): { cleared?: string[] } {
  const cleared: string[] = [];
  for (const c of identity.candidates) if (c.clearance) cleared.push(c.clearance.id);
  for (const c of identity.conflicts) if (c.clearance) cleared.push(c.clearance.id);
  return cleared.length > 0 ? { cleared } : {};
}
