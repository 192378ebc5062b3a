/** Why a snapshot or delta was refused. Every failure is one of these; none yields a partial result. */
export type SnapshotErrorCode =
  /** Not a snapshot / delta of this format at all (wrong magic: e.g. a delta given as a snapshot). */
  | 'bad-magic'
  /** A format version or prefix width this code does not read. */
  | 'unsupported'
  /** The bytes end before the structure does. */
  | 'truncated'
  /** The bytes are inconsistent: out-of-range or unsorted values, trailing data, bad padding. */
  | 'corrupt'
  /** The decoded set does not hash to the checksum it claims: the copy is not whole. */
  | 'checksum-mismatch'
  /** A delta given a base it was not made from (other version, checksum or prefix width). */
  | 'wrong-base'
  /** Bad arguments when building or encoding (not a property of received bytes). */
  | 'invalid-input';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(
    readonly code: SnapshotErrorCode,
    message: string,
  ) {
    super(message);
  }
}
