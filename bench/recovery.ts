/**
 * The disaster recovery center: replication lag, the cost of synchronous mode, promotion, and
 * backup and restore of a big journal, each against a reference measured in the same run.
 *
 *   npx tsx bench/recovery.ts [--seconds N] [--entries N] [--repeats N]
 *
 * --seconds: length of each replication run (default 10); --entries: journal length for backup
 * and restore (default 1,000,000 journaled inserts into department_contacts, a real hub table,
 * 1,000 per transaction, in a SQLite hub in a temporary folder); --repeats: runs of promote,
 * backup and restore (default 3; the figure is the median). The defaults take about five minutes.
 *
 * Standard output: one JSON object per figure, one per line, nothing else. Progress goes to
 * standard error. Cases:
 *   async/200, async/1000   a hub (own process, SQLite, synchronous=FULL) commits single-row
 *                           journaled writes at that rate; per_s achieved, and p50_ms/p99_ms of
 *                           the lag from a write's commit to its entry stored durably at a standby
 *   sync/added              p50_ms/p99_ms of commit latency in sync mode minus the same quantile in
 *                           async mode, one write at a time (as pgbench -c 1 measures commit
 *                           latency): what waiting for the standby adds to a write
 *   promote                 seconds from starting `egov promote` (hub killed with SIGKILL) to the
 *                           first write the promoted standby accepts (a gateway's enrolment)
 *   postgres-streaming/1000 the reference: PostgreSQL's own streaming replication lag between two
 *                           local clusters at 1,000 single-row commits per second
 *   backup/1m     createBackup of the hub: snapshot, encrypt, write, fsync
 *   restore/1m    restoreBackup of that file into an empty folder (latest state), verified as it reads
 *   file-copy/1m  the reference: copying the SQLite file and syncing it (what a plain file backup
 *                 costs, without consistency, encryption or checks); `ratio` of both cases to it
 * (the backup case names follow --entries: 100k, 1m, 10m.)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { copyFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type HubDatabase, hubMigrations } from '../src/hub/database.ts';
import type { ChangeContext } from '../src/journal/schema.ts';
import { insertRow, journalHead } from '../src/journal/service.ts';
import { migrate, openDatabase } from '../src/platform/db/index.ts';
import { createBackup, restoreBackup } from '../src/recovery/backup.ts';
import { measurePostgresStreaming, postgresServerAvailable } from './postgres-replication.ts';
import { measurePromotion, measureReplication } from './replication.ts';
import { benchOutput, flag, median } from './support.ts';

const { emit, progress } = benchOutput('recovery');

const ENTRIES = flag('--entries', 1_000_000);
const REPEATS = flag('--repeats', 3);
const SECONDS = flag('--seconds', 10);
const SIZE = ENTRIES % 1_000_000 === 0 ? `${ENTRIES / 1_000_000}m` : ENTRIES % 1000 === 0 ? `${ENTRIES / 1000}k` : String(ENTRIES);

/** What every case works on: a SQLite hub with ENTRIES journal entries, a key, a scratch folder. */
interface Fixture {
  root: string;
  dataDir: string;
  database: HubDatabase;
  key: Buffer;
  /** The newest backup written by a case, for the cases that read one. */
  backupFile: string | null;
  /** Median seconds of the reference (a synced copy of the database file). */
  copySeconds: number;
}

const ctx: ChangeContext = { actor: 'system:bench', department: null, requestId: null };

async function sqliteHub(root: string, entries: number): Promise<Fixture> {
  const dataDir = path.join(root, 'hub');
  const database = await openDatabase({ url: null, dataDir, sqliteSync: 'normal' }) as HubDatabase;
  await migrate(database, hubMigrations);
  const now = new Date().toISOString();
  // One department for the contacts to belong to (two entries), then contacts up to ENTRIES.
  await database.transaction(async (tx) => {
    await insertRow(tx, ctx, 'divisions', { id: '210200', kind: 'city', parent_id: null, name_zh: '大连市', name_en: 'Dalian' });
    await insertRow(tx, ctx, 'departments', {
      id: '11210200MB0000000X', slug: 'bench', kind: 'bureau', division_id: '210200', parent_id: null,
      name_zh: '基准测试局', name_en: 'Bench bureau', created_at: now, updated_at: now,
    });
  });
  let made = 2;
  while (made < entries) {
    const n = Math.min(1000, entries - made);
    await database.transaction(async (tx) => {
      for (let i = 0; i < n; i++) {
        const serial = String(made + i).padStart(9, '0');
        await insertRow(tx, ctx, 'department_contacts', {
          id: `contact-${serial}`, department_id: '11210200MB0000000X', role: 'primary',
          name: `联系人${serial}`, phone: `1380000${serial.slice(-4)}`, email: `contact${serial}@bench.dalian.gov.cn`,
        });
      }
    });
    if (Math.floor((made + n) / 100_000) > Math.floor(made / 100_000)) progress(`  ${made + n} entries written`);
    made += n;
  }
  return { root, dataDir, database, key: randomBytes(32), backupFile: null, copySeconds: Number.NaN };
}

