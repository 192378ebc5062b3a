// Plain JavaScript on purpose: a worker thread loads it without the TypeScript loader.
// Appends rows to one table of the SQLite file in its own connection, off the event loop of the
// API, and answers each batch with { id } or { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare(workerData.sql);
const writeAll = db.transaction((rows) => {
  for (const row of rows) insert.run(row);
});

parentPort.on('message', (msg) => {
  if (msg.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    writeAll.immediate(msg.rows);
    parentPort.postMessage({ id: msg.id });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: { message: err.message, code: err.code } });
  }
});
