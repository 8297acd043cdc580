import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page, Response } from 'playwright-core';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, demoAccounts } from '../src/hub/demo.ts';
import { currentTotp } from '../src/identity/totp.ts';
import { demoDepartments } from '../src/registry/demo-data.ts';
import { governmentUscc } from '../src/registry/uscc.ts';
import { t, type Lang, type MessageKey } from '../src/web/i18n.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow, screenshot } from './support/browser.ts';

/**
 * The three faces in a real browser: the public portal, the staff workbench and the operations
 * console, on a hub seeded with the Dalian demo. Every page visited must pass axe (WCAG 2.2 AA).
 * Set EGOV_SCREENSHOTS to a folder to keep screenshots of a few pages.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);
const psb = demoDepartments.find((d) => d.key === 'psb')!;

// Each test carries the skip reason (rather than the suite) so the summary counts them as skipped.
const needsBrowser = { skip: browserSkip };

describe('portal, workbench and console in Chromium', () => {
  const world = browserHubForSuite('staff');

  /** The time step of each administrator's last code: a code is accepted once per 30 s step. */
  const usedSteps = new Map<string, number>();

  async function totpFor(username: string): Promise<string> {
    let step = Math.floor(Date.now() / 30_000);
    if (usedSteps.get(username) === step) {
      await new Promise((resolve) => setTimeout(resolve, (step + 1) * 30_000 - Date.now() + 100));
      step = Math.floor(Date.now() / 30_000);
    }
    usedSteps.set(username, step);
    return currentTotp(DEMO_TOTP_SECRET);
  }

  /** Signs in through the form (and the second factor for administrators); returns the landing page's response. */
  async function signIn(page: Page, username: string, options: { lang?: Lang; returnTo?: string; checkAccessible?: boolean | 'second-factor' } = {}): Promise<Response> {
    const lang = options.lang ?? 'zh-CN';
    const check = options.checkAccessible ?? true;
    const query = options.returnTo ? `?return=${encodeURIComponent(options.returnTo)}` : '';
    await page.goto(`${world.base}/signin${query}`);
    if (check === true) await expectAccessible(page, '/signin');
    await page.getByLabel(t(lang, 'signin.username')).fill(username);
    await page.getByLabel(t(lang, 'signin.password'), { exact: true }).fill(DEMO_PASSWORD);
    let response = await follow(page, page.getByRole('button', { name: t(lang, 'signin.submit'), exact: true }));
    const account = demoAccounts.find((a) => a.username === username);
    if (account?.roles.some((r) => r === 'platform_admin' || r === 'dept_admin')) {
      assert.equal(new URL(page.url()).pathname, '/signin/totp', `${username} is asked for the second factor`);
      assert.equal(response.status(), 200);
      await page.getByRole('heading', { level: 1, name: t(lang, 'signin.totp.title') }).waitFor();
      if (check) await expectAccessible(page, '/signin/totp');
      await page.getByLabel(t(lang, 'signin.totp.code')).fill(await totpFor(username));
      response = await follow(page, page.getByRole('button', { name: t(lang, 'signin.totp.submit'), exact: true }));
    }
    assert.equal(response.status(), 200, `${username} signed in`);
    return response;
  }

  it('portal: the home page in Chinese and English, search and the directory', needsBrowser, async () => {
    await world.withContext({}, async (page) => {
      await world.visit(page, '/');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.match(await page.title(), /大连市/);
      await page.getByRole('heading', { level: 1, name: /大连市/ }).waitFor();
      const search = page.getByRole('searchbox', { name: zh('home.search.label') });
      assert.equal(await search.count(), 1, 'one search box');
      await screenshot(page, 'portal-home-zh');

      await search.fill('公安');
      const results = await follow(page, page.getByRole('button', { name: zh('home.search.button'), exact: true }));
      assert.equal(results.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/search');
      assert.equal(new URL(page.url()).searchParams.get('q'), '公安');
      await expectAccessible(page, '/search?q=公安');
      await page.getByRole('link', { name: '大连市公安局', exact: true }).waitFor();
      assert.equal(await page.getByRole('searchbox').inputValue(), '公安', 'the query stays in the box');

      await world.visit(page, '/departments');
      await page.getByRole('heading', { level: 1, name: zh('departments.title') }).waitFor();
      await page.getByRole('link', { name: '大连市公安局', exact: true }).waitFor();

      // The language switch is a link in the header; the choice is remembered in a cookie.
      await follow(page, page.getByRole('link', { name: 'English', exact: true }));
      assert.equal(new URL(page.url()).pathname, '/departments');
      assert.equal(new URL(page.url()).searchParams.get('lang'), 'en');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await expectAccessible(page, '/departments?lang=en');
      await page.getByRole('heading', { level: 1, name: 'Departments' }).waitFor();
      await page.getByRole('link', { name: psb.nameEn, exact: true }).waitFor();
      await page.getByRole('link', { name: '中文', exact: true }).waitFor();

      await follow(page, page.getByRole('banner').getByRole('link', { name: 'Dalian Government Services', exact: true }));
      assert.equal(page.url(), `${world.base}/`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en', 'English is remembered');
      await expectAccessible(page, '/ (English)');
      await page.getByRole('heading', { level: 1, name: 'Dalian Government Services' }).waitFor();
      await page.getByRole('searchbox', { name: 'Search departments and services' }).waitFor();
      await screenshot(page, 'portal-home-en');
    });
  });

  it('workbench: a clerk signs in, sees their department, is refused the console and signs out', needsBrowser, async () => {
    await world.withContext({}, async (page) => {
      await signIn(page, 'psb-clerk');
      assert.equal(new URL(page.url()).pathname, '/staff');
      await expectAccessible(page, '/staff (clerk)');
      await page.getByRole('heading', { level: 1, name: zh('staff.welcome', { name: '孙丽' }) }).waitFor();
      await page.getByRole('heading', { level: 2, name: `${zh('staff.department')}: 大连市公安局` }).waitFor();
      await page.getByText(zh('site.signedInAs', { name: '孙丽', department: '大连市公安局' })).waitFor();
      await screenshot(page, 'workbench-clerk');

      await world.visit(page, '/console', 403);
      await page.getByRole('heading', { level: 1, name: zh('error.status.403') }).waitFor();
      const refusal = await page.locator('main').innerText();
      assert.doesNotMatch(refusal, new RegExp(zh('console.count.departments')), 'no console content on the refusal page');

      await follow(page, page.getByRole('button', { name: zh('site.signout'), exact: true }));
      assert.equal(page.url(), `${world.base}/`);
      await expectAccessible(page, '/ (signed out)');
      await page.getByRole('link', { name: zh('site.signin'), exact: true }).waitFor();

      const back = await page.goto(`${world.base}/staff`);
      assert.equal(back?.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/signin', 'the workbench asks for sign-in again');
      await page.getByText(zh('signin.required')).waitFor();
      await expectAccessible(page, '/signin?return=/staff');
    });
  });

  it('console: an administrator signs in with a second factor, adds a department and reviews the console', needsBrowser, async () => {
    await world.withContext({}, async (page) => {
      // The sign-in page itself is checked in the clerk's test.
      await signIn(page, 'admin', { returnTo: '/console', checkAccessible: 'second-factor' });
      assert.equal(new URL(page.url()).pathname, '/console');
      await expectAccessible(page, '/console');
      await page.getByRole('heading', { level: 1, name: zh('console.title') }).waitFor();
      const stat = async (key: MessageKey) => (await page.locator('ul.stats > li')
        .filter({ has: page.getByRole('link', { name: zh(key), exact: true }) }).locator('strong').innerText()).trim();
      assert.equal(await stat('console.count.departments'), String(demoDepartments.length));
      assert.equal(await stat('console.count.accounts'), String(demoAccounts.length));
      assert.match(await stat('console.count.journal'), /^[1-9]\d*$/);
      await screenshot(page, 'console-overview');

      const consoleNav = page.getByRole('navigation', { name: zh('console.title') });
      await follow(page, consoleNav.getByRole('link', { name: zh('console.departments'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/console/departments');
      await expectAccessible(page, '/console/departments');

      // A new department: first with a code whose check character is wrong.
      const valid = governmentUscc('210200', 99999);
      const invalid = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
      const main = page.getByRole('main');
      await main.locator('summary', { hasText: zh('form.create') }).click(); // opens the <details>
      await page.getByLabel(zh('departments.code')).fill(invalid);
      await page.getByLabel(zh('departments.name'), { exact: true }).fill('大连市端到端测试局');
      await page.getByLabel(zh('departments.nameEn')).fill('Dalian End-to-End Test Bureau');
      await page.getByLabel(zh('departments.slug')).fill('e2e-test');
      await page.getByLabel(zh('departments.parent')).selectOption({ label: '大连市人民政府办公室' });
      const refused = await follow(page, main.getByRole('button', { name: zh('form.create'), exact: true }));
      assert.equal(refused.status(), 400);
      const summary = page.locator('.error-summary');
      await summary.waitFor();
      assert.equal(await summary.getAttribute('role'), 'alert');
      await summary.getByRole('heading', { name: zh('error.summary') }).waitFor();
      const toCode = summary.getByRole('link');
      assert.equal(await toCode.getAttribute('href'), '#code');
      assert.match(await toCode.innerText(), /check character/);
      const codeField = page.getByLabel(zh('departments.code'));
      assert.equal(await codeField.inputValue(), invalid, 'the form keeps what was typed');
      assert.equal(await codeField.getAttribute('aria-invalid'), 'true', 'the field is marked invalid');
      const describedBy = await codeField.getAttribute('aria-describedby');
      assert.ok(describedBy, 'the field points at its error message');
      assert.match(await page.locator(`#${describedBy}`).innerText(), /check character/);
      assert.equal(await page.getByLabel(zh('departments.name'), { exact: true }).getAttribute('aria-invalid'), null, 'only the wrong field is marked');
      await expectAccessible(page, '/console/departments (error summary)');
      await screenshot(page, 'console-department-error');
      await toCode.click();
      assert.equal(await page.evaluate('document.activeElement?.id'), 'code', 'the summary link moves to the field');

      await codeField.fill(valid);
      const created = await follow(page, main.getByRole('button', { name: zh('form.create'), exact: true }));
      assert.equal(created.status(), 200);
      await page.locator('.notice.ok').getByText(`${zh('form.saved')} 大连市端到端测试局`).waitFor();
      await expectAccessible(page, '/console/departments (created)');
      await main.getByRole('link', { name: '大连市端到端测试局', exact: true }).waitFor();

      // A department's page, the accounts and the journal.
      await follow(page, main.getByRole('link', { name: '大连市公安局', exact: true }));
      assert.equal(new URL(page.url()).pathname, `/console/departments/${psb.uscc}`);
      await expectAccessible(page, `/console/departments/${psb.uscc}`);
      await page.getByRole('heading', { level: 1, name: '大连市公安局' }).waitFor();
      await page.getByRole('cell', { name: psb.systems[0]!.nameZh, exact: true }).waitFor();

      await follow(page, consoleNav.getByRole('link', { name: zh('console.accounts'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/console/accounts');
      await expectAccessible(page, '/console/accounts');
      await page.getByRole('cell', { name: 'psb-clerk', exact: true }).waitFor();

      await follow(page, consoleNav.getByRole('link', { name: zh('console.journal'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/console/journal');
      await expectAccessible(page, '/console/journal');
      const verified = await follow(page, page.getByRole('button', { name: zh('journal.verify'), exact: true }));
      assert.equal(verified.status(), 200);
      const result = page.locator('#verify-result');
      assert.match(await result.innerText(), /^校验通过/);
      assert.match((await result.getAttribute('class')) ?? '', /\bok\b/);
      await expectAccessible(page, '/console/journal (verified)');
    });
  });

  it('forms are plain HTML: an administrator signs in and changes a department with JavaScript disabled', needsBrowser, async () => {
    await world.withContext({ javaScriptEnabled: false }, async (page) => {
      // The same password-then-code sign-in as above, by another administrator (psb-admin, a
      // department administrator) so no one's code is reused within its 30 s step.
      await signIn(page, 'psb-admin', { returnTo: '/console', checkAccessible: false });
      assert.equal(new URL(page.url()).pathname, '/console');
      await page.getByRole('heading', { level: 1, name: zh('console.title') }).waitFor();
      await page.getByText(zh('site.signedInAs', { name: '赵建国', department: '大连市公安局' })).waitFor();

      assert.equal(await page.locator('script').count(), 0, 'the console has no scripts');
      await page.goto(`${world.base}/console/departments/${psb.uscc}`);
      assert.equal(await page.locator('script').count(), 0, 'the department page has no scripts');
      const systems = page.getByRole('group', { name: `${zh('form.add')}: ${zh('departments.systems')}` });
      await systems.getByLabel(zh('departments.slug')).fill('e2e-nojs');
      await systems.getByLabel(zh('departments.name'), { exact: true }).fill('无脚本测试系统');
      await systems.getByLabel(zh('departments.nameEn')).fill('No-script test system');
      const added = await follow(page, systems.getByRole('button', { name: zh('form.add'), exact: true }));
      assert.equal(added.status(), 200);
      assert.equal(new URL(page.url()).pathname, `/console/departments/${psb.uscc}`);
      await page.getByRole('cell', { name: '无脚本测试系统', exact: true }).waitFor();

      await follow(page, page.getByRole('button', { name: zh('site.signout'), exact: true }));
      assert.equal(page.url(), `${world.base}/`);
      await page.getByRole('link', { name: zh('site.signin'), exact: true }).waitFor();
    });
  });
});
