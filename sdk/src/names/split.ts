import { BRANCH_KINDS, type BranchKind, COMPANY_FORM_SUFFIXES, PARENT_ENDINGS } from './forms.ts';
import { normalizeName } from './normalize.ts';

export interface BranchInfo {
  /** Normalized name of the legal entity the branch belongs to (the top one: 中国工商银行, not its 分行). */
  parent: string;
  /** The branch unit after the parent's name, e.g. 北京分公司, 北京市分行营业部, 驻京办事处. */
  unit: string;
  kind: BranchKind;
}

export interface SplitName {
  normalized: string;
  /** The name without its company-form suffix (for a branch: the parent's). */
  base: string;
  /** The company-form suffix (for a branch: the parent's), or null when the name has none. */
  suffix: string | null;
  branch: BranchInfo | null;
}

function splitSuffix(normalized: string): { base: string; suffix: string | null } {
  for (const suffix of COMPANY_FORM_SUFFIXES) {
    // A name that is only a suffix (公司, 厂) has no base to compare; keep it whole.
    if (normalized.length > suffix.length && normalized.endsWith(suffix)) {
      return { base: normalized.slice(0, normalized.length - suffix.length), suffix };
    }
  }
  return { base: normalized, suffix: null };
}

/** The end of the last legal-entity ending in `text` that leaves a non-empty name before it, or -1. */
function parentEnd(text: string): number {
  let best = -1;
  for (const ending of PARENT_ENDINGS) {
    const at = text.lastIndexOf(ending);
    if (at > 0 && at + ending.length > best) best = at + ending.length;
  }
  return best;
}

function nestedKind(text: string, end: number): BranchKind | null {
  const candidate = text.slice(0, end);
  return BRANCH_KINDS.find((kind) => candidate.endsWith(kind)) ?? null;
}

const MAX_NESTED_UNITS = 16;

function findBranch(normalized: string): BranchInfo | null {
  for (const kind of BRANCH_KINDS) {
    if (!normalized.endsWith(kind)) continue;
    const rest = normalized.slice(0, normalized.length - kind.length);
    // Nested units (某某有限公司北京分公司第一分公司) belong to the first legal entity named. Each
    // level rescans the name, so the levels are capped: no real name nests this deep, and a
    // crafted one ("分公司" × 30,000) took 40 s when they were not.
    let end = parentEnd(rest);
    let levels = 0;
    for (
      let nested = nestedKind(rest, end);
      end > 0 && nested !== null && levels < MAX_NESTED_UNITS;
      nested = nestedKind(rest, end), levels++
    ) {
      end = parentEnd(rest.slice(0, end - nested.length));
    }
    if (end <= 0) return null;
    return { parent: rest.slice(0, end), unit: rest.slice(end) + kind, kind };
  }
  return null;
}

/**
 * Splits an organization name into base, company-form suffix and, for a branch, its parent and unit.
 * "中国建设银行股份有限公司北京市分行" → parent 中国建设银行股份有限公司, unit 北京市分行, kind 分行.
 * "分众传媒有限公司" is not a branch: a branch ending must close the name after a parent's name.
 */
export function splitName(raw: string): SplitName {
  const normalized = normalizeName(raw);
  const branch = findBranch(normalized);
  const { base, suffix } = splitSuffix(branch === null ? normalized : branch.parent);
  return { normalized, base, suffix, branch };
}
