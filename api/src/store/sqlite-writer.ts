import { Worker } from 'node:worker_threads';
import type { AuditEventRow } from './audit-chain.js';

/**
 * A connection in a worker thread that appends rows to one table, and their audit records to the
 * audit log in the same transaction (chained there: this connection's transaction is the one that
 * holds the write lock). better-sqlite3 blocks the thread it runs on; decision records (about
 * 1 KB each, written at thousands per second) would take that time from every request of the API,
 * so they are written here instead. Each call resolves once its rows are committed, or rejects
 * with SQLite's error (code kept).
 */
export interface BackgroundWriter {
  write(rows: unknown[][], audit: AuditEventRow[]): Promise<void>;
  close(): Promise<void>;
}

export function startBackgroundWriter(file: string, sql: string): BackgroundWriter {
  const worker = new Worker(new URL('./sqlite-writer-worker.js', import.meta.url), {
    workerData: { file, sql },
  });
  worker.unref();
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let next = 0;
  let failure: Error | null = null;
  const failAll = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (msg: { id: number; error?: { message: string; code?: string } }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (pending.size === 0) worker.unref();
    if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
    else p.resolve();
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`SQLite writer thread exited (${code})`)));
  return {
    write(rows, audit) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      // Keeps the process alive only while a write is outstanding.
      worker.ref();
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // One JSON string: cloning thousands of small arrays and strings field by field cost
        // several times as much (the values are strings, numbers and nulls).
        worker.postMessage({ id, batch: JSON.stringify([rows, audit]) });
      });
    },
    async close() {
      if (failure) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // An unreferenced worker would let the process end (unsettled) before the thread closes the file.
      worker.ref();
      worker.postMessage({ close: true });
      await exited;
    },
  };
}
