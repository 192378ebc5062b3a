/**
 * Keeps the local snapshot equal to the API's: whole download when there is no copy (or the API
 * no longer keeps deltas from it), otherwise the delta steps, each checked, and the patched copy's
 * checksum compared with the one the API announced. Anything short of a proven copy leaves the
 * last good one in place.
 */
import {
  applyDelta,
  decodeSnapshot,
  encodeSnapshot,
  type PrefixSnapshot,
  SnapshotError,
} from '@credcheck/sdk/snapshot';
import type { SyncState } from '../messages.ts';
import { ApiClient, ApiProblem, ApiUnreachable, type Fetch, messageOf } from './api-client.ts';
import type { CopyMeta, SnapshotDb, SyncStatus } from './snapshot-db.ts';

interface SyncAnswer {
  version: number;
  dataVersion: number;
  asOf: string;
  checksum: string;
  steps: { from: number; to: number; bytes: number; href: string }[];
}

export interface LocalCopy {
  snapshot: PrefixSnapshot;
  meta: CopyMeta;
}

/** Rounds of "ask for steps, apply them" before giving up on a server that keeps moving. */
const MAX_ROUNDS = 3;

function readSyncAnswer(raw: unknown): SyncAnswer {
  const a = raw as Partial<SyncAnswer> | null;
  const ok =
    a &&
    Number.isSafeInteger(a.version) &&
    Number.isSafeInteger(a.dataVersion) &&
    typeof a.asOf === 'string' &&
    typeof a.checksum === 'string' &&
    /^[0-9a-f]{64}$/.test(a.checksum) &&
    Array.isArray(a.steps) &&
    a.steps.every(
      (s) => s && Number.isSafeInteger(s.from) && Number.isSafeInteger(s.to) && typeof s.href === 'string',
    );
  if (!ok) throw new SnapshotError('corrupt', 'the sync answer is not a SnapshotSync object');
  return a as SyncAnswer;
}

export class Syncer {
  private copy: LocalCopy | null = null;
  private loadedFor: string | null = null;
  private status: SyncStatus = { lastAttemptAt: null, lastError: null, offline: false };
  private running: { apiUrl: string; done: Promise<SyncState> } | null = null;
  /** Called after a sync stored a copy with another data version (caches keyed by it are stale). */
  onNewData: (meta: CopyMeta) => void = () => {};