async function fileCopyReference(f: Fixture): Promise<void> {
  const seconds: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    const copy = path.join(f.root, 'copy.sqlite');
    const started = process.hrtime.bigint();
    await copyFile(f.database.location, copy);
    const handle = await open(copy, 'r');
    await handle.sync();
    await handle.close();
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    rmSync(copy);
  }
  f.copySeconds = median(seconds);
  progress(`file-copy/${SIZE}: ${f.copySeconds.toFixed(1)} s`);
  emit(`file-copy/${SIZE}`, 'seconds', f.copySeconds, 's');
}

async function backupCase(f: Fixture): Promise<void> {
  const seconds: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    const summary = await createBackup(f.database, { dataDir: f.dataDir, key: f.key, file: path.join(f.root, `backup-${r}.egovbak`) });
    seconds.push(summary.seconds);
    f.backupFile = summary.file;
    progress(`backup/${SIZE}: run ${r}/${REPEATS}: ${summary.seconds.toFixed(1)} s, ${(summary.bytes / 1e6).toFixed(0)} MB for ${summary.entries} entries`);
  }
  const entries = (await journalHead(f.database.db)).seq;
  emit(`backup/${SIZE}`, 'seconds', median(seconds), 's');
  emit(`backup/${SIZE}`, 'per_s', entries / median(seconds), 'entries/s');
  emit(`backup/${SIZE}`, 'entries', entries, 'entries');
  emit(`backup/${SIZE}`, 'ratio', median(seconds) / f.copySeconds, `backup/file-copy/${SIZE}`);
}

async function restoreCase(f: Fixture): Promise<void> {
  if (!f.backupFile) throw new Error('restore needs the backup case first');
  const seconds: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    const dataDir = path.join(f.root, `restored-${r}`);
    const summary = await restoreBackup({ file: f.backupFile, key: f.key, dataDir, databaseUrl: null });
    seconds.push(summary.seconds);
    progress(`restore/${SIZE}: run ${r}/${REPEATS}: ${summary.seconds.toFixed(1)} s to entry ${summary.position.seq}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  emit(`restore/${SIZE}`, 'seconds', median(seconds), 's');
  emit(`restore/${SIZE}`, 'per_s', ENTRIES / median(seconds), 'entries/s');
  emit(`restore/${SIZE}`, 'ratio', median(seconds) / f.copySeconds, `restore/file-copy/${SIZE}`);
}

/** In order: a case may use what an earlier one left in the fixture (restore reads backup's file). */
const cases: ((f: Fixture) => Promise<void>)[] = [fileCopyReference, backupCase, restoreCase];

async function replicationCases(): Promise<void> {
  const base = await measureReplication({ mode: 'async', rate: 200, seconds: SECONDS, progress });
  for (const [rate, run] of [[200, base], [1000, await measureReplication({ mode: 'async', rate: 1000, seconds: SECONDS, progress })]] as const) {
    emit(`async/${rate}`, 'per_s', run.perSecond, 'writes/s');
    emit(`async/${rate}`, 'p50_ms', run.lag.p50, 'ms');
    emit(`async/${rate}`, 'p99_ms', run.lag.p99, 'ms');
  }
  const [asyncCommit, syncCommit] = [await measureReplication({ mode: 'async', rate: 0, seconds: SECONDS, progress }), await measureReplication({ mode: 'sync', rate: 0, seconds: SECONDS, progress })];
  progress(`  commit latency: async p50 ${asyncCommit.latency.p50.toFixed(2)} p99 ${asyncCommit.latency.p99.toFixed(2)} ms; sync p50 ${syncCommit.latency.p50.toFixed(2)} p99 ${syncCommit.latency.p99.toFixed(2)} ms`);
  emit('sync/added', 'p50_ms', syncCommit.latency.p50 - asyncCommit.latency.p50, 'ms');
  emit('sync/added', 'p99_ms', syncCommit.latency.p99 - asyncCommit.latency.p99, 'ms');

  const promotions: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    promotions.push(await measurePromotion({ progress }));
    progress(`promote: run ${r}/${REPEATS}: ${promotions.at(-1)!.toFixed(2)} s`);
  }
  emit('promote', 'seconds', median(promotions), 's');

  const problem = postgresServerAvailable();
  if (problem) {
    progress(`postgres-streaming/1000 skipped: ${problem}`);
  } else {
    const lag = await measurePostgresStreaming({ rate: 1000, seconds: SECONDS, progress });
    emit('postgres-streaming/1000', 'p50_ms', lag.p50_ms, 'ms');
    emit('postgres-streaming/1000', 'p99_ms', lag.p99_ms, 'ms');
  }
}

await replicationCases();
const root = mkdtempSync(path.join(tmpdir(), 'egov-bench-recovery-'));
try {
  progress(`making a SQLite hub with ${ENTRIES} journal entries`);
  const started = Date.now();
  const fixture = await sqliteHub(root, ENTRIES);
  progress(`  made in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  try {
    for (const run of cases) await run(fixture);
  } finally {
    await fixture.database.close();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
progress('done');
