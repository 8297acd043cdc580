import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { openHubDatabase } from '../../src/hub/database.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { freePort } from '../support/exchange.ts';
import { seededDatabase } from '../support/seeded.ts';

const root = path.resolve(import.meta.dirname, '../..');

// Each child gets its database by flag only: CI's DATABASE_URL (the tests' PostgreSQL) must not
// turn a SQLite standby into one writing there.
const { DATABASE_URL: _ignored, ...childEnv } = process.env;

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function killed(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await exited(child);
}

/**
 * A hub (test/recovery/hub-process.ts) in synchronous mode that holds writes while no standby
 * has them, and a standby run with the real `egov standby` command, each in its own process so
 * the test can kill either with SIGKILL. `acknowledged` collects every write the hub answered.
 */
class Cluster {
  readonly acknowledged: number[] = [];
  hub: ChildProcess | null = null;
  standby: ChildProcess | null = null;
  hello: { url: string; exchangeUrl: string; token: string | null } | null = null;
  readonly standbyDir = mkdtempSync(path.join(tmpdir(), 'egov-standby-'));
  #waiters: { count: number; resolve(): void }[] = [];
  #exchangePort: number | null = null;
  #port: number | null = null;

  constructor(readonly hubDb: TestDatabase, readonly standbyDb: TestDatabase) {}

  async startHub(): Promise<void> {
    const first = this.acknowledged.length === 0 ? 1 : Math.max(...this.acknowledged) + 100;
    const hub = run(['--import', 'tsx', 'test/recovery/hub-process.ts', JSON.stringify({
      data: this.hubDb.dataDir, port: String(this.#port ?? 0), exchangePort: String(this.#exchangePort ?? 0), logLevel: 'silent',
      replication: 'sync', syncFallback: 'wait', ...(this.hubDb.url && { databaseUrl: this.hubDb.url }),
    }), String(first)]);
    this.hub = hub;
    const lines = createInterface({ input: hub.stdout! });
    this.hello = await new Promise((resolve, reject) => {
      lines.once('line', (line) => resolve(JSON.parse(line) as Cluster['hello']));
      hub.once('exit', (code) => reject(new Error(`the hub exited (${code}) before it was ready`)));
    });
    this.#exchangePort = Number(new URL(this.hello!.exchangeUrl).port);
    this.#port = Number(new URL(this.hello!.url).port);
    lines.on('line', (line) => {
      const serial = /^ack (\d+)$/.exec(line)?.[1];
      if (!serial) return;
      this.acknowledged.push(Number(serial));
      for (const w of [...this.#waiters]) if (this.acknowledged.length >= w.count) w.resolve();
    });
  }

  readonly standbyExchangePort = freePort();

  async standbyFlags(): Promise<string[]> {
    return ['--data', this.standbyDir, '--port', '0', '--exchange-port', String(await this.standbyExchangePort), '--log-level', 'silent', ...(this.standbyDb.url ? ['--database-url', this.standbyDb.url] : [])];
  }

  async startStandby(): Promise<void> {
    const enrolment = this.hello!.token ? ['--hub', this.hello!.url, '--token', this.hello!.token] : [];
    this.standby = run(['bin/egov.js', 'standby', ...enrolment, ...await this.standbyFlags()]);
  }

  /** Resolves once the hub has acknowledged `count` writes in all. */
  acks(count: number, within = 120_000): Promise<void> {
    if (this.acknowledged.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.acknowledged.length} of ${count} writes acknowledged`)), within);
      this.#waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  /** Promotes the standby with `egov promote` (the hub is dead) and lists acknowledged writes missing from its copy. */
  async promoteAndFindMissing(): Promise<number[]> {
    const promoted = run(['bin/egov.js', 'promote', ...await this.standbyFlags()]);
    let output = '';
    promoted.stderr!.on('data', (chunk) => { output += chunk; });
    assert.equal(await exited(promoted), 0, output);
    assert.match(output, /promoted: epoch 2/);
    const copy = await openHubDatabase(loadConfig({ flags: { data: this.standbyDir, ...(this.standbyDb.url && { databaseUrl: this.standbyDb.url }) } }));
    try {
      const slugs = new Set((await copy.db.selectFrom('departments').select('slug').where('slug', 'like', 'load-%').execute()).map((r) => r.slug));
      return this.acknowledged.filter((serial) => !slugs.has(`load-${serial}`));
    } finally {
      await copy.close();
    }
  }

  async close(): Promise<void> {
    for (const child of [this.hub, this.standby]) if (child) await killed(child);
    rmSync(this.standbyDir, { recursive: true, force: true });
  }
}

for (const target of databaseTargets) {
  describe(`kill -9 in synchronous mode, ${target.kind}`, { skip: target.skip }, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

    async function cluster(): Promise<Cluster> {
      // Already seeded: the hub process's own seeding then finds the demo there.
      const hubDb = await seededDatabase(target.kind);
      const standbyDb = await freshDatabase(target.kind, { migrate: false });
      cleanups.push(() => hubDb.close(), () => standbyDb.close());
      const c = new Cluster(hubDb, standbyDb);
      cleanups.push(() => c.close());
      await c.startHub();
      await c.startStandby();
      return c;
    }

    it('of the hub under write load loses no acknowledged write: every one is on the standby after promotion', async () => {
      const c = await cluster();
      await c.acks(150);
      await killed(c.hub!);
      assert.deepEqual(await c.promoteAndFindMissing(), [], 'every write the hub acknowledged is on the promoted standby');
    });

    it('of the standby, then of both at once: each restart resumes, and nothing acknowledged is lost', async () => {
      const c = await cluster();
      await c.acks(50);
      await killed(c.standby!);
      // Writes wait while no standby has them (fallback "wait"), and go on once it is back.
      const before = c.acknowledged.length;
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(c.acknowledged.length <= before + 4, 'at most the writes in flight were acknowledged without a standby');
      await c.startStandby();
      await c.acks(before + 50);
      await Promise.all([killed(c.hub!), killed(c.standby!)]);
      await c.startHub();
      await c.startStandby();
      await c.acks(before + 100);
      await killed(c.hub!);
      assert.deepEqual(await c.promoteAndFindMissing(), []);
    });
  });
}
