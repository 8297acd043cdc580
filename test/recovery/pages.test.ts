import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { enrol } from '../../src/exchange/gateway/identity.ts';
import { createEnrolmentToken } from '../../src/exchange/service.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/hub/demo.ts';
import { journalHead } from '../../src/journal/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { lastRecords } from '../../src/recovery/backup-schedule.ts';
import { backupFileName, createBackup, drill, verifyBackup } from '../../src/recovery/backup.ts';
import { recoveryPoint, recoveryTime } from '../../src/recovery/overview.ts';
import { beijingTime } from '../../src/recovery/pages/console.tsx';
import type { StandbyLinkStatus } from '../../src/recovery/replication.ts';
import { type RunningStandby, type StandbyReport, startStandby } from '../../src/recovery/standby.ts';
import { type MessageKey, t } from '../../src/web/i18n.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { codeOf, testExchange, type TestExchange } from '../support/exchange.ts';
import { browser, signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';

/**
 * The console's page of the disaster recovery center through the inject browser: on a fresh hub
 * it says there is no standby; with a standby reporting (simulated, then a real one that follows
 * the journal, backs up, drills and countersigns) it shows the copy, the backup and drill and
 * the recovery point and time achieved. Only those who watch the platform see it.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);
const en = (key: MessageKey, params?: Record<string, string | number>) => t('en', key, params);
const STANDBY = `${codeOf('data')}/standby`;
/** A number as the Chinese pages show it. */
const n = (value: number) => new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 }).format(value);

