import type { Role } from '../auth/roles.ts';
import type { Catalog } from '../domain/catalog.ts';
import type { DecisionOutcome } from '../domain/decision-schema.ts';
import type { Change, Entry, ImportRecord, ImportSummary, Subject } from '../domain/model.ts';
import type { DueProcessStore } from './due-process.ts';
import type { EntryListStore } from './entry-list.ts';
import type { KeptStatus } from './import-guard.ts';
import type { OversightStore } from './oversight-types.ts';
import type { WebhookStore } from './webhook-store.ts';

export interface ImportOptions {
  actor: string;
  /** Validate against the store and count what would change, then roll back. */
  dryRun?: boolean;
  /** Called after each chunk with the number of rows written so far. */
  onProgress?: (rowsDone: number) => void;
  /** Called once per record whose status was not taken (see importRecords), in record order, before it returns. */
  onStatusKept?: (kept: KeptStatus) => void;
}

/** An API key as stored: only its SHA-256 hash, never the key itself. */
export interface ApiKeyRecord {
  /** `key_` + 20 hex characters; safe to show and log. */
  id: string;
  /** SHA-256 of the key, lower-case hex. Unique. */
  hash: string;
  /** The key's first characters, for telling keys apart in lists (see keyHint). */
  hint: string;
  role: Role;
  /**
   * Department a designator key acts for (required). An implementer key may name the department
   * it checks for (a procurement centre, a bank branch): statistics count its checks under it, and
   * it grants nothing. Null for public and admin keys.
   */
  department: string | null;
  label: string;
  /** Requests per second for this key; null = the server default, 0 = no limit. */
  rateLimit: number | null;
  /** RFC 3339 instant; stores return it as UTC with milliseconds (`…Z`). */
  createdAt: string;
  revokedAt: string | null;
}

/** One decision made (the proof that the check was made, 应查必查), kept for audit and receipt look-up. */
export interface DecisionRecord {
  /** `dec_…` */
  id: string;
  /** RFC 3339 instant; stores return it as UTC with milliseconds (`…Z`). */
  at: string;
  /** The API key that asked; null for an anonymous caller. */
  keyId: string | null;
  scenario: string;
  subjectId: string | null;
  /** USCC or `p:<hmac>`, never a clear ID number (the store rejects one). */
  subjectKey: string | null;
  outcome: DecisionOutcome;
  /** Change-log sequence the decision was made on. */
  dataVersion: number;
  catalogVersion: string;
  /** The caller's own case or application number. */
  reference: string | null;
  /** Compact JWS. */
  receipt: string;
}

/** The first answer to a request sent with an Idempotency-Key. */
export interface IdempotentResponse {
  keyId: string;
  idemKey: string;
  /** SHA-256 of the request as received: the same key with another request is refused. */
  requestHash: string;
  /** The response body, as sent the first time. */
  response: string;
  at: string;
}

/**
 * What a write records in the audit log, besides the instant. Never a clear ID number: persons
 * appear as their subject key `p:<hmac>`.
 */
export interface AuditEvent {
  /** Who: an API key id, `anonymous`, `cli`, `system`, `import:<actor>`. */
  actor: string;
  /** What: `decision`, `import`, `key.created`, `key.revoked`, `catalog.replaced`, `signing-key.rotated`, … */
  action: string;
  /** On what: a decision id, key id, catalog version, setting name, … */
  target: string;
  /** A few facts about it, stored as compact JSON. */
  detail: Record<string, unknown>;
}

/**
 * One record of the append-only, hash-chained audit log (audit-chain.js defines the hash, so that
 * anyone holding a copy can verify it). Columns are text exactly as hashed.
 */
export interface AuditRecord {
  /** 1, 2, 3, … without gaps; the order of the chain. */
  seq: number;
  /** `…Z` with milliseconds: a decision's own instant, otherwise when the write committed (store clock). */
  at: string;
  actor: string;
  action: string;
  target: string;
  /** JSON text as stored and hashed. */
  detail: string;
  /** The previous record's hash (64 "0" for seq 1). */
  prevHash: string;
  hash: string;
}

/**
 * The one persistence contract. SQLite (default) and PostgreSQL implement it and pass the same
 * conformance suite (api/test/store.conformance.test.ts).
 */
