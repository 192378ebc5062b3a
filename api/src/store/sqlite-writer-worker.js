// Plain JavaScript on purpose: a worker thread loads it without the TypeScript loader.
// Appends rows to one table of the SQLite file in its own connection, off the event loop of the
// API, together with their audit records (chained here, inside the same transaction: a row and its
// audit record commit together or not at all), and answers each batch with { id } or { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { chainAudit } from './audit-chain.js';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare(workerData.sql);
const auditHead = db.prepare('SELECT seq, hash FROM audit_head');
const insertAudit = db.prepare(
  'INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
);
const moveHead = db.prepare('UPDATE audit_head SET seq = ?, hash = ?');
const writeAll = db.transaction((rows, audit) => {
  for (const row of rows) insert.run(row);
  if (audit.length === 0) return;
  // BEGIN IMMEDIATE holds the write lock: no other connection can move the head until commit.
  const chained = chainAudit(auditHead.get(), audit);
  for (const row of chained.rows) insertAudit.run(row);
  moveHead.run(chained.head.seq, chained.head.hash);
});

parentPort.on('message', (msg) => {
  if (msg.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [rows, audit] = JSON.parse(msg.batch);
    writeAll.immediate(rows, audit);
    parentPort.postMessage({ id: msg.id });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: { message: err.message, code: err.code } });
  }
});
