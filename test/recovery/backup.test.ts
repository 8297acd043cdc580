import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { type HubTables, hubMigrations, openHubDatabase, unjournaledTables } from '../../src/hub/database.ts';
import { seedDemo } from '../../src/hub/demo.ts';
import { signIn } from '../../src/identity/service.ts';
import { entryHash } from '../../src/journal/hash.ts';
import { GENESIS_HASH, type JournalTable } from '../../src/journal/schema.ts';
import { applyEntries, journalHead, readEntries, verifyJournal } from '../../src/journal/service.ts';
import { CA_KEY_FILE, loadCertificateAuthority } from '../../src/pki/ca.ts';
import { SIGNING_KEY_FILE, loadSigningKey } from '../../src/pki/signing.ts';
import { ConfigError, backupKeyOf, loadConfig } from '../../src/platform/config.ts';
import { type DbKind, listTables, migrate, openDatabase } from '../../src/platform/db/index.ts';
import { BackupError, BackupWriter, JOURNAL_COLUMNS, type Manifest } from '../../src/recovery/backup-file.ts';
import { readBackup } from '../../src/recovery/backup-reader.ts';
import { scheduleBackups } from '../../src/recovery/backup-schedule.ts';
import { type BackupSummary, createBackup, drill, listBackups, restoreBackup, verifyBackup } from '../../src/recovery/backup.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { seedSqliteInto, seededDatabase } from '../support/seeded.ts';

const key = randomBytes(32);
const ALTERED = /the backup does not decrypt with this key, or it was altered/;
const INCOMPLETE = /the backup is incomplete/;
const policy = { maxFailedSignIns: 5, lockoutMinutes: 15, sessionHours: 8 };

/** Every journaled table, row for row. */
async function snapshot(db: Kysely<any>, kind: DbKind): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of await listTables(db, kind)) {
    if ((unjournaledTables as readonly string[]).includes(table)) continue;
    result[table] = await db.selectFrom(table).selectAll().orderBy('id').execute();
  }
  return result;
}

/** What the hub held at entry `upTo`: its journal replayed through applyEntries into an empty database. */
async function replayedState(source: TestDatabase, upTo: number): Promise<Record<string, unknown[]>> {
  const copy = await freshDatabase('sqlite');
  try {
    for (let after = 0; after < upTo;) {
      const entries = (await readEntries(source.database.db, after, 500)).filter((e) => e.seq <= upTo);
      await copy.database.transaction((tx) => applyEntries(tx, entries));
      after = entries.at(-1)!.seq;
    }
    return await snapshot(copy.database.db, 'sqlite');
  } finally {
    await copy.close();
  }
}

