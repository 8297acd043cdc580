import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_PASSWORD } from '../src/hub/demo.ts';
import { journalHead } from '../src/journal/service.ts';
import { demoDepartments } from '../src/registry/demo-data.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow, screenshot } from './support/browser.ts';

/**
 * The console's disaster recovery page in a real browser: an operator opens it from the
 * console's sections on a hub without a standby, then with a standby the hub hears from (caught
 * up, then behind with failed checks), then on a hub that was superseded, in both languages.
 * Every state must pass axe (WCAG 2.2 AA).
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);
const STANDBY = `${demoDepartments.find((d) => d.key === 'data')!.uscc}/standby`;

const needsBrowser = { skip: browserSkip };

describe('disaster recovery page in Chromium', () => {
  const world = browserHubForSuite('recovery');

  it('an operator reviews the disaster recovery center with no standby, one caught up, one behind, and a superseded hub', needsBrowser, async () => {
    await world.withContext({}, async (page) => {
      await page.goto(`${world.base}/signin`);
      await page.getByLabel(zh('signin.username')).fill('ops');
      await page.getByLabel(zh('signin.password'), { exact: true }).fill(DEMO_PASSWORD);
      const signedIn = await follow(page, page.getByRole('button', { name: zh('signin.submit'), exact: true }));
      assert.equal(signedIn.status(), 200);

      const nav = page.getByRole('navigation', { name: zh('console.title') });
      await world.visit(page, '/console');
      await follow(page, nav.getByRole('link', { name: zh('console.recovery'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/console/recovery');
      await page.getByRole('heading', { level: 1, name: zh('console.recovery') }).waitFor();
      await page.getByText(zh('recovery.noStandby')).waitFor();
      await page.getByRole('table', { name: zh('recovery.objectives.caption') }).getByRole('rowheader', { name: zh('recovery.rpo') }).waitFor();
      await expectAccessible(page, '/console/recovery (no standby)');
      await screenshot(page, 'console-recovery-none');

      // A standby the hub hears from: caught up, backed up and drilled.
      const link = world.running.hub.replication;
      const head = (await journalHead(world.running.hub.database.db)).seq;
      const closeFeed = link.feedOpened(STANDBY);
      const now = new Date().toISOString();
      link.acknowledged(STANDBY, head);
      link.reported(STANDBY, {
        state: 'following', position: { seq: head, hash: 'abc', epoch: 1 }, lagEntries: 0, lagMs: 0, lastError: null, backupEvery: 60,
        lastBackup: { file: `backup-${head}-20260301T020000000Z.egovbak`, seq: head, bytes: 2_345_678, createdAt: now, verifiedAt: now, ok: true, problem: null },
        lastDrill: { file: `backup-${head}-20260301T020000000Z.egovbak`, seq: head, ok: true, seconds: 3.25, problem: null, ranAt: now },
        at: now,
      });
      await world.visit(page, '/console/recovery');
      const standby = page.getByRole('region', { name: zh('recovery.standby', { node: STANDBY }) });
      await standby.getByRole('table', { name: zh('recovery.standby.caption', { node: STANDBY }) }).waitFor();
      await standby.getByText(zh('recovery.connected')).waitFor();
      await page.locator('#rto-promotion').getByText('egov promote --data').waitFor();
      await screenshot(page, 'console-recovery-standby');

      // Behind, with a failed backup check and a failed drill.
      link.reported(STANDBY, {
        state: 'stopped', position: { seq: head, hash: 'abc', epoch: 1 }, lagEntries: 0, lagMs: 0, lastError: 'entry 12 does not follow entry 11', backupEvery: 0,
        lastBackup: { file: 'backup-1-20260301T020000000Z.egovbak', seq: 1, bytes: 100, createdAt: now, verifiedAt: now, ok: false, problem: 'the backup is incomplete' },
        lastDrill: { file: 'backup-1-20260301T020000000Z.egovbak', seq: 1, ok: false, seconds: 0.5, problem: 'the restored journal does not verify', ranAt: now },
        at: now,
      });
      closeFeed();
      await world.visit(page, '/console/recovery');
      await standby.getByText(zh('recovery.disconnected')).waitFor();
      await standby.getByText('the backup is incomplete').waitFor();
      await screenshot(page, 'console-recovery-failing');

      world.running.hub.fence.successor = { epoch: 2, exchangeUrl: 'https://standby.example:5500', seq: head, learnedAt: now };
      try {
        await world.visit(page, '/console/recovery');
        await page.getByRole('heading', { level: 2, name: zh('recovery.superseded.heading') }).waitFor();
        await screenshot(page, 'console-recovery-superseded');
        await world.visit(page, '/console/recovery?lang=en');
        await page.getByRole('heading', { level: 1, name: 'Disaster recovery' }).waitFor();
        await page.getByRole('heading', { level: 2, name: 'This hub was superseded' }).waitFor();
      } finally {
        world.running.hub.fence.successor = null;
      }
    });
  });
});