  constructor(
    private readonly db: SnapshotDb,
    private readonly fetchImpl?: Fetch,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The copy for this API (loaded from IndexedDB once per API URL), or null. */
  async current(apiUrl: string): Promise<LocalCopy | null> {
    if (this.loadedFor !== apiUrl) {
      this.loadedFor = apiUrl;
      this.copy = null;
      this.status = { lastAttemptAt: null, lastError: null, offline: false };
      if (!apiUrl) return null;
      const [stored, status] = await Promise.all([this.db.load(apiUrl), this.db.loadStatus(apiUrl)]);
      if (status) this.status = status;
      if (stored && this.loadedFor === apiUrl) {
        try {
          // decodeSnapshot verifies the checksum: a copy damaged on disk is never used.
          const snapshot = decodeSnapshot(stored.bytes);
          if (snapshot.checksumHex === stored.meta.checksum) this.copy = { snapshot, meta: stored.meta };
        } catch {
          await this.db.drop(apiUrl);
        }
      }
    }
    return this.loadedFor === apiUrl ? this.copy : null;
  }

  /** The sync in progress, if any (a check without a copy waits for the first one). */
  get inFlight(): Promise<SyncState> | null {
    return this.running?.done ?? null;
  }

  async state(apiUrl: string): Promise<SyncState> {
    const copy = await this.current(apiUrl);
    const m = copy?.meta;
    return {
      version: m?.version ?? null,
      dataVersion: m?.dataVersion ?? null,
      asOf: m?.asOf ?? null,
      checksum: m?.checksum ?? null,
      syncedAt: m?.syncedAt ?? null,
      lastAttemptAt: this.status.lastAttemptAt,
      lastError: this.status.lastError,
      offline: this.status.offline,
      codes: copy?.snapshot.codes.size ?? 0,
      names: copy?.snapshot.names.size ?? 0,
    };
  }

  /**
   * Syncs with `apiUrl`; a call while a sync with the same API runs gets that one's result, and
   * one for another API (the settings changed) waits for it to end first.
   */
  sync(apiUrl: string, apiKey: string): Promise<SyncState> {
    const before = this.running;
    if (before && before.apiUrl === apiUrl) return before.done;
    const done: Promise<SyncState> = (before ? before.done.catch(() => null) : Promise.resolve(null))
      .then(() => this.run(apiUrl, apiKey))
      .finally(() => {
        if (this.running?.done === done) this.running = null;
      });
    this.running = { apiUrl, done };
    return done;
  }

  private async run(apiUrl: string, apiKey: string): Promise<SyncState> {
    if (!apiUrl) return this.state(apiUrl);
    const base = await this.current(apiUrl);
    const attemptAt = this.now().toISOString();
    let status: SyncStatus;
    try {
      const api = new ApiClient({ apiUrl, apiKey }, this.fetchImpl);
      const next = await this.fetchCurrent(api, base?.snapshot ?? null);
      const meta: CopyMeta = {
        apiUrl,
        version: next.snapshot.version,
        dataVersion: next.answer.dataVersion,
        asOf: next.answer.asOf,
        checksum: next.snapshot.checksumHex,
        syncedAt: this.now().toISOString(),
        codes: next.snapshot.codes.size,
        names: next.snapshot.names.size,
      };
      if (base && base.meta.checksum === meta.checksum) await this.db.touch(meta);
      else await this.db.save(encodeSnapshot(next.snapshot), meta);
      if (this.loadedFor === apiUrl) this.copy = { snapshot: next.snapshot, meta };
      if (!base || base.meta.dataVersion !== meta.dataVersion) this.onNewData(meta);
      status = { lastAttemptAt: attemptAt, lastError: null, offline: false };
    } catch (err) {
      status = {
        lastAttemptAt: attemptAt,
        lastError: describe(err),
        offline: err instanceof ApiUnreachable,
      };
    }
    if (this.loadedFor === apiUrl) this.status = status;
    await this.db.saveStatus(apiUrl, status).catch(() => {});
    return this.state(apiUrl);
  }

  /**
   * A snapshot proven equal to the server's current set: patched from `base` when the server
   * keeps the steps, downloaded whole otherwise. Throws (and nothing is stored) on any doubt.
   */
  private async fetchCurrent(
    api: ApiClient,
    base: PrefixSnapshot | null,
  ): Promise<{ snapshot: PrefixSnapshot; answer: SyncAnswer }> {
    let copy = base;
    let downloaded = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (copy === null) {
        copy = await downloadWhole(api);
        downloaded = true;
      }
      let answer: SyncAnswer;
      try {
        answer = readSyncAnswer(await api.getJson(`/v1/snapshot/deltas?from=${copy.version}`));
      } catch (err) {
        // 410: the server keeps no steps from this version (or never made it): start over whole.
        if (err instanceof ApiProblem && err.status === 410 && !downloaded) {
          copy = null;
          continue;
        }
        throw err;
      }
      let patched = copy;
      try {
        for (const step of answer.steps) {
          if (step.from !== patched.version)
            throw new SnapshotError('wrong-base', `step from ${step.from}, copy at ${patched.version}`);
          const { bytes } = await api.getBytes(step.href);
          patched = applyDelta(patched, bytes);
        }
      } catch (err) {
        if (err instanceof SnapshotError && err.code === 'wrong-base' && !downloaded) {
          copy = null;
          continue;
        }
        throw err;
      }
      if (patched.checksumHex === answer.checksum && patched.version === answer.version) {
        return { snapshot: patched, answer };
      }
      // The server published again between the answer and the steps, or the steps lie: one
      // more round from what is proven so far would mix versions, so start from the base again.
      if (answer.steps.length === 0 && !downloaded) {
        copy = null;
        continue;
      }
      throw new SnapshotError(
        'checksum-mismatch',
        `the patched copy (version ${patched.version}) does not match the server's checksum for version ${answer.version}`,
      );
    }
    throw new SnapshotError('checksum-mismatch', 'the snapshot kept changing during the sync');
  }
}

async function downloadWhole(api: ApiClient): Promise<PrefixSnapshot> {
  const { bytes, headers } = await api.getBytes('/v1/snapshot');
  const snapshot = decodeSnapshot(bytes);
  // The ETag is the set's checksum: a second witness that these bytes are what was published.
  const etag = headers.get('etag')?.replace(/^W\//, '').replace(/"/g, '');
  if (etag && /^[0-9a-f]{64}$/.test(etag) && etag !== snapshot.checksumHex) {
    throw new SnapshotError('checksum-mismatch', 'the snapshot does not match its ETag');
  }
  return snapshot;
}

function describe(err: unknown): string {
  if (err instanceof SnapshotError) return `snapshot ${err.code}: ${err.message}`;
  return messageOf(err);
}
