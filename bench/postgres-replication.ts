/**
 * The reference for the recovery bench: PostgreSQL's own streaming replication lag between two
 * throwaway local clusters, measured as the time from a write's COMMIT returning at the primary to
 * the row being visible on the hot standby.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { median, quantile } from './support.ts';

export interface StreamingLag { writes: number; p50_ms: number; p99_ms: number; seconds: number }

const TEST_CLUSTER_PORT = 55432;
const WRITERS = 4;
// About 200 bytes, like the journal bench's rows.
const PAYLOAD = 'x'.repeat(200);

/** The same choice as scripts/pg-up.sh: $PGBIN, else the newest /usr/lib/postgresql/<version>/bin. */
function pgBin(): string | null {
  if (process.env.PGBIN) return process.env.PGBIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin'))) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  return newest ? path.join(root, newest, 'bin') : null;
}

const asRoot = process.getuid?.() === 0;

export function postgresServerAvailable(): string | null {
  const bin = pgBin();
  if (!bin) return 'PostgreSQL server binaries not found (no PGBIN, nothing under /usr/lib/postgresql); install them with: apt-get install -y postgresql';
  const missing = ['initdb', 'pg_ctl', 'pg_basebackup'].filter((tool) => !existsSync(path.join(bin, tool)));
  if (missing.length) return `${missing.join(', ')} not found in ${bin}`;
  if (asRoot) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root, and there is no postgres user to run initdb as (initdb refuses root)';
    }
  }
  return null;
}

async function freePort(avoid: number[]): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (!avoid.includes(port)) return port;
  }
}

async function until(timeoutMs: number, what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(50);
  }
}

