import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';

/**
 * What every benchmark shares: its flags, its JSON lines on standard output (progress goes to
 * standard error), medians and quantiles, and a PostgreSQL to measure against.
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
