import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ResourceInput } from '../src/catalog/schema.ts';
import { publishResource } from '../src/catalog/service.ts';
import { DEMO_PASSWORD } from '../src/hub/demo.ts';
import { systemActor } from '../src/platform/access.ts';
import { chinaDate } from '../src/platform/calendar.ts';
import { getDepartmentBySlug } from '../src/registry/service.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow, screenshot } from './support/browser.ts';

/**
 * The catalog and sharing workflow in a real browser: a consumer clerk finds a resource by a
 * Chinese word and asks for two conditional items; the provider's reviewer approves one and
 * refuses the other with a reason; the consumer sees the agreement with exactly that one item.
 * Every page visited must pass axe (WCAG 2.2 AA); the request is also sent with JavaScript off.
 * Set EGOV_SCREENSHOTS to a folder to keep screenshots of a few pages.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);

const RESOURCE_NAME = '常住人口户籍信息';
const RESOURCE_CODE = 'PSB-HJ-E2E';
const LEGAL_BASIS = '《中华人民共和国个人信息保护法》第三十四条：国家机关为履行法定职责处理个人信息，不得超出履行法定职责所必需的范围和限度';
const REFUSAL = '户籍地址仅用于户籍地相关事项，社会保险参保核验不需要';

function resourceOf(provider: string): ResourceInput {
  return {
    code: RESOURCE_CODE, provider, nameZh: RESOURCE_NAME, nameEn: 'Registered permanent residents',
    summary: '公安机关户籍管理登记的常住人口户籍信息，用于依法核验身份和户籍地址。', category: 'base', subject: '人口',
    format: 'dataset', delivery: 'incremental', updateCycle: 'daily',
    contact: { name: '叶秀英', phone: '0411-82623360', email: 'hukou@psb.dalian.example.gov.cn' },
    items: [
      { name: 'name', labelZh: '姓名', labelEn: 'Name', dataType: 'string', sensitivity: 'personal', sharingClass: 'unconditional', openClass: 'not_open' },
      {
        name: 'idNumber', labelZh: '公民身份号码', labelEn: 'Citizen ID number', dataType: 'string', sensitivity: 'sensitive_personal',
        sharingClass: 'conditional', sharingCondition: '仅限依法履行职责时按身份号码核验，不得批量留存', legalBasis: LEGAL_BASIS, openClass: 'not_open',
      },
      {
        name: 'address', labelZh: '户籍地址', labelEn: 'Registered address', dataType: 'string', sensitivity: 'personal',
        sharingClass: 'conditional', sharingCondition: '用于办理户籍地相关政务服务', legalBasis: LEGAL_BASIS, openClass: 'not_open',
      },
      {
        name: 'religion', labelZh: '宗教信仰', labelEn: 'Religion', dataType: 'string', sensitivity: 'sensitive_personal',
        sharingClass: 'not_shared', legalBasis: '《中华人民共和国个人信息保护法》第二十八条：宗教信仰属于敏感个人信息', openClass: 'not_open',
      },
    ],
  };
}

/** The same day a year later (28 February for 29 February). */
function aYearAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  if (d.getUTCDate() !== Number(day.slice(8, 10))) d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

