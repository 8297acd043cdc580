import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { isTransaction, lockForAppend } from '../platform/db/index.ts';
import { entryHash } from './hash.ts';
import { GENESIS_HASH, type ChangeContext, type JournalEntry, type JournalHead, type JournalOperation, type JournalTable } from './schema.ts';
import * as store from './store.ts';

export { derivedByKey, derivedFromJournal } from './derived.ts';

/**
 * The journal is the spine of the hub: every change to its state is appended here, in the same
 * transaction as the change, chained by hash. Writes go through insertRow/updateRow/deleteRow so
 * that no store can change a table without the journal knowing; every journaled table has a
 * text primary key named `id`, which is the entry's key.
 */

interface Change {
  entity: string;
  key: string;
  op: JournalOperation;
  row: Record<string, unknown> | null;
}

interface PendingHead {
  seq: number;
  hash: string;
  epoch: number;
}

// The head as this transaction sees it after its own appends, so a transaction that writes many
// rows reads the table once. Keyed by the transaction object, dropped with it.
const headOfTransaction = new WeakMap<object, PendingHead>();
// The entries a transaction appended, read after it commits: replication sends them from memory
// and, in synchronous mode, waits for the last.
const appendedBy = new WeakMap<object, JournalTable[]>();

/** The sequence number of the last entry `tx` appended, or null when it appended none. */
export function lastAppendedBy(tx: Kysely<any>): number | null {
  return appendedBy.get(tx)?.at(-1)?.seq ?? null;
}

/** The entries `tx` appended, as stored. */
export function appendedEntriesOf(tx: Kysely<any>): readonly JournalTable[] {
  return appendedBy.get(tx) ?? [];
}

/**
 * Takes the append lock and reads the head once per transaction. Writers call it before they
 * touch any row, so two transactions never hold a row each while waiting for the other's lock.
 */
async function headFor(tx: Kysely<any>): Promise<PendingHead> {
  let head = headOfTransaction.get(tx);
  if (head) return head;
  if (!isTransaction(tx)) throw new Error('journaled writes must run inside Database.transaction()');
  await lockForAppend(tx);
  const last = await store.lastEntry(tx);
  head = last ? { seq: Number(last.seq), hash: last.hash, epoch: last.epoch } : { seq: 0, hash: GENESIS_HASH, epoch: 1 };
  headOfTransaction.set(tx, head);
  return head;
}

/**
 * For a transaction that reads before it writes (a counter, a uniqueness check under load):
 * takes the journal's append lock first, so concurrent writers see each other's rows.
 */
export async function beginJournaledWrite(tx: Kysely<any>): Promise<void> {
  await headFor(tx);
}

/**
 * Starts a new epoch in this transaction: the entries it appends from here on, and every entry
 * after them, carry it. Only a promotion does this; a copy never accepts an entry of a lower epoch
 * than one it has seen, which is what fences a former hub off.
 */
export async function advanceEpoch(tx: Kysely<any>): Promise<{ epoch: number; after: { seq: number; hash: string } }> {
  const head = await headFor(tx);
  const after = { seq: head.seq, hash: head.hash };
  head.epoch += 1;
  return { epoch: head.epoch, after };
}

export async function appendChange(tx: Kysely<any>, ctx: ChangeContext, change: Change): Promise<JournalEntry> {
  const head = await headFor(tx);
  const unsigned: Omit<JournalTable, 'hash'> = {
    seq: head.seq + 1,
    at: new Date().toISOString(),
    epoch: head.epoch,
    actor: ctx.actor,
    department: ctx.department,
    request_id: ctx.requestId,
    entity: change.entity,
    entity_key: change.key,
    op: change.op,
    row_after: change.row === null ? null : JSON.stringify(change.row),
    prev_hash: head.hash,
  };
  const entry: JournalTable = { ...unsigned, hash: entryHash(unsigned) };
  await store.insertEntry(tx, entry);
  headOfTransaction.set(tx, { seq: entry.seq, hash: entry.hash, epoch: entry.epoch });
  let appended = appendedBy.get(tx);
  if (!appended) appendedBy.set(tx, appended = []);
  appended.push(entry);
  return toJournalEntry(entry);
}

type Row = { id: string };

export async function insertRow<DB, T extends keyof DB & string>(
  tx: Kysely<DB>, ctx: ChangeContext, table: T, values: Insertable<DB[T]>,
): Promise<Selectable<DB[T]>> {
  await headFor(tx);
  const row = await (tx as Kysely<any>).insertInto(table).values(values).returningAll().executeTakeFirstOrThrow() as Row;
  await appendChange(tx, ctx, { entity: table, key: row.id, op: 'insert', row });
  return row as Selectable<DB[T]>;
}

