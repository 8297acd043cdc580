import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/index.ts';
import * as store from './store.ts';

/**
 * Values computed from journaled tables and kept until the journal moves: the department
 * directory, the city's names, a service item's guide, which nearly every page reads and which
 * change a few times a year. Every change of the hub's state appends to the journal in the same
 * transaction, so while the head (sequence number and hash) stays the same, so do the tables,
 * whichever process wrote them; checking it is one indexed read instead of the reads and the
 * work it saves. They take the database, never a transaction: a transaction may see changes
 * that are not committed yet.
 */

/** What the cached functions take: a database (a HubDatabase), never a transaction. */
export type WithConnection = Pick<Database<any>, 'db' | 'afterCommit'>;

interface Held<T> {
  head: string;
  value: Promise<T>;
}

// A head read not answered yet is shared: a page asks for several derived values at once, and
// they need one read between them. A caller arriving after it has been answered reads again, so
// a change another process committed before a request came in is seen by it; this process's own
// commits end the sharing at once, so a page shown after a write made here always sees it.
const heads = new WeakMap<Kysely<any>, Promise<string>>();
const watched = new WeakSet<Kysely<any>>();

function headOf(database: WithConnection): Promise<string> {
  const db = database.db;
  const shared = heads.get(db);
  if (shared) return shared;
  if (!watched.has(db)) {
    watched.add(db);
    database.afterCommit(() => { heads.delete(db); });
  }
  const read: Promise<string> = db.executeQuery(store.headQuery)
    .then(({ rows: [last] }) => (last ? `${last.seq}:${last.hash}` : '0'))
    .finally(() => { if (heads.get(db) === read) heads.delete(db); });
  heads.set(db, read);
  return read;
}

/** One value per database, computed by `load` again once the journal has moved. */
export function derivedFromJournal<D extends WithConnection, T>(load: (database: D) => Promise<T>): (database: D) => Promise<T> {
  const keyed = derivedByKey<D, '', T>((database) => load(database), 1);
  return (database) => keyed(database, '');
}

/**
 * One value per database and key (a service item's code and version), the `limit` most recently
 * used kept; `keyOf` makes a key Map can compare (a string) of a key that is not one. `load`
 * must read only journaled tables. The value is frozen: every request shares it.
 */
export function derivedByKey<D extends WithConnection, K, T>(
  load: (database: D, key: K) => Promise<T>, limit = 1000, keyOf: (key: K) => unknown = (key) => key,
): (database: D, key: K) => Promise<T> {
  // Keyed by the connection pool, so two databases in one process (tests) never share a value.
  const byDatabase = new WeakMap<Kysely<any>, Map<unknown, Held<T>>>();
  return async (database, given) => {
    const key = keyOf(given);
    // The head is read before the tables: a change committed in between is then seen by the
    // next request, never hidden behind a head that already includes it.
    const head = await headOf(database);
    let held = byDatabase.get(database.db);
    if (!held) byDatabase.set(database.db, held = new Map());
    const found = held.get(key);
    if (found && found.head === head) {
      // Most recently used last, so the first is the one to drop.
      held.delete(key);
      held.set(key, found);
      return found.value;
    }
    const value = load(database, given).then(deepFreeze);
    held.delete(key);
    held.set(key, { head, value });
    if (held.size > limit) held.delete(held.keys().next().value!);
    // A failed load is not kept: the next request tries again.
    value.catch(() => { if (held.get(key)?.value === value) held.delete(key); });
    return value;
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
