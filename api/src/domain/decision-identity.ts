import { z } from '@hono/zod-openapi';
import { line } from './decision-messages.ts';
import type { Decision, DecisionOutcome } from './decision-schema.ts';
import { SubjectStatus } from './model.ts';

/**
 * A cleared false match (POST /v1/clearances): someone recorded that this listed subject is not the
 * one presented. The candidate stays in the answer, marked, and no longer holds the case for review.
 */
export const ClearanceNoteSchema = z
  .object({
    id: z.string().openapi({ example: 'clr_019ab3c4d5e60000a1b2c3d4' }),
    by: z.string().openapi({ description: 'The API key that recorded the clearance' }),
    at: z.string().openapi({ description: 'RFC 3339 instant it was recorded' }),
    reason: z.string(),
  })
  .openapi('ClearanceNote');
export type ClearanceNote = z.infer<typeof ClearanceNoteSchema>;

/**
 * How the subject in front of the caller was identified, and whether what the caller said about
 * it fits together. The code (or ID number) is the identity; a name is only ever a possible match.
 */
export const IdentityConflictSchema = z
  .object({
    field: z.enum(['name', 'legalRep', 'legalRepCode']),
    message: z.string(),
    messageZh: z.string(),
    listed: z
      .object({
        subjectId: z.string(),
        code: z.string().nullable(),
        name: z.string(),
        status: SubjectStatus,
      })
      .optional()
      .openapi({ description: 'The listed subject the given value belongs to instead, when there is one' }),
    clearance: ClearanceNoteSchema.optional().openapi({
      description:
        'Present when this code and name were recorded as not being the listed subject: no longer a conflict',
    }),
  })
  .openapi('IdentityConflict');
export type IdentityConflict = z.infer<typeof IdentityConflictSchema>;

export const NameCandidateSchema = z
  .object({
    subjectId: z.string(),
    code: z.string().nullable(),
    name: z.string(),
    score: z.number(),
    match: z.enum(['exact', 'normalized', 'branch-of', 'similar']),
    reason: z.string().optional(),
    status: SubjectStatus,
    clearance: ClearanceNoteSchema.optional().openapi({
      description:
        'Present when this name was recorded as not being this candidate: shown, but no longer a hit',
    }),
  })
  .openapi('NameCandidate');
export type NameCandidate = z.infer<typeof NameCandidateSchema>;

export const IdentitySchema = z
  .object({
    matchedBy: z.enum(['code', 'id', 'name', 'none']).openapi({
      description:
        'code/id: the subject was identified by its USCC or ID number. name: only possible matches by name ' +
        '(candidates), none of which is taken as the subject. none: a name matching no listed subject.',
    }),
    consistent: z.boolean().openapi({
      description:
        'False when the code, name and legal representative given do not belong together (cleared conflicts aside)',
    }),
    conflicts: z.array(IdentityConflictSchema),
    candidates: z
      .array(NameCandidateSchema)
      .openapi({ description: 'Listed subjects whose name resembles the name given (name-only requests)' }),
    warnings: z.array(z.string()),
  })
  .openapi('Identity');
export type Identity = z.infer<typeof IdentitySchema>;

/**
 * Folds the identity into a decision made on the identified subject (or on none). Neither a
 * mismatch nor a name-only hit is ever resolved by guessing: both turn a favourable or clear
 * outcome into `review`, and say why; a block stays a block (the code decides the subject). A
 * candidate or conflict someone cleared (recorded as not the subject presented) is named with
 * who, when and why, and holds nothing.
 */
export function withIdentity(decision: Decision, identity: Identity): Decision & { identity: Identity } {
  const basis = [...decision.basis];
  let outcome: DecisionOutcome = decision.outcome;
  const mildToReview = () => {
    if (outcome === 'favour' || outcome === 'clear') outcome = 'review';
  };
  if (identity.matchedBy === 'name') {
    const open = identity.candidates.filter((c) => c.clearance === undefined);
    // Only a candidate whose confirmation would change the outcome holds the case for a person.
    if (open.some((c) => c.status !== 'expired' && c.status !== 'clean')) mildToReview();
    if (open.length > 0) {
      const names = open.map((c) => `${c.name}（${c.code ?? c.subjectId}，${c.status}）`).join('；');
      basis.push(
        line(
          `仅凭名称匹配到疑似名单主体：${names}。名称不能确定身份，须以统一社会信用代码核实后方可实施措施`,
          `Name-only possible match: ${names}. A name is not an identity; confirm by the unified social credit code before applying any measure`,
        ),
      );
    }
    for (const c of identity.candidates) {
      if (c.clearance) basis.push(clearedLine(c.name, c.code ?? c.subjectId, c.status, c.clearance));
    }
  } else if (identity.matchedBy === 'none') {
    basis.push(
      line(
        '未提供代码，按名称未匹配到名单主体；仅凭名称的查询不能排除同名或改名情形',
        'No code given and the name matches no listed subject; a name-only check cannot rule out renamed or differently written subjects',
      ),
    );
  }
  if (!identity.consistent) {
    mildToReview();
    for (const c of identity.conflicts) {
      if (c.clearance === undefined)
        basis.push(line(`身份信息不一致：${c.messageZh}`, `Identity mismatch: ${c.message}`));
    }
  }
  for (const c of identity.conflicts) {
    if (c.clearance && c.listed) {
      const l = c.listed;
      basis.push(clearedLine(l.name, l.code ?? l.subjectId, l.status, c.clearance));
    }
  }
  if (outcome !== decision.outcome) {
    basis.push(
      line(
        `结论由“${decision.outcome}”调整为“review”：须人工核实主体身份`,
        `Outcome raised from ${decision.outcome} to review: the subject's identity must be confirmed by a person`,
      ),
    );
  }
  return { ...decision, outcome, basis, identity };
}

function clearedLine(name: string, code: string, status: string, c: ClearanceNote): string {
  return line(
    `已排除疑似名单主体：${name}（${code}，${status}）——${c.by} 于 ${c.at} 记录其与所提交主体并非同一主体（排除记录 ${c.id}，理由：${c.reason}）`,
    `Cleared possible match: ${name} (${code}, ${status}) — recorded by ${c.by} at ${c.at} as not the subject presented (clearance ${c.id}: ${c.reason})`,
  );
}
