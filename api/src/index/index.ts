export { ChangeDataError } from './change-data.ts';
export {
  type ApplyResult,
  IndexConsistencyError,
  type IndexedSubject,
  type IndexSource,
  ListIndex,
  type LoadOptions,
} from './list-index.ts';
export { LiveIndex } from './live-index.ts';
export {
  NAME_SCORES,
  type NameHit,
  NameIndex,
  type NameIndexOptions,
  type NameMatch,
  type NameMatchReason,
  type NameSource,
  type SearchOptions,
} from './name-index.ts';