export interface Store extends OversightStore, DueProcessStore, WebhookStore, EntryListStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getSetting(key: string): Promise<string | null>;
  /**
   * Sets the value only if the key has none yet; returns the value that holds afterwards. Setting
   * it appends `audit` (default: `setting.created` by `system`, target the key; never the value).
   */
  initSetting(key: string, value: string, audit?: AuditEvent): Promise<string>;

  /** Replaces the measure catalog in one transaction and logs a `catalog.replaced` change and audit record. */
  replaceCatalog(catalog: Catalog, actor: string): Promise<void>;
  getCatalog(): Promise<Catalog | null>;

  findSubjectByKey(key: string): Promise<Subject | null>;
  findSubjectById(id: string): Promise<Subject | null>;
  listEntries(subjectId: string): Promise<Entry[]>;
  /** Changes to one entity, oldest first (an entry's status history). */
  historyOf(entityId: string): Promise<Change[]>;

  currentSeq(): Promise<number>;
  changesSince(seq: number, limit: number): Promise<Change[]>;
  counts(): Promise<{ subjects: number; entries: number }>;
  /** Streams every subject with its entries, in subject-id order, for building the in-memory index. */
  scan(batchSize: number): AsyncIterable<Array<{ subject: Subject; entries: Entry[] }>>;

  /**
   * Writes all records or none (one transaction). Idempotent: a record equal to what is stored
   * changes nothing and logs nothing. Chunks arrive as an async iterable so that a million rows
   * need not be held in memory.
   *
   * Records apply in order, as if one at a time, whatever the chunking: a record whose subject or
   * entry content equals the current one changes nothing there; a later record with the same
   * natural key updates the earlier one, so the last wins and each version is logged. Every
   * created or changed subject or entry appends one change (`subject.upserted`, `entry.created`,
   * `entry.updated`) whose data is the entity after it, and the entity's seq is that change's seq;
   * changes are numbered in record order, a record's subject before its entry. In the summary,
   * `unchanged` counts the records whose entry changed nothing (rows − entriesCreated − entriesUpdated).
   * Unless a dry run, one `import` audit record by `import:<actor>` carries the summary.
   *
   * The due process holds an entry's status against the file (import-guard.ts, decided in the
   * import's transaction): while an objection is pending it stays `suspended`, and once the due
   * process repaired or revoked it, it stays so; the record's other fields apply. Each such record
   * is counted in `statusKept` and passed to `onStatusKept`.
   */
  importRecords(
    chunks: AsyncIterable<ImportRecord[]> | Iterable<ImportRecord[]>,
    opts: ImportOptions,
  ): Promise<ImportSummary>;

  /**
   * Rejects a malformed record (see ApiKeyRecord) and a duplicate id or hash. Audited as
   * `key.created` by `actor` (an API key id, `cli`; default `system`).
   */
  createApiKey(record: ApiKeyRecord, actor?: string): Promise<void>;
  /** Every key, revoked ones included, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** The key with this hash, revoked or not (the caller checks `revokedAt`). */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** False when no key has this id or it is already revoked. Audited as `key.revoked` by `actor` (default `system`). */
  revokeApiKey(id: string, at: string, actor?: string): Promise<boolean>;

  /**
   * Writes all records or none (one transaction), each with its `decision` audit record (by the
   * key id, or `anonymous`); an id already stored fails the whole batch.
   */
  recordDecisions(records: DecisionRecord[]): Promise<void>;
  getDecision(id: string): Promise<DecisionRecord | null>;
  /** Keeps the first response for (keyId, idemKey); false when one is already kept (then nothing changes). */
  putIdempotentResponse(record: IdempotentResponse): Promise<boolean>;
  getIdempotentResponse(keyId: string, idemKey: string): Promise<IdempotentResponse | null>;

  /**
   * The audit log after `afterSeq`, in seq order, at most `limit` records. There is no way to
   * change or remove a record: every write above appends its own in the write's transaction.
   */
  readAudit(afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** Seq and hash of the last record as the chain head row keeps them (0 and 64 "0" when empty). */
  auditHead(): Promise<{ seq: number; hash: string }>;
}

/** What every store accepts besides its location. */
export interface StoreOptions {
  /** Source of the instants written (change `at`, entry `createdAt`/`updatedAt`); defaults to the system clock. */
  clock?: { now(): Date };
}
