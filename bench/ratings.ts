/**
 * How long the published 好差评 figures take to count with a million cases, against one pass
 * over every case, `select department_id, count(*) from cases group by department_id`, on the
 * same database in the same run.
 *
 *   npx tsx bench/ratings.ts [--cases N] [--runs N] [--sqlite-only] [--keep]
 *
 * --cases: cases in the database (default 200,000, which fills in about five minutes on this
 * machine with both databases; --cases 1000000 is the million-case run, four times as long to
 * fill); --runs: timed runs of each query after one warm-up (default 7); --sqlite-only: leave
 * PostgreSQL out; --keep: keep the SQLite database (its folder is named on standard error).
 *
 * On SQLite and, when reachable, on PostgreSQL (scripts/pg-up.sh): the demo hub, then N cases
 * written straight into `cases` (no events, no journal entries: the figures read neither) spread
 * over the last two years across the demo departments, 85 % closed (approved, rejected,
 * withdrawn), 5 % joint tasks, a few late; then a rating for 30 % of the decided cases, one in
 * ten a bad review with its rectification case, half of those rectified. Figures are read
 * through ratingStatistics, exactly as /ratings and /api/v1/ratings/statistics do.
 *
 * Standard output: one JSON object per figure, one per line. Cases: statistics/{month,year,all}
 * (p50_ms, and `ratio` to the reference's p50) and count-by-department (the reference,
 * p50_ms), with the suffix /postgres for PostgreSQL; fill (seconds). Standard error: progress.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { casePolicy } from '../src/cases/service.ts';
import { type HubDatabase, hubMigrations } from '../src/hub/database.ts';
import { seedDemo } from '../src/hub/demo.ts';
import { type Period } from '../src/onestop/ratings.schema.ts';
import { ratingPolicy, ratingStatistics } from '../src/onestop/ratings.service.ts';
import { chinaDate, loadCalendar } from '../src/platform/calendar.ts';
import { insertRows } from '../src/platform/db/bulk.ts';
import { migrate, openDatabase } from '../src/platform/db/index.ts';
import { demoDepartments } from '../src/registry/demo-data.ts';
import { benchOutput, flag, median, postgresUrl, reachPostgres } from './support.ts';

const out = benchOutput('ratings');
const CASES = flag('--cases', 200_000);
const RUNS = flag('--runs', 7);
const DAY = 86_400_000;
const NOW = Date.now();
const CHUNK = 20_000;

/** A small seeded generator, so every run writes the same rows. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CASE_COLUMNS = [
  'id', 'reference', 'type', 'subject', 'applicant', 'applicant_name', 'department_id', 'assignee', 'state', 'is_open', 'parent_id', 'time_limit',
  'clock_started_on', 'paused_on', 'pauses', 'deadline', 'warned_at', 'escalated_at', 'created_at', 'updated_at', 'closed_at',
];
const RATING_COLUMNS = [
  'id', 'case_id', 'case_reference', 'department_id', 'rater', 'level', 'efficiency', 'guide_accuracy', 'convenience', 'usability', 'comment',
  'rated_at', 'rectification_id', 'rectification_reference',
];

async function fill(database: HubDatabase, label: string): Promise<void> {
  const calendar = loadCalendar();
  const next = random(20251126);
  const departments = demoDepartments.map((d) => d.uscc);
  const iso = (ms: number) => new Date(ms).toISOString();
  let parents: string[] = [];
  let written = 0;
  let rated = 0;
  while (written < CASES) {
    const cases: unknown[][] = [];
    const ratings: unknown[][] = [];
    for (let i = 0; i < CHUNK && written < CASES; i++, written++) {
      const id = randomUUID();
      const reference = `BN-2025-${String(written + 1).padStart(7, '0')}`;
      const created = NOW - Math.floor(next() * 730 * DAY);
      const department = departments[Math.floor(next() * departments.length)]!;
      const started = chinaDate(new Date(created));
      const limit = 5 + Math.floor(next() * 16);
      const deadline = calendar.dueDate(started, limit);
      const roll = next();
      const open = roll < 0.15 || created > NOW - 3 * DAY;
      const parent = !open && parents.length && next() < 0.05 ? parents[Math.floor(next() * parents.length)]! : null;
      // Most close within their limit; one in twelve a few days late.
      const closedMs = open ? null : Date.parse(`${deadline}T08:00:00Z`) - Math.floor(next() * limit * DAY) + (next() < 1 / 12 ? 3 * DAY : 0);
      const closed = closedMs === null ? null : iso(Math.min(Math.max(closedMs, created + 3_600_000), NOW));
      const state = open ? 'accepted' : roll < 0.8 ? 'approved' : roll < 0.93 ? 'rejected' : 'withdrawn';
      cases.push([
        id, reference, 'application', '食品经营许可（新办）', `person:${written % 50_000}`, '张伟', department, null, state, open ? 1 : 0, parent, limit,
        started, null, '[]', deadline, null, null, iso(created), closed ?? iso(created), closed,
      ]);
      if (!parent && parents.length < 5000) parents.push(id);
      if (!closed || parent || state === 'withdrawn' || next() >= 0.3) continue;
      const level = next() < 0.1 ? 1 + Math.floor(next() * 2) : 3 + Math.floor(next() * 3);
      const ratedAt = iso(Math.min(Date.parse(closed) + Math.floor(next() * 10 * DAY), NOW));
      let rectification: [string, string] | null = null;
      if (level <= 2) {
        const rid = randomUUID();
        const reply = next() < 0.5;
        rectification = [rid, `BR-2025-${String(++rated).padStart(7, '0')}`];
        cases.push([
          rid, rectification[1], 'rectification', `差评整改：办件 ${reference}`, `person:${written % 50_000}`, '张伟', department, null, reply ? 'rectified' : 'pending',
          reply ? 0 : 1, null, 5, chinaDate(new Date(ratedAt)), null, '[]', calendar.dueDate(chinaDate(new Date(ratedAt)), 5), null, null, ratedAt, ratedAt, reply ? ratedAt : null,
        ]);
      }
      ratings.push([randomUUID(), id, reference, department, `person:${written % 50_000}`, level, null, null, null, null, null, ratedAt, rectification?.[0] ?? null, rectification?.[1] ?? null]);
    }
    await database.transaction(async (tx) => {
      await insertRows(tx, 'cases', CASE_COLUMNS, cases);
      await insertRows(tx, 'ratings', RATING_COLUMNS, ratings);
    });
    if (written % 100_000 === 0 || written === CASES) out.progress(`${label}: ${written} cases`);
    if (parents.length >= 5000) parents = parents.slice(2500);
  }
}

async function measure(database: HubDatabase, suffix: string): Promise<void> {
  const policy = ratingPolicy(casePolicy({ calendar: loadCalendar(), referencePrefix: 'DL' }), { ratingDays: 15, rectificationDays: 5 });
  const time = async (work: () => Promise<unknown>) => {
    await work();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await work();
      samples.push(performance.now() - start);
    }
    return median(samples);
  };
  const reference = await time(() => sql`select department_id, count(*) from cases group by department_id`.execute(database.db));
  out.emit(`count-by-department${suffix}`, 'p50_ms', reference, 'ms');
  for (const period of ['month', 'year', 'all'] as Period[]) {
    const p50 = await time(() => ratingStatistics(database, policy, period));
    out.emit(`statistics/${period}${suffix}`, 'p50_ms', p50, 'ms');
    out.emit(`statistics/${period}${suffix}`, 'ratio', p50 / reference, 'x count-by-department');
  }
  const all = await ratingStatistics(database, policy, 'all');
  out.progress(`${suffix || 'sqlite'}: all time ${all.total.casesClosed} closed, ${all.total.ratings} ratings, ${all.total.badReviews} bad, ${all.total.rectified} rectified`);
}

async function target(kind: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-bench-ratings-'));
  let url: string | null = null;
  let drop = async () => {};
  if (kind === 'postgres') {
    const problem = await reachPostgres(out.progress);
    if (problem) {
      process.stderr.write(`${JSON.stringify({ bench: 'ratings', case: '*/postgres', metric: 'skipped', value: `PostgreSQL is not reachable at ${postgresUrl}: ${problem}` })}\n`);
      rmSync(dataDir, { recursive: true, force: true });
      return;
    }
    const schema = `bench_ratings_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const parsed = new URL(postgresUrl);
    parsed.searchParams.set('options', `-c search_path=${schema} -c synchronous_commit=off`);
    url = parsed.href;
    drop = async () => {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    };
  }
  const database = await openDatabase({ url, dataDir, sqliteSync: 'normal' }) as HubDatabase;
  try {
    await migrate(database, hubMigrations);
    out.progress(`${kind}: seeding the demo`);
    await seedDemo(database);
    const started = performance.now();
    await fill(database, kind);
    out.emit(`fill${kind === 'postgres' ? '/postgres' : ''}`, 'seconds', (performance.now() - started) / 1000, 's');
    // As autovacuum would have by then: statistics for the planner, and a visibility map that lets
    // PostgreSQL answer from an index alone. The hub never runs ANALYZE on SQLite, so neither does this.
    if (kind === 'postgres') await sql`vacuum analyze`.execute(database.db);
    await measure(database, kind === 'postgres' ? '/postgres' : '');
  } finally {
    await database.close();
    await drop();
    // --keep leaves the SQLite database for looking at query plans by hand.
    if (kind === 'sqlite' && process.argv.includes('--keep')) out.progress(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

await target('sqlite');
if (!process.argv.includes('--sqlite-only')) await target('postgres');
