import type { Catalog } from './catalog.ts';
import {
  type CompiledCatalog,
  type CompiledMeasure,
  compileCatalog,
  type ScenarioIndex,
  type Severity,
} from './decision-catalog.ts';
import { isIsoDate } from './decision-dates.ts';
import { DecisionInputError } from './decision-errors.ts';
import { greenChannelFor, isGreenChannelMeasure } from './decision-green-channel.ts';
import {
  entryLine,
  greenChannelLine,
  line,
  measureLine,
  notAppliedLine,
  notAppliedMessage,
  notListedLine,
  outcomeLine,
  ROLE_NAMES,
  relatedEscalationLine,
  scenarioLine,
  unpublishedLine,
} from './decision-messages.ts';
import {
  type Decision,
  type DecisionEntry,
  type DecisionMeasure,
  type DecisionOutcome,
  type NotApplied,
  type NotAppliedReason,
  type RelatedDecision,
  RelatedRole,
} from './decision-schema.ts';
import type { Entry, ListKind, Subject } from './model.ts';
import { entryStatusAt, isInForce, subjectStatusAt } from './status.ts';

/**
 * The decision engine: subject + scenario → outcome, with the measures, entries and reasons behind
 * it. Pure: everything it needs is in the input, and the same input always gives the same decision.
 */

export { compileCatalog } from './decision-catalog.ts';
export { DecisionInputError } from './decision-errors.ts';

export interface RelatedInput {
  role: RelatedRole;
  subject: Subject;
  /** The person's own entries (落实到人 records included). */
  entries: readonly Entry[];
}

export interface DecideInput {
  /** null: the subject is not listed at all. */
  subject: Subject | null;
  /** The subject's entries, any status. */
  entries: readonly Entry[];
  /** Legal representative, principal and directly responsible persons who are themselves listed. */
  related?: readonly RelatedInput[];
  catalog: Catalog;
  /** A scenario code of the catalog. */
  scenario: string;
  /** The decision date, `YYYY-MM-DD`. */
  today: string;
  /** Reserved for recorded exemptions; must be empty until they exist. */
  clearances?: readonly unknown[];
}

const OUTCOME_BY_SEVERITY: Record<Severity | 3, DecisionOutcome> = {
  0: 'block',
  1: 'review',
  2: 'favour',
  3: 'clear',
};

interface Applied {
  cm: CompiledMeasure;
  entryIds: string[];
}

interface Evaluation {
  applied: Map<string, Applied>;
  notApplied: NotApplied[];
}

export function decide(input: DecideInput): Decision {
  const { subject, entries, scenario, today } = input;
  const related = input.related ?? [];
  checkInput(input, related);
  const cc = compileCatalog(input.catalog);
  const index = cc.scenario(scenario);
  if (index === undefined) {
    throw new DecisionInputError(
      'unknown-scenario',
      'scenario',
      `Unknown scenario "${scenario}": not in catalog ${cc.version}`,
      `未知场景“${scenario}”：措施清单 ${cc.version} 中没有该场景`,
    );
  }

  const unpublished = new Set<string>();
  const own = evaluate(entries, null, index, cc, today, unpublished);

  // Green channel and tolerant acceptance carry their own condition: three clean years.
  const hasGreenChannel = cc.hasGreenChannel(scenario);
  const gcCodes: string[] = [];
  let gcEntry: string | null = null;
  if (hasGreenChannel) {
    for (const [code, a] of own.applied) {
      if (!isGreenChannelMeasure(code)) continue;
      gcCodes.push(code);
      gcEntry ??= a.entryIds[0] ?? null;
    }
  }
  const greenChannel = greenChannelFor({
    listed: subject !== null,
    entries,
    today,
    scenarioHasGreenChannel: hasGreenChannel,
    triggered: gcCodes,
    redEntryId: gcEntry,
  });
  if (!greenChannel.eligible && gcCodes.length > 0) withhold(own, gcCodes, entries, today);

  const measuresSorted = sortApplied(own.applied);
  let severity: Severity | 3 = 3;
  for (const a of measuresSorted) if (a.cm.severity < severity) severity = a.cm.severity;
  const ownSeverity = severity;

  const actingIds = new Set<string>();
  for (const a of measuresSorted) for (const id of a.entryIds) actingIds.add(id);
  const actingEntries: DecisionEntry[] = [];
  for (const e of entries) if (actingIds.has(e.id)) actingEntries.push(entryView(e, today));

  const basis: string[] = [scenarioLine(cc, scenario, today)];
  if (subject === null) basis.push(notListedLine());
  for (const e of actingEntries) basis.push(entryLine(cc, e));
  for (const a of measuresSorted) basis.push(measureLine(a.cm, a.entryIds));
  for (const na of own.notApplied) basis.push(notAppliedLine(na));

  const relatedOut: RelatedDecision[] = [];
  const escalatedBy: string[] = [];
  for (const r of related) {
    const out = evaluateRelated(r, index, cc, today, unpublished, basis);
    if (out === null) continue;
    relatedOut.push(out);
    if (out.measures.length > 0) {
      if (severity > 1) severity = 1;
      for (const m of out.measures) escalatedBy.push(`${m.code}@${r.subject.id}`);
    }
  }

  const unpublishedMeasures = [...unpublished].sort();
  for (const code of unpublishedMeasures) basis.push(unpublishedLine(code));
  if (hasGreenChannel) basis.push(greenChannelLine(greenChannel));

  const outcome = OUTCOME_BY_SEVERITY[severity];
  const because: string[] = [];
  for (const a of measuresSorted) if (a.cm.severity === severity) because.push(a.cm.measure.code);
  if (severity === 1 && ownSeverity > 1) because.push(...escalatedBy);
  basis.push(outcomeLine(outcome, because));

  return {
    outcome,
    scenario,
    asOf: today,
    catalogVersion: cc.version,
    subjectId: subject?.id ?? null,
    status: subject === null ? 'clean' : subjectStatusAt(entries, today),
    measures: measuresSorted.map(measureView),
    entries: actingEntries,
    notApplied: own.notApplied,
    unpublishedMeasures,
    related: relatedOut,
    greenChannel,
    basis,
  };
}

