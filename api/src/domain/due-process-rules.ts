import { z } from '@hono/zod-openapi';
import { PublicationRuleSchema } from './deadlines.ts';
import { jsonSyntaxErrorOffset } from './json-syntax.ts';
import { isPeriod } from './periods.ts';

/**
 * What may be done with an entry and when, per list type (api/catalog/due-process.json, with a
 * CREDCHECK_DUE_PROCESS file over it): the publication rule of a new listing, the verification
 * period of an objection and the credit-repair rule. Pure: built from data.
 */

const Period = z.string().refine(isPeriod, { message: 'must be an ISO 8601 period like P1Y, P6M or P0D' });

/** deadlines.ts's publication rule, with what happens to a late publication. */
export const PublicationPolicySchema = PublicationRuleSchema.extend({
  /** flag: a late publication is accepted and marked late; refuse: it is rejected. */
  late: z.enum(['flag', 'refuse']),
  source: z.string().optional(),
});
export type PublicationPolicy = z.infer<typeof PublicationPolicySchema>;

export const ObjectionRuleSchema = z.strictObject({
  verifyWithinWorkingDays: z.number().int().min(1).max(365),
  source: z.string().optional(),
});
export type ObjectionRule = z.infer<typeof ObjectionRuleSchema>;

/** How long a department has to decide a credit-repair request, counted from the day it was filed. */
export const RepairDecisionRuleSchema = z.strictObject({
  decideWithinWorkingDays: z.number().int().min(1).max(365),
  source: z.string().optional(),
});
export type RepairDecisionRule = z.infer<typeof RepairDecisionRuleSchema>;

/** Used when the rules name none (files written before the rule existed). */
export const DEFAULT_REPAIR_DECISION: RepairDecisionRule = { decideWithinWorkingDays: 15 };

export const RepairRuleSchema = z
  .discriminatedUnion('repairable', [
    z.strictObject({
      repairable: z.literal(false),
      note: z.string().min(1),
      source: z.string().optional(),
    }),
    z.strictObject({
      repairable: z.literal(true),
      /** The least time before a request, counted from `from`. */
      minimumPeriod: Period,
      from: z.enum(['publication', 'correction']),
      /** The request must give the date the subject corrected the conduct. */
      requiresCorrection: z.boolean(),
      note: z.string().min(1),
      source: z.string().optional(),
    }),
  ])
  .refine((r) => !r.repairable || r.from !== 'correction' || r.requiresCorrection, {
    message: 'a period counted from the correction needs requiresCorrection: true',
  });
export type RepairRule = z.infer<typeof RepairRuleSchema>;

const ListTypeRulesSchema = z.strictObject({
  publication: PublicationPolicySchema.optional(),
  objection: ObjectionRuleSchema.optional(),
  repair: RepairRuleSchema.optional(),
});

export const DueProcessDataSchema = z.strictObject({
  $schema: z.string().optional(),
  notes: z.array(z.string()).optional(),
  defaults: z.strictObject({
    publication: PublicationPolicySchema,
    objection: ObjectionRuleSchema,
    repair: RepairRuleSchema,
    repairDecision: RepairDecisionRuleSchema.optional(),
  }),
  listTypes: z.record(z.string().min(1), ListTypeRulesSchema),
});
export type DueProcessData = z.infer<typeof DueProcessDataSchema>;

/** An override file may leave out defaults it does not change. */
export const DueProcessOverrideSchema = DueProcessDataSchema.extend({
  defaults: z
    .strictObject({
      publication: PublicationPolicySchema.optional(),
      objection: ObjectionRuleSchema.optional(),
      repair: RepairRuleSchema.optional(),
      repairDecision: RepairDecisionRuleSchema.optional(),
    })
    .optional(),
  listTypes: z.record(z.string().min(1), ListTypeRulesSchema).optional(),
});
export type DueProcessOverride = z.infer<typeof DueProcessOverrideSchema>;

/** The rules that hold for one list type. */
export interface ListTypeRules {
  publication: PublicationPolicy;
  objection: ObjectionRule;
  repair: RepairRule;
}

export interface DueProcessRules {
  readonly data: DueProcessData;
  rulesFor(listType: string): ListTypeRules;
}

export class DueProcessDataError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/** The shipped rules with an operator's over them: its defaults replace ours, its list types replace ours whole. */
export function createDueProcessRules(
  base: DueProcessData,
  override?: DueProcessOverride | null,
): DueProcessRules {
  const data: DueProcessData = override
    ? {
        ...base,
        defaults: { ...base.defaults, ...withoutUndefined(override.defaults ?? {}) },
        listTypes: { ...base.listTypes, ...(override.listTypes ?? {}) },
      }
    : base;
  const cache = new Map<string, ListTypeRules>();
  return {
    data,
    rulesFor(listType) {
      let rules = cache.get(listType);
      if (rules === undefined) {
        const own = Object.hasOwn(data.listTypes, listType) ? data.listTypes[listType] : undefined;
        rules = {
          publication: own?.publication ?? data.defaults.publication,
          objection: own?.objection ?? data.defaults.objection,
          repair: own?.repair ?? data.defaults.repair,
        };
        cache.set(listType, rules);
      }
      return rules;
    },
  };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Parses rules from JSON text; throws DueProcessDataError naming the line or the field. */
export function parseDueProcessData(text: string): DueProcessData {
  return parseWith(text, DueProcessDataSchema);
}

export function parseDueProcessOverride(text: string): DueProcessOverride {
  return parseWith(text, DueProcessOverrideSchema);
}

function parseWith<T>(text: string, schema: z.ZodType<T>): T {
  const json = text.replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    const at = jsonSyntaxErrorOffset(json) ?? 0;
    const before = json.slice(0, at);
    const where = `line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
    throw new DueProcessDataError(where, `not valid JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.');
    throw new DueProcessDataError(where, issue.message);
  }
  return parsed.data;
}
