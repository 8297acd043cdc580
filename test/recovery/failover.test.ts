import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { enrol, loadIdentity } from '../../src/exchange/gateway/identity.ts';
import { createEnrolmentToken } from '../../src/exchange/service.ts';
import { type RunningHub, startHub } from '../../src/hub/server.ts';
import { journalHead, verifyJournal } from '../../src/journal/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { runStandby } from '../../src/recovery/cli.ts';
import { epochOf } from '../../src/recovery/promote.ts';
import { type RunningStandby, startStandby } from '../../src/recovery/standby.ts';
import { createDepartment } from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { databaseTargets, freshDatabase } from '../support/databases.ts';
import { codeOf, freePort, testExchange, type TestExchange } from '../support/exchange.ts';
import type { RunningGateway } from '../../src/exchange/gateway/server.ts';

const admin = systemActor('test');

async function addDepartment(hub: RunningHub, serial: number): Promise<void> {
  await createDepartment(hub.hub.database, admin, {
    code: governmentUscc('210202', serial), slug: `dept-${serial}`, kind: 'bureau', division: '210202', parent: null,
    nameZh: `测试局${serial}`, nameEn: `Test bureau ${serial}`,
  });
}

async function standbyToken(hub: RunningHub, code: string): Promise<string> {
  return (await createEnrolmentToken(hub.hub.database, admin, hub.hub.exchange, { department: codeOf('data'), code, role: 'standby' })).token;
}

