import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Expression, type RawBuilder } from 'kysely';
import pg from 'pg';

/**
 * The one seam that knows which SQL dialect is in use. Everything outside this folder writes
 * dialect-agnostic Kysely; what differs (transaction start, cross-process serialisation, error
 * codes, catalog queries) is answered here.
 */
export type DbKind = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** postgres://… for PostgreSQL; null for SQLite in `dataDir`. */
  url: string | null;
  dataDir: string;
  sqliteSync?: 'full' | 'normal';
  /** SQLite file name inside dataDir. */
  fileName?: string;
}

export interface Database<DB> {
  readonly kind: DbKind;
  readonly db: Kysely<DB>;
  /** Where the data lives, for people (no password). */
  readonly location: string;
  /**
   * Runs `work` in one transaction; the caller owns it. On SQLite it starts with BEGIN IMMEDIATE
   * so that two processes writing the same file queue up instead of failing on a stale snapshot.
   */
  transaction<T>(work: (tx: Kysely<DB>) => Promise<T>): Promise<T>;
  /**
   * Runs `hook` after every transaction of this handle has committed and released its
   * connection, before transaction() returns; what it awaits delays the caller, not other writers
   * (synchronous replication waits here). Returns the function that removes it.
   */
  afterCommit(hook: (tx: Kysely<DB>) => Promise<void> | void): () => void;
  close(): Promise<void>;
}

const MIGRATIONS_TABLE = 'egov_migrations';

export type MigrationSet = Record<string, (db: Kysely<any>, kind: DbKind) => Promise<void>>;

// int8 (count(*), bigint columns) arrives as a string by default; our values fit in 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

// Connections handed out by Database.transaction, so code that must run inside one can check.
const transactions = new WeakSet<object>();

function commitHooks<DB>() {
  const hooks = new Set<(tx: Kysely<DB>) => Promise<void> | void>();
  return {
    add(hook: (tx: Kysely<DB>) => Promise<void> | void) {
      hooks.add(hook);
      return () => { hooks.delete(hook); };
    },
    async run(tx: Kysely<DB>) {
      for (const hook of hooks) await hook(tx);
    },
  };
}

/** True for the connection a Database.transaction callback received. */
export function isTransaction(db: Kysely<any>): boolean {
  return transactions.has(db);
}

/**
 * Kysely prepares every statement each time it runs; the hub runs the same few hundred
 * statements over and over, so keep them prepared. Kysely's single SQLite connection never runs
 * two statements at once, so sharing a prepared statement is safe.
 */
function withStatementCache(native: SqliteDatabase.Database): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return new Proxy(native, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver);
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
          statement = target.prepare(source);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

export async function openDatabase<DB>(options: DatabaseOptions): Promise<Database<DB>> {
  if (options.url) return openPostgres<DB>(options.url);
  return openSqlite<DB>(options);
}

function openSqlite<DB>(options: DatabaseOptions): Database<DB> {
  mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, options.fileName ?? 'egov.sqlite');
  const native = new SqliteDatabase(file);
  native.pragma('journal_mode = WAL');
  native.pragma(`synchronous = ${options.sqliteSync === 'normal' ? 'NORMAL' : 'FULL'}`);
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 10000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) });
  const hooks = commitHooks<DB>();
  return {
    kind: 'sqlite',
    db,
    location: file,
    async transaction(work) {
      // Kysely's SQLite driver holds one connection behind a mutex: connection() serialises us
      // within the process, BEGIN IMMEDIATE across processes.
      let committed: Kysely<DB> | null = null;
      const result = await db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        transactions.add(conn);
        try {
          const value = await work(conn);
          await sql`commit`.execute(conn);
          committed = conn;
          return value;
        } catch (error) {
          await sql`rollback`.execute(conn);
          throw error;
        }
      });
      await hooks.run(committed!);
      return result;
    },
    afterCommit: hooks.add,
    close: () => db.destroy(),
  };
}

