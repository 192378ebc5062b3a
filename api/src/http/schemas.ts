import { z } from '@hono/zod-openapi';
import { EntryStatus, ListKind, SubjectStatus, SubjectType } from '../domain/model.ts';

/** Wire shapes of the API; the OpenAPI document and the SDK's types are generated from these. */

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: '/problems/invalid-code' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    detailZh: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem');

export const CodeFailureSchema = z
  .object({
    check: z.string().openapi({
      description:
        'Which check failed: length, charset, check-character, org-code-check, birth-date, division',
    }),
    message: z.string(),
    messageZh: z.string(),
  })
  .openapi('CodeFailure');

export const EntryViewSchema = z
  .object({
    id: z.string().openapi({ example: 'ent_3f9c2a7d1e0b4c5a6d7e' }),
    listType: z.string().openapi({ example: 'dishonest-judgment-debtor' }),
    listTypeName: z.string().openapi({ example: '失信被执行人' }),
    listTypeNameEn: z.string(),
    kind: ListKind,
    designator: z.string(),
    basis: z.string(),
    reason: z.string(),
    decidedOn: z.string(),
    publishedOn: z.string().nullable(),
    validUntil: z
      .string()
      .nullable()
      .openapi({ description: 'Last day the entry applies; null = open-ended' }),
    status: EntryStatus.openapi({
      description: 'Status at `asOf`: active, suspended (objection pending), repaired, expired, revoked',
    }),
    inForce: z
      .boolean()
      .openapi({ description: 'True when the entry applies at `asOf` (active and decided)' }),
  })
  .openapi('Entry');

export const SubjectViewSchema = z
  .object({
    id: z.string(),
    type: SubjectType,
    code: z.string().nullable().openapi({ description: 'USCC of an organization; null for a person' }),
    idMasked: z
      .string()
      .nullable()
      .openapi({ description: "A person's ID number, masked for the caller's role" }),
    name: z.string().openapi({ description: 'Organization name; a person’s name is masked' }),
    legalRep: z.string().nullable().openapi({ description: 'Legal representative, masked (关联人员)' }),
    division: z.string().nullable(),
  })
  .openapi('Subject');

export const SubjectLookupSchema = z
  .object({
    dataVersion: z.number().int().openapi({ description: 'Change-log sequence this answer was computed on' }),
    asOf: z.string().openapi({ example: '2026-11-23' }),
    match: z.enum(['code', 'id']),
    status: SubjectStatus,
    subject: SubjectViewSchema,
    entries: z.array(EntryViewSchema),
    warnings: z.array(z.string()),
  })
  .openapi('SubjectLookup');

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    store: z.enum(['sqlite', 'postgres']),
    dataVersion: z.number().int(),
    subjects: z.number().int(),
    entries: z.number().int(),
    asOf: z.string(),
  })
  .openapi('Health');
