import { z } from '@hono/zod-openapi';
import { ListKind, SubjectType } from './model.ts';

/** The measure catalog (措施清单): list types, measures and scenarios, as the product ships them. */

export const ListTypeSchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  kind: ListKind,
  subjectTypes: z.array(SubjectType),
  typicalDesignatorZh: z.string().nullable(),
  /** ISO 8601 duration of a typical listing, e.g. P3Y. */
  typicalValidity: z.string().nullable(),
  validityNote: z.string().nullable(),
  earlyExitNote: z.string().nullable(),
  /** Association and agency lists are reference only: they never trigger government punishment alone. */
  referenceOnly: z.boolean(),
  source: z.string(),
});
export type ListType = z.infer<typeof ListTypeSchema>;

export const MeasureSchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  kind: z.enum(['incentive', 'punishment']),
  binding: z.enum(['mandatory', 'recommended']),
  appliesToListTypes: z.array(z.string()),
  scenarios: z.array(z.string()),
  effect: z.enum(['block', 'review', 'restrict', 'favour']),
  implementerZh: z.string(),
  basisZh: z.string(),
  source: z.string(),
  notes: z.string().nullable(),
  /** 未经公布的信用惩戒措施不得实施: only published measures are ever applied. */
  published: z.boolean(),
});
export type Measure = z.infer<typeof MeasureSchema>;

export const ScenarioSchema = z.object({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  typicalSystemZh: z.string().nullable(),
});
export type Scenario = z.infer<typeof ScenarioSchema>;

export const CatalogSchema = z.object({
  version: z.string(),
  listTypes: z.array(ListTypeSchema),
  measures: z.array(MeasureSchema),
  scenarios: z.array(ScenarioSchema),
});
export type Catalog = z.infer<typeof CatalogSchema>;
