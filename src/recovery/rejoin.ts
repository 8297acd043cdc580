import type https from 'node:https';
import { rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { HubDatabase } from '../hub/database.ts';
import { feedAfter, positionOf, type Position } from '../journal/feed.ts';
import { journalEntryHash } from '../journal/service.ts';
import { GENESIS_HASH } from '../journal/schema.ts';
import { send } from '../exchange/gateway/transport.ts';
import { listTables, openDatabase } from '../platform/db/index.ts';
import { sql } from 'kysely';

/**
 * A former hub becomes a standby of the hub that replaced it. Its journal and the new hub's agree
 * up to some entry; what it holds after that never reached the new hub (asynchronous mode, or
 * writes it took before it learned it was superseded). Those entries are written, whole, to a
 * report in the data folder and named on the console; only then is the old copy set aside (SQLite:
 * the file is renamed, kept; PostgreSQL: its tables are dropped) and the standby copies the new
 * hub's journal from the start. When nothing diverged, the copy is kept and followed from its head.
 */
export interface RejoinReport {
  ownHead: Position;
  /** The last entry both journals hold identically. */
  agreedThrough: number;
  unreplicated: number;
  reportFile: string | null;
  /** Where the old SQLite file was moved, when it was. */
  setAside: string | null;
}

export async function prepareRejoin(options: { dataDir: string; databaseUrl: string | null; hubExchangeUrl: string; agent: https.Agent; now?: Date }): Promise<RejoinReport> {
  const database = await openDatabase({ url: options.databaseUrl, dataDir: options.dataDir }) as HubDatabase;
  let closed = false;
  try {
    if (!(await listTables(database.db, database.kind)).includes('journal')) return { ownHead: { seq: 0, hash: GENESIS_HASH, epoch: 1 }, agreedThrough: 0, unreplicated: 0, reportFile: null, setAside: null };
    const ownHead = await positionOf(database.db);
    const theirs = async (seq: number) => {
      const sent = await send(new URL(`/gw/v1/journal/hash?seq=${seq}`, options.hubExchangeUrl), { method: 'GET', agent: options.agent, timeoutMs: 15_000, maxBytes: 10_000, headers: {} });
      if (sent.status === 404) return null;
      if (sent.status !== 200) throw new Error(`the new hub answered ${sent.status} when asked for entry ${seq}: ${sent.body.toString('utf8').slice(0, 200)}`);
      return (JSON.parse(sent.body.toString('utf8')) as { hash: string }).hash;
    };
    // Chained hashes: when entry k agrees, so does everything before it. Binary search for the last k that does.
    let low = 0;
    let high = ownHead.seq;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((await theirs(mid)) === (await journalEntryHash(database.db, mid))) low = mid;
      else high = mid - 1;
    }
    const agreedThrough = low;
    const unreplicated = ownHead.seq - agreedThrough;
    if (unreplicated === 0) return { ownHead, agreedThrough, unreplicated, reportFile: null, setAside: null };

    const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
    const reportFile = path.join(options.dataDir, `rejoin-unreplicated-${stamp}.ndjson`);
    const lines: string[] = [];
    for (let after = agreedThrough; ;) {
      const page = await feedAfter(database.db, after, 1000);
      if (page.length === 0) break;
      for (const entry of page) lines.push(JSON.stringify(entry));
      after = page[page.length - 1]!.seq;
    }
    await writeFile(reportFile, `${lines.join('\n')}\n`, { mode: 0o600 });
    let setAside: string | null = null;
    if (database.kind === 'sqlite') {
      await database.close();
      closed = true;
      setAside = path.join(options.dataDir, `egov.sqlite.superseded-${stamp}`);
      for (const suffix of ['', '-wal', '-shm']) {
        const file = path.join(options.dataDir, `egov.sqlite${suffix}`);
        if (existsSync(file)) await rename(file, `${setAside}${suffix}`);
      }
    } else {
      await dropAll(database);
    }
    return { ownHead, agreedThrough, unreplicated, reportFile, setAside };
  } finally {
    if (!closed) await database.close();
  }
}

/** Empties the hub's schema (tables, trigger functions and all) so the copy starts as a fresh one. */
async function dropAll(database: HubDatabase): Promise<void> {
  await database.transaction(async (tx) => {
    const { schema } = (await sql<{ schema: string }>`select current_schema() as schema`.execute(tx)).rows[0]!;
    await sql`drop schema ${sql.id(schema)} cascade`.execute(tx);
    await sql`create schema ${sql.id(schema)}`.execute(tx);
  });
}
