import { z } from '@hono/zod-openapi';
import { DecisionOutcome } from '../domain/decision-schema.ts';

/** Wire shapes of clearances, feedback, decision listings and statistics. Unknown fields are rejected. */

const Instant = z.string().openapi({ description: 'RFC 3339 instant (UTC, milliseconds)' });

export const ClearanceRequestSchema = z
  .object({
    candidateSubjectId: z.string().min(1).max(64).optional().openapi({
      description: 'The listed candidate the name matched (`subjectId` of a candidate in a decision)',
      example: 'sub_3f9c2a7d1e0b4c5a6d7e',
    }),
    candidateCode: z.string().min(1).max(64).optional().openapi({
      description: 'Or the candidate’s USCC (or ID number, never stored in clear)',
    }),
    presented: z
      .object({
        name: z.string().min(1).max(200).openapi({
          description: 'The name as given in the decision request (compared after sdk name normalization)',
          example: '重慶遠禾裝飾工程有限公司',
        }),
        code: z.string().min(1).max(64).optional().openapi({
          description:
            'The code given with the name, if any. A clearance with a code applies only to requests giving that code; one without, only to name-only requests',
        }),
      })
      .strict(),
    reason: z.string().trim().min(1).max(1000).openapi({
      description: 'Why the candidate is not the subject presented (e.g. what was checked)',
      example: '经核对营业执照，申请人统一社会信用代码与名单主体不同，非同一主体',
    }),
  })
  .strict()
  .refine((r) => (r.candidateSubjectId === undefined) !== (r.candidateCode === undefined), {
    message: 'give the candidate by candidateSubjectId or by candidateCode (one of them)',
    path: ['candidateSubjectId'],
  })
  .openapi('ClearanceRequest');
export type ClearanceRequest = z.infer<typeof ClearanceRequestSchema>;

export const ClearanceRevokeSchema = z
  .object({ reason: z.string().trim().min(1).max(1000).openapi({ example: '复核确认为同一主体' }) })
  .strict()
  .openapi('ClearanceRevokeRequest');

export const ClearanceSchema = z
  .object({
    id: z.string().openapi({ example: 'clr_019ab3c4d5e60000a1b2c3d4' }),
    status: z.enum(['active', 'revoked']),
    candidate: z.object({
      subjectId: z.string(),
      code: z.string().nullable().openapi({ description: 'USCC, or the staff mask of an ID number' }),
      name: z.string().openapi({ description: 'Listed name when the clearance was made' }),
    }),
    presented: z.object({
      name: z.string(),
      normalizedName: z.string().openapi({ description: 'What later requests’ names are compared with' }),
      code: z.string().nullable().openapi({ description: 'USCC or staff mask; null: name-only requests' }),
    }),
    reason: z.string(),
    by: z.string().openapi({ description: 'The API key that recorded it' }),
    at: Instant,
    revoked: z
      .object({ at: Instant, by: z.string(), reason: z.string() })
      .nullable()
      .openapi({ description: 'Who revoked it, when and why; null while active' }),
  })
  .openapi('Clearance');
export type ClearanceView = z.infer<typeof ClearanceSchema>;

export const ClearanceListSchema = z
  .object({ items: z.array(ClearanceSchema), nextCursor: z.string().nullable() })
  .openapi('ClearanceList');

export const FeedbackRequestSchema = z
  .object({
    measures: z
      .array(
        z
          .object({
            code: z.string().min(1).max(100).openapi({ example: 'gov-procurement-ban' }),
            applied: z.boolean(),
            reason: z.string().trim().min(1).max(1000).optional().openapi({
              description: 'Required when not applied (why not); optional otherwise',
            }),
          })
          .strict(),
      )
      .max(200)
      .openapi({
        description:
          'Every measure of the decision (its own and its related persons’), each exactly once; empty for a decision without measures',
      }),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    body.measures.forEach((m, i) => {
      if (!m.applied && m.reason === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['measures', i, 'reason'],
          message: 'say why the measure was not applied',
        });
      }
    });
  })
  .openapi('FeedbackRequest');
export type FeedbackRequest = z.infer<typeof FeedbackRequestSchema>;

export const FeedbackSchema = z
  .object({
    id: z.string().openapi({ example: 'fbk_019ab3c4d5e60000a1b2c3d4' }),
    decisionId: z.string(),
    at: Instant,
    by: z.string().openapi({ description: 'The API key that reported' }),
    measures: z.array(z.object({ code: z.string(), applied: z.boolean(), reason: z.string().nullable() })),
    note: z.string().nullable(),
  })
  .openapi('Feedback');
