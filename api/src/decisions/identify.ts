import { compareNames, normalizeName } from '@credcheck/sdk/names';
import type { RelatedInput } from '../domain/decision.ts';
import type { Identity, IdentityConflict, NameCandidate } from '../domain/decision-identity.ts';
import type { RelatedRole } from '../domain/decision-schema.ts';
import type { Entry, Subject } from '../domain/model.ts';
import { subjectStatusAt } from '../domain/status.ts';
import type { LiveIndex } from '../index/live-index.ts';
import { checkWarnings, resolveCode } from '../lookup/resolve-code.ts';
import { DecisionRequestError } from './errors.ts';
import type { DecisionRequest } from './schemas.ts';

export interface Identified {
  subject: Subject | null;
  entries: readonly Entry[];
  /** USCC or the staff mask of an ID number, as the caller gave it (null for name-only requests). */
  code: string | null;
  /** The code given as a subject key (USCC or `p:<hmac>`), listed or not; null for name-only requests. */
  key: string | null;
  related: RelatedInput[];
  identity: Identity;
}

const NAME_CANDIDATES = 10;
/** Scores at or above this are the same name once written the same way (exact or normalized). */
const SAME_NAME = 0.97;

/**
 * Finds the subject a decision is about. The code (USCC or ID number) is the identity; the name
 * and legal representative are checked against it, never used to pick another subject. Without a
 * code, name matches are returned as candidates to confirm, and none of them is decided on.
 */
export function identify(
  index: LiveIndex,
  req: Pick<DecisionRequest, 'subject' | 'related'>,
  idHmacKey: string,
  today: string,
): Identified {
  const given = req.subject;
  const conflicts: IdentityConflict[] = [];
  const warnings: string[] = [];
  const related: RelatedInput[] = [];
  const relatedKeys = new Set<string>();
  const addRelated = (role: RelatedRole, key: string) => {
    if (relatedKeys.has(key)) return;
    const found = index.list.get(key);
    if (found === undefined) return;
    relatedKeys.add(key);
    related.push({ role, subject: found.subject, entries: found.entries });
  };

  for (const [i, r] of (req.related ?? []).entries()) {
    const resolved = resolveCode(r.code, idHmacKey);
    if (!resolved.usable || resolved.kind !== 'resident-id') {
      throw new DecisionRequestError(
        'invalid-code',
        `related[${i}].code`,
        'A related person is given by a valid resident ID number.',
        '关联人员须提供有效的公民身份号码。',
      );
    }
    addRelated(r.role, resolved.key);
  }

  if (given.code === undefined) {
    const hits = index.names.search(given.name!, { limit: NAME_CANDIDATES });
    const candidates: NameCandidate[] = hits.map((h) => {
      const found = index.list.get(h.key);
      const candidate: NameCandidate = {
        subjectId: h.subjectId,
        code: h.code,
        name: h.name,
        score: h.score,
        match: h.match,
        status: found ? subjectStatusAt(found.entries, today) : 'clean',
      };
      if (h.reason !== undefined) candidate.reason = h.reason;
      return candidate;
    });
    return {
      subject: null,
      entries: [],
      code: null,
      key: null,
      related,
      identity: {
        matchedBy: candidates.length > 0 ? 'name' : 'none',
        consistent: true,
        conflicts,
        candidates,
        warnings,
      },
    };
  }

  const resolved = resolveCode(given.code, idHmacKey);
  if (!resolved.usable) {
    throw new DecisionRequestError(
      'invalid-code',
      'subject.code',
      resolved.failure.message,
      resolved.failure.messageZh,
      { failure: resolved.failure },
    );
  }
  const found = index.list.get(resolved.key);
  if (!resolved.check.valid) {
    if (found === undefined) {
      throw new DecisionRequestError(
        'invalid-code',
        'subject.code',
        `${resolved.check.failure!.message} It is on no list.`,
        `${resolved.check.failure!.messageZh}该代码不在任何名单中。`,
        { failure: resolved.check.failure },
      );
    }
  }
  warnings.push(...checkWarnings(resolved.check));
  const subject = found?.subject ?? null;

  if (given.name !== undefined)
    checkName(index, given.name, resolved.key, subject, today, conflicts, warnings);
  if (given.legalRep !== undefined && subject?.legalRep) {
    if (personName(given.legalRep) !== personName(subject.legalRep)) {
      conflicts.push({
        field: 'legalRep',
        message: 'The legal representative given is not the one on the list for this code.',
        messageZh: '所填法定代表人与名单中该代码主体的法定代表人不一致。',
      });
    }
  }
  if (given.legalRepCode !== undefined) {
    const rep = resolveCode(given.legalRepCode, idHmacKey);
    if (!rep.usable || rep.kind !== 'resident-id') {
      throw new DecisionRequestError(
        'invalid-code',
        'subject.legalRepCode',
        'The legal representative is given by a valid resident ID number.',
        '法定代表人须提供有效的公民身份号码。',
      );
    }
    if (subject?.legalRepKey && subject.legalRepKey !== rep.key) {
      conflicts.push({
        field: 'legalRepCode',
        message: 'The legal representative’s ID number is not the one on the list for this code.',
        messageZh: '所填法定代表人身份证号码与名单中该代码主体的记录不一致。',
      });
    }
    addRelated('legal-representative', rep.key);
  }
  if (subject?.legalRepKey) addRelated('legal-representative', subject.legalRepKey);

  return {
    subject,
    entries: found?.entries ?? [],
    code: resolved.display,
    key: resolved.key,
    related,
    identity: {
      matchedBy: resolved.kind === 'uscc' ? 'code' : 'id',
      consistent: conflicts.length === 0,
      conflicts,
      candidates: [],
      warnings,
    },
  };
}

/** The name must be the listed subject's; and it must not be another listed subject's name. */
function checkName(
  index: LiveIndex,
  name: string,
  key: string,
  subject: Subject | null,
  today: string,
  conflicts: IdentityConflict[],
  warnings: string[],
): void {
  if (subject !== null) {
    const relation = compareNames(name, subject.name);
    if (relation === 'suffix-variant') {
      warnings.push(
        'The name given differs from the listed one only in its company form. / 所填名称与名单记录仅组织形式不同。',
      );
    } else if (relation !== 'exact' && relation !== 'normalized') {
      conflicts.push({
        field: 'name',
        message:
          subject.type === 'org'
            ? `The name given is not the listed name of this code (${subject.name}).`
            : 'The name given is not the listed name of this ID number.',
        messageZh:
          subject.type === 'org'
            ? `所填名称与该代码在名单中的名称（${subject.name}）不一致。`
            : '所填姓名与该身份证号码在名单中的姓名不一致。',
      });
    }
  }
  for (const hit of index.names.search(name, { limit: 5 })) {
    if (hit.score < SAME_NAME || hit.key === key) continue;
    const other = index.list.get(hit.key);
    const status = other ? subjectStatusAt(other.entries, today) : 'clean';
    conflicts.push({
      field: 'name',
      message: `The name given is the listed name of another code, ${hit.code ?? hit.subjectId} (${status}).`,
      messageZh: `所填名称是名单中另一代码 ${hit.code ?? hit.subjectId} 的主体名称（${status}）。`,
      listed: { subjectId: hit.subjectId, code: hit.code, name: hit.name, status },
    });
  }
}

function personName(name: string): string {
  return normalizeName(name).replace(/[·•.\s]/g, '');
}
