import { z } from '@hono/zod-openapi';
import { isIsoDate } from '../domain/decision-dates.ts';
import { Channel, EntryDetailSchema } from '../due-process/schemas.ts';

/** Wire shapes of credit commitments (信用承诺). Unknown fields are rejected. */

const IsoDate = z
  .string()
  .refine(isIsoDate, { message: 'must be a real date YYYY-MM-DD' })
  .openapi({ example: '2026-11-20' });

export const COMMITMENT_ID_PATTERN = /^com_[0-9a-f]{24}$/;

export const CommitmentIdSchema = z
  .string()
  .regex(COMMITMENT_ID_PATTERN)
  .openapi({ example: 'com_019ab3c4d5e60000a1b2c3d4' });

const MatterSchema = z
  .object({
    type: z.enum(['tolerant-acceptance', 'notify-commit', 'other']).openapi({
      description: 'tolerant-acceptance: 容缺受理 (materials supplied later); notify-commit: 告知承诺制',
    }),
    title: z.string().trim().min(1).max(200).openapi({ example: '建筑工程施工许可证核发' }),
    scenario: z.string().min(1).max(64).optional().openapi({
      description: 'Catalog scenario of the approval, when one fits',
      example: 'admin-licensing',
    }),
    reference: z.string().min(1).max(200).optional().openapi({ description: 'Case or application number' }),
    materials: z
      .array(z.string().trim().min(1).max(200))
      .max(50)
      .default([])
      .openapi({ description: 'Materials promised (容缺受理)', example: ['消防设计审查合格意见书'] }),
    dueOn: IsoDate.optional().openapi({ description: 'Deadline to supply them or fulfil the pledge' }),
  })
  .strict();

export const CommitmentRequestSchema = z
  .object({
    code: z.string().min(1).max(64).openapi({
      description:
        'USCC of the organization. Commitments are organizations’ public pledges: a resident ID number is refused (a person’s pledge would publish personal data).',
      example: '91500235MA5U3XXX0Q',
    }),
    name: z.string().trim().min(1).max(200).openapi({ example: '重庆某某建设工程有限公司' }),
    kind: z.enum(['comprehensive', 'specific']).openapi({
      description: 'comprehensive: a general pledge of lawful conduct; specific: for one approval (`matter`)',
    }),
    matter: MatterSchema.optional().openapi({ description: 'Required for a specific commitment' }),
    text: z.string().trim().min(1).max(8000).openapi({
      description: 'The pledge as signed',
      example: '本单位承诺于2026年12月31日前补齐消防设计审查合格意见书，逾期未补齐的，自愿承担相应责任。',
    }),
    madeOn: IsoDate.openapi({ description: 'Day the subject signed it' }),
    validUntil: IsoDate.optional().openapi({ description: 'Last day it binds; open-ended when left out' }),
    department: z.string().min(1).max(200).optional().openapi({
      description:
        'Department receiving it. A designator key always records for its own department; an implementer key for the department it names (or this field); an admin key must give it.',
    }),
    channel: Channel.openapi({ description: 'How it reached the department' }),
    submitter: z
      .object({ name: z.string().min(1).max(100), contact: z.string().min(1).max(200).optional() })
      .strict()
      .openapi({ description: 'Who signed for the organization (shown to the department and admins only)' }),
  })
  .strict()
  .openapi('CommitmentRequest');
export type CommitmentRequest = z.infer<typeof CommitmentRequestSchema>;

export const BreachRequestSchema = z
  .object({
    reason: z.string().trim().min(1).max(2000).openapi({
      description: 'How the pledge was broken: the entry’s reason',
      example: '承诺期限届满未补齐消防设计审查合格意见书',
    }),
    evidence: z
      .array(
        z
          .object({
            title: z.string().min(1).max(200),
            reference: z.string().min(1).max(500).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(50),
    decidedOn: IsoDate.openapi({
      description: 'Day the department found the breach (the entry’s decision date)',
    }),
    validUntil: IsoDate.nullable().optional().openapi({
      description:
        'Last day the black-list entry applies; default: the list type’s typical validity (1 year)',
    }),
    basis: z.string().min(1).max(120).optional().openapi({
      description:
        'Decision document number; the entry’s basis names the commitment either way ("违背信用承诺 com_…")',
    }),
  })
  .strict()
  .openapi('CommitmentBreachRequest');
export type BreachRequest = z.infer<typeof BreachRequestSchema>;

export const CommitmentViewSchema = z
  .object({
    id: CommitmentIdSchema,
    code: z.string(),
    name: z.string(),
    kind: z.enum(['comprehensive', 'specific']),
    matter: z
      .object({
        type: z.enum(['tolerant-acceptance', 'notify-commit', 'other']),
        title: z.string(),
        scenario: z.string().nullable(),
        reference: z.string().nullable(),
        materials: z.array(z.string()),
        dueOn: z.string().nullable(),
      })
      .nullable(),
    text: z.string(),
    madeOn: z.string(),
    validUntil: z.string().nullable(),
    /** At asOf: active, expired (validity over) or breached. */
    status: z.enum(['active', 'expired', 'breached']).openapi({
      description: 'At `asOf`: in force, its validity over, or found breached',
    }),
    department: z.string(),
    channel: z.string(),
    submitter: z
      .object({ name: z.string(), contact: z.string().nullable() })
      .nullable()
      .openapi({ description: 'The department and admins only; null for everyone else' }),
    filedOn: z.string(),
    breach: z
      .object({
        reason: z.string(),
        decidedOn: z.string(),
        entryId: z.string(),
        evidence: z
          .array(z.object({ title: z.string(), reference: z.string().nullable() }))
          .nullable()
          .openapi({ description: 'The department and admins only' }),
      })
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Commitment');

export const CommitmentListSchema = z
  .object({
    asOf: z.string(),
    items: z.array(CommitmentViewSchema),
    nextCursor: z.string().nullable(),
  })
  .openapi('CommitmentList');

export const CommitmentResultSchema = z
  .object({
    dataVersion: z.number().int(),
    commitment: CommitmentViewSchema,
    warnings: z.array(z.string()).openapi({ description: 'E.g. a USCC whose check character fails' }),
  })
  .openapi('CommitmentResult');

export const BreachResultSchema = z
  .object({
    dataVersion: z.number().int(),
    commitment: CommitmentViewSchema,
    entry: EntryDetailSchema,
  })
  .openapi('CommitmentBreachResult');