function checkInput(input: DecideInput, related: readonly RelatedInput[]): void {
  if (!isIsoDate(input.today)) {
    throw new DecisionInputError(
      'invalid-date',
      'today',
      `today must be a calendar date YYYY-MM-DD, got "${String(input.today)}"`,
      `today 须为 YYYY-MM-DD 格式的有效日期，收到“${String(input.today)}”`,
    );
  }
  if (input.clearances !== undefined && input.clearances.length > 0) {
    throw new DecisionInputError(
      'inconsistent-input',
      'clearances',
      'clearances are reserved and must be empty',
      'clearances 为保留字段，须为空',
    );
  }
  if (input.subject === null && input.entries.length > 0) {
    throw new DecisionInputError(
      'inconsistent-input',
      'entries',
      'entries were given for a subject that is not listed (subject is null)',
      '主体未列入名单（subject 为 null），却提供了条目',
    );
  }
  if (input.subject !== null) checkOwnership(input.subject, input.entries, 'entries');
  related.forEach((r, i) => {
    if (!RelatedRole.options.includes(r.role)) {
      throw new DecisionInputError(
        'inconsistent-input',
        `related[${i}].role`,
        `unknown related role "${String(r.role)}"`,
        `未知的关联人员角色“${String(r.role)}”`,
      );
    }
    checkOwnership(r.subject, r.entries, `related[${i}].entries`);
  });
}

/** Someone else's entry must never decide about this subject. */
function checkOwnership(subject: Subject, entries: readonly Entry[], field: string): void {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.subjectId !== subject.id) {
      throw new DecisionInputError(
        'inconsistent-input',
        `${field}[${i}].subjectId`,
        `entry ${e.id} belongs to ${e.subjectId}, not to ${subject.id}`,
        `条目 ${e.id} 属于 ${e.subjectId}，不属于 ${subject.id}`,
      );
    }
  }
}

/**
 * Sorts each entry into acting (it triggers published measures) or not applied (with why).
 * `only` limits the entries looked at to one kind (a related person's red entries are irrelevant).
 */
function evaluate(
  entries: readonly Entry[],
  only: ListKind | null,
  index: ScenarioIndex,
  cc: CompiledCatalog,
  today: string,
  unpublished: Set<string>,
): Evaluation {
  const applied = new Map<string, Applied>();
  const notApplied: NotApplied[] = [];
  for (const e of entries) {
    if (only !== null && e.kind !== only) continue;
    const bucket = index.get(e.listType)?.[e.kind];
    const lifecycle = lifecycleReason(e, today);
    if (lifecycle !== null) {
      notApplied.push(notAppliedView(e, today, lifecycle, bucket?.published ?? []));
      continue;
    }
    if (cc.isReferenceOnly(e.listType)) {
      notApplied.push(notAppliedView(e, today, 'reference-only', bucket?.published ?? []));
      continue;
    }
    if (bucket === undefined || (bucket.published.length === 0 && bucket.unpublished.length === 0)) {
      notApplied.push(notAppliedView(e, today, 'no-measure-for-scenario', []));
      continue;
    }
    for (const cm of bucket.unpublished) unpublished.add(cm.measure.code);
    if (bucket.published.length === 0) {
      notApplied.push(notAppliedView(e, today, 'no-published-measure', []));
      continue;
    }
    for (const cm of bucket.published) {
      const a = applied.get(cm.measure.code);
      if (a === undefined) applied.set(cm.measure.code, { cm, entryIds: [e.id] });
      else a.entryIds.push(e.id);
    }
  }
  return { applied, notApplied };
}

