export { compareNames, type NameRelation } from './compare.ts';
export { BRANCH_KINDS, type BranchKind, COMPANY_FORM_SUFFIXES } from './forms.ts';
export { normalizeName } from './normalize.ts';
export { warmUpSimplify } from './simplify.ts';
export { type BranchInfo, type SplitName, splitName } from './split.ts';
export { nameTokens } from './tokens.ts';
