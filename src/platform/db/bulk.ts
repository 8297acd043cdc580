import { CompiledQuery, type Kysely, sql } from 'kysely';
import { dbKindOf } from './index.ts';

// Parameters per statement: well inside SQLite's limit (32766) and PostgreSQL's (65535).
const MAX_PARAMETERS = 8000;

/**
 * Inserts rows (arrays of values in `columns` order) many to a statement, as SQL text made here
 * rather than through the query builder: on a million rows, building and compiling a query per
 * chunk costs a third of the time, and a full chunk's text is the same every time, so SQLite
 * reuses the prepared statement. `upsert` replaces a row with the same id, column by column, as
 * a journal replay does.
 */
export async function insertRows(tx: Kysely<any>, table: string, columns: readonly string[], rows: readonly unknown[][], options: { upsert?: boolean } = {}): Promise<void> {
  if (rows.length === 0) return;
  const postgres = dbKindOf(tx) === 'postgres';
  const per = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const head = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values `;
  const tail = options.upsert ? ` on conflict (id) do update set ${columns.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}` : '';
  for (let start = 0; start < rows.length; start += per) {
    const chunk = rows.slice(start, start + per);
    const parameters: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      if (row.length !== columns.length) throw new Error(`a row of ${table} has ${row.length} values for ${columns.length} columns`);
      const marks: string[] = [];
      for (const value of row) {
        parameters.push(value);
        marks.push(postgres ? `$${parameters.length}` : '?');
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    await tx.executeQuery(CompiledQuery.raw(head + tuples.join(', ') + tail, parameters));
  }
}

/** Deletes rows by id, many to a statement. */
export async function deleteRows(tx: Kysely<any>, table: string, ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += MAX_PARAMETERS) {
    await sql`delete from ${sql.table(table)} where id in (${sql.join(ids.slice(start, start + MAX_PARAMETERS))})`.execute(tx);
  }
}

// Both dialects quote identifiers the SQL standard way.
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Bulk loads (a restore) write whole tables in whatever order they come, children before their
 * parents included. Foreign keys are then checked once, when the load is complete, instead of at
 * every statement. Call inside the transaction that loads; the returned function checks every
 * deferred key (it throws on a violation, so the transaction rolls back) and must run before
 * commit.
 *
 * SQLite has a switch for exactly this that ends with the transaction. PostgreSQL defers only
 * constraints declared DEFERRABLE, and ours are not, so they are made deferrable for this
 * transaction and put back before it commits: nobody else ever sees the changed schema (DDL is
 * transactional there), and only the owner of the tables, which the restoring user is, may do it.
 */
export async function deferForeignKeys(tx: Kysely<any>): Promise<() => Promise<void>> {
  if (dbKindOf(tx) === 'sqlite') {
    await sql`pragma defer_foreign_keys = on`.execute(tx);
    return async () => {
      const { rows } = await sql<{ table: string; parent: string }>`select "table", parent from pragma_foreign_key_check`.execute(tx);
      if (rows.length > 0) throw new Error(`${rows.length} rows refer to rows that are not there (first: a row of ${rows[0]!.table} refers to ${rows[0]!.parent})`);
    };
  }
  const { rows: keys } = await sql<{ table: string; name: string }>`
    select c.relname as table, k.conname as name from pg_constraint k join pg_class c on c.oid = k.conrelid
    where k.contype = 'f' and not k.condeferrable and k.connamespace = current_schema()::regnamespace`.execute(tx);
  for (const k of keys) await sql`alter table ${sql.table(k.table)} alter constraint ${sql.id(k.name)} deferrable initially deferred`.execute(tx);
  return async () => {
    // Fires the deferred checks now, so the constraints can be made immediate again.
    await sql`set constraints all immediate`.execute(tx);
    for (const k of keys) await sql`alter table ${sql.table(k.table)} alter constraint ${sql.id(k.name)} not deferrable`.execute(tx);
  };
}
