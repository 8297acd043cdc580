import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { openHubDatabase } from '../../src/hub/database.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { databaseTargets, freshDatabase } from '../support/databases.ts';
import { freePort } from '../support/exchange.ts';

const root = path.resolve(import.meta.dirname, '../..');

function run(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

for (const target of databaseTargets) {
  describe(`kill -9 of a ${target.kind} hub in synchronous mode`, { skip: target.skip }, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

    it('loses no acknowledged write: every one is on the standby after promotion', async () => {
      const hubDb = await freshDatabase(target.kind, { migrate: false });
      const standbyDb = await freshDatabase(target.kind, { migrate: false });
      cleanups.push(() => hubDb.close(), () => standbyDb.close());
      const standbyDir = mkdtempSync(path.join(tmpdir(), 'egov-standby-'));
      cleanups.push(async () => rmSync(standbyDir, { recursive: true, force: true }));

      const hub = run(['--import', 'tsx', 'test/recovery/hub-process.ts', JSON.stringify({
        data: hubDb.dataDir, port: '0', exchangePort: '0', logLevel: 'silent', replication: 'sync', syncFallback: 'wait', ...(hubDb.url && { databaseUrl: hubDb.url }),
      })]);
      cleanups.push(async () => { hub.kill('SIGKILL'); await exited(hub); });
      const acknowledged: number[] = [];
      const lines = createInterface({ input: hub.stdout! });
      const started = await new Promise<{ url: string; token: string }>((resolve, reject) => {
        lines.once('line', (line) => resolve(JSON.parse(line) as { url: string; token: string }));
        hub.once('exit', (code) => reject(new Error(`the hub exited (${code}) before it was ready`)));
      });

      const exchangePort = await freePort();
      const standbyFlags = ['--data', standbyDir, '--port', '0', '--exchange-port', String(exchangePort), '--log-level', 'silent', ...(standbyDb.url ? ['--database-url', standbyDb.url] : [])];
      const standby = run(['bin/egov.js', 'standby', '--hub', started.url, '--token', started.token, ...standbyFlags]);
      cleanups.push(async () => { standby.kill('SIGKILL'); await exited(standby); });

      // Writes run once the standby follows; after 150 acknowledgements the hub dies mid-stream.
      await new Promise<void>((resolve, reject) => {
        lines.on('line', (line) => {
          const serial = /^ack (\d+)$/.exec(line)?.[1];
          if (serial) acknowledged.push(Number(serial));
          if (acknowledged.length === 150) {
            hub.kill('SIGKILL');
            resolve();
          }
        });
        hub.once('exit', () => reject(new Error('the hub died before 150 writes')));
        setTimeout(() => reject(new Error(`only ${acknowledged.length} writes in 120 s`)), 120_000).unref();
      });
      await exited(hub);
      const promoted = run(['bin/egov.js', 'promote', ...standbyFlags]);
      let promoteOutput = '';
      promoted.stderr!.on('data', (chunk) => { promoteOutput += chunk; });
      assert.equal(await exited(promoted), 0, promoteOutput);
      assert.match(promoteOutput, /promoted: epoch 2/);

      const copy = await openHubDatabase(loadConfig({ flags: { data: standbyDir, ...(standbyDb.url && { databaseUrl: standbyDb.url }) } }));
      try {
        const slugs = new Set((await copy.db.selectFrom('departments').select('slug').where('slug', 'like', 'load-%').execute()).map((r) => r.slug));
        const missing = acknowledged.filter((serial) => !slugs.has(`load-${serial}`));
        assert.deepEqual(missing, [], 'every write the hub acknowledged is on the promoted standby');
        assert.ok(slugs.size >= acknowledged.length);
      } finally {
        await copy.close();
      }
    });
  });
}
