import { z } from '@hono/zod-openapi';
import { IdentitySchema } from '../domain/decision-identity.ts';
import { DecisionSchema, RelatedRole } from '../domain/decision-schema.ts';
import { SubjectViewSchema } from '../http/schemas.ts';

/** Wire shapes of POST /v1/decisions and /v1/decisions/batch. Unknown fields are rejected. */

export const DecisionSubjectInputSchema = z
  .object({
    code: z.string().min(1).max(64).optional().openapi({
      description: 'USCC of an organization or resident ID number of a person: the identity',
      example: '91110108MA0U94MT1P',
    }),
    name: z.string().min(1).max(200).optional().openapi({
      description:
        'Name as the applicant gave it. With a code it is checked against the list; alone it only finds possible matches',
      example: '北京某某建设工程有限公司',
    }),
    legalRep: z.string().min(1).max(100).optional().openapi({ description: 'Legal representative’s name' }),
    legalRepCode: z
      .string()
      .min(1)
      .max(32)
      .optional()
      .openapi({ description: 'Legal representative’s ID number: checked and looked up (落实到人)' }),
  })
  .strict()
  .refine((s) => s.code !== undefined || s.name !== undefined, {
    message: 'give the subject’s code (USCC or ID number) or at least its name',
  })
  .openapi('DecisionSubjectInput');

export const RelatedInputSchema = z
  .object({
    role: RelatedRole,
    code: z.string().min(1).max(32).openapi({ description: 'The person’s resident ID number' }),
  })
  .strict()
  .openapi('RelatedPersonInput');

export const DecisionRequestSchema = z
  .object({
    scenario: z.string().min(1).max(64).openapi({ example: 'gov-procurement' }),
    subject: DecisionSubjectInputSchema,
    related: z.array(RelatedInputSchema).max(20).optional().openapi({
      description: 'Principal and directly responsible persons to check besides the legal representative',
    }),
    reference: z.string().min(1).max(200).optional().openapi({
      description: 'Your case or application number, recorded with the decision and in its receipt',
    }),
  })
  .strict()
  .openapi('DecisionRequest');
export type DecisionRequest = z.infer<typeof DecisionRequestSchema>;

export const MAX_BATCH_DECISIONS = 1000;

export const DecisionBatchRequestSchema = z
  .object({
    scenario: z.string().min(1).max(64).optional().openapi({ description: 'Default scenario of every item' }),
    items: z
      .array(
        z
          .object({
            scenario: z.string().min(1).max(64).optional(),
            subject: DecisionSubjectInputSchema,
            related: z.array(RelatedInputSchema).max(20).optional(),
            reference: z.string().min(1).max(200).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_BATCH_DECISIONS),
  })
  .strict()
  .openapi('DecisionBatchRequest');
export type DecisionBatchRequest = z.infer<typeof DecisionBatchRequestSchema>;

export const DecisionResultSchema = DecisionSchema.extend({
  id: z.string().openapi({ example: 'dec_019ab3c4d5e60000a1b2c3d4' }),
  issuedAt: z.string().openapi({ description: 'RFC 3339 instant of the decision' }),
  dataVersion: z.number().int().openapi({ description: 'Change-log sequence the decision was made on' }),
  reference: z.string().nullable(),
  subject: SubjectViewSchema.nullable().openapi({
    description: 'The identified subject; null when not identified by code',
  }),
  identity: IdentitySchema,
  receipt: z.string().openapi({
    description:
      'Compact JWS (Ed25519, EdDSA) over the decision’s essentials; verify with /.well-known/jwks.json. The proof that the check was made (应查必查).',
  }),
}).openapi('DecisionResult');
export type DecisionResult = z.infer<typeof DecisionResultSchema>;

export const DecisionItemErrorSchema = z
  .object({
    index: z.number().int(),
    error: z.object({
      type: z.string().openapi({ example: '/problems/invalid-code' }),
      status: z.number().int(),
      detail: z.string(),
      detailZh: z.string(),
    }),
  })
  .openapi('DecisionItemError');

export const DecisionBatchResultSchema = z
  .object({
    dataVersion: z.number().int(),
    decided: z.number().int(),
    failed: z.number().int(),
    items: z.array(
      z.union([DecisionResultSchema.extend({ index: z.number().int() }), DecisionItemErrorSchema]),
    ),
  })
  .openapi('DecisionBatchResult');