/** Updates one row by id; undefined when there is no such row (nothing is journaled then). */
export async function updateRow<DB, T extends keyof DB & string>(
  tx: Kysely<DB>, ctx: ChangeContext, table: T, id: string, changes: Updateable<DB[T]>,
): Promise<Selectable<DB[T]> | undefined> {
  await headFor(tx);
  const row = await (tx as Kysely<any>).updateTable(table as string).set(changes as Record<string, unknown>).where('id', '=', id).returningAll().executeTakeFirst() as Row | undefined;
  if (!row) return undefined;
  await appendChange(tx, ctx, { entity: table, key: row.id, op: 'update', row });
  return row as Selectable<DB[T]>;
}

export async function deleteRow<DB>(tx: Kysely<DB>, ctx: ChangeContext, table: keyof DB & string, id: string): Promise<boolean> {
  await headFor(tx);
  const result = await (tx as Kysely<any>).deleteFrom(table as string).where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  await appendChange(tx, ctx, { entity: table, key: id, op: 'delete', row: null });
  return true;
}

export async function journalHead(db: Kysely<any>): Promise<JournalHead & { epoch: number }> {
  const last = await store.lastEntry(db);
  return last ? { seq: Number(last.seq), hash: last.hash, epoch: last.epoch } : { seq: 0, hash: GENESIS_HASH, epoch: 1 };
}

export type VerifyResult =
  | { ok: true; entries: number; head: JournalHead }
  | { ok: false; entries: number; firstBad: { seq: number; problem: string } };

/**
 * Walks the whole chain. Finds an entry that was changed (its hash no longer matches), removed or
 * inserted (the sequence jumps or repeats, or prev_hash does not match the entry before).
 */
export async function verifyJournal(db: Kysely<any>, options: { pageSize?: number } = {}): Promise<VerifyResult> {
  // Small pages: rows die young and the garbage collector stays cheap (big pages cost a third of the time).
  const pageSize = options.pageSize ?? 1_000;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const page = await store.entriesAfter(db, expectedSeq - 1, pageSize);
    for (const entry of page) {
      entry.seq = Number(entry.seq);
      if (entry.seq !== expectedSeq) {
        const problem = entry.seq > expectedSeq
          ? `entries ${expectedSeq}…${entry.seq - 1} are missing`
          : `sequence number ${entry.seq} appears out of order`;
        return { ok: false, entries: checked, firstBad: { seq: expectedSeq, problem } };
      }
      if (entry.prev_hash !== prevHash) {
        return { ok: false, entries: checked, firstBad: { seq: entry.seq, problem: 'its previous hash does not match the entry before it (an entry was inserted or removed)' } };
      }
      if (entryHash(entry) !== entry.hash) {
        return { ok: false, entries: checked, firstBad: { seq: entry.seq, problem: 'its content does not match its hash (the entry was changed)' } };
      }
      prevHash = entry.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (page.length < pageSize) break;
  }
  return { ok: true, entries: checked, head: { seq: expectedSeq - 1, hash: prevHash } };
}

/**
 * Applies entries to a database holding the same tables: insert and update become an upsert of
 * the full row, delete removes by id. Replaying a journal from the start into an empty database
 * reproduces the hub's tables.
 */
export async function applyEntries(tx: Kysely<any>, entries: readonly JournalEntry[]): Promise<void> {
  for (const entry of entries) {
    if (entry.op === 'delete') {
      await tx.deleteFrom(entry.entity).where('id', '=', entry.key).execute();
    } else {
      const row = entry.row ?? {};
      await tx.insertInto(entry.entity).values(row).onConflict((oc) => oc.column('id').doUpdateSet(row)).execute();
    }
  }
}

/** The hash of entry `seq`, or null when the journal has no such entry. */
export async function journalEntryHash(db: Kysely<any>, seq: number): Promise<string | null> {
  return (await store.entryAt(db, seq))?.hash ?? null;
}

export async function readEntries(db: Kysely<any>, afterSeq: number, limit: number): Promise<JournalEntry[]> {
  return (await store.entriesAfter(db, afterSeq, limit)).map(toJournalEntry);
}

export async function countJournal(db: Kysely<any>): Promise<number> {
  return store.countEntries(db);
}

export function toJournalEntry(row: JournalTable): JournalEntry {
  return {
    seq: Number(row.seq), at: row.at, epoch: row.epoch, actor: row.actor, department: row.department,
    requestId: row.request_id, entity: row.entity, key: row.entity_key, op: row.op,
    row: row.row_after === null ? null : JSON.parse(row.row_after) as Record<string, unknown>,
    prevHash: row.prev_hash, hash: row.hash,
  };
}


export async function recentEntries(db: Kysely<any>, limit: number): Promise<JournalEntry[]> {
  return (await store.latestEntries(db, limit)).map(toJournalEntry);
}
