import { auditHash, GENESIS_HASH } from '../store/audit-chain.js';
import type { AuditRecord, Store } from '../store/types.ts';

/** The first place where the log stops being the chain it claims to be. */
export type AuditBreak =
  /** A record is missing (or was renumbered): `seq` follows `expectedSeq - 1` directly. */
  | { kind: 'gap'; seq: number; expectedSeq: number }
  /** The record does not point at the hash of the one before it (that one was rewritten with a new hash, or this link was edited). */
  | { kind: 'prev-hash'; seq: number; expected: string; found: string }
  /** The record's content does not give its stored hash: it was edited. */
  | { kind: 'hash'; seq: number; expected: string; found: string }
  /** The log ends before the head row's seq: records were removed from the end. */
  | { kind: 'truncated'; seq: number; headSeq: number }
  /** The head row does not hold the hash of the record it names. */
  | { kind: 'head'; seq: number; expected: string; found: string }
  /** The record at a seq published earlier no longer has the hash published then. */
  | { kind: 'anchor'; seq: number; expected: string; found: string | null };

export interface AuditVerification {
  /** Records that verified, from seq 1 (all of them when intact). */
  checked: number;
  /** The last record that verified: its seq and hash (0 and 64 "0" for an empty log). */
  last: { seq: number; hash: string };
  broken: AuditBreak | null;
}

export interface VerifyOptions {
  /** Records read at a time: memory stays constant whatever the log's length. Default 5,000. */
  pageSize?: number;
  /** A seq and hash taken earlier (e.g. published): the log must still have them. */
  anchor?: { seq: number; hash: string };
  onProgress?: (checked: number) => void;
}

/**
 * Streams the log from seq 1, recomputes every hash and link, and stops at the first break. It
 * checks up to the head row as read when it starts (records appended meanwhile are left for the
 * next run) and that the head row names the last record. A rewrite of the whole log from some
 * point on, head included, still verifies: compare the head hash with one kept elsewhere (anchor).
 */
export async function verifyAuditLog(
  store: Pick<Store, 'readAudit' | 'auditHead'>,
  opts: VerifyOptions = {},
): Promise<AuditVerification> {
  const pageSize = opts.pageSize ?? 5000;
  const head = await store.auditHead();
  let last = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  const result = (broken: AuditBreak | null): AuditVerification => ({ checked, last, broken });

  let after = 0;
  while (after < head.seq) {
    const page = await store.readAudit(after, pageSize);
    for (const r of page) {
      if (last.seq >= head.seq) break;
      const broken = check(r, last);
      if (broken) return result(broken);
      if (opts.anchor && r.seq === opts.anchor.seq && r.hash !== opts.anchor.hash) {
        return result({ kind: 'anchor', seq: r.seq, expected: opts.anchor.hash, found: r.hash });
      }
      last = { seq: r.seq, hash: r.hash };
      checked++;
    }
    opts.onProgress?.(checked);
    if (page.length < pageSize) break;
    after = last.seq;
  }
  if (last.seq < head.seq) return result({ kind: 'truncated', seq: last.seq + 1, headSeq: head.seq });
  if (last.hash !== head.hash)
    return result({ kind: 'head', seq: head.seq, expected: last.hash, found: head.hash });
  if (opts.anchor && opts.anchor.seq > last.seq) {
    return result({ kind: 'anchor', seq: opts.anchor.seq, expected: opts.anchor.hash, found: null });
  }
  return result(null);
}

function check(r: AuditRecord, prev: { seq: number; hash: string }): AuditBreak | null {
  if (r.seq !== prev.seq + 1) return { kind: 'gap', seq: r.seq, expectedSeq: prev.seq + 1 };
  if (r.prevHash !== prev.hash)
    return { kind: 'prev-hash', seq: r.seq, expected: prev.hash, found: r.prevHash };
  const hash = auditHash(r);
  if (hash !== r.hash) return { kind: 'hash', seq: r.seq, expected: hash, found: r.hash };
  return null;
}
