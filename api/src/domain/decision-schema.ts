import { z } from '@hono/zod-openapi';
import { MeasureSchema } from './catalog.ts';
import { EntryStatus, ListKind, SubjectStatus } from './model.ts';

/**
 * The shape of a decision (subject + scenario → outcome). The engine's types are inferred from
 * these schemas so that the HTTP layer can reuse them for the OpenAPI document without a second
 * definition.
 */

export const DecisionOutcome = z
  .enum(['block', 'review', 'favour', 'clear'])
  .openapi({ description: 'block > review > favour > clear; review also covers measures that restrict' });
export type DecisionOutcome = z.infer<typeof DecisionOutcome>;

export const RelatedRole = z
  .enum(['legal-representative', 'principal', 'responsible-person'])
  .openapi({ description: '法定代表人 / 主要负责人 / 其他直接责任人员 (落实到人)' });
export type RelatedRole = z.infer<typeof RelatedRole>;

export const NotAppliedReason = z
  .enum([
    'suspended',
    'expired',
    'repaired',
    'revoked',
    'not-yet-decided',
    'reference-only',
    'no-published-measure',
    'no-measure-for-scenario',
    'not-eligible',
  ])
  .openapi({
    description:
      'Why an entry does not act: suspended (objection pending: 核实期间暂不执行), expired, repaired, revoked, ' +
      'not-yet-decided (decidedOn in the future), reference-only (association lists never act alone), ' +
      'no-published-measure (未经公布的惩戒措施不得实施), no-measure-for-scenario, not-eligible (green channel ' +
      'needs three years without a bad record)',
  });
export type NotAppliedReason = z.infer<typeof NotAppliedReason>;

export const DecisionMeasureSchema = MeasureSchema.pick({
  code: true,
  nameZh: true,
  nameEn: true,
  kind: true,
  binding: true,
  effect: true,
  implementerZh: true,
  basisZh: true,
  source: true,
})
  .extend({
    entries: z.array(z.string()).openapi({ description: 'Ids of the entries that triggered the measure' }),
  })
  .openapi('DecisionMeasure');
export type DecisionMeasure = z.infer<typeof DecisionMeasureSchema>;

export const DecisionEntrySchema = z
  .object({
    id: z.string().openapi({ example: 'ent_3f9c2a7d1e0b4c5a6d7e' }),
    listType: z.string().openapi({ example: 'dishonest-judgment-debtor' }),
    kind: ListKind,
    designator: z.string(),
    basis: z.string(),
    reason: z.string(),
    decidedOn: z.string(),
    validUntil: z.string().nullable(),
    status: EntryStatus.openapi({ description: 'Status on the decision date' }),
  })
  .openapi('DecisionEntry');
export type DecisionEntry = z.infer<typeof DecisionEntrySchema>;

export const NotAppliedSchema = DecisionEntrySchema.extend({
  why: NotAppliedReason,
  message: z.string(),
  messageZh: z.string(),
  measures: z
    .array(z.string())
    .openapi({ description: 'Codes of the measures the entry would have triggered in this scenario' }),
}).openapi('NotAppliedEntry');
export type NotApplied = z.infer<typeof NotAppliedSchema>;

export const RelatedDecisionSchema = z
  .object({
    role: RelatedRole,
    subjectId: z
      .string()
      .openapi({ description: 'The related person; the HTTP layer masks what it shows of them' }),
    entries: z
      .array(DecisionEntrySchema)
      .openapi({ description: 'Black entries of the person that act here' }),
    measures: z
      .array(DecisionMeasureSchema)
      .openapi({ description: 'Measures that apply to the person here' }),
    notApplied: z.array(NotAppliedSchema),
  })
  .openapi('RelatedDecision');
export type RelatedDecision = z.infer<typeof RelatedDecisionSchema>;

export const GreenChannelSchema = z
  .object({
    eligible: z.boolean(),
    reason: z.string(),
    reasonZh: z.string(),
    measures: z
      .array(z.string())
      .openapi({ description: 'green-channel / tolerant-acceptance codes when eligible, else empty' }),
  })
  .openapi('GreenChannel');
export type GreenChannel = z.infer<typeof GreenChannelSchema>;

export const DecisionSchema = z
  .object({
    outcome: DecisionOutcome,
    scenario: z.string().openapi({ example: 'gov-procurement' }),
    asOf: z.string().openapi({ example: '2026-11-23' }),
    catalogVersion: z.string(),
    subjectId: z.string().nullable().openapi({ description: 'null when the subject is not listed' }),
    status: SubjectStatus,
    measures: z.array(DecisionMeasureSchema).openapi({
      description:
        'Applied measures, block first, then review/restrict, then favour; mandatory before recommended',
    }),
    entries: z.array(DecisionEntrySchema).openapi({ description: 'In-force entries behind the measures' }),
    notApplied: z.array(NotAppliedSchema),
    unpublishedMeasures: z.array(z.string()).openapi({
      description: 'Codes that matched but were withheld as unpublished (未经公布的措施不得实施)',
    }),
    related: z.array(RelatedDecisionSchema),
    greenChannel: GreenChannelSchema,
    basis: z
      .array(z.string())
      .openapi({ description: 'Each step of the decision, in Chinese then English, separated by " / "' }),
  })
  .openapi('Decision');
export type Decision = z.infer<typeof DecisionSchema>;
