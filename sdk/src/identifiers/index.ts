export {
  type CodeLabel,
  DEFAULT_AUTHORITIES,
  isKnownProvince,
  type KnownAuthorities,
  type RegistrationAuthority,
} from './authorities.ts';
export { ID_WEIGHTS, ORG_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS } from './charset.ts';
export { orgCodeCheckChar, residentIdCheckChar, usccCheckChar } from './checksum.ts';
export { type ClassifyOptions, classifyCode } from './classify.ts';
export { cleanCode } from './clean.ts';
export {
  type CheckCharacter,
  type CodePart,
  type ExplainOptions,
  type Explanation,
  explain,
  type OrgCodeExplanation,
  type ResidentIdExplanation,
  type UnknownExplanation,
  type UsccExplanation,
} from './explain.ts';
export { type FindOptions, type FoundCode, findCodesInText } from './find-in-text.ts';
export {
  type GenerateResidentIdOptions,
  type GenerateUsccOptions,
  generateResidentId,
  generateUSCC,
  type Random,
  SAMPLE_DIVISIONS,
} from './generate.ts';
export { validateOrgCode } from './org-code.ts';
export { type ResidentIdOptions, upgradeLegacyId, validateResidentId } from './resident-id.ts';
export {
  type CheckName,
  CODE_WARNINGS,
  type CodeCheck,
  type CodeFailure,
  type CodeKind,
} from './result.ts';
export { type UsccOptions, validateUSCC } from './uscc.ts';
