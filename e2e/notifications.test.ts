import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { actOnCase, casePolicy, createCase } from '../src/cases/service.ts';
import { DEMO_PASSWORD } from '../src/hub/demo.ts';
import { type Person, registerPerson, startPersonSession } from '../src/identity/people.service.ts';
import { PERSON_COOKIE } from '../src/identity/person-auth.ts';
import { systemActor } from '../src/platform/access.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { PERSON_PASSWORD, citizenId, mobile } from '../test/support/people.ts';
import { PSB } from '../test/cases/setup.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow } from './support/browser.ts';

/**
 * The message centre in Chromium: a citizen whose application was received, accepted and sent
 * back for materials reads the three messages, newest first, and marks one read; the clerk's
 * case page lists what went out. Every page passes axe.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);

describe('the message centre in Chromium', { skip: browserSkip }, () => {
  const world = browserHubForSuite('notifications');
  let person: Person;
  let reference = '';

  // The messages are sent by the running hub's notifier, so the case is made once the hub is up, not in prepare.
  before(async () => {
    const hub = world.running.hub;
    person = await registerPerson(hub.database, { kind: 'citizen', name: '林晓梅', idNumber: citizenId(), phone: mobile(), email: 'lin.xiaomei@example.cn', password: PERSON_PASSWORD });
    const policy = casePolicy({ calendar: hub.calendar, referencePrefix: 'DL' });
    const c = await createCase(hub.database, policy, systemActor('portal'), { type: 'application', subject: '户口迁移', applicant: `person:${person.id}`, applicantName: person.name, department: PSB });
    await actOnCase(hub.database, policy, systemActor('test'), c.id, { action: 'accept' });
    await actOnCase(hub.database, policy, systemActor('test'), c.id, { action: 'request_supplement', note: '户口簿原件' });
    await hub.notifier.runOnce();
    reference = c.reference;
  });

  async function signInAsPerson(page: Page): Promise<void> {
    const hub = world.running.hub;
    const session = await startPersonSession(hub.database, { maxFailedSignIns: 5, lockoutMinutes: 15, sessionHours: 1 }, person.id);
    await page.context().addCookies([{ name: PERSON_COOKIE, value: session.token, url: world.base }]);
  }

  it('lists the messages newest first with the reference, and marks one read', async () => {
    await world.withContext({}, async (page) => {
      await signInAsPerson(page);
      await world.visit(page, '/my/messages');
      await page.getByRole('heading', { level: 1, name: zh('notifications.title') }).waitFor();
      const items = page.locator('#messages li.message');
      assert.equal(await items.count(), 3);
      assert.match(await items.nth(0).innerText(), /请补正材料/);
      assert.match(await items.nth(0).innerText(), /户口簿原件/);
      assert.match(await items.nth(2).innerText(), /已收到您的申请/);
      assert.equal(await page.getByRole('link', { name: '请补正材料' }).getAttribute('href'), `/my/cases/${reference}`);
      await page.getByText(zh('notifications.unreadCount', { count: 3 })).waitFor();

      await follow(page, page.getByRole('button', { name: zh('notifications.markReadOf', { title: '请补正材料' }) }));
      assert.equal(new URL(page.url()).pathname, '/my/messages');
      await page.getByRole('status').filter({ hasText: zh('notifications.done.read') }).waitFor();
      await page.getByText(zh('notifications.unreadCount', { count: 2 })).waitFor();
      assert.equal(await page.locator('#messages li.message.unread').count(), 2);
      await expectAccessible(page, '/my/messages after marking one read');
    });
  });

  it('shows the clerk the deliveries on the case page', async () => {
    await world.withContext({}, async (page) => {
      await page.goto(`${world.base}/signin`);
      await page.getByLabel(zh('signin.username')).fill('psb-clerk');
      await page.getByLabel(zh('signin.password'), { exact: true }).fill(DEMO_PASSWORD);
      await follow(page, page.getByRole('button', { name: zh('signin.submit'), exact: true }));
      await world.visit(page, `/staff/cases/${reference}`);
      const section = page.locator('#notifications');
      await section.getByRole('heading', { level: 2, name: zh('notifications.deliveries') }).waitFor();
      assert.equal(await section.locator('tbody tr').count(), 6, 'three messages, each by text and e-mail');
      assert.equal(await section.locator('tr[data-status="not-configured"]').count(), 6, 'this hub has neither channel set up');
    });
  });
});
