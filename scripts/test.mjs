#!/usr/bin/env node
// `npm test`: one `node --test` run over every test file (unit, integration, browser), so the
// closing summary covers them all. Node 20 does not expand globs, so the list is built here.
// Arguments narrow the run: `npm test -- test/registry` runs the files under that folder.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

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
const result = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=600000', '--test-concurrency=2', ...files,
], { stdio: 'inherit' });
process.exit(result.status ?? 1);
