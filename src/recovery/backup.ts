import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { unjournaledTables } from '../hub/database.ts';
import { feedAfter } from '../journal/feed.ts';
import { journalEntryHash, journalHead, recentEntries, verifyJournal } from '../journal/service.ts';
import { type Database, appliedMigrations, listTables, openDatabase } from '../platform/db/index.ts';
import {
  BackupError, type BackupPosition, BackupWriter, Digest, FILE_COLUMNS, FORMAT_VERSION, JOURNAL_COLUMNS, type Manifest, checkKey, hubKeyFiles, listBackups,
} from './backup-file.ts';
import { readBackup } from './backup-reader.ts';
import { SQLITE_FILE, restoreBackup } from './restore.ts';

/**
 * Backups for the disaster recovery center: one encrypted file per backup holding a consistent
 * snapshot of every journaled table, the whole journal (so a restore can stop at any earlier
 * entry) and the hub's key files; checked right after it is written, and restored now and then
 * into a scratch folder (a drill), because a backup nobody has restored is a hope, not a backup.
 * The file format is in backup-file.ts (reading it in backup-reader.ts), restore in restore.ts,
 * the standby's schedule in backup-schedule.ts.
 */

export { BackupError, type BackupPosition, backupFileName, defaultScratchDir, listBackups } from './backup-file.ts';
export { restoreBackup, type RestoreOptions, type RestoreSummary } from './restore.ts';

export interface CreateBackupOptions {
  /** The data folder whose key files go into the backup (those present). */
  dataDir: string;
  /** The file to write, or how to name it once the snapshot's position is known. */
  file: string | ((position: BackupPosition) => string);
  key: Buffer;
  /** Who wrote it, for the manifest (default: the host name). */
  node?: string;
  /** A database to keep the record in (the standby's own). */
  record?: Database<any>;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  position: BackupPosition;
  /** Rows per journaled table. */
  tables: Record<string, number>;
  entries: number;
  files: string[];
  seconds: number;
}

// Keyset pages: memory stays flat whatever the size, and small pages keep the garbage collector cheap.
const PAGE = 1000;

export async function createBackup(database: Database<any>, options: CreateBackupOptions): Promise<BackupSummary> {
  const started = process.hrtime.bigint();
  checkKey(options.key);
  // On SQLite a connection of our own: Kysely has one per database, and holding it for the whole
  // backup would stop every other query of this process (the standby's replication) meanwhile. In
  // WAL mode a reader neither blocks the writer nor sees its later commits.
  const source = database.kind === 'sqlite'
    ? await openDatabase({ url: null, dataDir: path.dirname(database.location), fileName: path.basename(database.location), sqliteSync: 'normal' })
    : database;
  let writer: BackupWriter | null = null;
  try {
    // One transaction, so rows and journal agree: REPEATABLE READ is a snapshot on PostgreSQL, and a
    // SQLite read transaction is one by nature.
    const summary = await source.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (tx) => {
      const last = (await recentEntries(tx, 1))[0];
      const position: BackupPosition = last ? { seq: last.seq, hash: last.hash, epoch: last.epoch, at: last.at } : { ...(await journalHead(tx)), at: null };
      const file = path.resolve(typeof options.file === 'string' ? options.file : options.file(position));
      if (existsSync(file)) throw new BackupError('input', `${file} exists: a backup never replaces another; choose another name`);
      writer = await BackupWriter.create(file, options.key);
      const manifest: Manifest = {
        format: FORMAT_VERSION, created: new Date().toISOString(), node: options.node ?? hostname(), source: database.kind, position,
        migrations: await appliedMigrations(tx),
      };
      await writer.manifest(manifest);
      const tables: Record<string, number> = {};
      for (const table of await journaledTables(tx, database.kind)) {
        tables[table] = 0;
        let started = false;
        for await (const page of tablePages(tx, table)) {
          if (!started) await writer.startSection(`table:${table}`, page.columns);
          started = true;
          await writer.rows(page.rows);
          tables[table] += page.rows.length;
        }
        if (!started) await writer.startSection(`table:${table}`, []);
      }
      await writer.startSection('journal', JOURNAL_COLUMNS);
      for (let after = 0; after < position.seq;) {
        const page = (await feedAfter(tx, after, PAGE)).filter((e) => e.seq <= position.seq);
        if (page.length === 0) throw new Error(`the journal has no entry after ${after}, though its head is ${position.seq}`);
        await writer.rows(page.map((e) => JOURNAL_COLUMNS.map((c) => e[c])));
        after = page.at(-1)!.seq;
      }
      const files: string[] = [];
      await writer.startSection('files', FILE_COLUMNS);
      for (const { name } of hubKeyFiles) {
        const contents = await readFile(path.join(options.dataDir, name)).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        if (contents === null) continue;
        await writer.rows([[name, contents.toString('base64')]]);
        files.push(name);
      }
      const written = await writer.finish();
      writer = null;
      return { file: written.file, bytes: written.bytes, position, tables, entries: position.seq, files, created: manifest.created };
    });
    if (options.record) {
      await options.record.db.insertInto('recovery_backups').values({
        id: randomUUID(), file: summary.file, seq: summary.position.seq, hash: summary.position.hash, bytes: summary.bytes,
        created_at: summary.created, verified_at: null, verify_ok: null, problem: null,
      }).execute();
    }
    const { created: _, ...result } = summary;
    return { ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } catch (error) {
    await (writer as BackupWriter | null)?.abort();
    throw error;
  } finally {
    if (source !== database) await source.close();
  }
}

