import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { enrol } from '../../src/exchange/gateway/identity.ts';
import { createEnrolmentToken } from '../../src/exchange/service.ts';
import { openHubDatabase, unjournaledTables } from '../../src/hub/database.ts';
import { journalHead } from '../../src/journal/service.ts';
import { lastWitness } from '../../src/recovery/witness.ts';
import type { ReplicationStatus } from '../../src/recovery/replication.ts';
import { CA_KEY_FILE } from '../../src/pki/ca.ts';
import { SIGNING_KEY_FILE } from '../../src/pki/signing.ts';
import { type RunningStandby, startStandby } from '../../src/recovery/standby.ts';
import { systemActor } from '../../src/platform/access.ts';
import { type DbKind, listTables } from '../../src/platform/db/index.ts';
import { createDepartment } from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { codeOf, testExchange, type TestExchange } from '../support/exchange.ts';

const admin = systemActor('test');

interface HubHealth {
  replication: ReplicationStatus & { witness: { node: string; seq: number } | null };
}
const pgSkip = databaseTargets.find((t) => t.kind === 'postgres')!.skip;

/** Every journaled table, row for row: what a standby must hold. */
async function snapshot(db: import('kysely').Kysely<any>, kind: DbKind): Promise<Record<string, unknown[]>> {
  const tables = (await listTables(db, kind)).filter((t) => !(unjournaledTables as readonly string[]).includes(t)).sort();
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = await db.selectFrom(table).selectAll().orderBy('id').execute();
    out[table] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  }
  return out;
}

async function addDepartment(world: TestExchange, serial: number): Promise<void> {
  await createDepartment(world.hub.hub.database, admin, {
    code: governmentUscc('210202', serial), slug: `dept-${serial}`, kind: 'bureau', division: '210202', parent: null,
    nameZh: `测试局${serial}`, nameEn: `Test bureau ${serial}`,
  });
}

