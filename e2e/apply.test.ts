import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/hub/demo.ts';
import { registerPerson } from '../src/identity/people.service.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { PERSON_PASSWORD, citizenId, mobile } from '../test/support/people.ts';
import { TEST_ITEM, png, publishTestItem } from '../test/onestop/apply-support.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow, screenshot } from './support/browser.ts';

/**
 * Applying online in a real browser: a citizen starts from the item's guide, is sent to sign in
 * and back, answers one question a page (a mistake first), uploads a material, checks the
 * answers, changes one, sends, and gets the reference number; a clerk of the department then
 * sees the answers and the file on the case. Every page passes axe (WCAG 2.2 AA) where
 * JavaScript runs; the same journey works with JavaScript off.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);

const citizens = [{ name: '郭文静', idNumber: citizenId(), phone: mobile() }, { name: '梁振华', idNumber: citizenId(), phone: mobile() }];

describe('applying online in Chromium', { skip: browserSkip }, () => {
  const world = browserHubForSuite('apply', async (database) => {
    await publishTestItem(database);
    for (const c of citizens) await registerPerson(database, { kind: 'citizen', ...c, password: PERSON_PASSWORD });
  });
  const references: string[] = [];

  async function journey(page: Page, citizen: (typeof citizens)[number], check: boolean): Promise<void> {
    const accessible = (label: string) => (check ? expectAccessible(page, label) : Promise.resolve());
    const next = () => follow(page, page.getByRole('button', { name: zh('apply.continue'), exact: true }));
    const answer = async (label: string, value: string) => {
      await page.getByRole('heading', { level: 1, name: label }).waitFor();
      await page.getByLabel(label, { exact: true }).fill(value);
      return next();
    };

    await page.goto(`${world.base}/services/${TEST_ITEM}`);
    await follow(page, page.getByRole('link', { name: zh('services.start'), exact: true }));
    assert.equal(new URL(page.url()).pathname, '/account/signin');
    await page.getByLabel(zh('people.signin.identifier'), { exact: true }).fill(citizen.phone);
    await page.getByLabel(zh('people.field.password'), { exact: true }).fill(PERSON_PASSWORD);
    await follow(page, page.getByRole('main').getByRole('button', { name: zh('people.signin.submit'), exact: true }));
    assert.equal(new URL(page.url()).pathname, `/services/${TEST_ITEM}/apply`);
    await page.getByRole('heading', { level: 1, name: zh('apply.start.title') }).waitFor();
    await page.getByText(zh('apply.cannot.no_exchange')).waitFor();
    await accessible('apply: start');
    await screenshot(page, 'apply-start');
    await follow(page, page.getByRole('button', { name: zh('apply.start.button'), exact: true }));

    await page.getByRole('heading', { level: 1, name: '申请人姓名' }).waitFor();
    await page.getByText(zh('apply.note.no_exchange')).waitFor();
    await accessible('apply: a question');
    const refused = await next();
    assert.equal(refused.status(), 400);
    assert.match(await page.title(), new RegExp(`^${zh('form.errorPrefix')}`));
    await page.getByRole('alert').getByRole('link', { name: '请填写申请人姓名' }).waitFor();
    await accessible('apply: a question with an error');
    await screenshot(page, 'apply-question-error');
    await answer('申请人姓名', citizen.name);
    await answer('公民身份号码', citizen.idNumber);
    await answer('需要份数', '2');
    await answer('需要日期', '2026年12月1日');
    await page.getByRole('group', { name: '证明用途' }).getByLabel('子女入学').check();
    await accessible('apply: a choice');
    await next();
    await page.getByRole('group', { name: '送达方式（可选）' }).getByLabel('邮寄').check();
    await next();
    await answer('备注（可选）', '');
    await page.getByRole('heading', { level: 1, name: '用途证明' }).waitFor();
    await accessible('apply: an upload');
    await page.getByLabel('用途证明', { exact: true }).setInputFiles({ name: '入学通知.pdf', mimeType: 'application/pdf', buffer: png(4096) });
    await next();
    await page.getByRole('heading', { level: 1, name: '其他材料（可选）' }).waitFor();
    await next();

    await page.getByRole('heading', { level: 1, name: zh('apply.check.title') }).waitFor();
    await accessible('apply: check answers');
    await screenshot(page, 'apply-check');
    await page.getByRole('link', { name: '入学通知.png', exact: true }).waitFor();
    await follow(page, page.getByRole('link', { name: `${zh('apply.check.change')} 需要份数`, exact: true }));
    await answer('需要份数', '3');
    assert.match(new URL(page.url()).pathname, /\/check$/, 'a change comes back to the check page');
    await page.locator('#answer-copies').getByText('3', { exact: true }).waitFor();
    const undeclared = await follow(page, page.getByRole('button', { name: zh('apply.check.send'), exact: true }));
    assert.equal(undeclared.status(), 400);
    await accessible('apply: check answers with an error');
    await page.getByLabel(zh('apply.check.declaration.label')).check();
    await follow(page, page.getByRole('button', { name: zh('apply.check.send'), exact: true }));

    await page.getByRole('heading', { level: 1, name: zh('apply.done.title') }).waitFor();
    await accessible('apply: confirmation');
    await screenshot(page, 'apply-confirmation');
    const reference = (await page.locator('#reference').innerText()).trim();
    assert.match(reference, /^DL-\d{4}-\d{6}$/);
    references.push(reference);
    await follow(page, page.getByRole('link', { name: zh('apply.done.my'), exact: true }));
    assert.equal(new URL(page.url()).pathname, `/my/cases/${reference}`);
  }

  it('a citizen applies, with a mistake first, uploads a material, changes an answer and sends', async () => {
    await world.withContext({}, (page) => journey(page, citizens[0]!, true));
  });

  it('the same application works with JavaScript turned off', async () => {
    await world.withContext({ javaScriptEnabled: false }, (page) => journey(page, citizens[1]!, false));
  });

  it('the clerk sees the answers, masked, and downloads the material', async () => {
    await world.withContext({}, async (page) => {
      await page.goto(`${world.base}/signin`);
      await page.getByLabel(zh('signin.username')).fill('psb-clerk');
      await page.getByLabel(zh('signin.password'), { exact: true }).fill(DEMO_PASSWORD);
      await follow(page, page.getByRole('button', { name: zh('signin.submit'), exact: true }));
      const reference = references[0]!;
      await page.goto(`${world.base}/staff/cases/${reference}`);
      await expectAccessible(page, '/staff/cases/:reference with an application');
      await screenshot(page, 'apply-staff-case');
      const answers = page.getByRole('table', { name: zh('apply.staff.answers') });
      await answers.getByRole('cell', { name: '3', exact: true }).waitFor();
      assert.equal(await answers.getByText(citizens[0]!.idNumber).count(), 0, 'the ID number is masked for a clerk');
      const download = page.waitForEvent('download');
      await page.getByRole('table', { name: zh('apply.staff.files') }).getByRole('link', { name: '入学通知.png', exact: true }).click();
      assert.equal((await download).suggestedFilename(), '入学通知.png');
    });
  });
});
