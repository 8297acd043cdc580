import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { hubMigrations, unjournaledTables } from '../hub/database.ts';
import { GENESIS_HASH } from '../journal/schema.ts';
import { writeFileAtomic } from '../pki/files.ts';
import { deferForeignKeys, deleteRows, insertRows } from '../platform/db/bulk.ts';
import { type MigrationSet, appliedMigrations, dbKindOf, listTables, lockForAppend, migrate, openDatabase } from '../platform/db/index.ts';
import {
  BackupError, type BackupPosition, type Manifest, type SectionHeader, type Trailer, JOURNAL_COLUMNS, hubKeyFiles,
} from './backup-file.ts';
import { peekManifest, readBackup } from './backup-reader.ts';

/**
 * Restore: a backup into an empty data folder and an empty database, either as it was when the
 * backup was taken (its tables loaded as they are, then its journal) or as it was at an earlier
 * entry or time (the journal replayed from the start up to there). Nothing is left half done:
 * SQLite is restored into a file under a temporary name that is renamed into place at the end,
 * PostgreSQL in one transaction; either commits only once the whole file has decrypted, its tag
 * held and its checksums and hash chain matched.
 */

export interface RestoreOptions {
  file: string;
  key: Buffer;
  /** Must be empty or missing: the SQLite database (when no databaseUrl) and the hub's key files go here. */
  dataDir: string;
  /** An empty PostgreSQL database, or null for SQLite (`egov.sqlite` in dataDir, as the hub opens it). */
  databaseUrl: string | null;
  /** Restore up to and including this entry. */
  toSeq?: number;
  /** Restore up to the last entry at or before this time (ISO 8601). */
  toTime?: string;
}

export interface RestoreSummary {
  file: string;
  /** Where the data went (the SQLite file, or the PostgreSQL URL without password). */
  location: string;
  /** The restored journal's head. */
  position: BackupPosition;
  /** True when restored to an earlier point than the backup's end. */
  pointInTime: boolean;
  manifest: Manifest;
  trailer: Trailer;
  /** Rows per journaled table after the restore. */
  tables: Record<string, number>;
  files: string[];
  seconds: number;
}

type Target = { kind: 'latest' } | { kind: 'seq'; seq: number } | { kind: 'time'; ms: number; text: string };

export const SQLITE_FILE = 'egov.sqlite';

export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const started = process.hrtime.bigint();
  const target = targetOf(options);
  const manifest = await peekManifest(options.file, options.key);
  const unknown = manifest.migrations.filter((m) => !Object.hasOwn(hubMigrations, m));
  if (unknown.length > 0) throw new BackupError('input', `the backup's schema has migrations this egov does not know (${unknown.join(', ')}): restore it with the egov version that wrote it, or a newer one`);
  if (target.kind === 'seq' && target.seq > manifest.position.seq) throw new BackupError('input', `the backup ends at entry ${manifest.position.seq}: --to-seq must be between 1 and ${manifest.position.seq}`);
  const existed = await checkEmptyFolder(options.dataDir);
  // Exactly the backup's schema: the hub brings it up to date when it opens it, as after any upgrade.
  const migrations: MigrationSet = Object.fromEntries(manifest.migrations.map((m) => [m, hubMigrations[m]!]));

  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  // Inside the data folder, so the final renames stay on one file system.
  const staging = path.join(options.dataDir, `.restoring-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    let loaded: Loaded;
    let location: string;
    if (options.databaseUrl === null) {
      const database = await openDatabase({ url: null, dataDir: staging, fileName: SQLITE_FILE, sqliteSync: 'normal' });
      try {
        await migrate(database, migrations);
        loaded = await database.transaction((tx) => load(tx, options, target));
        await writeKeyFiles(staging, loaded.fileContents);
      } finally {
        // Closing the last connection checkpoints the WAL into the file and removes it.
        await database.close();
      }
      await syncPath(path.join(staging, SQLITE_FILE));
      location = path.join(options.dataDir, SQLITE_FILE);
      // Key files first, the database last: a folder with egov.sqlite in it is a finished restore.
      for (const name of loaded.files) await rename(path.join(staging, name), path.join(options.dataDir, name));
      await rename(path.join(staging, SQLITE_FILE), location);
    } else {
      const database = await openDatabase({ url: options.databaseUrl, dataDir: options.dataDir });
      location = database.location;
      try {
        loaded = await database.transaction(async (tx) => {
          await lockForAppend(tx);
          await checkEmptyDatabase(tx, database.location, manifest.migrations);
          // The migrations run in this same transaction, so a failed restore leaves no schema behind either.
          await migrate({ ...database, transaction: (work) => work(tx) }, migrations);
          const result = await load(tx, options, target);
          await writeKeyFiles(staging, result.fileContents);
          return result;
        });
      } finally {
        await database.close();
      }
      for (const name of loaded.files) await rename(path.join(staging, name), path.join(options.dataDir, name));
    }
    await syncPath(options.dataDir);
    return {
      file: options.file, location, position: loaded.position, pointInTime: target.kind !== 'latest' && loaded.position.seq < manifest.position.seq,
      manifest: loaded.manifest, trailer: loaded.trailer, tables: loaded.tables, files: loaded.files,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // A folder this restore made goes too (rmdir: only while it is empty).
    if (!existed) await rmdir(options.dataDir).catch(() => {});
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function targetOf(options: RestoreOptions): Target {
  if (options.toSeq !== undefined && options.toTime !== undefined) throw new BackupError('input', 'give --to-seq or --to-time, not both');
  if (options.toSeq !== undefined) {
    if (!Number.isSafeInteger(options.toSeq) || options.toSeq < 1) throw new BackupError('input', `--to-seq must be a whole number from 1 (got ${options.toSeq})`);
    return { kind: 'seq', seq: options.toSeq };
  }
  if (options.toTime !== undefined) {
    const ms = /^\d{4}-\d\d-\d\dT/.test(options.toTime) ? Date.parse(options.toTime) : Number.NaN;
    if (Number.isNaN(ms)) throw new BackupError('input', `--to-time must be an ISO 8601 time such as 2026-05-14T10:15:00+08:00 (got ${JSON.stringify(options.toTime)})`);
    return { kind: 'time', ms, text: options.toTime };
  }
  return { kind: 'latest' };
}

/** Whether the folder exists; throws unless it is missing or empty. */
async function checkEmptyFolder(dataDir: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new BackupError('input', `cannot read ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
    throw new BackupError('target', `${dataDir} is not empty (it holds ${shown}): restore into a new or empty folder, so that nothing there is overwritten`);
  }
  return true;
}