async function journaledTables(db: Kysely<any>, kind: Database<any>['kind']): Promise<string[]> {
  return (await listTables(db, kind)).filter((t) => !(unjournaledTables as readonly string[]).includes(t)).sort();
}

/**
 * A table's rows by id, a page at a time, as arrays in column-name order: the same lines (and so
 * the same digest) from any database that holds the same rows.
 */
async function* tablePages(db: Kysely<any>, table: string): AsyncGenerator<{ columns: string[]; rows: unknown[][] }> {
  let columns: string[] | null = null;
  for (let after: string | null = null; ;) {
    let query = db.selectFrom(table).selectAll().orderBy('id').limit(PAGE);
    if (after !== null) query = query.where('id', '>', after);
    const page = await query.execute() as Record<string, unknown>[];
    if (page.length === 0) return;
    const names = columns ??= Object.keys(page[0]!).sort();
    yield { columns: names, rows: page.map((row) => names.map((c) => plain(row[c], table, c))) };
    if (page.length < PAGE) return;
    after = page.at(-1)!.id as string;
  }
}

// Hub tables hold text and integers; anything else would not come back the same from JSON.
function plain(value: unknown, table: string, column: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`${table}.${column} holds a value of type ${typeof value === 'object' ? value.constructor.name : typeof value}, which backups do not carry`);
}

// ---------------------------------------------------------------------------------------------
// Verify

export interface VerifyReport {
  ok: boolean;
  file: string;
  /** What is wrong, for people; null when ok. */
  problem: string | null;
  bytes: number | null;
  created: string | null;
  node: string | null;
  position: BackupPosition | null;
  migrations: string[];
  /** Rows per section: `table:NAME`, `journal`, `files`. */
  sections: Record<string, number>;
  seconds: number;
}

