import { CompiledQuery, type Kysely } from 'kysely';
import type { JournalTable, JournalTables } from './schema.ts';

type Db = Kysely<JournalTables>;

export async function lastEntry(tx: Db): Promise<Pick<JournalTable, 'seq' | 'hash' | 'epoch'> | undefined> {
  return tx.selectFrom('journal').select(['seq', 'hash', 'epoch']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/**
 * The head, for checks on every request: the same SQL on both databases, made once; a literal
 * limit, which SQLite reads as one step back from the end of the table.
 */
export const headQuery = CompiledQuery.raw('select "seq", "hash" from "journal" order by "seq" desc limit 1', []) as CompiledQuery<{ seq: number; hash: string }>;

export async function insertEntry(tx: Db, entry: JournalTable): Promise<void> {
  await tx.insertInto('journal').values(entry).execute();
}

/** Entries with seq > afterSeq in order; keyset pages keep memory flat on any journal size. */
export async function entriesAfter(db: Db, afterSeq: number, limit: number): Promise<JournalTable[]> {
  return db.selectFrom('journal').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export async function entryAt(db: Db, seq: number): Promise<JournalTable | undefined> {
  return db.selectFrom('journal').selectAll().where('seq', '=', seq).executeTakeFirst();
}

export async function countEntries(db: Db): Promise<number> {
  const { n } = await db.selectFrom('journal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

export async function latestEntries(db: Db, limit: number): Promise<JournalTable[]> {
  return db.selectFrom('journal').selectAll().orderBy('seq', 'desc').limit(limit).execute();
}
