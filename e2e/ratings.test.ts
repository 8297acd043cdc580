import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { actOnCase, casePolicy, createCase } from '../src/cases/service.ts';
import type { HubDatabase } from '../src/hub/database.ts';
import { type Person, registerPerson } from '../src/identity/people.service.ts';
import { systemActor } from '../src/platform/access.ts';
import { loadCalendar } from '../src/platform/calendar.ts';
import { demoDepartments } from '../src/registry/demo-data.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { PERSON_PASSWORD, citizenId, mobile } from '../test/support/people.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow, screenshot } from './support/browser.ts';

/**
 * 好差评 in a real browser: a citizen signs in, rates an approved application, first forgetting
 * the overall level, then 非常不满意 with a comment, and reads what happens next; a second
 * citizen does the same with JavaScript turned off. The form, its error state, the confirmation,
 * the refusal of an open case and the public figures (both languages) must pass axe.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);
const PSB = demoDepartments.find((d) => d.key === 'psb')!;

interface Citizen { person: Person; closed: string; open: string }

async function citizenWithCases(database: HubDatabase, name: string): Promise<Citizen> {
  const person = await registerPerson(database, { kind: 'citizen', name, idNumber: citizenId(), phone: mobile(), password: PERSON_PASSWORD });
  const policy = casePolicy({ calendar: loadCalendar(), referencePrefix: 'DL' });
  const apply = () => createCase(database, policy, systemActor('portal'), {
    type: 'application', subject: '居民身份证换领', applicant: `person:${person.id}`, applicantName: name, department: PSB.uscc,
  });
  const closed = await apply();
  await actOnCase(database, policy, systemActor('test'), closed.id, { action: 'accept' });
  await actOnCase(database, policy, systemActor('test'), closed.id, { action: 'approve' });
  return { person, closed: closed.reference, open: (await apply()).reference };
}

describe('rating a case in Chromium', { skip: browserSkip }, () => {
  const citizens: Citizen[] = [];
  const world = browserHubForSuite('ratings', async (database) => {
    citizens.push(await citizenWithCases(database, '林晓梅'), await citizenWithCases(database, '周强'));
  });

  async function journey(page: Page, citizen: Citizen, check: boolean): Promise<void> {
    const accessible = (label: string) => (check ? expectAccessible(page, label) : Promise.resolve());
    const ratePath = `/my/cases/${citizen.closed}/rate`;
    // Not signed in: the sign-in page, which comes back to the form.
    await page.goto(`${world.base}${ratePath}`);
    assert.equal(new URL(page.url()).pathname, '/account/signin');
    await page.getByLabel(zh('people.signin.identifier'), { exact: true }).fill(citizen.person.idNumber);
    await page.getByLabel(zh('people.field.password'), { exact: true }).fill(PERSON_PASSWORD);
    await follow(page, page.getByRole('button', { name: zh('people.signin.submit'), exact: true }));
    assert.equal(new URL(page.url()).pathname, ratePath);
    await page.getByRole('heading', { level: 1, name: zh('ratings.rate.title') }).waitFor();
    await accessible('/my/cases/:reference/rate');
    await screenshot(page, 'rate');

    const comment = page.getByLabel(`${zh('ratings.comment.label')}${zh('form.optional')}`, { exact: true });
    await comment.fill('材料要求前后不一致，跑了三次');
    const refused = await follow(page, page.getByRole('button', { name: zh('ratings.submit'), exact: true }));
    assert.equal(refused.status(), 400);
    await page.getByRole('alert').getByRole('link', { name: zh('ratings.error.level') }).waitFor();
    assert.equal(await comment.inputValue(), '材料要求前后不一致，跑了三次', 'the comment is kept');
    await accessible('/my/cases/:reference/rate (errors)');
    await screenshot(page, 'rate-errors');

    await page.getByRole('group', { name: zh('ratings.level.legend') }).getByLabel('非常不满意', { exact: true }).check();
    await page.getByLabel('办事效率', { exact: true }).selectOption('2');
    const done = await follow(page, page.getByRole('button', { name: zh('ratings.submit'), exact: true }));
    assert.equal(done.status(), 200);
    assert.equal(new URL(page.url()).pathname, `/my/cases/${citizen.closed}/rating`);
    await page.getByRole('heading', { level: 1, name: zh('ratings.done.title') }).waitFor();
    const next = await page.locator('#next').innerText();
    assert.match(next, new RegExp(`${PSB.nameZh}整改，整改编号 DL-\\d{4}-\\d{6}`));
    assert.match(await page.locator('#due').innerText(), /部门须在 5 个工作日内（\d{4}-\d\d-\d\d 前）/);
    await accessible('/my/cases/:reference/rating');
    await screenshot(page, 'rating-thanks');

    const open = await visitOrGo(page, `/my/cases/${citizen.open}/rate`, 409, check);
    assert.ok(open);
    await page.getByText(zh('ratings.refused.open', { reference: citizen.open }), { exact: true }).waitFor();
  }

  async function visitOrGo(page: Page, pathname: string, status: number, check: boolean) {
    if (check) return world.visit(page, pathname, status);
    const response = await page.goto(world.base + pathname);
    assert.equal(response?.status(), status);
    return response;
  }

  it('a citizen rates an approved application 非常不满意 and learns the rectification\'s reference and due date', async () => {
    await world.withContext({}, (page) => journey(page, citizens[0]!, true));
  });

  it('the same works with JavaScript disabled', async () => {
    await world.withContext({ javaScriptEnabled: false }, (page) => journey(page, citizens[1]!, false));
  });

  it('the public figures pass axe in both languages and filter by period without JavaScript', async () => {
    await world.withContext({}, async (page) => {
      await world.visit(page, '/ratings');
      const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: PSB.nameZh, exact: true }) });
      await row.getByRole('cell', { name: '2', exact: true }).first().waitFor();
      await screenshot(page, 'ratings');
      await world.visit(page, '/ratings?period=all&lang=en');
    });
    await world.withContext({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${world.base}/services`);
      await follow(page, page.getByRole('link', { name: zh('ratings.stats.link'), exact: true }));
      await page.getByLabel(zh('ratings.stats.period'), { exact: true }).selectOption('year');
      await follow(page, page.getByRole('button', { name: zh('ratings.stats.show'), exact: true }));
      assert.equal(new URL(page.url()).searchParams.get('period'), 'year');
      await page.getByRole('table', { name: zh('ratings.stats.caption', { period: zh('ratings.stats.period.year') }) }).waitFor();
    });
  });
});