export async function measurePostgresStreaming(options: { rate: number; seconds: number; progress(message: string): void }): Promise<StreamingLag> {
  const { rate, seconds, progress } = options;
  const problem = postgresServerAvailable();
  if (problem) throw new Error(problem);
  const bin = pgBin()!;
  const dir = mkdtempSync(path.join(tmpdir(), 'egov-pg-streaming-'));
  const run = (tool: string, ...args: string[]) =>
    execFileSync(asRoot ? 'runuser' : path.join(bin, tool), asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args, {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    });

  const started: string[] = [];
  let cleaned = false;
  // Synchronous, so that the signal handler can run it before exiting.
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    for (const data of started) {
      try {
        run('pg_ctl', '-D', data, '-m', 'immediate', 'stop');
      } catch { /* not running */ }
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  // on, not once: under npx tsx the same Ctrl-C arrives twice (from the terminal and relayed by
  // tsx), and the second must not kill us halfway through the cleanup.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const closers: (() => Promise<void>)[] = [];
  try {
    if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
    const primaryPort = await freePort([TEST_CLUSTER_PORT]);
    const standbyPort = await freePort([TEST_CLUSTER_PORT, primaryPort]);
    const primary = path.join(dir, 'primary');
    const standby = path.join(dir, 'standby');
    const start = (data: string, port: number) => {
      started.push(data);
      run('pg_ctl', '-D', data, '-l', `${data}.log`, '-w', '-t', '60', '-o', `-p ${port}`, 'start');
    };

    progress(`primary on port ${primaryPort}, standby on ${standbyPort}, in ${dir}`);
    run('initdb', '-D', primary, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8');
    // Spelled out although most are the defaults, so the reference's durability is plain: local
    // WAL flush on commit, asynchronous standby (no synchronous_standby_names).
    appendFileSync(path.join(primary, 'postgresql.conf'), [
      'wal_level = replica', 'max_wal_senders = 4', 'fsync = on', 'synchronous_commit = on', 'hot_standby = on',
      "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, '',
    ].join('\n'));
    appendFileSync(path.join(primary, 'pg_hba.conf'), 'host replication postgres 127.0.0.1/32 trust\n');
    start(primary, primaryPort);
    run('pg_basebackup', '-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standby, '-R', '-X', 'stream', '-c', 'fast');
    start(standby, standbyPort);

    const url = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;
    // Several connections, so that one slow commit does not hold back the schedule: on this kind
    // of machine a commit (local fsync, with the standby fsyncing on the same disk) takes ~1 ms.
    const writers = new pg.Pool({ connectionString: url(primaryPort), max: WRITERS });
    const reader = new pg.Client({ connectionString: url(standbyPort) });
    // Without listeners, a dropped connection would crash the process instead of failing a query.
    writers.on('error', () => {});
    reader.on('error', () => {});
    closers.push(() => writers.end(), () => reader.end());
    await reader.connect();
    await Promise.all(Array.from({ length: WRITERS }, () => writers.query('select 1')));
    await until(30_000, 'the standby to stream', async () =>
      (await writers.query(`select 1 from pg_stat_replication where state = 'streaming'`)).rowCount === 1);
    await writers.query('create table lag_probe (seq integer primary key, payload text not null)');
    await until(10_000, 'the table to reach the standby', async () =>
      (await reader.query<{ ok: boolean }>(`select to_regclass('lag_probe') is not null as ok`)).rows[0]?.ok === true);
    progress(`standby streaming; ${rate} writes/s for ${seconds} s`);

    const writes = Math.round(rate * seconds);
    const committedAt = new Float64Array(writes + 1);
    const visibleAt = new Float64Array(writes + 1);

    // Visibility is polled because nothing pushes it: a hot standby cannot LISTEN (NOTIFY is not
    // replayed), and pg_stat_replication's replay_lag is the walsender's sampled estimate, not a
    // per-write figure. The poll's round trip is the measurement's resolution. It asks for the
    // rows above the highest seq below which all were seen, not for max(seq): concurrent writers
    // can commit seq n+1 before n, and max(seq) would then call n visible too early.
    let polls = 0;
    let seenThrough = 0;
    let polling = true;
    const pollStart = performance.now();
    const poller = (async () => {
      while (polling) {
        const { rows } = await reader.query<{ seq: number }>({ name: 'new-rows', text: 'select seq from lag_probe where seq > $1', values: [seenThrough] });
        const now = performance.now();
        polls++;
        for (const { seq } of rows) if (!visibleAt[seq]) visibleAt[seq] = now;
        while (seenThrough < writes && visibleAt[seenThrough + 1]) seenThrough++;
      }
    })();
    let failure: unknown;
    poller.catch((error: unknown) => { failure ??= new Error(`the standby reader failed: ${(error as Error).message}`); });

    // Open loop on a fixed schedule: a write is sent when due, whether or not earlier ones returned.
    const interval = 1000 / rate;
    const pending: Promise<unknown>[] = [];
    const t0 = performance.now();
    for (let seq = 1; seq <= writes; seq++) {
      if (failure) throw failure;
      const wait = t0 + (seq - 1) * interval - performance.now();
      if (wait > 0) await sleep(wait);
      // An INSERT outside BEGIN is its own transaction: its reply is the COMMIT's.
      pending.push(writers.query({ name: 'insert', text: 'insert into lag_probe (seq, payload) values ($1, $2)', values: [seq, PAYLOAD] })
        .then(() => { committedAt[seq] = performance.now(); }, (error: unknown) => { failure ??= new Error(`write ${seq} failed: ${(error as Error).message}`); }));
      if (seq % (rate * 5) === 0) progress(`${seq} writes sent`);
    }
    await Promise.all(pending);
    if (failure) throw failure;
    const elapsed = (performance.now() - t0) / 1000;
    await until(30_000, 'the standby to show the last write', () => {
      if (failure) throw failure;
      return seenThrough >= writes;
    });
    polling = false;
    await poller;
    const pollSpan = performance.now() - pollStart;

    const lags: number[] = [];
    let early = 0;
    for (let seq = 1; seq <= writes; seq++) {
      const lag = visibleAt[seq]! - committedAt[seq]!;
      // The standby can replay a commit before its reply reaches us: it was visible on return.
      if (lag < 0) early++;
      lags.push(Math.max(0, lag));
    }
    const commits = Array.from({ length: writes }, (_, i) => committedAt[i + 1]! - (t0 + i * interval));
    progress(`${writes} writes in ${elapsed.toFixed(2)} s (commit returned p50 ${median(commits).toFixed(2)} ms, p99 ${quantile(commits, 0.99).toFixed(2)} ms after due); `
      + `a standby poll every ${(pollSpan / polls).toFixed(3)} ms; ${early} writes visible before their commit returned (counted as 0 ms)`);
    return { writes, p50_ms: median(lags), p99_ms: quantile(lags, 0.99), seconds: elapsed };
  } finally {
    await Promise.allSettled(closers.map((close) => close()));
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
