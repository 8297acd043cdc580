/**
 * What the journal costs on writes, and how fast a chain verifies.
 *
 *   npx tsx bench/journal.ts [--changes N] [--verify-entries N] [--repeats N]
 *
 * --changes: changes per run of the single cases (default 1000; the batch cases write 10 times as
 * many); --verify-entries: journal length for the verify cases (default 200,000).
 *
 * Standard output: one JSON object per figure, one per line, nothing else. Progress goes to
 * standard error. Cases:
 *   sqlite/single, sqlite/batch            journaled inserts (Database.transaction + insertRow), one
 *                                          change per transaction, or 100; sqliteSync 'full'
 *   sqlite/raw-insert, sqlite/raw-insert-batch
 *                                          the reference: the same inserts without the journal
 *   sqlite-normal/single (+ raw-insert)    the same with sqliteSync 'normal'
 *   postgres/... the same on PostgreSQL (DATABASE_URL, else the scripts/pg-up.sh cluster)
 *   sqlite/verify, postgres/verify         verifyJournal over --verify-entries entries; the reference
 *                                          is reading the same entries page by page without checking
 * Each measured case runs --repeats times (default 3), journaled and reference interleaved; the
 * figure is the median, and `ratio` is the median of the per-repeat ratios, which holds on a
 * noisy machine where absolute rates do not.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { entryHash } from '../src/journal/hash.ts';
import { journalMigrations } from '../src/journal/migrations.ts';
import { GENESIS_HASH, type ChangeContext, type JournalTable, type JournalTables } from '../src/journal/schema.ts';
import { insertRow, verifyJournal } from '../src/journal/service.ts';
import { migrate, openDatabase, type Database, type MigrationSet } from '../src/platform/db/index.ts';
import { benchOutput, flag, median, postgresUrl, reachPostgres } from './support.ts';

const { emit, progress } = benchOutput('journal');

// ---------------------------------------------------------------------------------------------
// Options

const CHANGES = flag('--changes', 1000);
const BATCH_CHANGES = CHANGES * 10;
const BATCH_SIZE = 100;
const VERIFY_ENTRIES = flag('--verify-entries', 200_000);
const REPEATS = flag('--repeats', 3);

// ---------------------------------------------------------------------------------------------
// The bench's own table

interface BenchItem { id: string; payload: string }
interface BenchTables extends JournalTables { bench_items: BenchItem }
type BenchDb = Database<BenchTables>;

const benchMigrations: MigrationSet = {
  ...journalMigrations,
  async '9001-bench-items'(db) {
    await db.schema.createTable('bench_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
  },
};

const ctx: ChangeContext = { actor: 'system:bench', department: null, requestId: null };
// About 200 bytes, like a modest registry row.
const PAYLOAD = randomBytes(150).toString('base64');

let nextId = 0;
function item(): BenchItem {
  nextId += 1;
  return { id: `item-${String(nextId).padStart(10, '0')}`, payload: PAYLOAD };
}

type Writer = (database: BenchDb, changes: number, perTransaction: number) => Promise<void>;

const journaled: Writer = async (database, changes, perTransaction) => {
  for (let done = 0; done < changes; done += perTransaction) {
    const n = Math.min(perTransaction, changes - done);
    await database.transaction(async (tx) => {
      for (let i = 0; i < n; i++) await insertRow(tx, ctx, 'bench_items', item());
    });
  }
};

// The same statement insertRow issues, without the journal entry.
const raw: Writer = async (database, changes, perTransaction) => {
  for (let done = 0; done < changes; done += perTransaction) {
    const n = Math.min(perTransaction, changes - done);
    await database.transaction(async (tx) => {
      for (let i = 0; i < n; i++) await tx.insertInto('bench_items').values(item()).returningAll().executeTakeFirstOrThrow();
    });
  }
};

async function rate(work: () => Promise<void>, operations: number): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return operations / seconds;
}

/** Journaled writes against the raw reference, interleaved, REPEATS times. */
async function writeCase(database: BenchDb, label: string, changes: number, perTransaction: number, referenceLabel: string): Promise<void> {
  // Warm up both paths (statement caches, JIT, the journal head read).
  await raw(database, Math.min(50, changes), perTransaction);
  await journaled(database, Math.min(50, changes), perTransaction);
  const journaledRates: number[] = [];
  const rawRates: number[] = [];
  const ratios: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    const rawRate = await rate(() => raw(database, changes, perTransaction), changes);
    const journaledRate = await rate(() => journaled(database, changes, perTransaction), changes);
    rawRates.push(rawRate);
    journaledRates.push(journaledRate);
    ratios.push(journaledRate / rawRate);
    progress(`${label}: run ${r}/${REPEATS}: ${Math.round(journaledRate)} changes/s journaled, ${Math.round(rawRate)}/s raw`);
  }
  emit(label, 'per_s', median(journaledRates), 'changes/s');
  emit(referenceLabel, 'per_s', median(rawRates), 'changes/s');
  emit(label, 'ratio', median(ratios), `journaled/${referenceLabel}`);
}

// ---------------------------------------------------------------------------------------------
// Verify