/** Checks a backup without restoring it: key and tag, every checksum and count, the hash chain up to the manifest's position. */
export async function verifyBackup(file: string, key: Buffer, options: { record?: Database<any> } = {}): Promise<VerifyReport> {
  const started = process.hrtime.bigint();
  const resolved = path.resolve(file);
  let report: Omit<VerifyReport, 'seconds'>;
  try {
    const { manifest, trailer, bytes } = await readBackup(resolved, key);
    report = {
      ok: true, file: resolved, problem: null, bytes, created: manifest.created, node: manifest.node, position: manifest.position, migrations: manifest.migrations,
      sections: Object.fromEntries(Object.entries(trailer.sections).map(([name, s]) => [name, s.count])),
    };
  } catch (error) {
    if (!(error instanceof BackupError) || error.kind === 'input') throw error;
    report = { ok: false, file: resolved, problem: error.message, bytes: null, created: null, node: null, position: null, migrations: [], sections: {} };
  }
  if (options.record) await recordVerification(options.record, report);
  return { ...report, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function recordVerification(database: Database<any>, report: Omit<VerifyReport, 'seconds'>): Promise<void> {
  const check = { verified_at: new Date().toISOString(), verify_ok: report.ok ? 1 : 0, problem: report.problem };
  const updated = await database.db.updateTable('recovery_backups').set(check).where('file', '=', report.file).executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await database.db.insertInto('recovery_backups').values({
    id: randomUUID(), file: report.file, seq: report.position?.seq ?? 0, hash: report.position?.hash ?? '', bytes: report.bytes ?? 0,
    created_at: report.created ?? check.verified_at, ...check,
  }).execute();
}

// ---------------------------------------------------------------------------------------------
// Drill

export interface DrillOptions {
  /** The database the backups were taken of (the hub's, or the standby's copy). */
  liveDatabase: Database<any>;
  /** The backup to restore; else the newest in backupsDir. */
  backupFile?: string;
  backupsDir?: string;
  key: Buffer;
  /** Where the scratch restore goes (a folder made inside it and removed after). */
  scratchDir: string;
  record?: Database<any>;
}

export interface DrillReport {
  ok: boolean;
  file: string | null;
  seq: number | null;
  seconds: number;
  problems: string[];
}

/**
 * Restores a backup into a scratch folder and checks the result: the restored journal verifies
 * and ends where the backup says, its head is the live journal's entry at that number (else the
 * history was rewritten since), and every restored table hashes to the digest the backup recorded
 * when it was written. Replaying the live journal would check the rows too, but costs as much as
 * the restore again on a big hub.
 */
export async function drill(options: DrillOptions): Promise<DrillReport> {
  const started = process.hrtime.bigint();
  const problems: string[] = [];
  let file: string | null = options.backupFile ? path.resolve(options.backupFile) : null;
  let seq: number | null = null;
  await mkdir(options.scratchDir, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(path.join(options.scratchDir, 'egov-drill-'));
  try {
    file ??= (await listBackups(options.backupsDir ?? ''))[0]?.file ?? null;
    if (!file) throw new BackupError('input', `there is no backup in ${options.backupsDir ?? '(no folder given)'} to drill with`);
    const dataDir = path.join(scratch, 'data');
    const restored = await restoreBackup({ file, key: options.key, dataDir, databaseUrl: null });
    seq = restored.position.seq;
    const live = await journalEntryHash(options.liveDatabase.db, seq);
    if (seq > 0 && live === null) problems.push(`the live journal has no entry ${seq}, which the backup holds: the live database lost history`);
    else if (seq > 0 && live !== restored.position.hash) problems.push(`the live journal's entry ${seq} differs from the backup's: the history was rewritten after the backup`);
    const copy = await openDatabase({ url: null, dataDir, fileName: SQLITE_FILE, sqliteSync: 'normal' });
    try {
      const verified = await verifyJournal(copy.db);
      if (!verified.ok) problems.push(`the restored journal does not verify at entry ${verified.firstBad.seq}: ${verified.firstBad.problem}`);
      else if (verified.head.seq !== seq || verified.head.hash !== restored.position.hash) problems.push(`the restored journal ends at entry ${verified.head.seq}, not ${seq}`);
      for (const table of await journaledTables(copy.db, 'sqlite')) {
        const want = restored.trailer.sections[`table:${table}`];
        const digest = new Digest();
        let count = 0;
        for await (const page of tablePages(copy.db, table)) {
          for (const row of page.rows) digest.add(JSON.stringify(row));
          count += page.rows.length;
        }
        if (!want) {
          if (count > 0) problems.push(`the restored table ${table} has rows the backup does not list`);
        } else if (count !== want.count || digest.hex() !== want.digest) {
          problems.push(`the restored table ${table} (${count} rows) differs from the backup's (${want.count} rows)`);
        }
      }
    } finally {
      await copy.close();
    }
  } catch (error) {
    // Whatever stopped it, a drill that did not get through is a failed drill, and is recorded as one.
    problems.push((error as Error).message);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const report: DrillReport = { ok: problems.length === 0, file, seq, seconds: Number(process.hrtime.bigint() - started) / 1e9, problems };
  if (options.record) {
    await options.record.db.insertInto('recovery_drills').values({
      id: randomUUID(), backup_file: file ?? '', seq, ok: report.ok ? 1 : 0, seconds: report.seconds, problem: problems.join('; ') || null, ran_at: new Date().toISOString(),
    }).execute();
  }
  return report;
}
