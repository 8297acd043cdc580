import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Kysely } from 'kysely';
import { type Database, migrate, openDatabase } from '../../platform/db/index.ts';
import type { OperationRecord } from '../schema.ts';
import { sha256 } from '../protocol.ts';
import { type AnchorRow, type CertificateRow, type GatewayTables, type MessageLogRow, type OperationRow, gatewayMigrations } from './log-tables.ts';
import { SqliteWriter } from './sqlite-writer.ts';

/**
 * The gateway's message log: every request and response it signed or verified, hash-chained in
 * the order it stored them, with the head countersigned by the hub at intervals (anchors). Plus
 * its operational records, which it reports to the hub in batches. One writer per gateway
 * process; appends from concurrent exchanges are grouped into one transaction (group commit),
 * and an exchange is answered only after its entries are durable.
 */

export const GENESIS = sha256('egov-message-log/1');

export type LogEntry = Omit<MessageLogRow, 'seq' | 'content_hash' | 'prev_hash' | 'hash'>;
export type OperationEntry = Omit<OperationRow, 'seq'>;

/** The hash of an entry's content: everything but the body, whose hash the envelope carries. */
export function contentHashOf(e: Omit<MessageLogRow, 'content_hash' | 'prev_hash' | 'hash' | 'body'>): string {
  return sha256(JSON.stringify([
    e.seq, e.at, e.message_id, e.kind, e.client, e.service, e.user_id, e.issue, e.purpose, e.envelope, e.signature, e.signer, e.body_hash,
  ]));
}

export function chainHash(prev: string, contentHash: string): string {
  return sha256(`${prev}\n${contentHash}`);
}

interface Pending {
  entries: LogEntry[];
  operations: OperationEntry[];
  certificates: CertificateRow[];
  resolve: () => void;
  reject: (error: Error) => void;
}

export class MessageLog {
  readonly database: Database<GatewayTables>;
  #head = { seq: 0, hash: GENESIS };
  #operationSeq = 0;
  #queue: Pending[] = [];
  #flushing: Promise<void> | null = null;
  #knownCertificates = new Set<string>();
  readonly #writer: SqliteWriter | null;
  #closed: Promise<void> | null = null;

  private constructor(database: Database<GatewayTables>, writer: SqliteWriter | null) {
    this.database = database;
    this.#writer = writer;
  }