describe('catalog and sharing in Chromium', { skip: browserSkip }, () => {
  const world = browserHubForSuite('catalog', async (database) => {
    const actor = systemActor('test');
    const psb = await getDepartmentBySlug(database, 'psb');
    await publishResource(database, actor, resourceOf(psb.code));
  });
  /** The request the provider decides on, filled in by the first test. */
  let requestNumber = '';
  let requestPath = '';

  /** Signs in a staff member without a second factor (clerks and reviewers). */
  async function signIn(page: Page, username: string, check = true): Promise<void> {
    await page.goto(`${world.base}/signin`);
    if (check) await expectAccessible(page, '/signin');
    await page.getByLabel(zh('signin.username')).fill(username);
    await page.getByLabel(zh('signin.password'), { exact: true }).fill(DEMO_PASSWORD);
    const response = await follow(page, page.getByRole('button', { name: zh('signin.submit'), exact: true }));
    assert.equal(response.status(), 200, `${username} signed in`);
    assert.equal(new URL(page.url()).pathname, '/staff');
  }

  const today = chinaDate(new Date());

  /** Fills the request form: everything but the items, which the caller ticks. */
  async function fillRequest(page: Page, system: string): Promise<void> {
    await page.getByLabel(zh('request.system'), { exact: true }).selectOption(system);
    await page.getByLabel(zh('request.purpose'), { exact: true }).fill('核验社会保险参保人员身份，防止冒领养老金');
    await page.getByLabel(zh('request.legalBasis'), { exact: true }).fill('《中华人民共和国社会保险法》第五十八条');
    await page.getByLabel(zh('request.periodFrom'), { exact: true }).fill(today);
    await page.getByLabel(zh('request.periodUntil'), { exact: true }).fill(aYearAfter(today));
  }

  const item = (page: Page, label: string) => page.getByRole('checkbox', { name: label, exact: true });

  it('a consumer clerk finds the resource by a Chinese word and asks for two conditional items', async () => {
    await world.withContext({}, async (page) => {
      await signIn(page, 'hrss-clerk');
      await expectAccessible(page, '/staff');
      await follow(page, page.getByRole('main').getByRole('link', { name: zh('catalog.title'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/staff/catalog');
      await expectAccessible(page, '/staff/catalog');

      await page.getByRole('searchbox', { name: zh('catalog.search.label') }).fill('户籍');
      const results = await follow(page, page.getByRole('button', { name: zh('catalog.search.button'), exact: true }));
      assert.equal(results.status(), 200);
      assert.equal(new URL(page.url()).searchParams.get('q'), '户籍');
      await expectAccessible(page, '/staff/catalog?q=户籍');
      await screenshot(page, 'catalog-search');
      const hit = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: RESOURCE_NAME, exact: true }) });
      await hit.getByText('大连市公安局', { exact: true }).waitFor();
      await hit.getByText(/公民身份号码/).waitFor();

      await follow(page, page.getByRole('link', { name: RESOURCE_NAME, exact: true }));
      assert.equal(new URL(page.url()).pathname, `/staff/catalog/${RESOURCE_CODE}`);
      await expectAccessible(page, '/staff/catalog/:code');
      await page.getByRole('heading', { level: 1, name: RESOURCE_NAME }).waitFor();
      await page.getByRole('cell', { name: 'religion', exact: true }).waitFor();
      assert.ok(await item(page, '宗教信仰 (religion)').isDisabled(), 'a not-shared item cannot be ticked');
      await page.getByText(zh('request.item.notShared', { basis: '《中华人民共和国个人信息保护法》第二十八条：宗教信仰属于敏感个人信息' })).waitFor();

      // First without any item: the error summary, and the form keeps what was typed.
      await fillRequest(page, 'social-insurance');
      const refused = await follow(page, page.getByRole('button', { name: zh('request.continue'), exact: true }));
      assert.equal(refused.status(), 400);
      assert.match(await page.title(), /^错误：/);
      const summary = page.locator('.error-summary');
      await summary.getByRole('heading', { name: zh('error.summary') }).waitFor();
      const toItems = summary.getByRole('link', { name: zh('request.error.items'), exact: true });
      assert.equal(await toItems.getAttribute('href'), '#items');
      assert.equal(await summary.getByRole('link').count(), 1, 'only the missing items are reported');
      assert.equal(await page.getByLabel(zh('request.purpose'), { exact: true }).inputValue(), '核验社会保险参保人员身份，防止冒领养老金');
      assert.equal(await page.getByLabel(zh('request.system'), { exact: true }).inputValue(), 'social-insurance');
      await expectAccessible(page, '/staff/catalog/:code/request (error summary)');
      await screenshot(page, 'catalog-request-error');
      await toItems.click();
      assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id), 'items');

      await item(page, '公民身份号码 (idNumber)').check();
      await item(page, '户籍地址 (address)').check();
      const check = await follow(page, page.getByRole('button', { name: zh('request.continue'), exact: true }));
      assert.equal(check.status(), 200);
      await page.getByRole('heading', { level: 1, name: zh('request.check.title') }).waitFor();
      await expectAccessible(page, '/staff/catalog/:code/request (check answers)');
      await screenshot(page, 'catalog-request-check');
      await page.getByRole('listitem').filter({ hasText: '公民身份号码 (idNumber)' }).waitFor();

      const sent = await follow(page, page.getByRole('button', { name: zh('request.check.send'), exact: true }));
      assert.equal(sent.status(), 200);
      assert.match(new URL(page.url()).pathname, /^\/staff\/sharing\/requests\/[^/]+\/sent$/);
      await expectAccessible(page, 'request sent');
      await screenshot(page, 'catalog-request-sent');
      await page.getByRole('heading', { level: 1, name: zh('request.done.title') }).waitFor();
      requestNumber = (await page.locator('.reference').innerText()).trim();
      assert.match(requestNumber, /^GX\d{14}$/);
      requestPath = new URL(page.url()).pathname.replace(/\/sent$/, '');
      const pending = page.locator('#pending');
      await pending.getByText(/大连市公安局.*审核/).waitFor();
      assert.deepEqual(await pending.getByRole('listitem').allInnerTexts(), ['公民身份号码 (idNumber)', '户籍地址 (address)']);
      assert.equal(await page.locator('#granted').count(), 0, 'nothing is granted at once');
    });
  });

  it('the request form works with JavaScript disabled', async () => {
    await world.withContext({ javaScriptEnabled: false }, async (page) => {
      await signIn(page, 'hrss-clerk', false);
      await page.goto(`${world.base}/staff/catalog?q=${encodeURIComponent('户籍')}`);
      await follow(page, page.getByRole('link', { name: RESOURCE_NAME, exact: true }));
      await fillRequest(page, 'employment');
      const refused = await follow(page, page.getByRole('button', { name: zh('request.continue'), exact: true }));
      assert.equal(refused.status(), 400);
      await page.locator('.error-summary').getByRole('link', { name: zh('request.error.items'), exact: true }).waitFor();

      await item(page, '公民身份号码 (idNumber)').check();
      await item(page, '户籍地址 (address)').check();
      await follow(page, page.getByRole('button', { name: zh('request.continue'), exact: true }));
      await page.getByRole('heading', { level: 1, name: zh('request.check.title') }).waitFor();
      const sent = await follow(page, page.getByRole('button', { name: zh('request.check.send'), exact: true }));
      assert.equal(sent.status(), 200);
      await page.getByRole('heading', { level: 1, name: zh('request.done.title') }).waitFor();
      const number = (await page.locator('.reference').innerText()).trim();
      assert.match(number, /^GX\d{14}$/);
      assert.notEqual(number, requestNumber);

      // Sending the same request again while it waits is refused, with the reason on the form.
      await page.goto(`${world.base}/staff/catalog/${RESOURCE_CODE}`);
      await fillRequest(page, 'employment');
      await item(page, '公民身份号码 (idNumber)').check();
      await follow(page, page.getByRole('button', { name: zh('request.continue'), exact: true }));
      const again = await follow(page, page.getByRole('button', { name: zh('request.check.send'), exact: true }));
      assert.equal(again.status(), 400);
      await page.locator('.error-summary').getByText(new RegExp(number)).waitFor();
    });
  });

  it('the provider reviewer approves one item and refuses the other with a reason', async () => {
    assert.ok(requestNumber, 'the first test sent the request');
    await world.withContext({}, async (page) => {
      await signIn(page, 'psb-reviewer');
      await follow(page, page.getByRole('main').getByRole('link', { name: zh('sharing.incoming.title'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/staff/sharing/incoming');
      await expectAccessible(page, '/staff/sharing/incoming');
      await screenshot(page, 'sharing-incoming');
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: requestNumber, exact: true }) });
      await row.getByText(/还剩 \d+ 个工作日/).waitFor();
      await row.getByText(zh('request.status.pending'), { exact: true }).waitFor();

      await follow(page, row.getByRole('link', { name: requestNumber, exact: true }));
      assert.equal(new URL(page.url()).pathname, requestPath);
      await expectAccessible(page, '/staff/sharing/requests/:id (provider)');
      await page.getByRole('heading', { level: 1, name: zh('sharing.request.title', { number: requestNumber }) }).waitFor();

      const idNumber = page.getByRole('group', { name: zh('decision.item', { item: '公民身份号码 (idNumber)' }) });
      const address = page.getByRole('group', { name: zh('decision.item', { item: '户籍地址 (address)' }) });
      await idNumber.getByLabel(zh('decision.approve'), { exact: true }).check();
      await address.getByLabel(zh('decision.refuse'), { exact: true }).check();

      // A refusal without its reason is sent back.
      const refused = await follow(page, page.getByRole('button', { name: zh('decision.submit'), exact: true }));
      assert.equal(refused.status(), 400);
      const summary = page.locator('.error-summary');
      assert.equal(await summary.getByRole('link', { name: zh('decision.error.reason', { item: '户籍地址' }), exact: true }).getAttribute('href'), '#reason-address');
      assert.ok(await idNumber.getByLabel(zh('decision.approve'), { exact: true }).isChecked(), 'the choices are kept');
      assert.ok(await address.getByLabel(zh('decision.refuse'), { exact: true }).isChecked());
      await expectAccessible(page, '/staff/sharing/requests/:id/decision (error summary)');
      await screenshot(page, 'sharing-decision-error');

      await page.getByLabel(zh('decision.reason', { item: '户籍地址' }), { exact: true }).fill(REFUSAL);
      const decided = await follow(page, page.getByRole('button', { name: zh('decision.submit'), exact: true }));
      assert.equal(decided.status(), 200);
      assert.equal(new URL(page.url()).pathname, requestPath);
      await page.getByRole('status').getByText(zh('decision.saved')).waitFor();
      await expectAccessible(page, '/staff/sharing/requests/:id (decided)');
      await screenshot(page, 'sharing-request-decided');
      const items = page.locator('table.request-items');
      await items.getByRole('row').filter({ hasText: 'idNumber' }).getByText(zh('item.status.approved'), { exact: true }).waitFor();
      await items.getByRole('row').filter({ hasText: 'address' }).getByText(REFUSAL, { exact: true }).waitFor();
      assert.equal(await page.getByRole('group', { name: /idNumber/ }).count(), 0, 'nothing is left to decide');
      assert.deepEqual(await page.locator('#agreement').getByRole('listitem').allInnerTexts(), ['公民身份号码 (idNumber)']);
    });
  });

  it('the consumer sees the agreement with exactly the approved item', async () => {
    assert.ok(requestNumber, 'the first test sent the request');
    await world.withContext({}, async (page) => {
      await signIn(page, 'hrss-clerk', false);
      await follow(page, page.getByRole('main').getByRole('link', { name: zh('sharing.outgoing.title'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/staff/sharing/outgoing');
      await expectAccessible(page, '/staff/sharing/outgoing');
      await screenshot(page, 'sharing-outgoing');
      const agreement = page.locator('table.agreements').getByRole('row').filter({ has: page.getByRole('link', { name: requestNumber, exact: true }) });
      assert.equal(await agreement.count(), 1, 'one agreement for the request');
      assert.deepEqual(await agreement.getByRole('listitem').allInnerTexts(), ['公民身份号码 (idNumber)']);
      await agreement.getByText(zh('agreement.status.active'), { exact: true }).waitFor();
      assert.equal(await page.locator('table.agreements').getByText(RESOURCE_NAME).count(), 1, 'the request still waiting has no agreement');

      await follow(page, agreement.getByRole('link', { name: requestNumber, exact: true }));
      await expectAccessible(page, '/staff/sharing/requests/:id (consumer)');
      await page.getByText(REFUSAL, { exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: zh('decision.submit') }).count(), 0, 'the consumer cannot decide');
      assert.equal(await page.getByRole('button', { name: zh('agreement.revoke') }).count(), 0, 'nor revoke');

      await world.visit(page, '/staff/sharing/outgoing?lang=en');
      await page.getByRole('heading', { level: 1, name: t('en', 'sharing.outgoing.title') }).waitFor();
      await page.getByRole('cell', { name: /Citizen ID number \(idNumber\)/ }).waitFor();
    });
  });

  it('the console counts the catalog and the portal lists open data', async () => {
    await world.withContext({}, async (page) => {
      await world.visit(page, '/');
      await follow(page, page.getByRole('link', { name: zh('home.section.disclosure.openData'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/open-data');
      await expectAccessible(page, '/open-data');
      await screenshot(page, 'open-data');
      assert.equal(await page.getByRole('link', { name: RESOURCE_NAME }).count(), 0, 'a resource with no open item is not on the portal');
      const first = page.locator('ul.results h2 a').first();
      const code = decodeURIComponent((await first.getAttribute('href'))!.split('/').pop()!);
      await follow(page, first);
      await expectAccessible(page, '/open-data/:code');
      await world.visit(page, `/open-data/${RESOURCE_CODE}`, 404);
      assert.ok(code);

      await signIn(page, 'ops', false);
      await world.visit(page, '/console/catalog');
      await page.getByRole('heading', { level: 1, name: zh('console.catalog') }).waitFor();
      await screenshot(page, 'console-catalog');
      const psbRow = page.locator('#resources + table').getByRole('row').filter({ has: page.getByRole('rowheader', { name: '大连市公安局', exact: true }) });
      assert.ok(Number((await psbRow.getByRole('cell').last().innerText()).trim()) >= 4, 'the PSB counts its resources');
      await page.getByRole('navigation', { name: zh('console.title') }).getByRole('link', { name: zh('console.catalog'), exact: true }).waitFor();
    });
  });
});
