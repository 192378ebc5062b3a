/** Types of audit-chain.js (plain JavaScript so that the SQLite writer thread can load it). */

export declare const AUDIT_FORMAT: 'credcheck-audit/1';
/** prev_hash of the first record. */
export declare const GENESIS_HASH: string;

/** An audit event as stored before it is chained: [at, actor, action, target, detail JSON text]. */
export type AuditEventRow = [at: string, actor: string, action: string, target: string, detail: string];
/** A chained row in column order: [seq, at, actor, action, target, detail, prevHash, hash]. */
export type AuditRow = [
  seq: number,
  at: string,
  actor: string,
  action: string,
  target: string,
  detail: string,
  prevHash: string,
  hash: string,
];

export declare function auditHash(record: {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  prevHash: string;
}): string;

export declare function chainAudit(
  head: { seq: number | string; hash: string },
  events: ReadonlyArray<AuditEventRow>,
): { rows: AuditRow[]; head: { seq: number; hash: string } };