/** Not decided yet, or no longer (or not now) active: the entry does not act, whatever the catalog says. */
function lifecycleReason(e: Entry, today: string): NotAppliedReason | null {
  if (!isInForce(e, today)) return 'not-yet-decided';
  const status = entryStatusAt(e, today);
  return status === 'active' ? null : status;
}

/** Takes the green-channel measures back; an entry left with nothing to do says why. */
function withhold(ev: Evaluation, codes: readonly string[], entries: readonly Entry[], today: string): void {
  const lost = new Map<string, string[]>();
  for (const code of codes) {
    const a = ev.applied.get(code);
    if (a === undefined) continue;
    ev.applied.delete(code);
    for (const id of a.entryIds) {
      const list = lost.get(id);
      if (list === undefined) lost.set(id, [code]);
      else list.push(code);
    }
  }
  const stillActing = new Set<string>();
  for (const a of ev.applied.values()) for (const id of a.entryIds) stillActing.add(id);
  for (const e of entries) {
    const codesLost = lost.get(e.id);
    if (codesLost === undefined || stillActing.has(e.id)) continue;
    ev.notApplied.push({
      ...entryView(e, today),
      why: 'not-eligible',
      ...notAppliedMessage('not-eligible', e),
      measures: codesLost,
    });
  }
}

function evaluateRelated(
  r: RelatedInput,
  index: ScenarioIndex,
  cc: CompiledCatalog,
  today: string,
  unpublished: Set<string>,
  basis: string[],
): RelatedDecision | null {
  // Only a person with a black entry that is active or under objection now is worth a line.
  let relevant = false;
  for (const e of r.entries) {
    if (e.kind !== 'black' || !isInForce(e, today)) continue;
    const s = entryStatusAt(e, today);
    if (s === 'active' || s === 'suspended') {
      relevant = true;
      break;
    }
  }
  if (!relevant) return null;

  const ev = evaluate(r.entries, 'black', index, cc, today, unpublished);
  const sorted = sortApplied(ev.applied);
  const actingIds = new Set<string>();
  for (const a of sorted) for (const id of a.entryIds) actingIds.add(id);
  const acting: DecisionEntry[] = [];
  for (const e of r.entries) if (actingIds.has(e.id)) acting.push(entryView(e, today));

  const role = ROLE_NAMES[r.role];
  const prefix = { zh: `${role.zh} ${r.subject.id} 的`, en: `${role.en} ${r.subject.id}: ` };
  for (const e of acting) basis.push(entryLine(cc, e, prefix));
  for (const a of sorted) basis.push(measureLine(a.cm, a.entryIds, `${role.zh}/${role.en} ${r.subject.id}`));
  for (const na of ev.notApplied) basis.push(notAppliedLine(na, prefix));
  if (sorted.length > 0) {
    basis.push(
      relatedEscalationLine(
        r.role,
        r.subject.id,
        sorted.map((a) => a.cm.measure.code),
      ),
    );
  } else if (acting.length === 0 && ev.notApplied.length > 0) {
    basis.push(
      line(
        `${role.zh} ${r.subject.id} 的失信记录在本场景不适用措施`,
        `${role.en} ${r.subject.id}: no measure applies here`,
      ),
    );
  }
  return {
    role: r.role,
    subjectId: r.subject.id,
    entries: acting,
    measures: sorted.map(measureView),
    notApplied: ev.notApplied,
  };
}

function sortApplied(applied: Map<string, Applied>): Applied[] {
  const list = [...applied.values()];
  if (list.length > 1) list.sort((a, b) => a.cm.rank - b.cm.rank);
  return list;
}

function measureView(a: Applied): DecisionMeasure {
  return { ...a.cm.view, entries: a.entryIds };
}

function entryView(e: Entry, today: string): DecisionEntry {
  return {
    id: e.id,
    listType: e.listType,
    kind: e.kind,
    designator: e.designator,
    basis: e.basis,
    reason: e.reason,
    decidedOn: e.decidedOn,
    validUntil: e.validUntil,
    status: entryStatusAt(e, today),
  };
}

function notAppliedView(
  e: Entry,
  today: string,
  why: NotAppliedReason,
  wouldApply: readonly CompiledMeasure[],
): NotApplied {
  const view = entryView(e, today);
  return {
    ...view,
    why,
    ...notAppliedMessage(why, view),
    measures: wouldApply.map((cm) => cm.measure.code),
  };
}
