// Plain JavaScript on purpose: the SQLite writer thread (sqlite-writer-worker.js) loads it without
// the TypeScript loader, and there must be exactly one definition of how a record is hashed.
import { hash } from 'node:crypto';

/**
 * How an audit record is hashed (format "credcheck-audit/1"), for anyone verifying a copy of the log.
 *
 *   hash = lower-case hex SHA-256 over the bytes
 *          field("credcheck-audit/1") field(seq) field(at) field(actor) field(action) field(target)
 *          field(detail) field(prev_hash)
 *   field(s) = the number of UTF-8 bytes of s in decimal ASCII, then ":", then s in UTF-8
 *   (the fields follow one another with nothing between them)
 *
 * Each value is the column's text exactly as stored: seq in decimal without sign or leading zeros;
 * at as RFC 3339 UTC with milliseconds (`2026-11-23T04:00:00.000Z`); detail is the stored JSON
 * text as it is (never re-serialized, so no JSON canonicalization is involved); prev_hash is the
 * previous record's hash, or 64 "0" for seq 1. The length prefixes make the encoding unambiguous
 * whatever characters a value holds. Records are numbered 1, 2, 3, … without gaps.
 *
 * Example: seq 1 hashes "17:credcheck-audit/11:124:2026-11-23T04:00:00.000Z…64:000…0". Test
 * vectors, computed with Python's hashlib: api/test/store-audit.conformance.test.ts.
 */
export const AUDIT_FORMAT = 'credcheck-audit/1';
export const GENESIS_HASH = '0'.repeat(64);

const field = (s) => `${Buffer.byteLength(s, 'utf8')}:${s}`;
const FORMAT_FIELD = field(AUDIT_FORMAT);

export function auditHash(r) {
  const input =
    FORMAT_FIELD +
    field(String(r.seq)) +
    field(r.at) +
    field(r.actor) +
    field(r.action) +
    field(r.target) +
    field(r.detail) +
    field(r.prevHash);
  return hash('sha256', input, 'hex');
}

const AT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function storable(value, name) {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`audit ${name} must be a non-empty string`);
  // A lone surrogate would be stored as U+FFFD and no longer hash the same; PostgreSQL refuses NUL.
  if (value.includes('\0') || !value.isWellFormed()) {
    throw new TypeError(`audit ${name} holds a character that cannot be stored as text`);
  }
  return value;
}

/**
 * Numbers and links events after `head` ({ seq, hash } of the last record). Events are
 * [at, actor, action, target, detail] with detail already JSON text; returns the rows to insert as
 * [seq, at, actor, action, target, detail, prevHash, hash], and the new head.
 */
export function chainAudit(head, events) {
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const rows = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const [at, actor, action, target, detail] = events[i];
    if (typeof at !== 'string' || !AT.test(at))
      throw new TypeError(`audit at must be …T…:…:….mmmZ, got ${at}`);
    storable(actor, 'actor');
    storable(action, 'action');
    storable(target, 'target');
    storable(detail, 'detail');
    seq++;
    const digest = auditHash({ seq, at, actor, action, target, detail, prevHash });
    rows[i] = [seq, at, actor, action, target, detail, prevHash, digest];
    prevHash = digest;
  }
  return { rows, head: { seq, hash: prevHash } };
}