async function checkEmptyDatabase(tx: Kysely<any>, location: string, backupMigrations: string[]): Promise<void> {
  const tables = await listTables(tx, 'postgres');
  for (const table of tables) {
    if (await tx.selectFrom(table).select(sql`1`.as('one')).limit(1).executeTakeFirst()) {
      throw new BackupError('target', `the database at ${location} is not empty (table ${table} has rows): restore into an empty database`);
    }
  }
  // A schema without rows is fine (`egov migrate` was run), unless it is newer than the backup's.
  const newer = tables.length === 0 ? [] : (await appliedMigrations(tx)).filter((m) => !backupMigrations.includes(m));
  if (newer.length > 0) throw new BackupError('target', `the database at ${location} has migrations the backup does not (${newer.join(', ')}): restore into an empty database`);
}

interface Loaded {
  manifest: Manifest;
  trailer: Trailer;
  position: BackupPosition;
  tables: Record<string, number>;
  files: string[];
  /** The key files as base64, written only once everything else checked out. */
  fileContents: Map<string, string>;
}

/** Reads the backup through into `tx`; throws (so the caller's transaction rolls back) unless all of it checked out. */
async function load(tx: Kysely<any>, options: RestoreOptions, target: Target): Promise<Loaded> {
  const journaled = new Set((await listTables(tx, dbKindOf(tx))).filter((t) => !(unjournaledTables as readonly string[]).includes(t)));
  const files = new Map<string, string>();
  const checkKeys = target.kind === 'latest' ? await deferForeignKeys(tx) : null;
  const replay = new Replayer(tx);
  let last: unknown[] | null = null;
  let stopped = false;

  const contents = await readBackup(options.file, options.key, {
    rows: async (section: SectionHeader, rows: unknown[][]) => {
      if (section.section === 'files') {
        for (const [name, base64] of rows as [string, string][]) {
          if (!hubKeyFiles.some((f) => f.name === name)) throw new Error(`the backup holds a file named ${JSON.stringify(name)}, which is not one of the hub's key files`);
          files.set(name, base64);
        }
      } else if (section.section === 'journal') {
        let take = rows;
        if (target.kind !== 'latest') {
          // Up to the first entry past the target: with the hub's clock, the last entry at or before the time.
          const end = stopped ? 0 : rows.findIndex((r) => (target.kind === 'seq' ? (r[0] as number) > target.seq : Date.parse(r[1] as string) > target.ms));
          if (end >= 0) {
            take = rows.slice(0, end);
            stopped = true;
          }
          if (last === null && take.length === 0) {
            throw new BackupError('input', `the backup's first entry is from ${rows[0]![1] as string}, after ${options.toTime}: there is nothing to restore to`);
          }
          for (const r of take) await replay.add(r[6] as string, r[7] as string, r[8] as string, r[9] as string | null);
          await replay.flush();
        }
        await insertRows(tx, 'journal', JOURNAL_COLUMNS, take);
        if (take.length > 0) last = take.at(-1)!;
      } else if (section.section.startsWith('table:')) {
        if (target.kind !== 'latest') return;
        const table = section.section.slice('table:'.length);
        if (!journaled.has(table)) throw new Error(`the backup holds table ${table}, which this database does not have as a journaled table`);
        await insertRows(tx, table, section.columns, rows);
      }
    },
  });
  await checkKeys?.();

  const head = await tx.selectFrom('journal').select(['seq', 'hash', 'epoch', 'at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const position: BackupPosition = head
    ? { seq: Number(head.seq), hash: head.hash as string, epoch: Number(head.epoch), at: head.at as string }
    : { seq: 0, hash: GENESIS_HASH, epoch: 1, at: null };
  const expected = target.kind === 'latest' ? contents.manifest.position : last ? { seq: last[0] as number, hash: last[11] as string } : null;
  if (!expected || position.seq !== expected.seq || position.hash !== expected.hash) {
    throw new Error(`the restored journal ends at entry ${position.seq}, not at ${expected?.seq ?? 'the target'}: the restore did not write what it read`);
  }
  const tables: Record<string, number> = {};
  for (const table of [...journaled].sort()) {
    const { n } = await tx.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    tables[table] = Number(n);
    const want = contents.trailer.sections[`table:${table}`]?.count ?? 0;
    if (target.kind === 'latest' && tables[table] !== want) throw new Error(`table ${table} has ${tables[table]} rows after the restore, the backup ${want}`);
  }
  return { manifest: contents.manifest, trailer: contents.trailer, position, tables, files: [...files.keys()].sort(), fileContents: files };
}

/**
 * Replays journal entries with the effect of applyEntries, entry by entry in order, but with one
 * statement per run of consecutive entries that touch the same table the same way (and never the
 * same row twice): order is kept, so foreign keys and unique columns see what they saw at the hub.
 */
class Replayer {
  private run: { table: string; op: 'upsert' | 'delete'; signature: string; columns: string[]; keys: Set<string>; rows: unknown[][] } | null = null;

  constructor(private readonly tx: Kysely<any>) {}

  async add(table: string, key: string, op: string, rowAfter: string | null): Promise<void> {
    if (op === 'delete') {
      if (!this.fits(table, 'delete', '', key)) {
        await this.flush();
        this.run = { table, op: 'delete', signature: '', columns: ['id'], keys: new Set(), rows: [] };
      }
      this.run!.keys.add(key);
      return;
    }
    const row = rowAfter === null ? {} : JSON.parse(rowAfter) as Record<string, unknown>;
    const columns = Object.keys(row).sort();
    const signature = columns.join('\u0000');
    if (!this.fits(table, 'upsert', signature, key)) {
      await this.flush();
      this.run = { table, op: 'upsert', signature, columns, keys: new Set(), rows: [] };
    }
    this.run!.keys.add(key);
    this.run!.rows.push(columns.map((c) => row[c]));
  }

  async flush(): Promise<void> {
    const run = this.run;
    this.run = null;
    if (!run || run.keys.size === 0) return;
    if (run.op === 'delete') await deleteRows(this.tx, run.table, [...run.keys]);
    else await insertRows(this.tx, run.table, run.columns, run.rows, { upsert: true });
  }

  private fits(table: string, op: 'upsert' | 'delete', signature: string, key: string): boolean {
    const run = this.run;
    return run !== null && run.table === table && run.op === op && run.signature === signature && !run.keys.has(key) && run.keys.size < 10_000;
  }
}

/** The hub's key files, private ones readable by their owner only. */
async function writeKeyFiles(folder: string, files: Map<string, string>): Promise<void> {
  for (const [name, base64] of files) {
    const isPrivate = hubKeyFiles.find((f) => f.name === name)!.private;
    await writeFileAtomic(path.join(folder, name), Buffer.from(base64, 'base64').toString('utf8'), isPrivate ? 0o600 : 0o644);
  }
}

async function syncPath(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
