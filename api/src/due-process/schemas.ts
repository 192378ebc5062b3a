import { z } from '@hono/zod-openapi';
import { isIsoDate } from '../domain/decision-dates.ts';
import { ChangeCause, EntryStatus, ListKind, StoredStatus } from '../domain/model.ts';
import { SubjectViewSchema } from '../http/schemas.ts';

/** Wire shapes of designation, objections and credit repair. Unknown fields are rejected. */

const IsoDate = z
  .string()
  .refine(isIsoDate, { message: 'must be a real date YYYY-MM-DD' })
  .openapi({ example: '2026-11-20' });

const Why = z.string().trim().min(1).max(2000).openapi({
  description: 'Why: the reason for this change, kept in the change log and the audit log (who, when, why)',
  example: '认定日期录入有误，依原决定书更正',
});

export const ENTRY_ID_PATTERN = /^ent_[0-9a-f]{20}$/;
export const OBJECTION_ID_PATTERN = /^obj_[0-9a-f]{24}$/;
export const REPAIR_ID_PATTERN = /^rep_[0-9a-f]{24}$/;

export const EntryIdSchema = z
  .string()
  .regex(ENTRY_ID_PATTERN)
  .openapi({ example: 'ent_3f9c2a7d1e0b4c5a6d7e' });

export const DesignationRequestSchema = z
  .object({
    code: z.string().min(1).max(64).openapi({
      description: 'USCC of an organization or resident ID number of a person (never stored in clear)',
      example: '91500235MA5U3XXX0Q',
    }),
    subjectType: z
      .enum(['org', 'person'])
      .optional()
      .openapi({ description: 'Inferred from the code when left out' }),
    name: z.string().min(1).max(200).openapi({ example: '重庆某某建设工程有限公司' }),
    legalRep: z.string().min(1).max(100).optional(),
    legalRepId: z
      .string()
      .min(1)
      .max(32)
      .optional()
      .openapi({ description: 'Legal representative’s ID number (落实到人)' }),
    division: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    listType: z.string().min(1).max(100).openapi({ example: 'wage-arrears-migrant-workers' }),
    designator: z.string().min(1).max(200).optional().openapi({
      description: 'The designating body as published; defaults to the department',
    }),
    department: z.string().min(1).max(200).optional().openapi({
      description: 'Required from an admin key; a designator key always acts for its own department',
    }),
    basis: z.string().min(1).max(200).openapi({ description: 'Legal basis: the decision document number' }),
    reason: z.string().min(1).max(2000).openapi({ description: 'The conduct the listing is for' }),
    decidedOn: IsoDate,
    publishedOn: IsoDate.optional().openapi({
      description: 'Publication date (default: today, the listing is published by this request)',
    }),
    validUntil: IsoDate.nullable()
      .optional()
      .openapi({ description: 'Last day the entry applies; null = open-ended' }),
    why: Why.optional().openapi({ description: 'Note for the change log; defaults to the reason' }),
  })
  .strict()
  .openapi('DesignationRequest');
export type DesignationRequest = z.infer<typeof DesignationRequestSchema>;

const CorrectionFields = {
  reason: z.string().min(1).max(2000).optional(),
  decidedOn: IsoDate.optional(),
  publishedOn: IsoDate.optional(),
  validUntil: IsoDate.nullable().optional(),
};

export const CorrectionSchema = z.object(CorrectionFields).strict().openapi('EntryCorrectionFields', {
  description:
    'Fields to correct. The subject, list type, designator and basis identify the entry: to change them, revoke it and designate anew.',
});
export type Correction = z.infer<typeof CorrectionSchema>;

export const CorrectionRequestSchema = z
  .object({ ...CorrectionFields, why: Why })
  .strict()
  .openapi('EntryCorrectionRequest');
export type CorrectionRequest = z.infer<typeof CorrectionRequestSchema>;

export const RevocationRequestSchema = z.object({ why: Why }).strict().openapi('EntryRevocationRequest');

export const Channel = z.enum(['phone', 'email', 'website', 'counter', 'letter', 'app', 'wechat', 'other']);

