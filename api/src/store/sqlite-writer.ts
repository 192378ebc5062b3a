import { Worker } from 'node:worker_threads';

/**
 * A connection in a worker thread that appends rows to one table. better-sqlite3 blocks the
 * thread it runs on; decision records (about 1 KB each, written at thousands per second) would
 * take that time from every request of the API, so they are written here instead. Each call
 * resolves once its rows are committed, or rejects with SQLite's error (code kept).
 */
export interface BackgroundWriter {
  write(rows: unknown[][]): Promise<void>;
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
    write(rows) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      // Keeps the process alive only while a write is outstanding.
      worker.ref();
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, rows });
      });
    },
    async close() {
      if (failure) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ close: true });
      await exited;
    },
  };
}