async function openPostgres<DB>(url: string): Promise<Database<DB>> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Fail at start with a clear message rather than at the first request.
  const client = await pool.connect().catch(async (error: Error) => {
    await pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${error.message}`);
  });
  client.release();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const hooks = commitHooks<DB>();
  return {
    kind: 'postgres',
    db,
    location: redact(url),
    async transaction(work) {
      let committed: Kysely<DB> | null = null;
      const result = await db.transaction().execute((tx) => {
        transactions.add(tx);
        committed = tx;
        return work(tx);
      });
      await hooks.run(committed!);
      return result;
    },
    afterCommit: hooks.add,
    close: () => db.destroy(),
  };
}

/**
 * Makes concurrent writers append in commit order: called once per transaction before it reads
 * the journal head. On SQLite the transaction already holds the write lock (BEGIN IMMEDIATE); on
 * PostgreSQL a transaction-scoped advisory lock serialises every hub process.
 */
export async function lockForAppend(tx: Kysely<any>): Promise<void> {
  if (dbKindOf(tx) === 'postgres') await sql`select pg_advisory_xact_lock(7301)`.execute(tx);
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/**
 * A case-insensitive "contains" match that treats % and _ in the text literally. SQLite's LIKE
 * ignores case and PostgreSQL's does not, and neither escapes without being told, so both are
 * spelled out here.
 */
export function containsText(column: Expression<string | null>, text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql<boolean>`lower(${column}) like ${pattern} escape '\\'`;
}

export interface TextIndex {
  table: string;
  /** The SQLite FTS5 table that indexes it (content table = `table`). */
  fts: string;
  /** The PostgreSQL table (id, vector tsvector of all tokens, title tsvector of the name tokens) kept in step with it by a trigger. */
  vectors: string;
}

/**
 * Creates the full-text index of `index.table`, whose rows carry `search_title`, `search_body`
 * (tokens the caller made, space-separated) and `withdrawn`: FTS5 kept in step by triggers on
 * SQLite, a tsvector side table kept by a trigger on PostgreSQL. Triggers, so a journal replay
 * rebuilds it and the journaled row stays the same on both databases; withdrawn rows leave it, so
 * a search counts its matches in the index alone.
 */
export async function createTextIndex(db: Kysely<any>, kind: DbKind, index: TextIndex): Promise<void> {
  const { table, fts, vectors } = index;
  const [t, f, v] = [sql.id(table), sql.id(fts), sql.id(vectors)];
  if (kind === 'sqlite') {
    await sql`create virtual table ${f} using fts5(search_title, search_body, content=${sql.lit(table)}, content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')`.execute(db);
    await sql`create trigger ${sql.id(`${fts}_insert`)} after insert on ${t} when new.withdrawn = 0 begin
      insert into ${f}(rowid, search_title, search_body) values (new.rowid, new.search_title, new.search_body); end`.execute(db);
    await sql`create trigger ${sql.id(`${fts}_delete`)} after delete on ${t} when old.withdrawn = 0 begin
      insert into ${f}(${f}, rowid, search_title, search_body) values ('delete', old.rowid, old.search_title, old.search_body); end`.execute(db);
    await sql`create trigger ${sql.id(`${fts}_update`)} after update on ${t} begin
      insert into ${f}(${f}, rowid, search_title, search_body) select 'delete', old.rowid, old.search_title, old.search_body where old.withdrawn = 0;
      insert into ${f}(rowid, search_title, search_body) select new.rowid, new.search_title, new.search_body where new.withdrawn = 0; end`.execute(db);
    return;
  }
  // The vector is stored, so ranking reads it instead of rebuilding it for every match; `title` is
  // kept apart so ranking reads a small vector and never detoasts the full one. array_remove: an
  // empty body would otherwise put an empty lexeme in the vector, which PostgreSQL refuses.
  const sync = sql.id(`${vectors}_sync`);
  await sql`create table ${v} (id text primary key references ${t}(id) on delete cascade, vector tsvector not null, title tsvector not null)`.execute(db);
  await sql`create index ${sql.id(`${vectors}_vector`)} on ${v} using gin (vector)`.execute(db);
  await sql`create function ${sync}() returns trigger language plpgsql as $$
    begin
      if new.withdrawn <> 0 then
        delete from ${v} where id = new.id;
      else
        insert into ${v} (id, vector, title)
        values (new.id, array_to_tsvector(array_remove(string_to_array(new.search_title || ' ' || new.search_body, ' '), '')), array_to_tsvector(array_remove(string_to_array(new.search_title, ' '), '')))
        on conflict (id) do update set vector = excluded.vector, title = excluded.title;
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger ${sync} after insert or update of search_title, search_body, withdrawn on ${t} for each row execute function ${sync}()`.execute(db);
}

/**
 * Full-text matching over tokens the caller made (words and CJK bigrams), so both databases
 * search the same ones: FTS5 with bm25 on SQLite (title matches weigh ten times body matches), a
 * stored tsvector on PostgreSQL ranked by ts_rank of the title. Terms ending in * match as
 * prefixes; every term must match; lower rank is better.
 */
function textQuery(kind: DbKind, terms: readonly string[]): string {
  return kind === 'sqlite'
    ? terms.map((t) => (t.endsWith('*') ? `"${t.slice(0, -1)}"*` : `"${t}"`)).join(' AND ')
    : terms.map((t) => (t.endsWith('*') ? `'${t.slice(0, -1)}':*` : `'${t}'`)).join(' & ');
}

/**
 * Matching rows as (id, rank). Scoring every match is what costs on a common word, so: `ranked:
 * false` gives rank 0 without scoring (to filter or count), and `top` keeps only the best few
 * inside the index (any few when unranked).
 */
export function textMatches(kind: DbKind, index: TextIndex, terms: readonly string[], options: { ranked: boolean; top?: number }): RawBuilder<{ id: string; rank: number }> {
  const query = textQuery(kind, terms);
  const top = options.top === undefined ? sql`` : options.ranked ? sql` order by rank limit ${options.top}` : sql` limit ${options.top}`;
  if (kind === 'sqlite') {
    const fts = sql.table(index.fts);
    const rank = options.ranked ? sql`bm25(${fts}, 10.0, 1.0)` : sql`0`;
    return sql`(select ${sql.ref(`${index.table}.id`)} as id, m.rank as rank
      from (select rowid as rid, ${rank} as rank from ${fts} where ${fts} match ${query}${top}) m
      join ${sql.table(index.table)} on ${sql.ref(`${index.table}.rowid`)} = m.rid)`;
  }
  const vectors = sql.table(index.vectors);
  // Ranked by the name alone: matches in a name come first, the rest in index order. Scoring the
  // full vectors would read every matching row's large vector.
  const rank = options.ranked ? sql`-ts_rank(title, ${query}::tsquery)` : sql`0`;
  return sql`(select id, ${rank} as rank from ${vectors} where vector @@ ${query}::tsquery${top})`;
}

/** How many rows match, counted in the index alone. */
export function textMatchCount(kind: DbKind, index: TextIndex, terms: readonly string[]): RawBuilder<{ n: number }> {
  const query = textQuery(kind, terms);
  return kind === 'sqlite'
    ? sql`select count(*) as n from ${sql.table(index.fts)} where ${sql.table(index.fts)} match ${query}`
    : sql`select count(*) as n from ${sql.table(index.vectors)} where vector @@ ${query}::tsquery`;
}

/** Names of this application's tables (migration bookkeeping excluded). */
export async function listTables(db: Kysely<any>, kind: DbKind): Promise<string[]> {
  if (kind === 'postgres') {
    const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
    return rows.map((r) => r.name).filter((name) => name !== MIGRATIONS_TABLE).sort();
  }
  // Full-text indexes are virtual tables with shadow tables named after them: derived data, not ours.
  const { rows } = await sql<{ name: string; virtual: number }>`select name, sql like 'CREATE VIRTUAL TABLE%' as virtual from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const virtual = rows.filter((r) => r.virtual).map((r) => r.name);
  return rows.map((r) => r.name)
    .filter((name) => name !== MIGRATIONS_TABLE && !virtual.some((v) => name === v || name.startsWith(`${v}_`)))
    .sort();
}

/**
 * Applies the migrations not yet applied, in name order, in one transaction. Kysely's Migrator
 * introspects every schema of the database, which fails when another schema is being dropped at
 * the same moment (several hubs or tests sharing one PostgreSQL); this reads only its own table.
 * Concurrent starts queue on the same lock as journal appends' transaction start.
 */
export async function migrate(database: Database<any>, migrations: MigrationSet): Promise<string[]> {
  const applied: string[] = [];
  await database.transaction(async (tx) => {
    if (database.kind === 'postgres') await sql`select pg_advisory_xact_lock(7302)`.execute(tx);
    await tx.schema.createTable(MIGRATIONS_TABLE).ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const done = new Set((await tx.selectFrom(MIGRATIONS_TABLE).select('name').execute()).map((r: { name: string }) => r.name));
    for (const name of Object.keys(migrations).sort()) {
      if (done.has(name)) continue;
      await migrations[name]!(tx, database.kind);
      await tx.insertInto(MIGRATIONS_TABLE).values({ name, applied_at: new Date().toISOString() }).execute();
      applied.push(name);
    }
  });
  return applied;
}

/** The names of the migrations a database has had: its schema version, as a standby compares it. */
export async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  return (await db.selectFrom(MIGRATIONS_TABLE).select('name').orderBy('name').execute()).map((r: { name: string }) => r.name);
}

function redact(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed) return 'postgres://…';
  parsed.password = '';
  return parsed.href;
}

/** Which dialect a connection or transaction speaks, for the few places that must differ. */
export function dbKindOf(db: Kysely<any>): DbKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
