/**
 * Replication and failover figures for bench/recovery.ts: a hub in its own process
 * (bench/replication-hub.ts) commits writes on a schedule; a standby follows it, here in this
 * process so that the moment it has stored each entry is known exactly; or, for promotion, the
 * real `egov standby` and `egov promote` commands. Clocks are the wall clock of one machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { enrol } from '../src/exchange/gateway/identity.ts';
import { choosePort } from '../src/platform/ports.ts';
import { startStandby } from '../src/recovery/standby.ts';
import { quantile } from './support.ts';

const root = path.resolve(import.meta.dirname, '..');
const now = () => performance.timeOrigin + performance.now();

export interface ReplicationRun {
  /** Writes per second the hub committed. */
  perSecond: number;
  /** From a write's commit at the hub to its entry stored at the standby (async), or null (sync). */
  lag: { p50: number; p99: number };
  /** How long each write took to be acknowledged at the hub. */
  latency: { p50: number; p99: number };
}

interface Started {
  child: ChildProcess;
  lines: AsyncIterableIterator<string>;
  hello: { url: string; token: string; gatewayToken: string };
}

async function startHubProcess(dataDir: string, mode: 'async' | 'sync', rate: number, seconds: number): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/replication-hub.ts', JSON.stringify({ data: dataDir, replication: mode, rate, seconds })], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('the bench hub exited before it was ready');
  return { child, lines, hello: JSON.parse(first.value) as Started['hello'] };
}

export async function measureReplication(options: { mode: 'async' | 'sync'; rate: number; seconds: number; progress(message: string): void }): Promise<ReplicationRun> {
  const folder = mkdtempSync(path.join(tmpdir(), 'egov-bench-replication-'));
  const { child, lines, hello } = await startHubProcess(path.join(folder, 'hub'), options.mode, options.rate, options.seconds);
  const standbyDir = path.join(folder, 'standby');
  await enrol({ dataDir: standbyDir, hubUrl: hello.url, token: hello.token, address: 'https://127.0.0.1:1' });
  // Stored at the standby: [head seq, time] after every durable apply, in order.
  const applied: [number, number][] = [];
  const standby = await startStandby({ dataDir: standbyDir, databaseUrl: null, sqliteSync: 'full', host: '127.0.0.1', port: 0, logLevel: 'silent', onApplied: (seq) => applied.push([seq, now()]) });
  try {
    options.progress(`  ${options.mode} replication, ${options.rate ? `${options.rate} writes/s` : 'one write at a time'} for ${options.seconds} s`);
    const writes: { seq: number; start: number; end: number }[] = [];
    for (let line = await lines.next(); !line.done && line.value !== 'done'; line = await lines.next()) {
      const [, seq, start, end] = line.value.split(' ');
      writes.push({ seq: Number(seq), start: Number(start), end: Number(end) });
    }
    await standby.reached(Math.max(...writes.map((w) => w.seq)));
    writes.sort((a, b) => a.seq - b.seq);
    const lags: number[] = [];
    let at = 0;
    for (const w of writes) {
      while (applied[at]![0] < w.seq) at += 1;
      lags.push(Math.max(0, applied[at]![1] - w.end));
    }
    const latencies = writes.map((w) => w.end - w.start);

    const span = (Math.max(...writes.map((w) => w.end)) - Math.min(...writes.map((w) => w.start))) / 1000;
    return {
      perSecond: writes.length / span,
      lag: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99) },
      latency: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) },
    };
  } finally {
    await standby.stop();
    child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Seconds from starting `egov promote` to the first write the promoted standby accepts (a
 * gateway's enrolment, with a token the old hub made and the standby copied), after the hub was
 * killed with SIGKILL.
 */
export async function measurePromotion(options: { progress(message: string): void }): Promise<number> {
  const folder = mkdtempSync(path.join(tmpdir(), 'egov-bench-promote-'));
  const { child, lines, hello } = await startHubProcess(path.join(folder, 'hub'), 'async', 100, 1);
  const standbyDir = path.join(folder, 'standby');
  const flags = ['--data', standbyDir, '--port', String(await choosePort()), '--exchange-port', String(await choosePort()), '--log-level', 'warn'];
  const standby = spawn(process.execPath, ['bin/egov.js', 'standby', '--hub', hello.url, '--token', hello.token, ...flags], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (let line = await lines.next(); !line.done && line.value !== 'done'; line = await lines.next());
    child.kill('SIGKILL');
    await exited(child);
    options.progress('  hub killed; promoting the standby');
    const started = now();
    const promote = spawn(process.execPath, ['bin/egov.js', 'promote', ...flags], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if ((await exited(promote)) !== 0) throw new Error('egov promote failed');
    const hubUrl = `http://127.0.0.1:${flags[3]}`;
    for (;;) {
      try {
        await enrol({ dataDir: path.join(folder, 'gateway'), hubUrl, token: hello.gatewayToken, address: 'https://127.0.0.1:1' });
        return (now() - started) / 1000;
      } catch (error) {
        if (now() - started > 60_000) throw error;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  } finally {
    standby.kill('SIGTERM');
    await exited(standby);
    child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
}
