import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * What every benchmark shares: its flags, its JSON lines on standard output (progress goes to
 * standard error), medians and quantiles, a PostgreSQL to measure against, the processes it
 * starts, their CPU time, and wrk.
 */

export function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`${name} needs a positive whole number\n`);
    process.exit(2);
  }
  return value;
}

export interface BenchOutput {
  /** One figure as a JSON line: `{"bench","case","metric","value","unit"}`. */
  emit(caseName: string, metric: string, value: number, unit: string): void;
  progress(message: string): void;
}

export function benchOutput(bench: string): BenchOutput {
  const started = Date.now();
  return {
    emit(caseName, metric, value, unit) {
      const rounded = metric.endsWith('_ms') ? Math.round(value * 100) / 100 : metric === 'ratio' ? Math.round(value * 1000) / 1000
        : metric === 'seconds' ? Math.round(value * 10) / 10 : Math.round(value);
      process.stdout.write(`${JSON.stringify({ bench, case: caseName, metric, value: rounded, unit })}\n`);
    },
    progress(message) {
      process.stderr.write(`[bench ${bench} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
    },
  };
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Nearest-rank quantile (p99 of 100 samples is the 99th smallest); the median of an even count is the mean of the middle two. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (q === 0.5) {
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const postgresUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:55432/postgres';

async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Null when PostgreSQL answers (starting scripts/pg-up.sh's cluster if no DATABASE_URL was given), else why not. */
export async function reachPostgres(progress: (message: string) => void): Promise<string | null> {
  let problem = await postgresProblem();
  if (problem && !process.env.DATABASE_URL) {
    progress(`PostgreSQL unreachable (${problem}); trying scripts/pg-up.sh`);
    try {
      execFileSync('bash', [path.join(import.meta.dirname, '../scripts/pg-up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
      problem = await postgresProblem();
    } catch (error) {
      problem = `${problem}; scripts/pg-up.sh failed: ${(error as Error).message}`;
    }
  }
  return problem;
}

// ---------------------------------------------------------------------------------------------
// Processes a bench starts, stopped however the bench ends (by pid, never by name)

const started = new Set<ChildProcess>();

export function track<C extends ChildProcess>(child: C): C {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

export function killStarted(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** Asks it to stop, and kills it if it has not after `graceMs` (a CPU profile being written takes a while). */
export async function stopProcess(child: ChildProcess, { signal = 'SIGTERM', graceMs = 5000 }: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Clock ticks per second, the unit of /proc's CPU times. */
export function clockTicks(): number {
  return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
}

/** utime + stime of a process, in milliseconds (Linux /proc); NaN once it is gone. */
export function cpuMsOf(pid: number, tick: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
  } catch {
    return Number.NaN;
  }
}

/** Busy CPU of the whole machine so far, in milliseconds summed over cores. */
export function machineBusyMs(tick: number): number {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return ((v.reduce((a, b) => a + b, 0) - (v[3] ?? 0) - (v[4] ?? 0)) * 1000) / tick;
}

// ---------------------------------------------------------------------------------------------
// wrk

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  socketErrors: number;
  non2xx: number;
}

/** The end of every bench's wrk script: its figures as one JSON line wrk() reads. */
export const WRK_REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%.0f,"p99_us":%.0f,"mean_us":%.1f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
`;

/** Runs wrk (its script ending in WRK_REPORT) with `env` added to this process's environment. */
export function wrk(wrkPath: string, args: readonly string[], env: Record<string, string>): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(wrkPath, ['--timeout', '10s', '--latency', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}: ${err}${out}`));
      const r = JSON.parse(line.slice('WRKJSON '.length)) as Record<string, number>;
      const seconds = r.duration_us! / 1e6;
      resolve({
        requests: r.requests!, seconds, rps: r.requests! / seconds, p50Ms: r.p50_us! / 1000, p99Ms: r.p99_us! / 1000, meanMs: r.mean_us! / 1000,
        socketErrors: r.connect! + r.read! + r.write! + r.timeout!, non2xx: r.status!,
      });
    });
  });
}