  static async open(options: { url: string | null; dataDir: string; sqliteSync?: 'full' | 'normal' }): Promise<MessageLog> {
    const database = await openDatabase<GatewayTables>({ ...options, fileName: 'gateway.sqlite' });
    await migrate(database, gatewayMigrations);
    const writer = database.kind === 'sqlite' ? new SqliteWriter(database.location, options.sqliteSync ?? 'full') : null;
    const log = new MessageLog(database, writer);
    const last = await database.db.selectFrom('message_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (last) log.#head = { seq: Number(last.seq), hash: last.hash };
    const lastOp = await database.db.selectFrom('operations').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    log.#operationSeq = lastOp ? Number(lastOp.seq) : 0;
    return log;
  }

  get head(): { seq: number; hash: string } {
    return { ...this.#head };
  }

  /**
   * Stores entries and operational records durably, in one transaction with whatever else is
   * waiting. Resolves once committed: only then may the exchange be answered.
   */
  append(entries: LogEntry[], operations: OperationEntry[], certificates: CertificateRow[] = []): Promise<void> {
    const fresh = certificates.filter((c) => !this.#knownCertificates.has(c.sha256));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ entries, operations, certificates: fresh, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  async #flush(): Promise<void> {
    // Yield once so every exchange that finished in this turn of the event loop joins the batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      const head = { ...this.#head };
      let opSeq = this.#operationSeq;
      const rows: MessageLogRow[] = [];
      const ops: OperationRow[] = [];
      const certs = new Map<string, CertificateRow>();
      for (const p of batch) {
        for (const e of p.entries) {
          const seq = head.seq + 1;
          const content = contentHashOf({ ...e, seq });
          const hash = chainHash(head.hash, content);
          rows.push({ ...e, seq, content_hash: content, prev_hash: head.hash, hash });
          head.seq = seq;
          head.hash = hash;
        }
        for (const o of p.operations) ops.push({ ...o, seq: ++opSeq });
        for (const c of p.certificates) certs.set(c.sha256, c);
      }
      try {
        if (this.#writer) await this.#writer.write({ rows, operations: ops, certificates: [...certs.values()] });
        else {
          await this.database.transaction(async (tx) => {
            for (let i = 0; i < rows.length; i += 200) await tx.insertInto('message_log').values(rows.slice(i, i + 200)).execute();
            for (let i = 0; i < ops.length; i += 200) await tx.insertInto('operations').values(ops.slice(i, i + 200)).execute();
            for (const c of certs.values()) {
              await tx.insertInto('certificates').values(c).onConflict((oc) => oc.column('sha256').doNothing()).execute();
            }
          });
        }
      } catch (error) {
        // The in-memory head did not move: the next batch chains onto what is really stored.
        for (const p of batch) p.reject(error as Error);
        continue;
      }
      this.#head = head;
      this.#operationSeq = opSeq;
      for (const c of certs.keys()) this.#knownCertificates.add(c);
      for (const p of batch) p.resolve();
    }
    this.#flushing = null;
  }

  async close(): Promise<void> {
    this.#closed ??= (async () => {
      while (this.#flushing) await this.#flushing;
      await this.#writer?.close();
      await this.database.close();
    })();
    return this.#closed;
  }

  // Operational records for the hub ------------------------------------------------------------

  async unreportedOperations(limit: number): Promise<OperationRecord[]> {
    const reported = await this.database.db.selectFrom('reported').select('through').where('id', '=', 'operations').executeTakeFirst();
    const rows = await this.database.db.selectFrom('operations').selectAll()
      .where('seq', '>', reported ? Number(reported.through) : 0).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq), id: r.message_id, side: r.side, client: r.client, provider: r.provider, service: r.service,
      requestIn: Number(r.request_in), requestOut: r.request_out === null ? null : Number(r.request_out),
      responseIn: r.response_in === null ? null : Number(r.response_in), responseOut: Number(r.response_out),
      requestBytes: Number(r.request_bytes), responseBytes: Number(r.response_bytes), status: r.status, fault: r.fault,
      subject: r.subject, issue: r.issue, purpose: r.purpose,
    }));
  }

  async markReported(through: number): Promise<void> {
    await this.database.transaction(async (tx) => {
      await tx.deleteFrom('reported').where('id', '=', 'operations').execute();
      await tx.insertInto('reported').values({ id: 'operations', through }).execute();
    });
  }

  // Anchors ------------------------------------------------------------------------------------

  async recordAnchor(row: AnchorRow): Promise<void> {
    await this.database.db.insertInto('anchors').values(row).onConflict((oc) => oc.column('seq').doNothing()).execute();
  }

  async lastAnchor(): Promise<AnchorRow | undefined> {
    return this.database.db.selectFrom('anchors').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  }

  // Reading ------------------------------------------------------------------------------------

  async entriesOf(messageId: string): Promise<MessageLogRow[]> {
    return this.database.db.selectFrom('message_log').selectAll().where('message_id', '=', messageId).orderBy('seq').execute();
  }

  async certificate(sha: string): Promise<string | undefined> {
    return (await this.database.db.selectFrom('certificates').select('pem').where('sha256', '=', sha).executeTakeFirst())?.pem;
  }

  /** Content hashes of entries after `afterSeq` up to `throughSeq`, for an inclusion proof. */
  async contentHashes(afterSeq: number, throughSeq: number): Promise<string[]> {
    const rows = await this.database.db.selectFrom('message_log').select('content_hash')
      .where('seq', '>', afterSeq).where('seq', '<=', throughSeq).orderBy('seq').execute();
    return rows.map((r) => r.content_hash);
  }

  /** The first anchor at or after a sequence number: the proof an entry is in the countersigned chain. */
  async anchorCovering(seq: number): Promise<AnchorRow | undefined> {
    return this.database.db.selectFrom('anchors').selectAll().where('seq', '>=', seq).orderBy('seq').limit(1).executeTakeFirst();
  }

  /**
   * Recomputes the chain from the oldest kept entry (whose prev_hash is trusted as the link to
   * archived history) and checks every anchor still in the log against it.
   */
  async verify(): Promise<VerifyReport> {
    const anchors = new Map((await this.database.db.selectFrom('anchors').selectAll().execute()).map((a) => [Number(a.seq), a]));
    let checked = 0;
    let prev: string | null = null;
    let lastSeq: number | null = null;
    let anchorsChecked = 0;
    for (;;) {
      let query = this.database.db.selectFrom('message_log').selectAll().orderBy('seq').limit(1000);
      if (lastSeq !== null) query = query.where('seq', '>', lastSeq);
      const rows = await query.execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (lastSeq !== null && seq !== lastSeq + 1) return { ok: false, checked, anchorsChecked, problem: `entry ${lastSeq + 1} is missing (next is ${seq})`, seq: lastSeq + 1 };
        if (prev !== null && row.prev_hash !== prev) return { ok: false, checked, anchorsChecked, problem: `entry ${seq} does not link to entry ${seq - 1}`, seq };
        const content = contentHashOf({ ...row, seq });
        if (content !== row.content_hash) return { ok: false, checked, anchorsChecked, problem: `entry ${seq} was changed after it was written`, seq };
        if (row.body !== null && sha256(Buffer.from(row.body)) !== row.body_hash) return { ok: false, checked, anchorsChecked, problem: `the body of entry ${seq} was changed`, seq };
        if (chainHash(row.prev_hash, content) !== row.hash) return { ok: false, checked, anchorsChecked, problem: `entry ${seq} has a wrong chain hash`, seq };
        const anchor = anchors.get(seq);
        if (anchor) {
          if (anchor.hash !== row.hash) return { ok: false, checked, anchorsChecked, problem: `entry ${seq} differs from what the hub countersigned on ${anchor.at}`, seq };
          anchorsChecked += 1;
        }
        prev = row.hash;
        lastSeq = seq;
        checked += 1;
      }
    }
    return { ok: true, checked, anchorsChecked, head: lastSeq ?? 0 };
  }

  /**
   * Moves entries older than the retention into a gzip file of JSON lines and deletes them, a
   * thousand at a time so exchanges keep flowing. Only entries covered by an anchor go: the rest
   * are not yet countersigned anywhere else. Operational records the hub has are pruned too.
   */
  async archive(archiveDir: string, olderThan: Date): Promise<{ archived: number; file: string | null }> {
    const anchor = await this.lastAnchor();
    if (!anchor) return { archived: 0, file: null };
    const cutoff = olderThan.toISOString();
    const db: Kysely<GatewayTables> = this.database.db;
    const first = await db.selectFrom('message_log').select('seq').orderBy('seq').limit(1).executeTakeFirst();
    const last = await db.selectFrom('message_log').select('seq')
      .where('at', '<', cutoff).where('seq', '<=', Number(anchor.seq)).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!first || !last) return { archived: 0, file: null };
    const from = Number(first.seq);
    const to = Number(last.seq);
    await mkdir(archiveDir, { recursive: true, mode: 0o700 });
    const file = path.join(archiveDir, `mlog-${String(from).padStart(12, '0')}-${String(to).padStart(12, '0')}.jsonl.gz`);
    const database = this.database;
    async function* lines() {
      for (let at = from; at <= to; at += 1000) {
        const rows = await database.db.selectFrom('message_log').selectAll().where('seq', '>=', at).where('seq', '<', Math.min(at + 1000, to + 1)).orderBy('seq').execute();
        for (const row of rows) yield `${JSON.stringify({ ...row, body: row.body ? Buffer.from(row.body).toString('base64') : null })}\n`;
      }
    }
    // Written under a temporary name and renamed: an archive file that exists is complete.
    await pipeline(Readable.from(lines()), createGzip(), createWriteStream(`${file}.tmp`, { mode: 0o600 }));
    await rename(`${file}.tmp`, file);
    for (let at = from; at <= to; at += 1000) {
      await this.database.transaction(async (tx) => {
        await tx.deleteFrom('message_log').where('seq', '>=', at).where('seq', '<', Math.min(at + 1000, to + 1)).execute();
      });
    }
    const reported = await db.selectFrom('reported').select('through').where('id', '=', 'operations').executeTakeFirst();
    if (reported) {
      await db.deleteFrom('operations').where('seq', '<=', Number(reported.through)).where('response_out', '<', olderThan.getTime()).execute();
    }
    return { archived: to - from + 1, file };
  }
}

export type VerifyReport =
  | { ok: true; checked: number; anchorsChecked: number; head: number }
  | { ok: false; checked: number; anchorsChecked: number; problem: string; seq: number };
