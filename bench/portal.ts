/**
 * How fast the hub serves the portal's busiest pages with a million cases in its database,
 * against the same server's smallest answer (a static file) measured in the same run.
 *
 *   npx tsx bench/portal.ts [--cases N] [--seconds N] [--warmup N] [--connections N] [--rounds N]
 *                           [--threads N] [--references N] [--keep DIR] [--fresh] [--fill-only]
 *                           [--postgres] [--log-level L] [--only a,b] [--cpu-prof] [--root DIR]
 *
 * --cases: cases in the database (default 1,000,000); --seconds: measured seconds per run
 * (default 10), each after --warmup seconds of the same load that are thrown away (default 3 in
 * the first round, at most 1 after); --connections: wrk's keep-alive connections (default 50);
 * --rounds: every case runs this many times, the cases interleaved and their order rotated
 * (default 3); --threads: wrk threads (default 1); --references: how many different cases the
 * case-page requests go round (default 20,000), each read once in a first pass before the first
 * measured run (about 20 s).
 * --keep: the data folder the filled database is kept in between runs (default
 * egov-bench-portal-<size>[-postgres] in the system's temporary folder). The first run fills it:
 * on SQLite, 54 minutes for a million cases here, where other work kept both cores busy and the
 * filling process got about a fifth of a core (some 12 minutes of CPU); later runs find it and
 * start in seconds. --fresh: fill it again; --fill-only: fill it (unless it is there) and stop.
 * --postgres: the hub on PostgreSQL instead of SQLite (DATABASE_URL, else the scripts/pg-up.sh
 * cluster), the tables in a schema bench_portal_<size> that is kept between runs like the SQLite
 * file (drop it by hand when done); case names end in /postgres.
 * --log-level: the hub's (default info, the hub's default: two JSON lines a request, into a pipe
 * the bench drains, as under a service manager); --only: measure only these pages (static is
 * always measured); --cpu-prof: the hub writes a V8 CPU profile into a folder named on standard
 * error; --root: run the hub from another checkout of egov-cloud (with its node_modules), to
 * compare two versions of the code on the same database.
 * The defaults take about three minutes once the database is there.
 *
 * Standard output: one JSON object per figure, one per line, nothing else; progress goes to
 * standard error. Cases, each requested by wrk → the hub:
 *   home        GET /, the portal's front page, as an anonymous visitor.
 *   item-guide  GET /services/{code}, a service item's guide, going round every demo item.
 *   case-page   GET /staff/cases/{reference} as a signed-in clerk (the demo's 孙丽 of the public
 *               security bureau, who needs no second factor) with her session cookie, going
 *               round --references of her department's cases picked at random, open and closed:
 *               the case, its timeline, the actions her role allows, the forms, what was sent to
 *               the applicant.
 *   static      GET /assets/site.css: the reference, what the framework, its hooks and the network
 *               cost on this machine for the smallest answer the hub gives.
 * Every page is checked before measuring (200, and it shows what it is about), and a run with an
 * answer that is not 2xx fails. Metrics: rps, p50_ms, p99_ms with --connections busy all the time
 * (a closed loop: p50 is about connections/rps), medians over the rounds; `ratio`: rps over
 * static's, the median of the per-round ratios; `cpu_ms`: the hub process's CPU per request
 * (case/cpu/hub), and the whole machine's (case/cpu/machine, other people's work included: a
 * noise gauge); `entries`: the cases in the database. Targets (the issue's): p99 under 25 ms and
 * at least 1,500 rps on each page; standard error says whether they were met.
 *
 * Topology, on 2 cores shared by everything: the hub is `egov hub` in its own process
 * (bin/egov.js; every setting at its default but the data folder, the ports, the log level and,
 * with --postgres, the database URL), so the load generator does not share its event loop; wrk
 * with one thread, every request through a Lua script that goes round a list of paths (one path
 * for home and static), so every case pays the same for it. On SQLite the database file is read
 * once before the hub starts, so it is in the page cache as on a hub that has served a while
 * (otherwise the case page measures the disk). On a machine that runs DAMON reclaim (the
 * sandbox's VMs do: kdamond, with a pageout scheme in /sys/kernel/mm/damon/admin/kdamonds/0),
 * pages not touched for about a minute (12 aggregation intervals of 5 s) are dropped again, so
 * the case page's random reads wait on the disk, holding up the event loop, until its cases have
 * been read once in the run: its p99 shows that (hundreds of ms) while the machine is not even
 * busy. Home and item-guide read no table and are not affected.
 * The database is filled by
 * bench/portal-data.ts: its header says how, that the generated rows are checked against what
 * the case services write, and that they carry no journal entries.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { hubMigrations, type HubDatabase } from '../src/hub/database.ts';
import { DEMO_PASSWORD } from '../src/hub/demo.ts';
import { demoDepartmentCode, demoServiceItems } from '../src/onestop/demo-data.ts';
import { migrate, openDatabase } from '../src/platform/db/index.ts';
import { choosePort } from '../src/platform/ports.ts';
import { FILL_VERSION, fillDatabase } from './portal-data.ts';
import {
  WRK_REPORT, type WrkResult, benchOutput, clockTicks, cpuMsOf, flag, killStarted, machineBusyMs, median, postgresUrl, reachPostgres, stopProcess, track, wrk,
} from './support.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { emit, progress } = benchOutput('portal');

function option(name: string): string | null {
  const at = process.argv.indexOf(name);
  if (at < 0) return null;
  const value = process.argv[at + 1];
  if (!value || value.startsWith('--')) {
    process.stderr.write(`${name} needs a value\n`);
    process.exit(2);
  }
  return value;
}

const CASES = flag('--cases', 1_000_000);
const SECONDS = flag('--seconds', 10);
const WARMUP = flag('--warmup', 3);
const CONNECTIONS = flag('--connections', 50);
const ROUNDS = flag('--rounds', 3);
const THREADS = flag('--threads', 1);
const REFERENCES = flag('--references', 20_000);
const size = (n: number) => (n % 1_000_000 === 0 ? `${n / 1_000_000}m` : n % 1000 === 0 ? `${n / 1000}k` : String(n));
const POSTGRES = process.argv.includes('--postgres');
const SUFFIX = POSTGRES ? '/postgres' : '';
const DATA = path.resolve(option('--keep') ?? path.join(tmpdir(), `egov-bench-portal-${size(CASES)}${POSTGRES ? '-postgres' : ''}`));
const FRESH = process.argv.includes('--fresh');
const CPU_PROF = process.argv.includes('--cpu-prof');
const LOG_LEVEL = option('--log-level') ?? 'info';
const HUB_ROOT = path.resolve(option('--root') ?? ROOT);

type CaseName = 'home' | 'item-guide' | 'case-page' | 'static';
const PAGES: CaseName[] = ['home', 'item-guide', 'case-page'];
const only = option('--only')?.split(',');
if (only?.some((c) => !PAGES.includes(c as CaseName))) {
  process.stderr.write(`--only takes ${PAGES.join(', ')}\n`);
  process.exit(2);
}
const CASE_NAMES: CaseName[] = [...PAGES.filter((c) => !only || only.includes(c)), 'static'];

const TARGET_P99_MS = 25;
const TARGET_RPS = 1500;

// ---------------------------------------------------------------------------------------------
// The database, filled once and kept

interface Marker { fill: number; cases: number; events: number; seconds: number }
const MARKER = POSTGRES ? 'bench-portal-postgres.json' : 'bench-portal.json';
// On PostgreSQL the tables live in a schema of their own, kept between runs like the SQLite file.
const SCHEMA = `bench_portal_${size(CASES)}`;

/** Where the hub's database is: null for SQLite in DATA, else a PostgreSQL URL whose search path is SCHEMA. */
function databaseUrl(): string | null {
  if (!POSTGRES) return null;
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${SCHEMA}`);
  return url.href;
}

async function openTarget(): Promise<HubDatabase> {
  return await openDatabase({ url: databaseUrl(), dataDir: DATA, sqliteSync: 'normal' }) as HubDatabase;
}

async function casesIn(database: HubDatabase): Promise<number> {
  return Number((await database.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst().catch(() => undefined))?.n ?? -1);
}

async function preparedData(): Promise<Marker> {
  const markerFile = path.join(DATA, MARKER);
  if (!FRESH && existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as Marker;
    // A PostgreSQL schema may have been dropped behind the bench's back: count what is there.
    const there = POSTGRES ? await openTarget().then(async (d) => { try { return await casesIn(d); } finally { await d.close(); } }) : marker.cases;
    if (marker.fill === FILL_VERSION && marker.cases === CASES && there === CASES) {
      progress(`using the database filled before (${POSTGRES ? `schema ${SCHEMA}, ` : ''}${DATA}: ${marker.cases} cases, ${marker.events} generated events; --fresh fills it again)`);
      return marker;
    }
    progress('the kept database was filled by another version of the bench, or to another size; filling it again');
  }
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  if (POSTGRES) {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      await admin.query(`drop schema if exists ${SCHEMA} cascade`);
      await admin.query(`create schema ${SCHEMA}`);
    } finally {
      await admin.end();
    }
  }
  progress(`filling ${POSTGRES ? `PostgreSQL schema ${SCHEMA} (keys in ${DATA})` : DATA} with the demo and ${CASES} cases`);
  const database = await openTarget();
  try {
    await migrate(database, hubMigrations);
    const filled = await fillDatabase(database, CASES, progress);
    // The state the hub finds a while after a bulk load: SQLite's log folded into the file, PostgreSQL analysed by autovacuum.
    if (POSTGRES) await sql`vacuum analyze`.execute(database.db);
    else await sql`pragma wal_checkpoint(truncate)`.execute(database.db);
    const marker: Marker = { fill: FILL_VERSION, ...filled };
    writeFileSync(markerFile, `${JSON.stringify(marker)}\n`);
    progress(`filled: ${filled.cases} cases and ${filled.events} generated events in ${filled.seconds.toFixed(0)} s`);
    return marker;
  } finally {
    await database.close();
  }
}

/**
 * Reads the SQLite file once, so it is in the operating system's page cache, where it is on a hub
 * that has served a while. Without it the case page measures the disk: its random cases' pages
 * come off it one synchronous read at a time, holding up the event loop.
 */
function warmFileCache(): void {
  const file = path.join(DATA, 'egov.sqlite');
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(8 << 20);
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** References of the clerk's department's cases, picked at random. */
async function caseReferences(department: string): Promise<string[]> {
  const database = await openTarget();
  try {
    const { rows } = await sql<{ reference: string }>`select reference from cases where department_id = ${department} order by random() limit ${REFERENCES}`.execute(database.db);
    return rows.map((r) => r.reference);
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------
// wrk

const WRK_SCRIPT = `
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
wrk.headers["Accept"] = "text/html"
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then wrk.headers["Cookie"] = cookie end
math.randomseed(os.time())
local n = math.random(#paths)
request = function()
  n = n % #paths + 1
  return wrk.format(nil, paths[n])
end
${WRK_REPORT}`;

function runWrk(url: string, script: string, pathsFile: string, cookie: string, seconds: number): Promise<WrkResult> {
  return wrk('wrk', ['-t', String(THREADS), '-c', String(CONNECTIONS), '-d', `${seconds}s`, '-s', script, url], { BENCH_PATHS: pathsFile, BENCH_COOKIE: cookie });
}

// ---------------------------------------------------------------------------------------------
// The hub

async function startHub(profDir: string | null): Promise<{ process: ChildProcess; url: string }> {
  const [port, exchangePort] = [await choosePort(), await choosePort()];
  // Only the flags below: a DATABASE_URL or EGOV_* setting of whoever runs the bench must not move the hub elsewhere.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EGOV_') && k !== 'DATABASE_URL'));
  const child = track(spawn(process.execPath, [
    ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), path.join(HUB_ROOT, 'bin/egov.js'), 'hub',
    '--data', DATA, '--host', '127.0.0.1', '--port', String(port), '--exchange-port', String(exchangePort), '--log-level', LOG_LEVEL,
    ...(POSTGRES ? ['--database-url', databaseUrl()!] : []),
  ], { cwd: HUB_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] }));
  // Its log goes into a pipe, as under a service manager; the bench keeps the tail until the hub
  // answers (to show why, if it does not), then reads and drops it.
  let tail = '';
  const keep = (d: Buffer) => { tail = (tail + d.toString('utf8')).slice(-4000); };
  child.stdout!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the hub exited with ${child.exitCode} before it answered; its log: ${tail}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the hub did not answer on ${url} within two minutes; its log: ${tail}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  child.stdout!.off('data', keep);
  child.stdout!.on('data', () => {});
  return { process: child, url };
}

/** Signs in through the pages as a browser without JavaScript would; returns the session cookie. */
async function signIn(url: string, username: string): Promise<string> {
  const form = await fetch(`${url}/signin`, { headers: { accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  const loginCookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!csrf) throw new Error('the sign-in page has no _csrf field');
  const response = await fetch(`${url}/signin`, {
    method: 'POST', redirect: 'manual',
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    body: new URLSearchParams({ username, password: DEMO_PASSWORD, _csrf: csrf, return: '/staff' }).toString(),
  });
  await response.arrayBuffer();
  const session = response.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('egov_session='));
  if (response.status !== 303 || !session) throw new Error(`signing in as ${username} answered ${response.status}, not a redirect with a session`);
  if (response.headers.get('location')?.startsWith('/signin/')) throw new Error(`${username} needs a second factor; the bench signs in as a clerk who does not`);
  return session;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/wrk') && !process.env.PATH?.split(':').some((d) => existsSync(path.join(d, 'wrk')))) {
    throw new Error('wrk is not installed (apt-get install wrk)');
  }
  const tick = clockTicks();
  if (POSTGRES) {
    const problem = await reachPostgres(progress);
    if (problem) throw new Error(`PostgreSQL is not reachable at ${postgresUrl}: ${problem}`);
  }
  const marker = await preparedData();
  if (process.argv.includes('--fill-only')) return;
  if (!POSTGRES) {
    const started = Date.now();
    warmFileCache();
    progress(`read the database file into the page cache in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const psb = demoDepartmentCode('psb');
  const references = await caseReferences(psb);
  progress(`${references.length} of the public security bureau's cases picked for the case page`);

  const work = mkdtempSync(path.join(tmpdir(), 'egov-bench-portal-run-'));
  const profDir = CPU_PROF ? mkdtempSync(path.join(tmpdir(), 'egov-bench-portal-prof-')) : null;
  let hub: { process: ChildProcess; url: string } | null = null;
  try {
    hub = await startHub(profDir);
    progress(`the hub (pid ${hub.process.pid}${HUB_ROOT === ROOT ? '' : `, from ${HUB_ROOT}`}) answers on ${hub.url}, log level ${LOG_LEVEL}`);
    const cookie = await signIn(hub.url, 'psb-clerk');

    const script = path.join(work, 'paths.lua');
    writeFileSync(script, WRK_SCRIPT);
    const pathsOf: Record<CaseName, string[]> = {
      home: ['/'],
      'item-guide': demoServiceItems.map((i) => `/services/${i.code}`),
      'case-page': references.map((r) => `/staff/cases/${encodeURIComponent(r)}`),
      static: ['/assets/site.css'],
    };
    const cookieOf = (c: CaseName) => (c === 'case-page' ? cookie : '');
    const files = Object.fromEntries(CASE_NAMES.map((c) => {
      const file = path.join(work, `${c}.paths`);
      writeFileSync(file, `${pathsOf[c].join('\n')}\n`);
      return [c, file];
    })) as Record<CaseName, string>;

    // Every case answers what it should before anything is measured: a page with what it is about.
    for (const c of CASE_NAMES) {
      const samples = c === 'case-page' ? pathsOf[c].slice(0, 20) : pathsOf[c];
      for (const p of samples) {
        const response = await fetch(hub.url + p, { headers: { accept: 'text/html', ...(cookieOf(c) && { cookie: cookieOf(c) }) }, redirect: 'manual' });
        const body = await response.text();
        const expected = c === 'case-page' ? decodeURIComponent(p.split('/').pop()!) : c === 'item-guide' ? demoServiceItems.find((i) => p.endsWith(i.code))!.nameZh : c === 'home' ? '大连市' : 'body';
        if (response.status !== 200 || !body.includes(expected)) throw new Error(`${c}: GET ${p} answered ${response.status} without "${expected}": ${body.slice(0, 300)}`);
      }
    }
    progress(`every case answers 200 with its content; ${ROUNDS} rounds of ${CASE_NAMES.join(', ')}, ${WARMUP} s warm-up (then 1 s) + ${SECONDS} s each, ${CONNECTIONS} connections`);

    interface Run extends WrkResult { cpu: { hub: number; machine: number } }
    const runs = new Map<CaseName, Run[]>(CASE_NAMES.map((c) => [c, []]));
    const pid = hub.process.pid!;
    for (let round = 1; round <= ROUNDS; round++) {
      const order = CASE_NAMES.map((_, i) => CASE_NAMES[(i + round - 1) % CASE_NAMES.length]!);
      for (const c of order) {
        const warmup = round === 1 ? WARMUP : Math.min(WARMUP, 1);
        const warm = await runWrk(hub.url, script, files[c], cookieOf(c), warmup);
        if (c === 'case-page' && round === 1) {
          // Every case the page goes round is read once before it is measured, as a hub that has
          // served its clerks a while holds them; wrk takes the list in order, so this is one pass.
          const seconds = Math.ceil(pathsOf[c].length / Math.max(warm.rps, 1));
          progress(`case-page: a first pass over its ${pathsOf[c].length} cases (${seconds} s) before measuring`);
          await runWrk(hub.url, script, files[c], cookieOf(c), seconds);
        }
        const [hubBefore, busyBefore, from] = [cpuMsOf(pid, tick), machineBusyMs(tick), Date.now()];
        const r = await runWrk(hub.url, script, files[c], cookieOf(c), SECONDS);
        const cpu = { hub: (cpuMsOf(pid, tick) - hubBefore) / r.requests, machine: (machineBusyMs(tick) - busyBefore) / r.requests };
        if (r.non2xx > 0) throw new Error(`${c}: ${r.non2xx} of ${r.requests} answers were not 2xx; the figures would be meaningless`);
        if (r.socketErrors > 0) progress(`${c}: ${r.socketErrors} socket errors or timeouts`);
        const busy = (cpu.machine * r.requests) / (Date.now() - from);
        progress(`round ${round}/${ROUNDS} ${c}: ${Math.round(r.rps)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms; hub CPU ${cpu.hub.toFixed(3)} ms/req (machine ${busy.toFixed(2)} of 2 cores busy)`);
        runs.get(c)!.push({ ...r, cpu });
      }
    }

    const reference = runs.get('static')!;
    const missed: string[] = [];
    emit(`database${SUFFIX}`, 'entries', marker.cases, 'cases');
    for (const c of CASE_NAMES) {
      const list = runs.get(c)!;
      const rps = median(list.map((r) => r.rps));
      const p99 = median(list.map((r) => r.p99Ms));
      const name = `${c}${SUFFIX}`;
      emit(name, 'rps', rps, 'req/s');
      emit(name, 'p50_ms', median(list.map((r) => r.p50Ms)), 'ms');
      emit(name, 'p99_ms', p99, 'ms');
      if (c !== 'static') emit(name, 'ratio', median(list.map((r, i) => r.rps / reference[i]!.rps)), `rps/static${SUFFIX}`);
      emit(`${name}/cpu/hub`, 'cpu_ms', median(list.map((r) => r.cpu.hub)), 'ms/req');
      emit(`${name}/cpu/machine`, 'cpu_ms', median(list.map((r) => r.cpu.machine)), 'ms/req');
      if (c !== 'static' && (p99 >= TARGET_P99_MS || rps < TARGET_RPS)) missed.push(`${c} (${Math.round(rps)} req/s, p99 ${p99.toFixed(1)} ms)`);
    }
    progress(missed.length ? `targets (p99 < ${TARGET_P99_MS} ms, ≥ ${TARGET_RPS} req/s) missed by ${missed.join(', ')}` : `every page meets the targets (p99 < ${TARGET_P99_MS} ms, ≥ ${TARGET_RPS} req/s)`);
  } finally {
    if (hub) await stopProcess(hub.process, { graceMs: 30_000 });
    killStarted();
    rmSync(work, { recursive: true, force: true });
    if (profDir) progress(`the hub's CPU profile is in ${profDir}`);
  }
  progress('done');
}

process.on('exit', killStarted);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
await main();