async function rejects(work: Promise<unknown>, kind: BackupError['kind'], message: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof BackupError, `a BackupError, not ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    assert.match(error.message, message);
    return true;
  });
}

function folderIsEmpty(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

for (const { kind, skip } of databaseTargets) {
  const pgSkip = databaseTargets.find((t) => t.kind === 'postgres')!.skip;

  describe(`backups of a ${kind} hub`, { skip }, () => {
    let hub: TestDatabase;
    let work: string;
    let backup: BackupSummary;

    before(async () => {
      work = mkdtempSync(path.join(tmpdir(), 'egov-backup-test-'));
      hub = await seededDatabase(kind);
      await signIn(hub.database, policy, 'psb-clerk', 'Dalian-2026', 'req-1');
      await signIn(hub.database, policy, 'amr-clerk', 'not-the-password', 'req-2').catch(() => {});
      // The hub's real key files, as it makes them on first start.
      await loadCertificateAuthority(hub.dataDir, { name: 'Dalian' });
      await loadSigningKey(hub.dataDir);
      mkdirSync(path.join(work, 'backups'));
      backup = await createBackup(hub.database, { dataDir: hub.dataDir, key, file: path.join(work, 'backups', 'backup-1-20260101T000000000Z.egovbak'), record: hub.database });
    });

    after(async () => {
      await hub?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('writes one private file holding the journal position, every journaled table and the key files, and it verifies', async () => {
      const head = await journalHead(hub.database.db);
      assert.equal(backup.position.seq, head.seq);
      assert.equal(backup.position.hash, head.hash);
      assert.ok(backup.position.seq > 100);
      assert.deepEqual(backup.files, ['hub-ca-key.pem', 'hub-ca.pem', 'hub-signing-key.json']);
      const live = await snapshot(hub.database.db, kind);
      assert.deepEqual(Object.keys(backup.tables).sort(), Object.keys(live).sort());
      for (const [table, rows] of Object.entries(live)) assert.equal(backup.tables[table], rows.length, table);
      assert.equal(statSync(backup.file).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(path.dirname(backup.file)), [path.basename(backup.file)], 'no partial file is left behind');

      const report = await verifyBackup(backup.file, key, { record: hub.database });
      assert.equal(report.ok, true, report.problem ?? '');
      assert.deepEqual(report.position, backup.position);
      assert.equal(report.sections.journal, backup.position.seq);
      assert.equal(report.sections['table:departments'], live.departments!.length);
      assert.equal(report.sections.files, 3);
      const record = await hub.database.db.selectFrom('recovery_backups').selectAll().where('file', '=', backup.file).executeTakeFirstOrThrow();
      assert.equal(Number(record.seq), backup.position.seq);
      assert.equal(record.verify_ok, 1);
      assert.equal(record.problem, null);
    });

    const restoreTargets: [DbKind, string | false][] = [['sqlite', false], ['postgres', pgSkip]];
    for (const [to, toSkip] of restoreTargets) {
      it(`restores the latest state into an empty ${to} database: every journaled table, the journal and the key files`, { skip: toSkip }, async () => {
        const target = to === 'postgres' ? await freshDatabase('postgres', { migrate: false }) : null;
        const dataDir = target?.dataDir ?? path.join(work, `latest-${kind}`);
        try {
          const restored = await restoreBackup({ file: backup.file, key, dataDir, databaseUrl: target?.url ?? null });
          assert.deepEqual(restored.position, backup.position);
          assert.equal(restored.pointInTime, false);
          const copy = target?.database ?? await openDatabase({ url: null, dataDir });
          try {
            assert.deepEqual(await snapshot(copy.db, to), await snapshot(hub.database.db, kind));
            const verified = await verifyJournal(copy.db);
            assert.ok(verified.ok);
            assert.deepEqual(verified.head, { seq: backup.position.seq, hash: backup.position.hash });
          } finally {
            if (!target) await copy.close();
          }
          for (const name of ['hub-ca-key.pem', 'hub-ca.pem', 'hub-signing-key.json']) {
            assert.deepEqual(readFileSync(path.join(dataDir, name)), readFileSync(path.join(hub.dataDir, name)), name);
          }
          assert.equal(statSync(path.join(dataDir, CA_KEY_FILE)).mode & 0o777, 0o600);
          assert.equal(statSync(path.join(dataDir, SIGNING_KEY_FILE)).mode & 0o777, 0o600);
          assert.deepEqual(readdirSync(dataDir).filter((n) => n.startsWith('.')), [], 'no staging folder is left');
        } finally {
          await target?.close();
        }
      });
    }

    it('gives a SQLite folder the hub opens as it is: people sign in, and new changes continue the chain', async () => {
      const dataDir = path.join(work, `as-hub-${kind}`);
      await restoreBackup({ file: backup.file, key, dataDir, databaseUrl: null });
      const restored = await openHubDatabase(loadConfig({ flags: { data: dataDir, databaseUrl: '' } }));
      try {
        const session = await signIn(restored, policy, 'psb-clerk', 'Dalian-2026', 'req-after');
        assert.ok(session);
        const verified = await verifyJournal(restored.db);
        assert.ok(verified.ok);
        assert.ok(verified.head.seq > backup.position.seq, 'the sign-in was journaled after the restored entries');
        const ca = await loadCertificateAuthority(dataDir);
        assert.ok(ca, 'the CA loads from the restored key files');
      } finally {
        await restored.close();
      }
    });

    for (const [to, toSkip] of restoreTargets) {
      it(`restores into ${to} to an entry in the middle: exactly what replaying the journal up to it gives`, { skip: toSkip }, async () => {
        const middle = Math.floor(backup.position.seq / 2);
        const target = to === 'postgres' ? await freshDatabase('postgres', { migrate: false }) : null;
        const dataDir = target?.dataDir ?? path.join(work, `seq-${kind}`);
        try {
          const restored = await restoreBackup({ file: backup.file, key, dataDir, databaseUrl: target?.url ?? null, toSeq: middle });
          assert.equal(restored.position.seq, middle);
          assert.equal(restored.pointInTime, true);
          const copy = target?.database ?? await openDatabase({ url: null, dataDir });
          try {
            assert.deepEqual(await snapshot(copy.db, to), await replayedState(hub, middle));
            const verified = await verifyJournal(copy.db);
            assert.ok(verified.ok);
            assert.equal(verified.head.seq, middle);
            assert.equal(verified.head.hash, restored.position.hash);
          } finally {
            if (!target) await copy.close();
          }
        } finally {
          await target?.close();
        }
      });
    }

    it('restores to a time: the last entry at or before it, whatever the time zone it is written in', async () => {
      const entries = await readEntries(hub.database.db, 0, 100_000);
      // An entry with a later one after it, so the cut is visible.
      const cut = entries.findIndex((e, i) => i >= entries.length / 3 && entries[i + 1] && entries[i + 1]!.at > e.at);
      const at = new Date(entries[cut]!.at);
      const beijing = new Date(at.getTime() + 8 * 3600_000).toISOString().replace('Z', '+08:00');
      const dataDir = path.join(work, `time-${kind}`);
      const restored = await restoreBackup({ file: backup.file, key, dataDir, databaseUrl: null, toTime: beijing });
      const expected = entries.filter((e) => Date.parse(e.at) <= at.getTime()).at(-1)!;
      assert.equal(restored.position.seq, expected.seq);
      assert.equal(restored.position.hash, expected.hash);
      const copy = await openDatabase({ url: null, dataDir });
      try {
        assert.deepEqual(await snapshot(copy.db, 'sqlite'), await replayedState(hub, expected.seq));
      } finally {
        await copy.close();
      }
      await rejects(restoreBackup({ file: backup.file, key, dataDir: path.join(work, `early-${kind}`), databaseUrl: null, toTime: '2000-01-01T00:00:00Z' }), 'input', /nothing to restore to/);
      await rejects(restoreBackup({ file: backup.file, key, dataDir: path.join(work, `late-${kind}`), databaseUrl: null, toSeq: backup.position.seq + 1 }), 'input', new RegExp(`ends at entry ${backup.position.seq}`));
      await rejects(restoreBackup({ file: backup.file, key, dataDir: path.join(work, `bad-${kind}`), databaseUrl: null, toTime: 'yesterday' }), 'input', /ISO 8601/);
      assert.ok(folderIsEmpty(path.join(work, `early-${kind}`)) && folderIsEmpty(path.join(work, `late-${kind}`)));
    });

    it('refuses a wrong key, a flipped byte and a cut-short file, with the right message, and writes nothing', async () => {
      const flipped = path.join(work, 'flipped.egovbak');
      copyFileSync(backup.file, flipped);
      const bytes = readFileSync(flipped);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
      writeFileSync(flipped, bytes);
      const truncated = path.join(work, 'truncated.egovbak');
      writeFileSync(truncated, readFileSync(backup.file).subarray(0, Math.floor(bytes.length * 0.7)));

      const cases: [string, string, Buffer, BackupError['kind'], RegExp][] = [
        ['wrong key', backup.file, randomBytes(32), 'damaged', ALTERED],
        ['flipped byte', flipped, key, 'damaged', ALTERED],
        ['cut short', truncated, key, 'incomplete', INCOMPLETE],
      ];
      for (const [name, file, withKey, errorKind, message] of cases) {
        const report = await verifyBackup(file, withKey);
        assert.equal(report.ok, false, name);
        assert.match(report.problem!, message, name);
        const dataDir = path.join(work, `refused-${kind}-${name.replace(' ', '-')}`);
        await rejects(restoreBackup({ file, key: withKey, dataDir, databaseUrl: null }), errorKind, message);
        assert.ok(folderIsEmpty(dataDir), `${name}: nothing is left in the folder`);
      }
    });

    it('refuses to restore into a PostgreSQL database when the file is altered, and commits nothing', { skip: pgSkip }, async () => {
      const flipped = path.join(work, 'flipped-late.egovbak');
      const bytes = readFileSync(backup.file);
      // Late in the file: the tables and much of the journal are loaded before it is found.
      bytes[bytes.length - 200]! ^= 0x01;
      writeFileSync(flipped, bytes);
      const target = await freshDatabase('postgres', { migrate: false });
      try {
        await rejects(restoreBackup({ file: flipped, key, dataDir: target.dataDir, databaseUrl: target.url }), 'damaged', ALTERED);
        assert.deepEqual(await listTables(target.database.db, 'postgres'), [], 'not even the schema was committed');
        assert.ok(folderIsEmpty(target.dataDir));
      } finally {
        await target.close();
      }
    });

    it('refuses a folder or a database that is not empty, and leaves it as it was', async () => {
      const dataDir = path.join(work, `occupied-${kind}`);
      mkdirSync(dataDir);
      writeFileSync(path.join(dataDir, 'notes.txt'), 'keep me');
      await rejects(restoreBackup({ file: backup.file, key, dataDir, databaseUrl: null }), 'target', /is not empty \(it holds notes\.txt\)/);
      assert.deepEqual(readdirSync(dataDir), ['notes.txt']);
      if (kind === 'postgres') {
        const before = await journalHead(hub.database.db);
        await rejects(restoreBackup({ file: backup.file, key, dataDir: path.join(work, 'pg-occupied'), databaseUrl: hub.url }), 'target', /is not empty \(table \w+ has rows\)/);
        assert.deepEqual(await journalHead(hub.database.db), before);
        assert.ok(folderIsEmpty(path.join(work, 'pg-occupied')));
      }
    });

    it('drills: restores the newest backup in a scratch folder, checks it against the live journal, records it, cleans up', async () => {
      const scratchDir = path.join(work, 'scratch');
      const report = await drill({ liveDatabase: hub.database, backupsDir: path.join(work, 'backups'), key, scratchDir, record: hub.database });
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.seq, backup.position.seq);
      assert.equal(report.file, backup.file);
      assert.deepEqual(readdirSync(scratchDir), [], 'the scratch restore is removed');
      const record = await hub.database.db.selectFrom('recovery_drills').selectAll().orderBy('ran_at', 'desc').executeTakeFirstOrThrow();
      assert.equal(record.ok, 1);
      assert.equal(Number(record.seq), backup.position.seq);
      assert.equal(record.backup_file, backup.file);
    });

    it('drills: a live journal whose history was rewritten after the backup fails the drill, and the failure is recorded', async () => {
      const liveDir = path.join(work, `rewritten-${kind}`);
      await restoreBackup({ file: backup.file, key, dataDir: liveDir, databaseUrl: null });
      const live = await openDatabase<HubTables>({ url: null, dataDir: liveDir });
      try {
        await migrate(live, hubMigrations);
        await live.db.updateTable('journal').set({ hash: 'f'.repeat(64) }).where('seq', '=', backup.position.seq).execute();
        const report = await drill({ liveDatabase: live, backupFile: backup.file, key, scratchDir: path.join(work, 'scratch2'), record: live });
        assert.equal(report.ok, false);
        assert.match(report.problems.join('\n'), new RegExp(`entry ${backup.position.seq} differs from the backup's: the history was rewritten`));
        const record = await live.db.selectFrom('recovery_drills').selectAll().executeTakeFirstOrThrow();
        assert.equal(record.ok, 0);
        assert.match(record.problem!, /rewritten/);
      } finally {
        await live.close();
      }
    });

    it('schedules backups: each verified after it is written, none when nothing changed, the newest `keep` kept', async () => {
      const dataDir = path.join(work, `scheduled-${kind}`);
      const logged: string[] = [];
      const logger = { info: (_: object, message: string) => { logged.push(message); }, error: (_: object, message: string) => { logged.push(`ERROR ${message}`); } };
      const written = async () => (await hub.database.db.selectFrom('recovery_backups').select(['seq', 'verify_ok']).where('file', 'like', `${dataDir}%`).execute());
      const until = async (condition: () => Promise<boolean>) => {
        for (const started = Date.now(); !(await condition());) {
          if (Date.now() - started > 30_000) assert.fail(`timed out; log: ${logged.join(' | ')}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      // 0.002 minutes: a backup about every 120 ms.
      const stop = scheduleBackups({ database: hub.database, dataDir, key, everyMinutes: 0.002, keep: 2, logger });
      try {
        for (let n = 1; n <= 3; n++) {
          await until(async () => (await written()).length >= n);
          await until(async () => logged.includes('no change since the last backup; none written'));
          await signIn(hub.database, policy, 'psb-clerk', 'Dalian-2026', `req-schedule-${n}`);
          logged.length = 0;
        }
        await until(async () => (await written()).length >= 4);
      } finally {
        await stop();
      }
      const rows = await written();
      assert.ok(rows.every((r) => r.verify_ok === 1), 'every backup verified right after it was written');
      assert.equal(new Set(rows.map((r) => Number(r.seq))).size, rows.length, 'never two backups of the same position');
      const kept = await listBackups(path.join(dataDir, 'backups'));
      assert.equal(kept.length, 2);
      assert.equal(kept[0]!.seq, (await journalHead(hub.database.db)).seq, 'the newest is of the current head');
      assert.ok(!logged.some((m) => m.startsWith('ERROR')), logged.join(' | '));
    });
  });
}

describe('the backup key setting', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'egov-backup-key-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  const bytes = randomBytes(32);

  it('takes 64 hex characters or base64 from EGOV_BACKUP_KEY, or a file, and never prints it', () => {
    assert.deepEqual(backupKeyOf(loadConfig({ env: { EGOV_BACKUP_KEY: bytes.toString('hex') } })), bytes);
    assert.deepEqual(backupKeyOf(loadConfig({ env: { EGOV_BACKUP_KEY: bytes.toString('base64') } })), bytes);
    const file = path.join(folder, 'key');
    writeFileSync(file, `${bytes.toString('hex')}\n`);
    const config = loadConfig({ flags: { backupKeyFile: file } });
    assert.deepEqual(backupKeyOf(config), bytes);
    const printed = JSON.stringify(loadConfig({ env: { EGOV_BACKUP_KEY: bytes.toString('hex') } }));
    assert.ok(!printed.includes(bytes.toString('hex')) && !printed.includes(bytes.toString('base64')), printed);
  });

  it('says how to give one when it is missing, short, unreadable or given twice differently', () => {
    const errorOf = (work: () => unknown): ConfigError => {
      try {
        work();
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error;
      }
      assert.fail('accepted');
    };
    const missing = errorOf(() => backupKeyOf(loadConfig()));
    assert.match(missing.message, /EGOV_BACKUP_KEY/);
    assert.match(missing.message, /--backup-key-file/);
    const short = errorOf(() => loadConfig({ env: { EGOV_BACKUP_KEY: 'c0ffee' } }));
    assert.match(short.message, /64 hex characters or the base64 of 32 bytes/);
    assert.doesNotMatch(short.message, /c0ffee/);
    const unreadable = errorOf(() => loadConfig({ flags: { backupKeyFile: path.join(folder, 'nope') } }));
    assert.match(unreadable.message, /--backup-key-file/);
    assert.match(unreadable.message, /ENOENT/);
    const file = path.join(folder, 'other');
    writeFileSync(file, randomBytes(32).toString('hex'));
    const twice = errorOf(() => backupKeyOf(loadConfig({ env: { EGOV_BACKUP_KEY: bytes.toString('hex') }, flags: { backupKeyFile: file } })));
    assert.match(twice.message, /different backup keys/);
  });
});

describe('the backup file format', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'egov-backup-format-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  let counter = 0;

  const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer(), fc.constant(null));
  const table = fc.uniqueArray(fc.stringMatching(/^[a-z_]{1,8}$/), { minLength: 1, maxLength: 5 })
    .chain((columns) => fc.array(fc.array(value, { minLength: columns.length, maxLength: columns.length }), { maxLength: 15 }).map((rows) => ({ columns, rows })));
  const contents = fc.record({
    tables: fc.dictionary(fc.stringMatching(/^[a-z]{1,10}$/), table, { maxKeys: 4 }),
    journal: fc.array(fc.record({ actor: fc.string({ maxLength: 10 }), row: fc.option(fc.string({ unit: 'binary', maxLength: 60 })) }), { maxLength: 6 }),
  });

  /** Writes a backup of generated sections with a valid hash chain; returns the file and what went in. */
  async function write(input: { tables: Record<string, { columns: string[]; rows: unknown[][] }>; journal: { actor: string; row: string | null }[] }) {
    const entries: unknown[][] = [];
    let prev = GENESIS_HASH;
    input.journal.forEach((e, i) => {
      const unsigned: Omit<JournalTable, 'hash'> = {
        seq: i + 1, at: new Date(1_700_000_000_000 + i).toISOString(), epoch: 1, actor: e.actor, department: null, request_id: null,
        entity: 'things', entity_key: `k${i}`, op: e.row === null ? 'delete' : 'insert', row_after: e.row, prev_hash: prev,
      };
      prev = entryHash(unsigned);
      entries.push(JOURNAL_COLUMNS.map((c) => ({ ...unsigned, hash: prev })[c]));
    });
    const file = path.join(folder, `b${++counter}.egovbak`);
    const writer = await BackupWriter.create(file, key);
    const manifest: Manifest = { format: 1, created: new Date().toISOString(), node: 'test', source: 'sqlite', position: { seq: entries.length, hash: prev, epoch: 1, at: null }, migrations: [] };
    await writer.manifest(manifest);
    for (const [name, t] of Object.entries(input.tables)) {
      await writer.startSection(`table:${name}`, t.columns);
      await writer.rows(t.rows);
    }
    await writer.startSection('journal', JOURNAL_COLUMNS);
    await writer.rows(entries);
    await writer.finish();
    const expected: Record<string, unknown[][]> = Object.fromEntries(Object.entries(input.tables).filter(([, t]) => t.rows.length > 0).map(([n, t]) => [`table:${n}`, t.rows]));
    if (entries.length > 0) expected.journal = entries;
    return { file, expected };
  }

  it('reads back every section exactly as written', async () => {
    await fc.assert(fc.asyncProperty(contents, async (input) => {
      const { file, expected } = await write(input);
      const seen: Record<string, unknown[][]> = {};
      const read = await readBackup(file, key, { rows: (section, rows) => { (seen[section.section] ??= []).push(...rows); } });
      assert.deepEqual(seen, expected);
      assert.equal(read.manifest.position.seq, input.journal.length);
      rmSync(file);
    }), { numRuns: 60 });
  });

  it('detects any single flipped bit anywhere in the file', async () => {
    await fc.assert(fc.asyncProperty(contents, fc.nat(), fc.integer({ min: 0, max: 7 }), async (input, at, bit) => {
      const { file } = await write(input);
      const bytes = readFileSync(file);
      bytes[at % bytes.length]! ^= 1 << bit;
      writeFileSync(file, bytes);
      await assert.rejects(readBackup(file, key), (error: unknown) => {
        assert.ok(error instanceof BackupError, String(error));
        assert.ok(error.kind === 'damaged' || error.kind === 'incomplete', `${error.kind}: ${error.message}`);
        return true;
      });
      rmSync(file);
    }), { numRuns: 200 });
  });
});

describe('the egov backup and restore commands', () => {
  const bin = path.resolve('bin/egov.js');
  const folder = mkdtempSync(path.join(tmpdir(), 'egov-backup-cli-'));
  const data = path.join(folder, 'hub');
  const keyHex = randomBytes(32).toString('hex');
  const egov = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', EGOV_BACKUP_KEY: '', EGOV_LOG_LEVEL: 'silent', ...env }, timeout: 120_000 });
    return { status: result.status, stderr: result.stderr };
  };
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('backs up, verifies, drills and restores, exiting 0, 1 or 2 with a message a person can act on', async () => {
    await seedSqliteInto(data);
    const database = await openHubDatabase(loadConfig({ flags: { data, databaseUrl: '' } }));
    await seedDemo(database);
    await database.close();

    const noKey = egov(['backup', 'create', '--data', data]);
    assert.equal(noKey.status, 2);
    assert.match(noKey.stderr, /EGOV_BACKUP_KEY/);
    assert.match(noKey.stderr, /--backup-key-file/);

    const created = egov(['backup', 'create', '--data', data], { EGOV_BACKUP_KEY: keyHex });
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stderr, /backup written: .*backup-\d+-\d{8}T\d{9}Z\.egovbak/);
    assert.match(created.stderr, /verified/);
    const [file] = await listBackups(path.join(data, 'backups'));
    assert.ok(file);

    const keyFile = path.join(folder, 'backup.key');
    writeFileSync(keyFile, `${keyHex}\n`, { mode: 0o600 });
    const verified = egov(['backup', 'verify', file.file, '--backup-key-file', keyFile]);
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stderr, /backup ok/);

    const wrong = egov(['backup', 'verify', file.file], { EGOV_BACKUP_KEY: randomBytes(32).toString('base64') });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, ALTERED);

    const shortKey = egov(['backup', 'verify', file.file], { EGOV_BACKUP_KEY: 'abc123' });
    assert.equal(shortKey.status, 2);
    assert.match(shortKey.stderr, /64 hex characters/);
    assert.doesNotMatch(shortKey.stderr, /abc123/, 'a bad key is never echoed');

    const drilled = egov(['backup', 'drill', '--data', data], { EGOV_BACKUP_KEY: keyHex });
    assert.equal(drilled.status, 0, drilled.stderr);
    assert.match(drilled.stderr, /drill ok/);

    const restoredDir = path.join(folder, 'restored');
    const restored = egov(['restore', '--file', file.file, '--data', restoredDir, '--to-seq', '40'], { EGOV_BACKUP_KEY: keyHex });
    assert.equal(restored.status, 0, restored.stderr);
    assert.match(restored.stderr, new RegExp(`entry 40 of ${file.seq}`));
    assert.ok(existsSync(path.join(restoredDir, 'egov.sqlite')));

    const again = egov(['restore', '--file', file.file, '--data', restoredDir], { EGOV_BACKUP_KEY: keyHex });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /is not empty/);
    assert.doesNotMatch(again.stderr, /\n\s+at /, 'no stack trace');

    const badSeq = egov(['restore', '--file', file.file, '--data', path.join(folder, 'x'), '--to-seq', 'ten'], { EGOV_BACKUP_KEY: keyHex });
    assert.equal(badSeq.status, 2);
    assert.match(badSeq.stderr, /--to-seq must be a journal entry number/);

    const missing = egov(['backup', 'verify', path.join(folder, 'nope.egovbak')], { EGOV_BACKUP_KEY: keyHex });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /does not exist/);
  });
});

describe('a backup of a hub with no entries yet (a standby before its first copy)', () => {
  it('verifies and restores to an empty journal', async () => {
    const empty = await freshDatabase('sqlite');
    const dir = mkdtempSync(path.join(tmpdir(), 'egov-empty-backup-'));
    try {
      const file = path.join(dir, 'empty.egovbak');
      await createBackup(empty.database, { dataDir: empty.dataDir, key, file });
      assert.equal((await verifyBackup(file, key)).ok, true);
      const restored = await restoreBackup({ file, key, dataDir: path.join(dir, 'restored'), databaseUrl: null });
      assert.equal(restored.position.seq, 0);
    } finally {
      await empty.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
