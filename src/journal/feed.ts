import type { Kysely } from 'kysely';
import { type Database, lockForAppend } from '../platform/db/index.ts';
import { insertRows } from '../platform/db/bulk.ts';
import { entryHash } from './hash.ts';
import { GENESIS_HASH, JOURNAL_COLUMNS, type JournalTable } from './schema.ts';
import { applyEntries, toJournalEntry } from './service.ts';
import * as store from './store.ts';

/**
 * The journal as a feed for a standby: entries exactly as stored (the row as the text the hash
 * covers), and the standby's side, which applies an entry only after it has checked that it
 * follows its own head and hashes to what it claims. What it cannot verify it never applies.
 */

export type FeedEntry = JournalTable;


export async function feedAfter(db: Kysely<any>, afterSeq: number, limit: number): Promise<FeedEntry[]> {
  return (await store.entriesAfter(db, afterSeq, limit)).map((row) => ({ ...row, seq: Number(row.seq) }));
}

export class ReplicationError extends Error {
  constructor(readonly kind: 'gap' | 'broken' | 'tampered' | 'schema', message: string) {
    super(message);
    this.name = 'ReplicationError';
  }
}

export interface Position {
  seq: number;
  hash: string;
  /** Goes up by one at every promotion of a standby; history never goes back to a lower one. */
  epoch: number;
}

export async function positionOf(db: Kysely<any>): Promise<Position> {
  const last = await store.lastEntry(db);
  return last ? { seq: Number(last.seq), hash: last.hash, epoch: last.epoch } : { seq: 0, hash: GENESIS_HASH, epoch: 1 };
}

/** Throws unless the entries continue the chain at `head`, one by one. */
export function checkFeed(head: Position, entries: readonly FeedEntry[]): Position {
  let at = head;
  for (const e of entries) {
    if (e.seq !== at.seq + 1) throw new ReplicationError('gap', `expected entry ${at.seq + 1} but the feed sent ${e.seq}: entries are missing`);
    if (e.prev_hash !== at.hash) throw new ReplicationError('broken', `entry ${e.seq} does not link to entry ${at.seq} held here: the primary's history differs from this copy`);
    const { hash, ...rest } = e;
    if (entryHash(rest) !== hash) throw new ReplicationError('tampered', `entry ${e.seq} does not match its hash: it was altered on the way or at the primary`);
    if (e.epoch < at.epoch) throw new ReplicationError('broken', `entry ${e.seq} is of epoch ${e.epoch}, but this copy has seen epoch ${at.epoch}: the primary was superseded by a promoted standby`);
    at = { seq: e.seq, hash, epoch: e.epoch };
  }
  return at;
}

/**
 * Applies verified entries in one transaction: the rows they carry, and the entries themselves,
 * so the copy's journal is the primary's and a restart resumes after its last entry.
 */
export async function applyFeed(database: Database<any>, entries: readonly FeedEntry[]): Promise<Position> {
  if (entries.length === 0) return positionOf(database.db);
  return database.transaction(async (tx) => {
    await lockForAppend(tx);
    const head = checkFeed(await positionOf(tx), entries);
    await applyEntries(tx, entries.map(toJournalEntry));
    await insertRows(tx, 'journal', JOURNAL_COLUMNS, entries.map((e) => JOURNAL_COLUMNS.map((c) => e[c])));
    return head;
  });
}
