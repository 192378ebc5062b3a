export { decodeSnapshot, encodeSnapshot, readSnapshotHeader, type SnapshotHeader } from './codec.ts';
export { applyDelta, type DeltaHeader, encodeDelta, readDeltaHeader } from './delta.ts';
export { SnapshotError, type SnapshotErrorCode } from './errors.ts';
export {
  MAX_PREFIX_BITS,
  MIN_PREFIX_BITS,
  PrefixSet,
  SNAPSHOT_STATUSES,
  type SnapshotStatus,
} from './prefix-set.ts';
export { sha256, sha256Text, toHex } from './sha256.ts';
export {
  buildSnapshot,
  DEFAULT_PREFIX_BITS,
  PrefixSnapshot,
  prefixOf,
  SnapshotBuilder,
  type SnapshotItem,
  type SnapshotKind,
  snapshotKey,
} from './snapshot.ts';