// A SQLite hub with a PostgreSQL standby, and the other way round: the copy does not depend on what the hub uses.
for (const [hubKind, standbyKind] of [['sqlite', 'postgres'], ['postgres', 'sqlite']] as const) {
  describe(`a ${standbyKind} standby of a ${hubKind} hub (asynchronous)`, { skip: pgSkip }, () => {
    let world: TestExchange;
    let store: TestDatabase;
    let dataDir: string;
    let standby: RunningStandby | null = null;
    const start = async () => {
      standby = await startStandby({ dataDir, databaseUrl: store.url, sqliteSync: 'normal', host: '127.0.0.1', port: 0, logLevel: 'silent' });
      return standby;
    };

    after(async () => {
      await standby?.stop().catch(() => {});
      await world?.close();
      await store?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('enrols, copies the whole journal, verifies and applies it, and reproduces every table', async () => {
      world = await testExchange(hubKind);
      store = await freshDatabase(standbyKind, { migrate: false });
      dataDir = mkdtempSync(path.join(tmpdir(), 'egov-standby-'));
      await assert.rejects(
        createEnrolmentToken(world.hub.hub.database, { ...admin, roles: ['dept_admin'], department: codeOf('data') }, world.hub.hub.exchange, { department: codeOf('data'), code: 'standby', role: 'standby' }),
        /platform_admin/, 'only a platform administrator makes a standby token',
      );
      const { token } = await createEnrolmentToken(world.hub.hub.database, admin, world.hub.hub.exchange, { department: codeOf('data'), code: 'standby', role: 'standby' });
      await enrol({ dataDir, hubUrl: world.hub.url, token, address: 'https://127.0.0.1:1' });
      const running = await start();
      const head = await journalHead(world.hub.hub.database.db);
      await running.reached(head.seq);
      assert.deepEqual(await snapshot(running.database.db, standbyKind), await snapshot(world.hub.hub.database.db, hubKind));
      const health = await (await fetch(`${running.url}/healthz`)).json() as { state: string; lagEntries: number; position: { hash: string } };
      assert.equal(health.state, 'following');
      assert.equal(health.lagEntries, 0);
      assert.equal(health.position.hash, head.hash);
      // It holds the keys it needs to become the hub, readable by its own user only.
      assert.equal(statSync(path.join(dataDir, CA_KEY_FILE)).mode & 0o777, 0o600);
      assert.equal(readFileSync(path.join(dataDir, CA_KEY_FILE), 'utf8'), readFileSync(path.join(world.hub.hub.config.data, CA_KEY_FILE), 'utf8'));
      assert.equal(statSync(path.join(dataDir, SIGNING_KEY_FILE)).mode & 0o777, 0o600);
      // The standby is no member of the exchange: gateways never see it.
      const config = await world.hub.hub.globalConfig.current();
      assert.ok(!config.document.members.some((m) => m.gateways.some((g) => g.id.endsWith('/standby'))));
    });

    it('follows new writes as they commit', async () => {
      const before = Date.now();
      await addDepartment(world, 901);
      const head = await journalHead(world.hub.hub.database.db);
      await standby!.reached(head.seq, 5000);
      assert.ok(Date.now() - before < 5000);
      assert.ok(standby!.status().lagMs < 5000);
    });

    it('resumes exactly where it stopped after a restart', async () => {
      await standby!.stop();
      await addDepartment(world, 902);
      await addDepartment(world, 903);
      const running = await start();
      const head = await journalHead(world.hub.hub.database.db);
      await running.reached(head.seq);
      assert.deepEqual(await snapshot(running.database.db, standbyKind), await snapshot(world.hub.hub.database.db, hubKind));
    });

    it('countersigns the head it verified, and the hub keeps the signature', async () => {
      await standby!.witness();
      const head = await journalHead(world.hub.hub.database.db);
      assert.equal(standby!.status().lastWitness?.seq, head.seq);
      const kept = await lastWitness(world.hub.hub.database);
      assert.equal(kept?.seq, head.seq);
      assert.match(kept!.node, /\/standby$/);
      const health = await (await fetch(`${world.hub.url}/healthz`)).json() as HubHealth;
      assert.equal(health.replication.witness?.seq, head.seq);
      assert.equal(health.replication.mode, 'async');
      const [link] = health.replication.standbys;
      assert.equal(link?.connected, true);
      assert.equal(link?.ackedSeq, head.seq, 'the standby told the hub what it has stored');
      assert.equal(link?.lagEntries, 0, 'the hub sees its standby caught up');
      assert.equal(link?.lagMs, 0);
    });

    it('stops with an alert, applying nothing, when an entry does not verify', async () => {
      await standby!.stop();
      const position = (await journalHead(world.hub.hub.database.db)).seq;
      // Written by another process (the hub sends its own recent commits from memory, anything
      // else from the journal), then altered in the journal after it was written.
      const other = await openHubDatabase(world.hub.hub.config);
      try {
        await createDepartment(other, admin, {
          code: governmentUscc('210202', 904), slug: 'dept-904', kind: 'bureau', division: '210202', parent: null, nameZh: '测试局904', nameEn: 'Test bureau 904',
        });
        await sql`update journal set row_after = replace(row_after, '测试局904', '假冒局904') where seq = ${position + 1}`.execute(other.db);
      } finally {
        await other.close();
      }
      const running = await start();
      for (let i = 0; i < 100 && running.status().state !== 'stopped'; i += 1) await new Promise((r) => setTimeout(r, 50));
      const status = running.status();
      assert.equal(status.state, 'stopped');
      assert.equal(status.stoppedBecause, 'tampered');
      assert.equal(status.position.seq, position, 'nothing past the last verified entry');
      const health = await fetch(`${running.url}/healthz`);
      assert.equal(health.status, 503);
      const copy = await running.database.db.selectFrom('departments').select('id').where('slug', '=', 'dept-904').executeTakeFirst();
      assert.equal(copy, undefined);
    });

    it('notices when the hub rewrites history it already copied, through the witness', async () => {
      await standby!.stop();
      // The alteration of the previous test undone, so the standby catches up again.
      await sql`update journal set row_after = replace(row_after, '假冒局904', '测试局904') where row_after like ${'%假冒局904%'}`.execute(world.hub.hub.database.db);
      const running = await start();
      await running.reached((await journalHead(world.hub.hub.database.db)).seq);
      const position = running.status().position.seq;
      // The entry the standby holds is rewritten at the hub, hash and all.
      await sql`update journal set hash = 'rewritten' where seq = ${position}`.execute(world.hub.hub.database.db);
      await running.witness();
      assert.equal(running.status().state, 'stopped');
      assert.match(running.status().lastError!, /rewritten/);
    });
  });
}

async function enrolStandby(world: TestExchange): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-standby-'));
  const { token } = await createEnrolmentToken(world.hub.hub.database, admin, world.hub.hub.exchange, { department: codeOf('data'), code: 'standby', role: 'standby' });
  await enrol({ dataDir, hubUrl: world.hub.url, token, address: 'https://127.0.0.1:1' });
  return dataDir;
}

async function hubHealth(world: TestExchange): Promise<HubHealth> {
  return (await fetch(`${world.hub.url}/healthz`)).json() as Promise<HubHealth>;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`synchronous replication to a ${kind} standby`, { skip: databaseTargets.find((t) => t.kind === kind)!.skip }, () => {
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

    async function world(fallback: 'async' | 'wait') {
      const w = await testExchange(kind, { replication: 'sync', syncTimeout: '300', syncFallback: fallback });
      cleanups.push(() => w.close());
      const store = await freshDatabase(kind, { migrate: false });
      cleanups.push(() => store.close());
      const dataDir = await enrolStandby(w);
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      let running: RunningStandby | null = null;
      const start = async () => {
        running = await startStandby({ dataDir, databaseUrl: store.url, host: '127.0.0.1', port: 0, logLevel: 'silent' });
        cleanups.push(() => running!.stop());
        const head = (await journalHead(w.hub.hub.database.db)).seq;
        await running.reached(head);
        // …and the hub has heard so (the acknowledgement travels after the commit).
        while (!w.hub.hub.replication.status().standbys.some((l) => l.ackedSeq >= head)) await new Promise((r) => setTimeout(r, 5));
        return running;
      };
      return { w, start };
    }

    it('acknowledges a write only once the standby has stored it', async () => {
      const { w, start } = await world('async');
      const standby = await start();
      for (let serial = 910; serial < 915; serial += 1) {
        await addDepartment(w, serial);
        // No waiting for the standby here: the write's return is the promise that it is there.
        const copy = await standby.database.db.selectFrom('departments').select('slug').where('slug', '=', `dept-${serial}`).executeTakeFirst();
        assert.equal(copy?.slug, `dept-${serial}`);
      }
      const health = await hubHealth(w);
      assert.equal(health.replication.state, 'sync');
      assert.equal(health.replication.standbys[0]?.lagEntries, 0);
    });

    it('falls back to asynchronous with an alert when the standby is gone, and back to synchronous once it caught up', async () => {
      const { w, start } = await world('async');
      const standby = await start();
      await standby.stop();
      const started = Date.now();
      await addDepartment(w, 920);
      assert.ok(Date.now() - started >= 250, 'the write waited for the standby first');
      let health = await hubHealth(w);
      assert.equal(health.replication.state, 'degraded');
      assert.ok(health.replication.degradedSince);
      await addDepartment(w, 921);
      assert.equal((await hubHealth(w)).replication.standbys[0]?.lagEntries, 2);
      const again = await start();
      health = await hubHealth(w);
      assert.equal(health.replication.state, 'sync');
      assert.equal(health.replication.standbys[0]?.connected, true);
      const copy = await again.database.db.selectFrom('departments').select('slug').where('slug', 'in', ['dept-920', 'dept-921']).execute();
      assert.equal(copy.length, 2);
    });

    it('with fallback "wait", holds writes until a standby has them', async () => {
      const { w, start } = await world('wait');
      const standby = await start();
      await standby.stop();
      let done = false;
      const write = addDepartment(w, 930).then(() => { done = true; });
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(done, false, 'no acknowledgement while no standby has the entry');
      assert.equal((await hubHealth(w)).replication.state, 'waiting');
      const again = await start();
      await write;
      const copy = await again.database.db.selectFrom('departments').select('slug').where('slug', '=', 'dept-930').executeTakeFirst();
      assert.equal(copy?.slug, 'dept-930');
      assert.equal((await hubHealth(w)).replication.state, 'sync');
    });
  });
}