export type FeedbackView = z.infer<typeof FeedbackSchema>;

export const FeedbackListSchema = z
  .object({
    decisionId: z.string(),
    measures: z.array(z.string()).openapi({ description: 'The measures a report must cover' }),
    items: z
      .array(FeedbackSchema)
      .openapi({ description: 'Every report, oldest first; the last one is current' }),
  })
  .openapi('FeedbackList');

export const DecisionSummarySchema = z
  .object({
    id: z.string(),
    at: Instant,
    keyId: z.string().nullable(),
    scenario: z.string(),
    subjectId: z.string().nullable(),
    outcome: DecisionOutcome,
    reference: z.string().nullable(),
  })
  .openapi('DecisionSummary');

export const DecisionListSchema = z
  .object({
    items: z.array(DecisionSummarySchema),
    nextCursor: z.string().nullable(),
    before: Instant.openapi({ description: 'Only decisions made before this instant are listed' }),
  })
  .openapi('DecisionList');

const Rate = z
  .number()
  .nullable()
  .openapi({ description: 'A share from 0 to 1 (4 decimals); null when nothing to count' });

const CheckCounts = { checks: z.number().int(), listed: z.number().int(), hitRate: Rate };
const FeedbackCounts = {
  expected: z.number().int(),
  reported: z.number().int(),
  completion: Rate,
  overdue: z.number().int(),
};

const Days = z.number().nullable();
const ObjectionCounts = {
  received: z.number().int(),
  resolved: z.number().int(),
  upheld: z.number().int(),
  rejected: z.number().int(),
  resolvedOnTime: z.number().int(),
  pending: z.number().int(),
  overdue: z.number().int(),
  medianDays: Days,
  meanDays: Days,
};
const RepairCounts = {
  received: z.number().int(),
  decided: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  pending: z.number().int(),
  medianDays: Days,
  meanDays: Days,
};

export const StatsSchema = z
  .object({
    from: Instant,
    to: Instant.openapi({ description: 'Exclusive' }),
    generatedAt: Instant,
    checks: z
      .object({
        total: z.object(CheckCounts),
        byOutcome: z.object({
          block: z.number().int(),
          review: z.number().int(),
          favour: z.number().int(),
          clear: z.number().int(),
        }),
        byDepartment: z.array(z.object({ department: z.string().nullable(), ...CheckCounts })),
        byScenario: z.array(z.object({ scenario: z.string(), ...CheckCounts })),
        rows: z.array(
          z.object({
            department: z.string().nullable(),
            scenario: z.string(),
            outcome: DecisionOutcome,
            checks: z.number().int(),
            listed: z.number().int(),
          }),
        ),
      })
      .openapi({
        description:
          'Decisions made in the period, by the department of the deciding key (null: a key without a department), scenario and outcome. `listed`: the subject was identified on a list by its code; hitRate = listed / checks.',
      }),
    feedback: z
      .object({
        dueAfter: z
          .string()
          .openapi({ description: 'ISO 8601 duration (CREDCHECK_FEEDBACK_DUE)', example: 'P7D' }),
        total: z.object(FeedbackCounts),
        byDepartment: z.array(z.object({ department: z.string().nullable(), ...FeedbackCounts })),
        measures: z
          .array(z.object({ measure: z.string(), applied: z.number().int(), notApplied: z.number().int() }))
          .openapi({ description: 'From the latest report of each decision' }),
      })
      .openapi({
        description:
          'Decisions of the period that expect feedback (every outcome but clear); overdue: none reported and older than dueAfter.',
      }),
    clearances: z
      .object({ created: z.number().int(), revoked: z.number().int() })
      .openapi({ description: 'False matches cleared, and clearances revoked, in the period' }),
    objections: z
      .object({
        total: z.object(ObjectionCounts),
        byDepartment: z.array(z.object({ department: z.string(), ...ObjectionCounts })),
      })
      .openapi({
        description:
          'Objections (异议) by the department of the entry: received and resolved (upheld, rejected, on or before the due day) in the period, with the days from acceptance to resolution (median, mean); pending and overdue as of now.',
      }),
    repairs: z
      .object({
        total: z.object(RepairCounts),
        byDepartment: z.array(z.object({ department: z.string(), ...RepairCounts })),
      })
      .openapi({
        description:
          'Credit-repair requests (信用修复) by the department of the entry: received and decided (approved, rejected) in the period, with the days from request to decision; pending as of now.',
      }),
  })
  .openapi('Stats', {
    description:
      'Sections are only ever added, never changed; the CSV form is one row per figure, so a new section adds rows, not columns.',
  });
export type StatsReport = z.infer<typeof StatsSchema>;
