import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { seedSqliteInto } from '../support/seeded.ts';

const bin = path.resolve('bin/egov.js');

function egov(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', EGOV_LOG_LEVEL: 'silent' }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the egov command', () => {
  let data: string;
  before(() => { data = mkdtempSync(path.join(tmpdir(), 'egov-cli-')); });
  after(() => rmSync(data, { recursive: true, force: true }));

  it('lists every command in --help', () => {
    const { status, stdout } = egov('--help');
    assert.equal(status, 0);
    for (const command of ['hub', 'demo', 'gateway', 'standby', 'evidence', 'basedata', 'migrate', 'journal', 'totp', 'config']) assert.match(stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('stops on a bad setting with a message that names it', () => {
    const bad = egov('config', '--port', 'eighty');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--port/);
    assert.match(bad.stderr, /whole number/);
    const env = spawnSync(process.execPath, [bin, 'config'], { encoding: 'utf8', env: { ...process.env, EGOV_SQLITE_SYNC: 'sometimes' } });
    assert.equal(env.status, 2);
    assert.match(env.stderr, /EGOV_SQLITE_SYNC/);
  });

  it('migrates a data folder, and journal verify names the first tampered entry', async () => {
    assert.equal(egov('migrate', '--data', data).status, 0);
    assert.ok(existsSync(path.join(data, 'egov.sqlite')));
    // Real entries to verify: a data folder holding the seeded demo hub.
    const seededData = path.join(data, 'seeded');
    await seedSqliteInto(seededData);
    const file = path.join(seededData, 'egov.sqlite');
    const ok = egov('journal', 'verify', '--data', seededData);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /journal ok: \d+ entries/);

    const db = new SqliteDatabase(file);
    db.prepare(`update journal set row_after = replace(row_after, '大连市公安局', '大连市公安厅') where seq = (select min(seq) from journal where row_after like '%大连市公安局%')`).run();
    const seq = (db.prepare(`select seq from journal where row_after like '%大连市公安厅%'`).get() as { seq: number }).seq;
    db.close();
    const broken = egov('journal', 'verify', '--data', seededData);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, new RegExp(`journal BROKEN at entry ${seq}: .*changed`));
  });

  it('prints the current code for an authenticator key', () => {
    const { status, stdout } = egov('totp', 'EGOVDEMOADMINTOTPSECRETDALIAN234');
    assert.equal(status, 0);
    assert.match(stdout, /^\d{6}\n$/);
  });
});
