import { maskIdPublic } from '@credcheck/sdk/mask';
import type { Catalog } from '../domain/catalog.ts';
import type { Subject, SubjectStatus } from '../domain/model.ts';
import { subjectStatusAt } from '../domain/status.ts';
import type { EntryFacts, ListIndex } from '../index/list-index.ts';
import { entryView, subjectView, type Visibility } from '../views/subject.ts';
import { checkWarnings, type ResolvedCode, resolveCode } from './resolve-code.ts';

export interface LookupContext {
  index: ListIndex;
  idHmacKey: string;
  today: string;
  catalog: Catalog | null;
  visibility: Visibility;
}

export interface CodeProblem {
  check: string;
  message: string;
  messageZh: string;
  suggestion?: string;
}

export type LookupResult =
  | {
      result: 'found';
      code: string;
      etagSeq: number;
      match: 'code' | 'id';
      status: SubjectStatus;
      subject: Subject;
      entries: EntryFacts[];
      warnings: string[];
    }
  | { result: 'not-found'; code: string; status: 'clean'; warnings: string[] }
  | { result: 'invalid'; code: string | null; status: 'invalid'; failure: CodeProblem };

/**
 * One code against the in-memory index: found (with every entry and its status today), not found
 * (clean), or invalid with the failing check. Shared by the single and the batch lookup so the two
 * can never disagree. `code` is what may be shown back: the USCC, or a person's ID number masked
 * for the caller's role (never the clear ID, not even to the caller who sent it).
 */
export function lookupCode(ctx: LookupContext, input: string): LookupResult {
  return lookupResolved(ctx, resolveCode(input, ctx.idHmacKey));
}

/** lookupCode of a code already resolved (the batch resolves first to find cached items). */
export function lookupResolved(ctx: LookupContext, resolved: ResolvedCode): LookupResult {
  const code = shownCode(resolved, ctx.visibility);
  if (!resolved.usable) return { result: 'invalid', code, status: 'invalid', failure: resolved.failure };
  const found = ctx.index.facts(resolved.key);
  if (found === undefined) {
    if (!resolved.check.valid) {
      return { result: 'invalid', code, status: 'invalid', failure: resolved.check.failure! };
    }
    return { result: 'not-found', code: code!, status: 'clean', warnings: resolved.check.warnings };
  }
  let etagSeq = found.subject.seq;
  for (const e of found.entries) if (e.seq > etagSeq) etagSeq = e.seq;
  return {
    result: 'found',
    code: code!,
    etagSeq,
    match: found.subject.type === 'person' ? 'id' : 'code',
    status: subjectStatusAt(found.entries, ctx.today),
    subject: found.subject,
    entries: found.entries,
    warnings: checkWarnings(resolved.check),
  };
}

/** The body of a found subject (SubjectLookupSchema). */
export function foundView(ctx: LookupContext, found: Extract<LookupResult, { result: 'found' }>) {
  return {
    dataVersion: ctx.index.seq,
    asOf: ctx.today,
    match: found.match,
    status: found.status,
    subject: subjectView(found.subject, ctx.visibility),
    entries: found.entries.map((e) => entryView(e, ctx.today, ctx.catalog)),
    warnings: found.warnings,
  };
}

export function shownCode(resolved: ResolvedCode, visibility: Visibility): string | null {
  if (resolved.display === null) return null;
  const isId = resolved.usable && resolved.kind === 'resident-id';
  return isId && visibility === 'public' ? maskIdPublic(resolved.display) : resolved.display;
}
