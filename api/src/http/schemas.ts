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
    errors: z
      .array(z.object({ field: z.string(), message: z.string(), messageZh: z.string().optional() }))
      .optional(),
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

export const MAX_BATCH_CODES = 10_000;

export const BatchLookupRequestSchema = z
  .object({
    codes: z
      .array(z.string().max(64))
      .min(1)
      .max(MAX_BATCH_CODES)
      .openapi({ description: `USCCs and/or resident ID numbers, at most ${MAX_BATCH_CODES}` }),
  })
  .strict()
  .openapi('BatchLookupRequest');

const BatchItemBase = {
  index: z.number().int().openapi({ description: 'Position of the code in the request' }),
  code: z.string().nullable().openapi({
    description: 'The normalized USCC, or the ID number masked for your role; null when unreadable',
  }),
};

export const BatchLookupItemSchema = z
  .discriminatedUnion('result', [
    z.object({
      ...BatchItemBase,
      result: z.literal('found'),
      match: z.enum(['code', 'id']),
      status: SubjectStatus,
      subject: SubjectViewSchema,
      entries: z.array(EntryViewSchema),
      warnings: z.array(z.string()),
    }),
    z.object({
      ...BatchItemBase,
      result: z.literal('not-found'),
      status: z.literal('clean'),
      warnings: z.array(z.string()),
    }),
    z.object({
      ...BatchItemBase,
      result: z.literal('invalid'),
      status: z.literal('invalid'),
      failure: CodeFailureSchema,
    }),
  ])
  .openapi('BatchLookupItem');

export const BatchLookupResponseSchema = z
  .object({
    dataVersion: z.number().int(),
    asOf: z.string(),
    counts: z.object({ found: z.number().int(), notFound: z.number().int(), invalid: z.number().int() }),
    items: z.array(BatchLookupItemSchema),
  })
  .openapi('BatchLookupResponse');

export const SearchHitSchema = z
  .object({
    subjectId: z.string(),
    code: z.string().nullable(),
    name: z.string(),
    score: z.number().openapi({ description: '0..1, higher is closer' }),
    match: z.enum(['exact', 'normalized', 'branch-of', 'similar']),
    reason: z
      .enum([
        'query-is-branch',
        'subject-is-branch',
        'company-form-differs',
        'one-character-differs',
        'similar-characters',
      ])
      .optional(),
    status: SubjectStatus,
    possibleMatch: z.literal(true).openapi({
      description: 'Always true: a name is not an identity. Confirm by the code before acting on a hit.',
    }),
  })
  .openapi('SearchHit');

export const SearchResponseSchema = z
  .object({
    dataVersion: z.number().int(),
    asOf: z.string(),
    query: z.string(),
    normalized: z.string().openapi({ description: 'The query after name normalization' }),
    hits: z.array(SearchHitSchema),
    notice: z
      .string()
      .openapi({ description: 'Reminder that hits are possible matches (Chinese / English)' }),
  })
  .openapi('SearchResponse');
