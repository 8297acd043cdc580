import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { enrol } from '../../src/exchange/gateway/identity.ts';
import { createEnrolmentToken } from '../../src/exchange/service.ts';
import { startHub } from '../../src/hub/server.ts';
import { journalHead } from '../../src/journal/service.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { systemActor } from '../../src/platform/access.ts';
import { type RunningStandby, startStandby } from '../../src/recovery/standby.ts';
import { createDepartment } from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { databaseTargets, freshDatabase } from '../support/databases.ts';
import { codeOf, testExchange, type TestExchange } from '../support/exchange.ts';

const admin = systemActor('test');

/**
 * A TCP relay between the standby and the hub that the test can cut: every open connection at
 * once (a network cut, usually in the middle of an entry), or after a number of bytes from the
 * hub; while `down`, new connections are refused.
 */
class Relay {
  readonly server: net.Server;
  readonly sockets = new Set<net.Socket>();
  down = false;
  /** Cut every connection once this many more bytes have come from the hub (null: never). */
  cutAfterBytes: number | null = null;

  constructor(target: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      const upstream = net.connect(target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        if (this.cutAfterBytes !== null) {
          if (chunk.length >= this.cutAfterBytes) {
            client.write(chunk.subarray(0, this.cutAfterBytes));
            this.cutAfterBytes = null;
            this.cut();
            return;
          }
          this.cutAfterBytes -= chunk.length;
        }
        client.write(chunk);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port)));
  }

  cut(): void {
    for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function addDepartment(world: TestExchange, serial: number): Promise<void> {
  await createDepartment(world.hub.hub.database, admin, {
    code: governmentUscc('210202', serial), slug: `dept-${serial}`, kind: 'bureau', division: '210202', parent: null,
    nameZh: `测试局${serial}`, nameEn: `Test bureau ${serial}`,
  });
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const target of databaseTargets) {
  describe(`a ${target.kind} standby through network faults`, { skip: target.skip }, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });
    let world: TestExchange;
    let relay: Relay;
    let standby: RunningStandby;

    it('resumes exactly after the feed is cut in the middle of an entry, again and again, under writes', async () => {
      world = await testExchange(target.kind, { replication: 'sync', syncTimeout: '200', syncFallback: 'async' });
      cleanups.push(() => world.close());
      const store = await freshDatabase(target.kind, { migrate: false });
      cleanups.push(() => store.close());
      const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-standby-'));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const { token } = await createEnrolmentToken(world.hub.hub.database, admin, world.hub.hub.exchange, { department: codeOf('data'), code: 'standby', role: 'standby' });
      await enrol({ dataDir, hubUrl: world.hub.url, token, address: 'https://127.0.0.1:1' });
      // The standby reaches the hub through the relay (the hub's certificate names 127.0.0.1).
      const hubExchange = new URL(world.hub.hub.exchangeUrl);
      relay = new Relay({ host: '127.0.0.1', port: Number(hubExchange.port) });
      const relayPort = await relay.listen();
      cleanups.push(() => relay.close());
      const identityFile = path.join(dataDir, 'gateway.json');
      writeFileSync(identityFile, JSON.stringify({ ...JSON.parse(readFileSync(identityFile, 'utf8')), hubExchangeUrl: `https://127.0.0.1:${relayPort}` }));
      standby = await startStandby({ dataDir, databaseUrl: store.url, sqliteSync: 'normal', host: '127.0.0.1', port: 0, logLevel: 'silent' });
      cleanups.push(() => standby.stop());
      await standby.reached((await journalHead(world.hub.hub.database.db)).seq);

      for (let round = 0; round < 5; round += 1) {
        // The next bytes from the hub carry an entry of a new department; the relay cuts it halfway.
        relay.cutAfterBytes = 300;
        await addDepartment(world, 970 + round);
      }
      const head = await journalHead(world.hub.hub.database.db);
      await standby.reached(head.seq);
      assert.equal(standby.status().position.hash, head.hash);
      assert.equal(standby.status().state, 'following');
      const copied = await standby.database.db.selectFrom('departments').select('slug').where('slug', 'like', 'dept-97%').execute();
      assert.equal(copied.length, 5);
    });

    it('after a network cut, the synchronous hub degrades with an alert, and both sides catch up when it heals', async () => {
      await until(() => world.hub.hub.replication.status().state === 'sync', 'the standby to have caught up');
      relay.down = true;
      relay.cut();
      const started = Date.now();
      await addDepartment(world, 980);
      assert.ok(Date.now() - started >= 150, 'the write waited for the standby first');
      await addDepartment(world, 981);
      await until(() => world.hub.hub.replication.status().standbys[0]?.connected === false, 'the hub to notice the cut');
      const during = world.hub.hub.replication.status();
      assert.equal(during.state, 'degraded');
      assert.ok(during.standbys[0]!.lagEntries >= 2);
      relay.down = false;
      const head = await journalHead(world.hub.hub.database.db);
      await standby.reached(head.seq);
      await until(() => world.hub.hub.replication.status().state === 'sync', 'synchronous mode to come back');
    });

    it('pointed at another extranet\'s hub, it refuses that hub\'s certificate and applies nothing', async () => {
      const strangerDb = await freshDatabase(target.kind);
      cleanups.push(() => strangerDb.close());
      const stranger = await startHub(loadConfig({ flags: { data: strangerDb.dataDir, port: '0', exchangePort: '0', logLevel: 'silent', ...(strangerDb.url && { databaseUrl: strangerDb.url }) } }));
      cleanups.push(() => stranger.stop());
      const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-standby-'));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const { token } = await createEnrolmentToken(world.hub.hub.database, admin, world.hub.hub.exchange, { department: codeOf('data'), code: 'standby2', role: 'standby' });
      // A token of this hub does not enrol with another one: the CA it pins is not that hub's.
      await assert.rejects(enrol({ dataDir, hubUrl: stranger.url, token, address: 'https://127.0.0.1:1' }), /refused the enrolment|not the one the token names/);
      await enrol({ dataDir, hubUrl: world.hub.url, token, address: 'https://127.0.0.1:1' });
      const identityFile = path.join(dataDir, 'gateway.json');
      writeFileSync(identityFile, JSON.stringify({ ...JSON.parse(readFileSync(identityFile, 'utf8')), hubExchangeUrl: stranger.hub.exchangeUrl }));
      const store = await freshDatabase(target.kind, { migrate: false });
      cleanups.push(() => store.close());
      const misled = await startStandby({ dataDir, databaseUrl: store.url, sqliteSync: 'normal', host: '127.0.0.1', port: 0, logLevel: 'silent' });
      cleanups.push(() => misled.stop());
      await until(() => misled.status().lastError !== null, 'the standby to report the refused hub');
      assert.match(misled.status().lastError!, /certificate|self[- ]signed|unable to verify/i);
      assert.equal(misled.status().position.seq, 0);
    });

    // A full disk is simulated with SQLite's max_page_count, so only the SQLite copy is tested for it.
    if (target.kind === 'sqlite') it('when the standby cannot store (its disk is full), it says so loudly, keeps retrying, and catches up once there is room', async () => {
      const db = standby.database.db;
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count;
      await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
      // Writes until the copy has no room left (free space in its pages fills first).
      for (let serial = 1000; !/full/i.test(standby.status().lastError ?? '') && serial < 1400; serial += 1) await addDepartment(world, serial);
      await until(() => /full/i.test(standby.status().lastError ?? ''), 'the standby to report a full database');
      assert.notEqual(standby.status().state, 'stopped', 'a full disk is not a reason to give up on the hub');
      await sql.raw('pragma max_page_count = 1073741823').execute(db);
      const head = await journalHead(world.hub.hub.database.db);
      await standby.reached(head.seq);
      assert.equal(standby.status().position.hash, head.hash);
    });
  });
}
