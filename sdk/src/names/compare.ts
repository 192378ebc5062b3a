import { normalizeName } from './normalize.ts';
import { splitName } from './split.ts';

export type NameRelation =
  | 'exact'
  | 'normalized'
  | 'branch-of'
  | 'parent-of'
  | 'suffix-variant'
  | 'different';

/**
 * How name a relates to name b, strongest first: 'exact' (same raw text), 'normalized' (same
 * after normalizeName), 'branch-of' (a is a branch of b), 'parent-of' (b is a branch of a),
 * 'suffix-variant' (same base, different or missing company form: 某某有限公司 / 某某有限责任公司 /
 * 某某), else 'different'. Two branches of one parent are 'different': a sibling is not a match.
 */
export function compareNames(a: string, b: string): NameRelation {
  if (a === b) return 'exact';
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (na === nb) return na === '' ? 'different' : 'normalized';
  const sa = splitName(na);
  const sb = splitName(nb);
  if (sa.branch !== null && sa.branch.parent === nb) return 'branch-of';
  if (sb.branch !== null && sb.branch.parent === na) return 'parent-of';
  if (sa.branch === null && sb.branch === null && sa.base !== '' && sa.base === sb.base)
    return 'suffix-variant';
  return 'different';
}