/** The page's text with the HTML escapes undone, for matching what a person reads. */
function text(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The text inside the element with this id (its first closing tag of the same name). */
function element(html: string, id: string): string {
  const match = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>`).exec(html);
  assert.ok(match, `an element #${id}`);
  const end = html.indexOf(`</${match[1]}>`, match.index);
  return text(html.slice(match.index, end));
}

/** The section of one standby. */
function standbySection(html: string, node: string): string {
  const start = html.indexOf(`data-node="${node}"`);
  assert.ok(start >= 0, `a section for ${node}`);
  return text(html.slice(start, html.indexOf('</section>', start)));
}

/** Forms in the page's main content (the header's sign-out form is not the page's). */
function formsInMain(html: string): number {
  const main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  return (main.match(/<form\b/g) ?? []).length;
}

describe('the recovery objectives', () => {
  const link = (node: string, connected: boolean, lagEntries: number, lagMs: number, report: StandbyReport | null = null): StandbyLinkStatus => ({
    node, connected, ackedSeq: 100 - lagEntries, ackedAt: '2026-03-01T00:00:00Z', lagEntries, lagMs, report,
  });
  const drilled = (ranAt: string, ok: boolean, seconds: number): StandbyReport => ({
    state: 'following', position: { seq: 100, hash: 'h', epoch: 1 }, lagEntries: 0, lagMs: 0, lastError: null, backupEvery: 60,
    lastBackup: null, lastDrill: { file: 'b.egovbak', seq: 90, ok, seconds, problem: ok ? null : 'differs', ranAt }, at: ranAt,
  });

  it('is unknown without a standby, zero when synchronous with one connected, else the best standby\'s lag', () => {
    assert.deepEqual(recoveryPoint('async', []), { kind: 'unknown' });
    assert.deepEqual(recoveryPoint('no-standby', []), { kind: 'unknown' });
    assert.deepEqual(recoveryPoint('sync', [link('a', false, 5, 900), link('b', true, 1, 20)]), { kind: 'zero', node: 'b' });
    assert.deepEqual(recoveryPoint('sync', [link('a', false, 5, 900)]), { kind: 'lag', node: 'a', entries: 5, ms: 900 }, 'none connected: the loss is its lag');
    assert.deepEqual(recoveryPoint('degraded', [link('a', true, 7, 1500), link('b', true, 2, 300)]), { kind: 'lag', node: 'b', entries: 2, ms: 300 });
    assert.deepEqual(recoveryPoint('async', [link('a', true, 0, 0)]), { kind: 'lag', node: 'a', entries: 0, ms: 0 });
  });

  it('takes the newest drill\'s restore time, and promotion in place only from a connected standby that is caught up', () => {
    const time = recoveryTime([
      link('a', true, 3, 50, drilled('2026-03-01T02:00:00Z', true, 12.5)),
      link('b', false, 0, 0, drilled('2026-03-01T01:00:00Z', true, 4)),
    ]);
    assert.deepEqual(time.drill, { node: 'a', file: 'b.egovbak', ok: true, seconds: 12.5, problem: null, ranAt: '2026-03-01T02:00:00Z' });
    assert.equal(time.promotion, null, 'a is behind and b is not connected');
    assert.deepEqual(recoveryTime([link('a', true, 0, 0)]), { drill: null, promotion: { node: 'a' } });
    const stopped = { ...drilled('2026-03-01T02:00:00Z', false, 3), state: 'stopped' as const };
    assert.deepEqual(recoveryTime([link('a', true, 0, 0, stopped)]).promotion, null, 'a stopped standby does not take over');
  });
});

for (const target of databaseTargets) {
  describe(`${target.kind}: the disaster recovery page on the console`, { skip: target.skip }, () => {
    let hub: TestHub;
    let ops: Browser;
    let auditor: Browser;
    let psbAdmin: Browser;
    let psbClerk: Browser;

    before(async () => {
      hub = await testHub(target.kind);
      ops = await signedIn(hub.app, 'ops', DEMO_PASSWORD);
      auditor = await signedIn(hub.app, 'auditor', DEMO_PASSWORD);
      psbAdmin = await signedIn(hub.app, 'psb-admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      psbClerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
    });
    after(() => hub?.close());

    it('refuses a clerk and a department administrator, and sends a stranger to sign in', async () => {
      assert.equal((await psbClerk.request('GET', '/console/recovery')).statusCode, 403);
      const admin = await psbAdmin.request('GET', '/console/recovery');
      assert.equal(admin.statusCode, 403, 'a department administrator opens the console but not this page');
      assert.doesNotMatch(admin.body, /id="objectives"/);
      assert.doesNotMatch((await psbAdmin.request('GET', '/console')).body, /href="\/console\/recovery"/, 'nor sees it in the console\'s sections');
      const stranger = await browser(hub.app).request('GET', '/console/recovery');
      assert.equal(stranger.statusCode, 303);
      assert.match(stranger.headers.location as string, /^\/signin\?return=%2Fconsole%2Frecovery/);
    });

    it('shows an operator a fresh hub with no standby: asynchronous, the journal head, the objectives unknown', async () => {
      assert.match((await ops.request('GET', '/console')).body, /<a href="\/console\/recovery">灾备中心<\/a>/);
      const response = await ops.request('GET', '/console/recovery');
      assert.equal(response.statusCode, 200, response.body.slice(0, 500));
      assert.equal(response.headers['cache-control'], 'no-store');
      const html = response.body;
      assert.match(html, /<title>灾备中心/);
      assert.match(html, /<h1>灾备中心<\/h1>/);
      assert.match(html, /<a href="\/console\/recovery" aria-current="page">/);
      assert.ok(element(html, 'no-standby').includes(zh('recovery.noStandby')));
      assert.ok(element(html, 'rpo').includes('未知：没有备用节点。'));
      assert.ok(element(html, 'rto').includes(zh('recovery.rto.unknown')));
      assert.ok(element(html, 'replication-state').includes(zh('recovery.state.async')));
      const head = await journalHead(hub.test.database.db);
      assert.ok(element(html, 'journal-head').includes(zh('recovery.head.value', { seq: n(head.seq), epoch: head.epoch })));
      assert.ok(element(html, 'journal-head').includes(head.hash.slice(0, 16)));
      assert.ok(element(html, 'promotion').includes(zh('recovery.promotion.none')));
      assert.ok(element(html, 'last-witness').includes(zh('recovery.witness.none')));
      assert.doesNotMatch(html, /id="superseded"/);
      assert.equal(formsInMain(html), 0, 'read-only: no form');
      assert.doesNotMatch(html, /PRIVATE KEY/);
      assert.equal((await auditor.request('GET', '/console/recovery')).statusCode, 200, 'an auditor sees it too');
    });

    it('renders in English', async () => {
      const response = await ops.request('GET', '/console/recovery?lang=en');
      assert.equal(response.statusCode, 200);
      const html = response.body;
      assert.match(html, /<html lang="en"/);
      assert.match(html, /<h1>Disaster recovery<\/h1>/);
      assert.ok(element(html, 'no-standby').includes('No standby enrolled'));
      assert.ok(element(html, 'rpo').includes('Unknown: no standby.'));
      assert.ok(element(html, 'replication-state').includes(en('recovery.state.async')));
      await ops.request('GET', '/console/recovery?lang=zh-CN');
    });

    it('shows a standby the hub heard from: its stored entry, lag, failed backup check and drill, and the recovery point', async () => {
      const head = (await journalHead(hub.test.database.db)).seq;
      const link = hub.hub.replication;
      const closeFeed = link.feedOpened(STANDBY);
      try {
        link.acknowledged(STANDBY, head - 3);
        link.reported(STANDBY, {
          state: 'following', position: { seq: head - 3, hash: 'abc', epoch: 1 }, lagEntries: 3, lagMs: 1250, lastError: 'the hub did not answer within 5 s', backupEvery: 30,
          lastBackup: { file: 'backup-40-20260301T020000000Z.egovbak', seq: 40, bytes: 123_456, createdAt: '2026-03-01T02:00:00.000Z', verifiedAt: '2026-03-01T02:00:05.000Z', ok: false, problem: 'the backup is incomplete' },
          lastDrill: { file: 'backup-40-20260301T020000000Z.egovbak', seq: 40, ok: false, seconds: 2.5, problem: 'the restored table departments differs', ranAt: '2026-03-01T03:00:00.000Z' },
          at: '2026-03-01T03:00:10.000Z',
        });
        const html = (await ops.request('GET', '/console/recovery')).body;
        assert.doesNotMatch(html, /id="no-standby"/);
        const section = standbySection(html, STANDBY);
        assert.ok(section.includes(zh('recovery.standby', { node: STANDBY })));
        assert.ok(section.includes(zh('recovery.connected')));
        assert.match(section, new RegExp(`第 ${n(head - 3)} 条，确认于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d`));
        assert.ok(section.includes('3 条，'), 'the lag in entries');
        assert.ok(section.includes(zh('recovery.report.state.following', { seq: n(head - 3), epoch: 1 })));
        assert.ok(section.includes('the hub did not answer within 5 s'));
        assert.ok(section.includes(zh('recovery.backups.every', { minutes: 30 })));
        assert.ok(section.includes('backup-40-20260301T020000000Z.egovbak'));
        assert.ok(section.includes(zh('recovery.backup.value', { seq: 40, bytes: '123,456', at: '2026-03-01 10:00:00' })), 'entry, size and time in Beijing');
        assert.ok(section.includes(zh('recovery.backup.bad', { at: '2026-03-01 10:00:05' })));
        assert.ok(section.includes('the backup is incomplete'));
        assert.ok(section.includes(zh('recovery.drill.bad', { seconds: '2.5', at: '2026-03-01 11:00:00' })));
        assert.ok(section.includes('the restored table departments differs'));
        assert.ok(section.includes(zh('recovery.witness.none')));
        const rpo = element(html, 'rpo');
        assert.match(rpo, new RegExp(`^.*3 条，[\\d,]+ 毫秒：进度最快的备用节点 ${STANDBY} 尚未保存的部分。`, 's'));
        assert.ok(rpo.includes(zh('recovery.rpo.notGuaranteed')));
        assert.ok(element(html, 'rto-restore').includes(zh('recovery.rto.restoreFailed', { node: STANDBY, at: '2026-03-01 11:00:00' })));
        assert.ok(element(html, 'rto-promotion').includes(zh('recovery.rto.noPromotion')), 'three entries behind: no promotion in place');
        assert.equal(formsInMain(html), 0);

        const english = (await ops.request('GET', '/console/recovery?lang=en')).body;
        assert.ok(standbySection(english, STANDBY).includes('Verification failed at 2026-03-01 10:00:05:'));
        assert.ok(element(english, 'rpo').includes(`3 entries,`));
        await ops.request('GET', '/console/recovery?lang=zh-CN');
      } finally {
        closeFeed();
      }
      const gone = standbySection((await ops.request('GET', '/console/recovery')).body, STANDBY);
      assert.ok(gone.includes(zh('recovery.disconnected')), 'a closed feed shows as not connected, in words');
    });

    it('warns that the hub was superseded once a promoted standby is known', async () => {
      hub.hub.fence.successor = { epoch: 2, exchangeUrl: 'https://standby.example:5500', seq: 77, learnedAt: '2026-03-01T04:00:00.000Z' };
      try {
        const html = (await ops.request('GET', '/console/recovery')).body;
        const warning = element(html, 'superseded');
        assert.ok(warning.includes(zh('recovery.superseded.heading')));
        assert.ok(warning.includes(zh('recovery.superseded', { epoch: 2, url: 'https://standby.example:5500', at: '2026-03-01 12:00:00', seq: 77 })));
      } finally {
        hub.hub.fence.successor = null;
      }
    });
  });
}

// A real standby of the same database kind: it follows the journal synchronously, backs up on its
// timer, drills, countersigns the head and reports, and the page shows it all.
for (const target of databaseTargets) {
  describe(`${target.kind}: the disaster recovery page with a real standby`, { skip: target.skip }, () => {
    let world: TestExchange;
    let store: TestDatabase;
    let dataDir: string;
    let standby: RunningStandby | null = null;

    after(async () => {
      await standby?.stop().catch(() => {});
      await world?.close();
      await store?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('shows the standby\'s stored entry, witness, verified backup, passed drill and the objectives', async () => {
      world = await testExchange(target.kind, { replication: 'sync', syncTimeout: '10000', syncFallback: 'async' });
      store = await freshDatabase(target.kind, { migrate: false });
      dataDir = mkdtempSync(path.join(tmpdir(), 'egov-standby-page-'));
      const hub = world.hub.hub;
      const { token } = await createEnrolmentToken(hub.database, systemActor('test'), hub.exchange, { department: codeOf('data'), code: 'standby', role: 'standby' });
      await enrol({ dataDir, hubUrl: world.hub.url, token, address: 'https://127.0.0.1:1' });
      const key = randomBytes(32);
      const log = new PassThrough();
      const messages: string[] = [];
      createInterface({ input: log }).on('line', (line) => { messages.push((JSON.parse(line) as { msg: string }).msg); });
      standby = await startStandby({
        dataDir, databaseUrl: store.url, sqliteSync: 'normal', host: '127.0.0.1', port: 0, logLevel: 'info', logStream: log, witnessSeconds: 3600,
        backups: { key, everyMinutes: 60, keep: 2 },
      });
      // The operator signs in first: signing in writes, and the page is looked at once all is copied.
      const ops = await signedIn(world.hub.app, 'ops', DEMO_PASSWORD);
      const head = await journalHead(hub.database.db);
      await standby.reached(head.seq, 10_000);
      for (let i = 0; i < 400 && !hub.replication.status().standbys.some((s) => s.ackedSeq >= head.seq); i += 1) await new Promise((r) => setTimeout(r, 25));
      // The timer tries its first backup at start, before the copy caught up (it finds nothing, or
      // a part); once that try is over, one of the whole copy, written and checked as the timer
      // does, and a drill with it.
      const firstTry = /^(nothing to back up yet|backup written and verified|BACKUP FAILED)/;
      for (let i = 0; i < 600 && !messages.some((m) => firstTry.test(m)); i += 1) await new Promise((r) => setTimeout(r, 50));
      assert.ok(messages.some((m) => firstTry.test(m)), `the timer's first backup is over; the standby logged: ${messages.join(' | ')}`);
      const dir = path.join(dataDir, 'backups');
      const written = await createBackup(standby.database, { dataDir, key, record: standby.database, file: (position) => path.join(dir, backupFileName(position)) });
      assert.equal(written.position.seq, head.seq);
      assert.ok((await verifyBackup(written.file, key, { record: standby.database })).ok);
      const drilled = await drill({ liveDatabase: standby.database, backupFile: written.file, key, scratchDir: path.join(dataDir, 'scratch'), record: standby.database });
      assert.ok(drilled.ok, drilled.problems.join('; '));
      await standby.witness();
      const records = await lastRecords(standby.database);
      assert.equal(records.lastBackup?.seq, head.seq);
      const signature = (await hub.database.db.selectFrom('journal_witness').select('signature').where('node', '=', STANDBY).where('seq', '=', head.seq).executeTakeFirstOrThrow()).signature;

      const response = await ops.request('GET', '/console/recovery');
      assert.equal(response.statusCode, 200, response.body.slice(0, 500));
      const html = response.body;
      assert.ok(element(html, 'replication-state').includes(zh('recovery.state.sync')));
      const section = standbySection(html, STANDBY);
      assert.ok(section.includes(zh('recovery.connected')));
      assert.match(section, new RegExp(`第 ${n(head.seq)} 条，确认于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d`), 'the entry it stored');
      assert.ok(section.includes(zh('recovery.lag.value', { entries: 0, ms: 0 })));
      assert.ok(section.includes(zh('recovery.report.state.following', { seq: n(head.seq), epoch: head.epoch })));
      assert.ok(section.includes(signature.slice(0, 16)), 'the start of its witness signature');
      assert.ok(!section.includes(signature), 'shortened');
      assert.ok(section.includes(zh('recovery.backups.every', { minutes: 60 })));
      const backup = records.lastBackup!;
      assert.ok(section.includes(backup.file));
      assert.ok(section.includes(zh('recovery.backup.value', { seq: n(backup.seq), bytes: n(backup.bytes), at: beijingTime(backup.createdAt) })));
      assert.ok(section.includes(zh('recovery.backup.ok', { at: beijingTime(backup.verifiedAt!) })));
      const lastDrill = records.lastDrill!;
      assert.ok(section.includes(zh('recovery.drill.ok', { seconds: n(lastDrill.seconds), at: beijingTime(lastDrill.ranAt) })));
      assert.ok(element(html, 'last-witness').includes(zh('recovery.witness.value', { seq: n(head.seq), node: STANDBY, at: beijingTime((await hub.database.db.selectFrom('journal_witness').select('received_at').where('signature', '=', signature).executeTakeFirstOrThrow()).received_at) })));

      assert.ok(element(html, 'rpo').includes(zh('recovery.rpo.zero', { node: STANDBY })), 'synchronous with a connected standby: nothing acknowledged is lost');
      assert.ok(element(html, 'rto-restore').includes(zh('recovery.rto.restore', { seconds: n(lastDrill.seconds), node: STANDBY, at: beijingTime(lastDrill.ranAt), file: lastDrill.file })));
      const promotion = element(html, 'rto-promotion');
      assert.ok(promotion.includes(zh('recovery.rto.promotion', { node: STANDBY })));
      assert.ok(promotion.includes('egov promote --data <备用节点数据目录>'));
      assert.equal(formsInMain(html), 0);
      assert.doesNotMatch(html, /PRIVATE KEY|BEGIN /, 'no key material');

      const english = (await ops.request('GET', '/console/recovery?lang=en')).body;
      assert.ok(element(english, 'rpo').includes(en('recovery.rpo.zero', { node: STANDBY })));
      assert.ok(element(english, 'rto-promotion').includes('egov promote --data <standby data folder>'));
      assert.ok(standbySection(english, STANDBY).includes(en('recovery.backup.ok', { at: beijingTime(backup.verifiedAt!) })));
    });
  });
}