for (const target of databaseTargets) {
  describe(`failover on ${target.kind}: promote the standby, fence the old hub, rejoin it`, { skip: target.skip }, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

    let world: TestExchange;
    let gateway: RunningGateway;
    let standby: RunningStandby;
    let newHub: RunningHub;
    let oldHubAgain: RunningHub;
    let standbyDir: string;
    let standbyUrl: string | null;
    let standbyExchangePort: number;
    let lostSerial = 0;

    it('promotes the standby to a hub of the next epoch, which takes writes at once', async () => {
      world = await testExchange(target.kind);
      cleanups.push(() => world.close());
      const store = await freshDatabase(target.kind, { migrate: false });
      cleanups.push(() => store.close());
      standbyUrl = store.url;
      standbyDir = mkdtempSync(path.join(tmpdir(), 'egov-standby-'));
      cleanups.push(async () => rmSync(standbyDir, { recursive: true, force: true }));
      standbyExchangePort = await freePort();
      await enrol({ dataDir: standbyDir, hubUrl: world.hub.url, token: await standbyToken(world.hub, 'standby'), address: `https://127.0.0.1:${standbyExchangePort}` });
      standby = await startStandby({ dataDir: standbyDir, databaseUrl: standbyUrl, sqliteSync: 'normal', host: '127.0.0.1', port: 0, logLevel: 'silent' });
      await standby.reached((await journalHead(world.hub.hub.database.db)).seq);
      // A gateway enrolled before the failover: its configuration lists the standby's address too.
      gateway = await world.gateway('psb');
      await gateway.refresh();
      assert.deepEqual(gateway.trust()!.config.hubs.map((h) => [h.role, h.exchangeUrl]), [['hub', world.hub.hub.exchangeUrl], ['standby', `https://127.0.0.1:${standbyExchangePort}`]]);

      // The hub's last write never reaches the standby (asynchronous mode, standby briefly away)…
      await standby.stop();
      lostSerial = 960;
      await addDepartment(world.hub, lostSerial);
      const held = standby.status().position;
      // …and then the hub is lost.
      await Promise.all([world.hub.app.close(), world.hub.exchangeApi.close()]);
      standby = await startStandby({ dataDir: standbyDir, databaseUrl: standbyUrl, sqliteSync: 'normal', host: '127.0.0.1', port: 0, logLevel: 'silent' });
      const promotion = await standby.promote();
      assert.equal(promotion.epoch, 2);
      assert.equal(promotion.afterSeq, held.seq);

      const config = loadConfig({ flags: { data: standbyDir, port: '0', exchangePort: String(standbyExchangePort), logLevel: 'silent', ...(standbyUrl && { databaseUrl: standbyUrl }) } });
      newHub = await startHub(config, undefined, { database: standby.database });
      cleanups.push(() => newHub.stop());
      const health = await (await fetch(`${newHub.url}/healthz`)).json() as { role: string; journal: { epoch: number } };
      assert.equal(health.role, 'hub');
      assert.equal(health.journal.epoch, 2);
      await addDepartment(newHub, 961);
      const { epoch, promotion: recorded } = await epochOf(newHub.hub.database);
      assert.equal(epoch, 2);
      assert.equal(recorded?.node, (await loadIdentity(standbyDir))!.id);
      assert.equal((await verifyJournal(newHub.hub.database.db)).ok, true, 'the chain runs unbroken through the promotion');
    });

    it('moves the gateways to the new hub through the configuration they hold', async () => {
      await gateway.refresh();
      assert.equal(gateway.trust()!.config.epoch, 2);
      assert.equal(gateway.trust()!.config.hubs[0]?.exchangeUrl, newHub.hub.exchangeUrl);
      assert.equal((await loadIdentity(gateway.dataDir))!.hubExchangeUrl, newHub.hub.exchangeUrl, 'and still after a restart');
      await gateway.anchor();
    });

    it('a former hub that comes back learns it was superseded and refuses writes', async () => {
      const oldConfig = loadConfig({ flags: {
        data: world.hub.hub.config.data, port: '0', exchangePort: new URL(world.hub.hub.exchangeUrl).port, logLevel: 'silent',
        ...(world.hub.hub.config.databaseUrl && { databaseUrl: world.hub.hub.config.databaseUrl }),
      } });
      oldHubAgain = await startHub(oldConfig);
      cleanups.push(() => oldHubAgain.stop());
      const health = await (await fetch(`${oldHubAgain.url}/healthz`)).json() as { role: string };
      assert.equal(health.role, 'superseded');
      const refused = await fetch(`${oldHubAgain.url}/api/v1/gateway-tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(refused.status, 503);
      assert.match((await refused.json() as { message: string }).message, /superseded.*epoch 2.*egov standby --rejoin/);
    });

    it('rejoins as a standby of the new hub, reporting the entries the new hub never received', async () => {
      const data = oldHubAgain.hub.config.data;
      const databaseUrl = oldHubAgain.hub.config.databaseUrl;
      await oldHubAgain.stop();
      cleanups.pop();
      const config = loadConfig({ flags: {
        data, port: '0', logLevel: 'silent', hub: newHub.url, token: await standbyToken(newHub, 'rejoined'), ...(databaseUrl && { databaseUrl }),
      } });
      const rejoined = await runStandby(config, { rejoin: true });
      cleanups.push(() => rejoined.stop());
      const report = readdirReport(data);
      assert.ok(report, 'the unreplicated entries are written to a report in the data folder');
      assert.match(readFileSync(report, 'utf8'), new RegExp(`dept-${lostSerial}`));
      if (target.kind === 'sqlite') assert.ok(existsSync(path.join(data, 'egov.sqlite')));
      const head = await journalHead(newHub.hub.database.db);
      await rejoined.reached(head.seq);
      assert.equal(rejoined.status().position.hash, head.hash);
      assert.equal(rejoined.status().position.epoch, 2);
      const lost = await rejoined.database.db.selectFrom('departments').select('slug').where('slug', '=', `dept-${lostSerial}`).executeTakeFirst();
      assert.equal(lost, undefined, 'the copy is the new hub\'s history, not the old one');
    });
  });
}

function readdirReport(dir: string): string | null {
  const name = readdirSync(dir).find((f) => f.startsWith('rejoin-unreplicated-'));
  return name ? path.join(dir, name) : null;
}
