/**
 * The last good snapshot copy in IndexedDB (database `credcheck`), one per API URL: a copy from
 * one server is never patched with another server's deltas. Bytes and their meta are written in
 * one transaction, so a reader never sees the bytes of one version with the meta of another.
 */

const DB_NAME = 'credcheck';
const DB_VERSION = 1;
const BYTES = 'snapshot';
const META = 'meta';
/** Key prefix in the meta store for the last sync attempt's outcome (kept across worker restarts). */
const STATUS_PREFIX = 'status|';

export interface CopyMeta {
  apiUrl: string;
  version: number;
  dataVersion: number;
  asOf: string;
  checksum: string;
  /** When the copy was last proven equal to the server's set (ISO instant). */
  syncedAt: string;
  codes: number;
  names: number;
}

export interface SyncStatus {
  lastAttemptAt: string | null;
  lastError: string | null;
  offline: boolean;
}

export interface StoredCopy {
  bytes: Uint8Array;
  meta: CopyMeta;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

export class SnapshotDb {
  private opening: Promise<IDBDatabase> | null = null;

  constructor(private readonly factory: IDBFactory = indexedDB) {}

  private db(): Promise<IDBDatabase> {
    this.opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = this.factory.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(BYTES)) db.createObjectStore(BYTES);
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another version of the extension upgrading the database: let it, reopen next time.
        db.onversionchange = () => {
          db.close();
          this.opening = null;
        };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
    }).catch((err) => {
      this.opening = null;
      throw err;
    });
    return this.opening;
  }

  async load(apiUrl: string): Promise<StoredCopy | null> {
    const db = await this.db();
    const tx = db.transaction([BYTES, META], 'readonly');
    const [bytes, meta] = await Promise.all([
      request(tx.objectStore(BYTES).get(apiUrl)) as Promise<unknown>,
      request(tx.objectStore(META).get(apiUrl)) as Promise<unknown>,
    ]);
    if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) return null;
    if (!meta || typeof meta !== 'object') return null;
    return { bytes: bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), meta: meta as CopyMeta };
  }

  /**
   * Stores a verified copy and drops every other server's copy in the same transaction: the old
   * server's copy stays usable until the new one is proven whole.
   */
  async save(bytes: Uint8Array, meta: CopyMeta): Promise<void> {
    const db = await this.db();
    const tx = db.transaction([BYTES, META], 'readwrite');
    const finished = done(tx);
    const bytesStore = tx.objectStore(BYTES);
    const metaStore = tx.objectStore(META);
    const keys = (await request(bytesStore.getAllKeys())) as IDBValidKey[];
    for (const key of keys) if (key !== meta.apiUrl) bytesStore.delete(key);
    const metaKeys = (await request(metaStore.getAllKeys())) as IDBValidKey[];
    for (const key of metaKeys) {
      if (typeof key === 'string' && !key.startsWith(STATUS_PREFIX) && key !== meta.apiUrl)
        metaStore.delete(key);
    }
    bytesStore.put(bytes, meta.apiUrl);
    metaStore.put(meta, meta.apiUrl);
    await finished;
  }

  /** Updates only the meta (a sync that proved the copy current without changing it). */
  async touch(meta: CopyMeta): Promise<void> {
    const db = await this.db();
    const tx = db.transaction([META], 'readwrite');
    const finished = done(tx);
    tx.objectStore(META).put(meta, meta.apiUrl);
    await finished;
  }

  async loadStatus(apiUrl: string): Promise<SyncStatus | null> {
    const db = await this.db();
    const tx = db.transaction([META], 'readonly');
    const status = (await request(tx.objectStore(META).get(STATUS_PREFIX + apiUrl))) as
      | SyncStatus
      | undefined;
    return status ?? null;
  }

  async saveStatus(apiUrl: string, status: SyncStatus): Promise<void> {
    const db = await this.db();
    const tx = db.transaction([META], 'readwrite');
    const finished = done(tx);
    tx.objectStore(META).put(status, STATUS_PREFIX + apiUrl);
    await finished;
  }

  /** Drops a copy that no longer decodes (a damaged disk): the next sync downloads it whole. */
  async drop(apiUrl: string): Promise<void> {
    const db = await this.db();
    const tx = db.transaction([BYTES, META], 'readwrite');
    const finished = done(tx);
    tx.objectStore(BYTES).delete(apiUrl);
    tx.objectStore(META).delete(apiUrl);
    await finished;
  }

  close(): void {
    void this.opening?.then((db) => db.close()).catch(() => {});
    this.opening = null;
  }
}
