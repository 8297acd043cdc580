import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { casePolicy, createCase } from '../src/cases/service.ts';
import { registerPerson } from '../src/identity/people.service.ts';
import { loadCalendar } from '../src/platform/calendar.ts';
import { systemActor } from '../src/platform/access.ts';
import { demoDepartments } from '../src/registry/demo-data.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { PERSON_PASSWORD, citizenId, mobile } from '../test/support/people.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow, screenshot } from './support/browser.ts';

/**
 * A citizen on the portal in a real browser: finds the sign-in from the header, registers (first
 * with mistakes), lands in the personal centre, opens an application there, signs out and looks
 * the application up by its number and name. Every page passes axe (WCAG 2.2 AA) where
 * JavaScript runs; the forms also work with JavaScript off.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);

const KNOWN = { name: '孔丽华', idNumber: citizenId(), phone: mobile() };
const SUBJECT = '居民身份证换领';

describe('citizen accounts in Chromium', { skip: browserSkip }, () => {
  let reference = '';
  const world = browserHubForSuite('people', async (database) => {
    const person = await registerPerson(database, { kind: 'citizen', ...KNOWN, password: PERSON_PASSWORD });
    const created = await createCase(database, casePolicy({ calendar: loadCalendar(), referencePrefix: 'DL' }), systemActor('portal'), {
      type: 'application', subject: SUBJECT, applicant: `person:${person.id}`, applicantName: person.name,
      department: demoDepartments.find((d) => d.key === 'psb')!.uscc,
    });
    reference = created.reference;
  });

  async function registration(page: Page, check: boolean): Promise<void> {
    const accessible = (label: string) => (check ? expectAccessible(page, label) : Promise.resolve());
    const id = citizenId();
    await page.goto(`${world.base}/`);
    await follow(page, page.getByRole('banner').getByRole('link', { name: zh('site.signin'), exact: true }));
    assert.equal(new URL(page.url()).pathname, '/account/signin');
    await accessible('/account/signin');
    await follow(page, page.getByRole('link', { name: zh('people.signin.register'), exact: true }));
    assert.equal(new URL(page.url()).pathname, '/account/register');
    await accessible('/account/register');
    await screenshot(page, 'account-register');

    await page.getByLabel(zh('people.field.name'), { exact: true }).fill('方晓东');
    await page.getByLabel(zh('people.field.idNumber'), { exact: true }).fill(`${id.slice(0, 17)}${id[17] === '0' ? '1' : '0'}`);
    await page.getByLabel(zh('people.field.phone'), { exact: true }).fill('138 1234');
    const refused = await follow(page, page.getByRole('button', { name: zh('people.register.submit'), exact: true }));
    assert.equal(refused.status(), 400);
    await accessible('/account/register (errors)');
    await screenshot(page, 'account-register-errors');
    const summary = page.getByRole('alert');
    await summary.getByRole('link', { name: zh('people.error.idNumber.checkDigit') }).waitFor();
    await summary.getByRole('link', { name: zh('people.error.phone.length') }).waitFor();
    await summary.getByRole('link', { name: zh('people.error.password.tooShort') }).waitFor();
    assert.equal(await page.getByLabel(zh('people.field.name'), { exact: true }).inputValue(), '方晓东', 'what was typed is kept');

    await page.getByLabel(zh('people.field.idNumber'), { exact: true }).fill(`${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14).toLowerCase()}`);
    await page.getByLabel(zh('people.field.phone'), { exact: true }).fill(`+86 ${mobile()}`);
    await page.getByLabel(zh('people.field.password'), { exact: true }).fill(PERSON_PASSWORD);
    const done = await follow(page, page.getByRole('button', { name: zh('people.register.submit'), exact: true }));
    assert.equal(done.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/my');
    await accessible('/my');
    await screenshot(page, 'my');
    await page.getByRole('heading', { level: 1, name: zh('my.title') }).waitFor();
    await page.getByText(zh('my.verify.unavailable')).waitFor();
    await page.getByRole('heading', { level: 2, name: zh('my.data') }).waitFor();
    await follow(page, page.getByRole('banner').getByRole('button', { name: zh('site.signout'), exact: true }));
    assert.equal(new URL(page.url()).pathname, '/');
  }

  it('a citizen registers, with mistakes first, and lands in the personal centre', async () => {
    await world.withContext({}, (page) => registration(page, true));
  });

  it('registration works with JavaScript turned off', async () => {
    await world.withContext({ javaScriptEnabled: false }, (page) => registration(page, false));
  });

  it('a citizen signs in, opens an application from the personal centre, signs out and looks it up by number and name', async () => {
    await world.withContext({}, async (page) => {
      await page.goto(`${world.base}/my`);
      assert.equal(new URL(page.url()).pathname, '/account/signin');
      await page.getByText(zh('people.signin.required')).waitFor();
      await page.getByLabel(zh('people.signin.identifier'), { exact: true }).fill(KNOWN.phone);
      await page.getByLabel(zh('people.field.password'), { exact: true }).fill(PERSON_PASSWORD);
      await follow(page, page.getByRole('main').getByRole('button', { name: zh('people.signin.submit'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/my');
      const cases = page.getByRole('table', { name: zh('my.cases.caption') });
      await cases.getByRole('cell', { name: SUBJECT, exact: true }).waitFor();
      await follow(page, cases.getByRole('link', { name: reference, exact: true }));
      assert.equal(new URL(page.url()).pathname, `/my/cases/${reference}`);
      await expectAccessible(page, '/my/cases/:reference');
      await screenshot(page, 'my-case');
      await page.getByRole('table', { name: zh('cases.timeline') }).getByText(zh('cases.event.created')).waitFor();
      await follow(page, page.getByRole('banner').getByRole('button', { name: zh('site.signout'), exact: true }));

      await page.goto(`${world.base}/track`);
      await expectAccessible(page, '/track');
      await page.getByLabel(zh('track.reference'), { exact: true }).fill(reference);
      await page.getByLabel(zh('track.name'), { exact: true }).fill('孔丽');
      const wrong = await follow(page, page.getByRole('button', { name: zh('track.submit'), exact: true }));
      assert.equal(wrong.status(), 404);
      await expectAccessible(page, '/track (not found)');
      await page.getByRole('alert').getByRole('link', { name: zh('track.error.notFound') }).waitFor();
      await page.getByLabel(zh('track.name'), { exact: true }).fill(KNOWN.name);
      const found = await follow(page, page.getByRole('button', { name: zh('track.submit'), exact: true }));
      assert.equal(found.status(), 200);
      await expectAccessible(page, '/track (found)');
      await screenshot(page, 'track');
      await page.getByRole('heading', { level: 1, name: zh('track.result.title', { reference }) }).waitFor();
    });
  });
});
