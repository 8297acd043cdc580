import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { createEnrolmentToken } from '../../src/exchange/service.ts';
import { journalHead } from '../../src/journal/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { type Backend, type TestExchange, codeOf, freePort, testBackend, testExchange } from '../support/exchange.ts';

const bin = path.resolve('bin/egov.js');
const PSB = codeOf('psb');
const HRSS = codeOf('hrss');

function egov(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', EGOV_LOG_LEVEL: 'silent' }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Waits for what a gateway process does on its timers, checking every 50 ms. */
async function until(what: string, condition: () => boolean): Promise<void> {
  for (const started = Date.now(); !condition();) {
    if (Date.now() - started > 30_000) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The journal version of the global configuration a gateway saved in its data folder, 0 before any. */
function savedConfigVersion(dataDir: string): number {
  const file = path.join(dataDir, 'global-config.jws');
  if (!existsSync(file)) return 0;
  const payload = readFileSync(file, 'utf8').trim().split('.')[1]!;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { version: number }).version;
}

/** Both entries of the exchange (request and response) are in the gateway's log, and an anchor covers them. */
function anchored(dataDir: string, messageId: string): boolean {
  const db = new SqliteDatabase(path.join(dataDir, 'gateway.sqlite'), { readonly: true });
  try {
    const entries = db.prepare('select count(*) as n, max(seq) as last from message_log where message_id = ?').get(messageId) as { n: number; last: number | null };
    const anchor = db.prepare('select max(seq) as seq from anchors').get() as { seq: number | null };
    return entries.n === 2 && anchor.seq !== null && anchor.seq >= entries.last!;
  } finally {
    db.close();
  }
}

/**
 * What a department's IT staff type: `egov gateway` enrols with the token from the console and
 * runs; after an exchange `egov gateway log verify` and `evidence` work on its data folder, and
 * `egov evidence` checks the evidence with the hub's published keys alone.
 */
describe('the egov gateway commands', () => {
  let world: TestExchange;
  let backend: Backend;
  let dir: string;
  before(async () => {
    world = await testExchange('sqlite');
    dir = mkdtempSync(path.join(tmpdir(), 'egov-gw-cli-'));
    backend = await testBackend((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ idNumber: '210202199001011232', name: '张三' }));
    });
  });
  after(async () => {
    await world?.close();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrols and runs a provider gateway, then verifies its log and exports evidence a third party can check', async () => {
    const data = path.join(dir, 'psb');
    const [port, exchangePort] = [await freePort(), await freePort()];
    const { token } = await createEnrolmentToken(world.hub.hub.database, systemActor('test'), world.hub.hub.exchange, { department: PSB, code: 'gw1' });
    const services = path.join(dir, 'services.json');
    writeFileSync(services, JSON.stringify({ services: [{ code: 'population/persons', url: backend.url, endpoints: ['GET /persons/*'] }] }));
    const child = spawn(process.execPath, [bin, 'gateway', '--hub', world.hub.url, '--token', token, '--data', data, '--port', String(port),
      '--exchange-port', String(exchangePort), '--services', services, '--log-level', 'silent', '--anchor-seconds', '1', '--config-refresh', '1'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    try {
      await new Promise<void>((resolve, reject) => {
        const check = setInterval(() => { if (/department systems call/.test(stderr)) { clearInterval(check); resolve(); } }, 50);
        child.once('exit', (code) => { clearInterval(check); reject(new Error(`egov gateway exited with ${code}: ${stderr}`)); });
      });
      assert.match(stderr, new RegExp(`enrolled as ${PSB}/gw1`));
      const hrss = await world.gateway('hrss');
      // The PSB's gateway learns of the new peer at its next configuration refresh (every second here).
      const withHrss = (await journalHead(world.hub.hub.database.db)).seq;
      await until('the PSB gateway holds a configuration with the HRSS gateway', () => savedConfigVersion(data) >= withHrss);
      const response = await fetch(`${hrss.clientUrl}/r1/${PSB}/population/persons/persons/210202199001011232`, { headers: { 'egov-client': `${HRSS}/social-insurance` } });
      assert.equal(response.status, 200, await response.clone().text());
      const id = response.headers.get('egov-id')!;
      // The gateway anchors its log at the hub every second in this test.
      await until('the exchange is in the PSB gateway\'s log, countersigned by the hub', () => anchored(data, id));
      const evidenceFile = path.join(dir, 'evidence.json');
      const exported = egov('gateway', 'log', 'evidence', '--data', data, '--message', id, '--out', evidenceFile);
      assert.equal(exported.status, 0, exported.stderr);
      const keysFile = path.join(dir, 'keys.json');
      writeFileSync(keysFile, JSON.stringify(await world.hub.hub.globalConfig.jwks()));
      const checked = egov('evidence', evidenceFile, '--keys', keysFile);
      assert.equal(checked.status, 0, checked.stderr);
      assert.match(checked.stdout, /evidence holds/);
      const evidence = JSON.parse(readFileSync(evidenceFile, 'utf8'));
      evidence.entries[1].envelope = evidence.entries[1].envelope.replace('\n200\n', '\n404\n');
      writeFileSync(evidenceFile, JSON.stringify(evidence));
      const forged = egov('evidence', evidenceFile, '--keys', keysFile);
      assert.equal(forged.status, 1);
      assert.match(forged.stderr, /altered/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const verified = egov('gateway', 'log', 'verify', '--data', data);
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, /message log ok: 2 entries/);
    const db = new SqliteDatabase(path.join(data, 'gateway.sqlite'));
    db.prepare("update message_log set client = 'someone else' where seq = 1").run();
    db.close();
    const broken = egov('gateway', 'log', 'verify', '--data', data);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /BROKEN at entry 1/);
  });

  it('refuses to start without an enrolment, saying what to give', () => {
    const result = egov('gateway', '--data', path.join(dir, 'empty'), '--port', '0');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /--hub URL and --token TOKEN/);
  });
});
