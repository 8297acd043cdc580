// The SQLite writer of a gateway's message log, in a worker thread: better-sqlite3 is
// synchronous, so a commit and its fsync here do not stop the gateway's event loop from taking
// the next exchanges, which then join the next batch. Plain JavaScript, because a worker does not
// inherit the TypeScript loader of the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${workerData.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
db.pragma('busy_timeout = 10000');

const logColumns = ['seq', 'at', 'message_id', 'kind', 'client', 'service', 'user_id', 'issue', 'purpose', 'envelope', 'signature', 'signer', 'body_hash', 'body', 'content_hash', 'prev_hash', 'hash'];
const operationColumns = ['seq', 'message_id', 'side', 'client', 'provider', 'service', 'request_in', 'request_out', 'response_in', 'response_out', 'request_bytes', 'response_bytes', 'status', 'fault', 'subject', 'issue', 'purpose'];
const insert = (table, columns) => db.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
const insertLog = insert('message_log', logColumns);
const insertOperation = insert('operations', operationColumns);
const insertCertificate = db.prepare('insert into certificates (sha256, pem) values (@sha256, @pem) on conflict (sha256) do nothing');

const write = db.transaction((batch) => {
  // Buffers arrive as plain Uint8Arrays after crossing the thread boundary.
  for (const row of batch.rows) insertLog.run(row.body ? { ...row, body: Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength) } : row);
  for (const row of batch.operations) insertOperation.run(row);
  for (const row of batch.certificates) insertCertificate.run(row);
});

parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    write(message);
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String(error && error.message ? error.message : error) });
  }
});
