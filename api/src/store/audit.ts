import type { Catalog } from '../domain/catalog.ts';
import type { ImportSummary } from '../domain/model.ts';
import type { AuditEventRow } from './audit-chain.js';
import type { ApiKeyRecord, AuditEvent, AuditRecord, DecisionRecord } from './types.ts';

/**
 * The audit records each write of the store appends, built the same way by both stores. Appending
 * (numbering, linking, hashing: audit-chain.js) happens in the store, inside the write's
 * transaction, after it has taken the chain head row, so the chain stays one line whatever the
 * number of writers.
 */

/** Column order of every insert and select of audit_log; the same in both dialects. */
export const AUDIT_COLUMNS = 'seq, at, actor, action, target, detail, prev_hash, hash';

/** Who wrote when the caller does not say: the process itself (server start, tests). */
export const SYSTEM_ACTOR = 'system';

export function auditEventRow(at: string, e: AuditEvent): AuditEventRow {
  return [at, e.actor, e.action, e.target, JSON.stringify(e.detail)];
}

/** Who, whom, when, result (the query log of domain §11); the receipt stays in `decisions`. */
export function decisionAudit(r: DecisionRecord): AuditEventRow {
  return [
    r.at,
    r.keyId ?? 'anonymous',
    'decision',
    r.id,
    JSON.stringify({
      subject: r.subjectKey,
      scenario: r.scenario,
      outcome: r.outcome,
      dataVersion: r.dataVersion,
    }),
  ];
}

export function importAudit(at: string, actor: string, s: ImportSummary): AuditEventRow {
  return auditEventRow(at, {
    actor: `import:${actor}`,
    action: 'import',
    target: `seq:${s.seq}`,
    detail: {
      rows: s.rows,
      subjectsCreated: s.subjectsCreated,
      subjectsUpdated: s.subjectsUpdated,
      entriesCreated: s.entriesCreated,
      entriesUpdated: s.entriesUpdated,
      unchanged: s.unchanged,
      statusKept: s.statusKept,
      seq: s.seq,
    },
  });
}

export function catalogAudit(at: string, actor: string, catalog: Catalog, seq: number): AuditEventRow {
  return auditEventRow(at, {
    actor,
    action: 'catalog.replaced',
    target: catalog.version,
    detail: {
      seq,
      listTypes: catalog.listTypes.length,
      measures: catalog.measures.length,
      scenarios: catalog.scenarios.length,
    },
  });
}

/** Everything but the key's hash. */
export function keyCreatedAudit(at: string, actor: string, r: ApiKeyRecord): AuditEventRow {
  return auditEventRow(at, {
    actor,
    action: 'key.created',
    target: r.id,
    detail: { role: r.role, department: r.department, label: r.label, rateLimit: r.rateLimit },
  });
}

export function keyRevokedAudit(at: string, actor: string, id: string, revokedAt: string): AuditEventRow {
  return auditEventRow(at, { actor, action: 'key.revoked', target: id, detail: { revokedAt } });
}

/** A setting's value may be a secret (the ID HMAC key, a private signing key): only its name is logged. */
export function settingAudit(at: string, key: string, event: AuditEvent | undefined): AuditEventRow {
  return auditEventRow(
    at,
    event ?? { actor: SYSTEM_ACTOR, action: 'setting.created', target: key, detail: {} },
  );
}

/** Rows as both dialects return them: PostgreSQL gives bigint as a string. */
export interface AuditDbRow {
  seq: number | string;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

export function toAuditRecord(row: AuditDbRow): AuditRecord {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
