import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type HubDatabase, hubMigrations } from '../hub/database.ts';
import { backupKeyOf, type Config } from '../platform/config.ts';
import { listTables, migrate, openDatabase } from '../platform/db/index.ts';
import {
  BackupError, type BackupPosition, backupFileName, createBackup, defaultScratchDir, drill, restoreBackup, verifyBackup,
} from './backup.ts';

/**
 * `egov backup create|verify|drill` and `egov restore`: parse, call, print a short summary on
 * standard error. Exit 0 when it worked, 1 when a check failed, 2 when the request cannot be
 * carried out as given (a missing key, a target that is not empty), with what to do instead.
 */

export async function backupCreateCommand(config: Config, out: string | undefined): Promise<number> {
  return refusals(async () => {
    const key = backupKeyOf(config);
    const database = await openExistingHub(config);
    try {
      const dir = path.join(config.data, 'backups');
      if (!out) await mkdir(dir, { recursive: true, mode: 0o700 });
      const backup = await createBackup(database, {
        dataDir: config.data, key, record: database,
        file: out ?? ((position: BackupPosition) => path.join(dir, backupFileName(position))),
      });
      const check = await verifyBackup(backup.file, key, { record: database });
      const rows = Object.values(backup.tables).reduce((a, b) => a + b, 0);
      process.stderr.write(`backup written: ${backup.file}\n  ${mb(backup.bytes)}, entry ${backup.position.seq}, ${Object.keys(backup.tables).length} tables with ${rows} rows, key files: ${backup.files.join(', ') || 'none in this folder'}; ${backup.seconds.toFixed(1)} s\n`);
      if (!check.ok) {
        process.stderr.write(`but it FAILED its check right after it was written: ${check.problem}\n`);
        return 1;
      }
      process.stderr.write('  verified: it decrypts, its checksums and journal chain hold\n');
      return 0;
    } finally {
      await database.close();
    }
  });
}

export async function backupVerifyCommand(config: Config, file: string): Promise<number> {
  return refusals(async () => {
    const report = await verifyBackup(file, backupKeyOf(config));
    if (!report.ok) {
      process.stderr.write(`backup FAILED: ${report.problem}\n`);
      return 1;
    }
    const tables = Object.keys(report.sections).filter((s) => s.startsWith('table:')).length;
    process.stderr.write(`backup ok: ${report.file}\n  written ${report.created} by ${report.node}; journal entries 1…${report.position!.seq} chain to ${report.position!.hash.slice(0, 16)}…; ${tables} tables, ${report.sections.files ?? 0} key files; checked in ${report.seconds.toFixed(1)} s\n`);
    return 0;
  });
}

export async function backupDrillCommand(config: Config, options: { file?: string; scratch?: string }): Promise<number> {
  return refusals(async () => {
    const key = backupKeyOf(config);
    const database = await openExistingHub(config);
    try {
      const report = await drill({
        liveDatabase: database, key, record: database, backupsDir: path.join(config.data, 'backups'),
        scratchDir: options.scratch ? path.resolve(options.scratch) : defaultScratchDir(config.data),
        ...(options.file && { backupFile: options.file }),
      });
      if (!report.ok) {
        process.stderr.write(`drill FAILED${report.file ? ` with ${report.file}` : ''}:\n${report.problems.map((p) => `  ${p}\n`).join('')}`);
        return 1;
      }
      process.stderr.write(`drill ok: ${report.file} restored to entry ${report.seq} in ${report.seconds.toFixed(1)} s; the copy verifies and matches the live journal and the backup's checksums\n`);
      return 0;
    } finally {
      await database.close();
    }
  });
}

export async function restoreCommand(config: Config, options: { file: string; toSeq?: string; toTime?: string }): Promise<number> {
  return refusals(async () => {
    if (options.toSeq !== undefined && !/^\d+$/.test(options.toSeq)) throw new BackupError('input', `--to-seq must be a journal entry number (got ${JSON.stringify(options.toSeq)})`);
    const summary = await restoreBackup({
      file: path.resolve(options.file), key: backupKeyOf(config), dataDir: config.data, databaseUrl: config.databaseUrl,
      ...(options.toSeq !== undefined && { toSeq: Number(options.toSeq) }),
      ...(options.toTime !== undefined && { toTime: options.toTime }),
    });
    const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
    const point = summary.pointInTime ? `entry ${summary.position.seq} of ${summary.manifest.position.seq} (${summary.position.at})` : `entry ${summary.position.seq}, the backup's end`;
    process.stderr.write([
      `restored ${summary.file}`,
      `  into ${summary.location}: ${point}; ${rows} rows; key files: ${summary.files.join(', ') || 'none in the backup'}; ${summary.seconds.toFixed(1)} s`,
      `  start it with: egov hub --data ${config.data}${config.databaseUrl ? ' --database-url …' : ''}`,
      '',
    ].join('\n'));
    return 0;
  });
}

/** The hub's (or a standby's) database in the data folder, or PostgreSQL; never a new, empty one by mistake. */
async function openExistingHub(config: Config): Promise<HubDatabase> {
  let database: HubDatabase;
  if (config.databaseUrl) {
    database = await openDatabase({ url: config.databaseUrl, dataDir: config.data }) as HubDatabase;
  } else {
    // A standby keeps its copy under the same name as a hub, so that it can become one.
    if (!existsSync(path.join(config.data, 'egov.sqlite'))) throw new BackupError('input', `${config.data} holds no hub or standby database (egov.sqlite): give the data folder with --data, or the database with --database-url`);
    database = await openDatabase({ url: null, dataDir: config.data, sqliteSync: config.sqliteSync }) as HubDatabase;
  }
  if (!(await listTables(database.db, database.kind)).includes('journal')) {
    await database.close();
    throw new BackupError('input', `${database.location} holds no hub (it has no journal)`);
  }
  // The records of backups and drills need this version's tables.
  await migrate(database, hubMigrations);
  return database;
}

async function refusals(work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    process.stderr.write(`egov: ${error.message}\n`);
    return error.kind === 'input' || error.kind === 'target' ? 2 : 1;
  }
}

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(0)} kB`;
}
