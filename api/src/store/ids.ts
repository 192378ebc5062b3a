import { hash } from 'node:crypto';

/**
 * Ids are derived from natural keys so that every store (and every re-import) gives the same id
 * for the same thing: `prefix` + the first 20 hex characters (80 bits) of SHA-256 over the
 * JSON-encoded key parts. JSON keeps the encoding unambiguous whatever characters a part holds.
 */
function derive(prefix: string, parts: ReadonlyArray<string>): string {
  return prefix + hash('sha256', JSON.stringify(parts), 'hex').slice(0, 20);
}

export function subjectIdOf(subjectKey: string): string {
  return derive('sub_', [subjectKey]);
}

/** An entry's natural key: the subject, the list it is on, who designated it and on what basis. */
export function entryIdOf(subjectKey: string, listType: string, designator: string, basis: string): string {
  return derive('ent_', [subjectKey, listType, designator, basis]);
}

/** A content fingerprint: equal fingerprints mean an import record would change nothing. */
export function fingerprintOf(parts: ReadonlyArray<string | null>): string {
  return hash('sha256', JSON.stringify(parts), 'base64').slice(0, 22);
}
