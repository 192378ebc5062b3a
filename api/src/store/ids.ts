import { hash } from 'node:crypto';

/**
 * Ids are derived from natural keys so that every store (and every re-import) gives the same id
 * for the same thing: `prefix` + the first 20 hex characters (80 bits) of SHA-256 over the key
 * parts, each written as `<length>:<text>` (length in UTF-16 code units, null as `~`) so that no
 * two different lists of parts give the same input, whatever characters the parts hold.
 */
function encode(parts: ReadonlyArray<string | null>): string {
  let s = '';
  for (const p of parts) s += p === null ? '~' : `${p.length}:${p}`;
  return s;
}

export function subjectIdOf(subjectKey: string): string {
  return 'sub_' + hash('sha256', encode([subjectKey]), 'hex').slice(0, 20);
}

/** An entry's natural key: the subject, the list it is on, who designated it and on what basis. */
export function entryIdOf(subjectKey: string, listType: string, designator: string, basis: string): string {
  return 'ent_' + hash('sha256', encode([subjectKey, listType, designator, basis]), 'hex').slice(0, 20);
}

/** A content fingerprint: equal fingerprints mean an import record would change nothing. */
export function fingerprintOf(parts: ReadonlyArray<string | null>): string {
  return hash('sha256', encode(parts), 'base64').slice(0, 22);
}
