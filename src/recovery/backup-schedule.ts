import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { journalHead } from '../journal/service.ts';
import type { Database } from '../platform/db/index.ts';
import { createBackup, verifyBackup } from './backup.ts';
import { backupFileName, checkKey, listBackups } from './backup-file.ts';
import type { RecoveryTables } from './schema.ts';

/** The standby's own backups: written on a schedule, checked, the newest kept, and what it last did. */

export interface BackupLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ScheduleOptions {
  database: Database<any>;
  dataDir: string;
  key: Buffer;
  /** 0: no backups. */
  everyMinutes: number;
  /** How many of the newest backups to keep. */
  keep: number;
  logger: BackupLogger;
  node?: string;
}

/**
 * Backs up into `${dataDir}/backups` every `everyMinutes`, checks each file right after writing
 * it, and keeps the newest `keep`. A backup whose journal position equals the newest one's is
 * skipped: it would hold nothing new, and would push an older point in time out. Returns the
 * function that stops it (after a backup in progress ends).
 */
export function scheduleBackups(options: ScheduleOptions): () => Promise<void> {
  if (options.everyMinutes <= 0) return async () => {};
  checkKey(options.key);
  const dir = path.join(options.dataDir, 'backups');
  const interval = options.everyMinutes * 60_000;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  /** False when there was nothing to back up yet (a standby before its first copy): try again soon. */
  async function once(): Promise<boolean> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const newest = (await listBackups(dir))[0];
    const head = await journalHead(options.database.db);
    if (head.seq === 0) {
      options.logger.info({ retryInSeconds: Math.min(interval, 60_000) / 1000 }, 'nothing to back up yet: the copy holds no entry');
      return false;
    }
    if (newest && newest.seq === head.seq) {
      options.logger.info({ seq: head.seq }, 'no change since the last backup; none written');
      return true;
    }
    const backup = await createBackup(options.database, {
      dataDir: options.dataDir, key: options.key, record: options.database, ...(options.node && { node: options.node }),
      file: (position) => path.join(dir, backupFileName(position)),
    });
    const check = await verifyBackup(backup.file, options.key, { record: options.database });
    if (check.ok) options.logger.info({ file: backup.file, seq: backup.position.seq, bytes: backup.bytes, seconds: Math.round(backup.seconds * 10) / 10 }, 'backup written and verified');
    else options.logger.error({ file: backup.file, problem: check.problem }, 'BACKUP FAILED ITS CHECK right after it was written');
    for (const old of (await listBackups(dir)).slice(options.keep)) await unlink(old.file).catch(() => {});
    return true;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = once().then(
        (wrote) => schedule(wrote ? interval : Math.min(interval, 60_000)),
        (error: Error) => { options.logger.error({ err: error.message }, 'backup failed'); schedule(interval); },
      );
    }, delay);
    timer.unref();
  }

  // The first one when the newest backup is older than the interval (at once when there is none).
  void listBackups(dir).then((backups) => {
    const newest = backups[0] ? Date.parse(backups[0].time.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z$/, '$1-$2-$3T$4:$5:$6.$7Z')) : Number.NaN;
    schedule(Number.isNaN(newest) ? 0 : Math.max(0, newest + interval - Date.now()));
  }, () => schedule(0));

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}

export interface BackupRecords {
  lastBackup: { file: string; seq: number; bytes: number; createdAt: string; verifiedAt: string | null; ok: boolean | null; problem: string | null } | null;
  lastDrill: { file: string; seq: number | null; ok: boolean; seconds: number; problem: string | null; ranAt: string } | null;
}

/** The newest backup and drill this node recorded, for its status report and the console. */
export async function lastRecords(database: Database<any>): Promise<BackupRecords> {
  const db = database.db as Kysely<RecoveryTables>;
  const [backup, drillRow] = await Promise.all([
    db.selectFrom('recovery_backups').selectAll().orderBy('created_at', 'desc').limit(1).executeTakeFirst(),
    db.selectFrom('recovery_drills').selectAll().orderBy('ran_at', 'desc').limit(1).executeTakeFirst(),
  ]);
  return {
    lastBackup: backup ? {
      file: path.basename(backup.file), seq: Number(backup.seq), bytes: Number(backup.bytes), createdAt: backup.created_at,
      verifiedAt: backup.verified_at, ok: backup.verify_ok === null ? null : Boolean(backup.verify_ok), problem: backup.problem,
    } : null,
    lastDrill: drillRow ? {
      file: path.basename(drillRow.backup_file), seq: drillRow.seq === null ? null : Number(drillRow.seq), ok: Boolean(drillRow.ok),
      seconds: Number(drillRow.seconds), problem: drillRow.problem, ranAt: drillRow.ran_at,
    } : null,
  };
}
