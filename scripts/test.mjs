#!/usr/bin/env node
// `npm test`: one `node --test` run over every test file (unit, integration, browser), so the
// closing summary covers them all. Node 20 does not expand globs, so the list is built here.
// Arguments narrow the run: `npm test -- test/registry` runs the files under that folder.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return /\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test', 'e2e'];
const files = roots.flatMap(testFiles).sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}

// The run's seeded demo hubs are copies of one template per database kind, built by the first
// test that needs it (test/support/seeded.ts); they live here until the run ends.
const templates = mkdtempSync(path.join(tmpdir(), 'egov-templates-'));
const run = spawn(process.execPath, [
  '--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=600000', '--test-concurrency=2', ...files,
], { stdio: 'inherit', env: { ...process.env, EGOV_TEST_TEMPLATES: templates } });
// Ctrl-C reaches the tests too (the same process group); a stop meant for this script (a
// timeout, kill) is passed on. Either way the script stays to clean up after them.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => run.kill(signal));
const [status] = await once(run, 'exit');
await removeTemplates(templates);
process.exit(status ?? 1);

async function removeTemplates(dir) {
  const list = path.join(dir, 'postgres-templates.tsv');
  const databases = existsSync(list) ? readFileSync(list, 'utf8').split('\n').filter(Boolean).map((line) => line.split('\t')) : [];
  const byServer = new Map();
  for (const [url, name] of databases) byServer.set(url, [...byServer.get(url) ?? [], name]);
  for (const [url, names] of byServer) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      for (const name of names) await client.query(`drop database if exists ${name} with (force)`);
    } catch (error) {
      console.error(`could not drop the test databases at ${url}: ${error.message}`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