export const ObjectionRequestSchema = z
  .object({
    entryId: EntryIdSchema,
    claim: z.string().trim().min(1).max(4000).openapi({ description: 'What is wrong with the information' }),
    channel: Channel.optional().openapi({
      description: 'How the subject’s objection arrived (required when a designator or admin enters it)',
    }),
    submitter: z
      .object({ name: z.string().min(1).max(100), contact: z.string().min(1).max(200).optional() })
      .strict()
      .optional()
      .openapi({
        description: 'Who objects for the subject (required when a designator or admin enters it)',
      }),
  })
  .strict()
  .openapi('ObjectionRequest');
export type ObjectionRequest = z.infer<typeof ObjectionRequestSchema>;

export const ResolutionRequestSchema = z
  .object({
    outcome: z.enum(['upheld', 'rejected']),
    why: Why,
    action: z.enum(['correct', 'revoke']).optional().openapi({
      description: 'Upheld only: correct the entry (with `correction`) or revoke it',
    }),
    correction: CorrectionSchema.optional(),
  })
  .strict()
  .openapi('ObjectionResolutionRequest');
export type ResolutionRequest = z.infer<typeof ResolutionRequestSchema>;

export const RepairRequestSchema = z
  .object({
    entryId: EntryIdSchema,
    applicant: z
      .object({ name: z.string().min(1).max(100), contact: z.string().min(1).max(200).optional() })
      .strict()
      .openapi({ description: 'Who applies for the subject' }),
    statement: z.string().trim().min(1).max(4000).openapi({ description: 'How the conduct was corrected' }),
    evidence: z
      .array(
        z
          .object({
            title: z.string().min(1).max(200).openapi({ example: '工资清偿凭证' }),
            reference: z.string().min(1).max(500).optional().openapi({
              description: 'Document number, file reference or SHA-256 of the file kept by the department',
            }),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    correctedOn: IsoDate.optional().openapi({
      description:
        'The day the conduct was corrected (paid, refunded, performed); required by some list types',
    }),
  })
  .strict()
  .openapi('RepairRequest');
export type RepairRequest = z.infer<typeof RepairRequestSchema>;

export const RepairDecisionRequestSchema = z
  .object({ outcome: z.enum(['approved', 'rejected']), why: Why })
  .strict()
  .openapi('RepairDecisionRequest');
export type RepairDecisionRequest = z.infer<typeof RepairDecisionRequestSchema>;

export const ChangeWhySchema = z
  .object({
    cause: ChangeCause,
    text: z.string(),
    objectionId: z.string().optional(),
    repairId: z.string().optional(),
    commitmentId: z.string().optional(),
    notify: z
      .object({ keyIds: z.array(z.string()), decisions: z.number().int(), since: z.string() })
      .optional()
      .openapi({
        description:
          'Implementers to tell: API keys that made decisions on the subject since the entry was listed (at most 1,000)',
      }),
  })
  .openapi('ChangeWhy');

export const DeadlineSchema = z
  .object({
    workingDays: z.number().int(),
    due: z.string().openapi({ description: 'Last day in time' }),
    estimated: z
      .boolean()
      .openapi({ description: 'Counted across a year whose holiday arrangement is not loaded' }),
    overdue: z.boolean(),
    workingDaysLeft: z
      .number()
      .int()
      .openapi({ description: 'Working days after today up to the due date; negative when overdue' }),
  })
  .openapi('Deadline');

const Person = z.object({ name: z.string(), contact: z.string().nullable() });

export const ObjectionViewSchema = z
  .object({
    id: z.string().openapi({ example: 'obj_019ab3c4d5e60000a1b2c3d4' }),
    entryId: z.string(),
    subjectId: z.string(),
    department: z.string(),
    status: z.enum(['pending', 'upheld', 'rejected']),
    source: z.enum(['subject', 'implementer']),
    channel: z.string().nullable(),
    submitter: Person.nullable().openapi({ description: 'Shown to the department and admins only' }),
    claim: z.string(),
    filedBy: z.string(),
    acceptedOn: z.string(),
    deadline: DeadlineSchema,
    resolution: z
      .object({
        outcome: z.enum(['upheld', 'rejected']),
        action: z.enum(['corrected', 'revoked']).nullable(),
        why: z.string(),
        by: z.string(),
        at: z.string(),
      })
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Objection');

export const RepairViewSchema = z
  .object({
    id: z.string().openapi({ example: 'rep_019ab3c4d5e60000a1b2c3d4' }),
    entryId: z.string(),
    subjectId: z.string(),
    department: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    applicant: Person,
    statement: z.string(),
    evidence: z.array(z.object({ title: z.string(), reference: z.string().nullable() })),
    correctedOn: z.string().nullable(),
    filedBy: z.string(),
    filedOn: z.string(),
    earliestOn: z.string().openapi({ description: 'First day the list type’s rule allowed the request' }),
    deadline: DeadlineSchema.openapi({
      description: 'When the department must decide (defaults.repairDecision of the due-process rules)',
    }),
    decision: z
      .object({ outcome: z.enum(['approved', 'rejected']), why: z.string(), by: z.string(), at: z.string() })
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RepairRequestRecord');

export const EntryRecordSchema = z
  .object({
    id: z.string(),
    subjectId: z.string(),
    listType: z.string(),
    listTypeName: z.string(),
    kind: ListKind,
    designator: z.string(),
    department: z.string(),
    basis: z.string(),
    reason: z.string(),
    decidedOn: z.string(),
    publishedOn: z.string().nullable(),
    validUntil: z.string().nullable(),
    storedStatus: StoredStatus.openapi({ description: 'As recorded; `status` adds expiry by date' }),
    status: EntryStatus.openapi({ description: 'Status at `asOf`' }),
    inForce: z.boolean().openapi({ description: 'Applies at `asOf` (active and decided)' }),
    seq: z.number().int().openapi({ description: 'Change-log sequence of the last change to the entry' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('EntryRecord');

export const HistoryItemSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    type: z.string().openapi({ description: 'entry.created, entry.updated, entry.status, entry.expired' }),
    actor: z.string().openapi({ description: 'API key id, `system`, or `import:<actor>`' }),
    status: StoredStatus.nullable().openapi({ description: 'Recorded status after the change' }),
    why: ChangeWhySchema.nullable().openapi({ description: 'Null for imported changes' }),
  })
  .openapi('EntryHistoryItem');

export const PublicationViewSchema = z
  .object({
    workingDays: z.number().int(),
    due: z.string().openapi({ description: 'Last day of publication in time (from the decision date)' }),
    late: z.boolean(),
    estimated: z.boolean(),
  })
  .openapi('PublicationCheck');

export const RepairRuleViewSchema = z
  .object({
    repairable: z.boolean(),
    note: z.string(),
    minimumPeriod: z.string().nullable().openapi({ example: 'P1Y' }),
    from: z.enum(['publication', 'correction']).nullable(),
    requiresCorrection: z.boolean(),
    earliestOn: z.string().nullable().openapi({
      description: 'First day a request is accepted, when it depends on the entry alone',
    }),
  })
  .openapi('RepairRule');

export const EntryDetailSchema = z
  .object({
    dataVersion: z.number().int(),
    asOf: z.string(),
    entry: EntryRecordSchema,
    subject: SubjectViewSchema,
    publication: PublicationViewSchema.nullable(),
    repairRule: RepairRuleViewSchema,
    objections: z.array(ObjectionViewSchema),
    repairs: z.array(RepairViewSchema),
    history: z.array(HistoryItemSchema),
    warnings: z.array(z.string()),
  })
  .openapi('EntryDetail');
export type EntryDetail = z.infer<typeof EntryDetailSchema>;

export const ObjectionListSchema = z
  .object({ asOf: z.string(), items: z.array(ObjectionViewSchema), nextCursor: z.string().nullable() })
  .openapi('ObjectionList');

export const RepairListSchema = z
  .object({ items: z.array(RepairViewSchema), nextCursor: z.string().nullable() })
  .openapi('RepairList');

export const ObjectionResultSchema = z
  .object({ dataVersion: z.number().int(), objection: ObjectionViewSchema, entry: EntryRecordSchema })
  .openapi('ObjectionResult');

export const RepairResultSchema = z
  .object({ dataVersion: z.number().int(), repair: RepairViewSchema, entry: EntryRecordSchema })
  .openapi('RepairResult');