/** Fills an empty journal with `count` chained entries of bench_items rows, many rows per statement. */
async function fillJournal(database: BenchDb, count: number): Promise<void> {
  const chunk = 1000; // 12 parameters a row: well inside both dialects' limits
  let prevHash = GENESIS_HASH;
  const at = new Date().toISOString();
  for (let start = 1; start <= count; start += chunk) {
    const rows: JournalTable[] = [];
    for (let seq = start; seq < Math.min(start + chunk, count + 1); seq++) {
      const row = item();
      const unsigned: Omit<JournalTable, 'hash'> = {
        seq, at, epoch: 1, actor: ctx.actor, department: null, request_id: null,
        entity: 'bench_items', entity_key: row.id, op: 'insert', row_after: JSON.stringify(row), prev_hash: prevHash,
      };
      const hash = entryHash(unsigned);
      rows.push({ ...unsigned, hash });
      prevHash = hash;
    }
    await database.transaction((tx) => tx.insertInto('journal').values(rows).execute());
    if ((start - 1) % 50_000 === 0) progress(`  ${start - 1 + rows.length} entries written`);
  }
}

/** The reference: reading the same pages verifyJournal reads, without checking anything. */
async function readJournal(database: BenchDb, pageSize = 10_000): Promise<number> {
  let after = 0;
  let read = 0;
  for (;;) {
    const page = await database.db.selectFrom('journal').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    read += page.length;
    if (page.length < pageSize) return read;
    after = Number(page.at(-1)!.seq);
  }
}

async function verifyCase(database: BenchDb, prefix: string): Promise<void> {
  progress(`${prefix}/verify: writing ${VERIFY_ENTRIES} chained entries`);
  await fillJournal(database, VERIFY_ENTRIES);
  const verifyRates: number[] = [];
  const readRates: number[] = [];
  const ratios: number[] = [];
  for (let r = 1; r <= REPEATS; r++) {
    let read = 0;
    const readRate = await rate(async () => { read = await readJournal(database); }, VERIFY_ENTRIES);
    if (read !== VERIFY_ENTRIES) throw new Error(`read ${read} entries, expected ${VERIFY_ENTRIES}`);
    const verifyRate = await rate(async () => {
      const result = await verifyJournal(database.db);
      if (!result.ok || result.entries !== VERIFY_ENTRIES) throw new Error(`the bench journal does not verify: ${JSON.stringify(result)}`);
    }, VERIFY_ENTRIES);
    readRates.push(readRate);
    verifyRates.push(verifyRate);
    ratios.push(verifyRate / readRate);
    progress(`${prefix}/verify: run ${r}/${REPEATS}: ${Math.round(verifyRate)} entries/s verified, ${Math.round(readRate)}/s read`);
  }
  emit(`${prefix}/verify`, 'entries', VERIFY_ENTRIES, 'entries');
  emit(`${prefix}/verify`, 'per_s', median(verifyRates), 'entries/s');
  emit(`${prefix}/read-journal`, 'per_s', median(readRates), 'entries/s');
  emit(`${prefix}/verify`, 'ratio', median(ratios), `verify/${prefix}/read-journal`);
}

// ---------------------------------------------------------------------------------------------
// SQLite

async function sqliteCases(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-bench-journal-'));
  try {
    for (const sync of ['full', 'normal'] as const) {
      const prefix = sync === 'full' ? 'sqlite' : 'sqlite-normal';
      const database = await openDatabase<BenchTables>({ url: null, dataDir, sqliteSync: sync, fileName: `writes-${sync}.sqlite` });
      try {
        await migrate(database, benchMigrations);
        progress(`${prefix}/single: ${CHANGES} changes, one per transaction, sqliteSync '${sync}'`);
        await writeCase(database, `${prefix}/single`, CHANGES, 1, `${prefix}/raw-insert`);
        if (sync === 'full') {
          progress(`${prefix}/batch: ${BATCH_CHANGES} changes, ${BATCH_SIZE} per transaction`);
          await writeCase(database, `${prefix}/batch`, BATCH_CHANGES, BATCH_SIZE, `${prefix}/raw-insert-batch`);
        }
        const check = await verifyJournal(database.db);
        if (!check.ok) throw new Error(`the journal written by ${prefix} does not verify: ${JSON.stringify(check)}`);
      } finally {
        await database.close();
      }
    }
    const database = await openDatabase<BenchTables>({ url: null, dataDir, sqliteSync: 'full', fileName: 'verify.sqlite' });
    try {
      await migrate(database, benchMigrations);
      await verifyCase(database, 'sqlite');
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

async function withSchema<T>(work: (url: string) => Promise<T>): Promise<T> {
  const schema = `bench_journal_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
    const url = new URL(postgresUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return await work(url.href);
  } finally {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

async function postgresCases(): Promise<void> {
  const problem = await reachPostgres(progress);
  if (problem) {
    process.stderr.write(`${JSON.stringify({ bench: 'journal', case: 'postgres/*', metric: 'skipped', value: `PostgreSQL is not reachable at ${postgresUrl}: ${problem}` })}\n`);
    return;
  }
  await withSchema(async (url) => {
    const database = await openDatabase<BenchTables>({ url, dataDir: '.' });
    try {
      await migrate(database, benchMigrations);
      progress(`postgres/single: ${CHANGES} changes, one per transaction`);
      await writeCase(database, 'postgres/single', CHANGES, 1, 'postgres/raw-insert');
      progress(`postgres/batch: ${BATCH_CHANGES} changes, ${BATCH_SIZE} per transaction`);
      await writeCase(database, 'postgres/batch', BATCH_CHANGES, BATCH_SIZE, 'postgres/raw-insert-batch');
      const check = await verifyJournal(database.db);
      if (!check.ok) throw new Error(`the journal written by postgres does not verify: ${JSON.stringify(check)}`);
    } finally {
      await database.close();
    }
  });
  await withSchema(async (url) => {
    const database = await openDatabase<BenchTables>({ url, dataDir: '.' });
    try {
      await migrate(database, benchMigrations);
      await verifyCase(database, 'postgres');
    } finally {
      await database.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------

await sqliteCases();
await postgresCases();
progress('done');
