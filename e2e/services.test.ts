import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { withdrawServiceItem } from '../src/onestop/service.ts';
import { systemActor } from '../src/platform/access.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow, screenshot } from './support/browser.ts';

/**
 * The portal's service guide in a real browser: a citizen searches 开饭店 (a keyword of the food
 * business licence), opens the item, sees what to bring and the start button, and opens the
 * "opening a restaurant" life event; the same with JavaScript turned off. Every page visited
 * must pass axe (WCAG 2.2 AA) where JavaScript runs.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);

const WORD = '开饭店';
const ITEM = 'XK00103001000';
const ITEM_NAME = '食品经营许可（新办）';
const EVENT_NAME = '开办餐饮店';
const WITHDRAWN = 'XK01501001000';

describe('the service guide in Chromium', { skip: browserSkip }, () => {
  const world = browserHubForSuite('services', async (database) => {
    await withdrawServiceItem(database, systemActor('test'), WITHDRAWN, '职责调整，改由区级部门受理');
  });

  /** The journey; axe runs on every page when JavaScript is on (axe itself is a script). */
  async function journey(page: Page, check: boolean): Promise<void> {
    const accessible = (label: string) => (check ? expectAccessible(page, label) : Promise.resolve());
    await page.goto(`${world.base}/`);
    await accessible('/');
    await follow(page, page.getByRole('main').getByRole('link', { name: zh('home.section.services'), exact: true }));
    assert.equal(new URL(page.url()).pathname, '/services');
    await accessible('/services');
    await page.getByRole('heading', { level: 2, name: zh('services.browse.lifeEvents') }).waitFor();
    await screenshot(page, 'services');

    await page.getByRole('searchbox', { name: zh('services.search.label') }).fill(WORD);
    const results = await follow(page, page.getByRole('button', { name: zh('services.search.button'), exact: true }));
    assert.equal(results.status(), 200);
    assert.equal(new URL(page.url()).searchParams.get('q'), WORD);
    await accessible('/services?q=开饭店');
    await screenshot(page, 'services-results');
    const first = page.locator('ul.results h3 a').first();
    assert.equal(await first.innerText(), ITEM_NAME, 'the food business licence comes first');

    await follow(page, first);
    assert.equal(new URL(page.url()).pathname, `/services/${ITEM}`);
    await accessible('/services/:code');
    await screenshot(page, 'service-start');
    await page.getByRole('heading', { level: 1, name: ITEM_NAME }).waitFor();
    const start = page.getByRole('link', { name: zh('services.start'), exact: true });
    assert.equal(await start.getAttribute('href'), `/services/${ITEM}/apply`);
    const licence = page.getByRole('table', { name: zh('services.materials.caption') }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: '营业执照', exact: true }) });
    await licence.getByText(zh('services.material.noNeed'), { exact: true }).waitFor();
    await page.getByRole('table', { name: zh('services.time.caption') }).getByRole('cell', { name: '10 个工作日', exact: true }).waitFor();

    await follow(page, page.getByRole('main').getByRole('link', { name: EVENT_NAME, exact: true }));
    assert.equal(new URL(page.url()).pathname, '/life-events/open-restaurant');
    await accessible('/life-events/:code');
    await screenshot(page, 'life-event');
    await page.getByRole('heading', { level: 1, name: EVENT_NAME }).waitFor();
    await page.getByRole('heading', { level: 3, name: '大连市市场监督管理局' }).waitFor();
    await follow(page, page.getByRole('link', { name: ITEM_NAME, exact: true }));
    assert.equal(new URL(page.url()).pathname, `/services/${ITEM}`);
  }

  it('a citizen finds the food licence by 开饭店, sees the start button, and opens the restaurant life event', async () => {
    await world.withContext({}, (page) => journey(page, true));
  });

  it('the same journey works with JavaScript disabled', async () => {
    await world.withContext({ javaScriptEnabled: false }, async (page) => {
      await journey(page, false);
      // A filter chosen in the form, sent with the button: no script needed.
      await page.goto(`${world.base}/services`);
      await page.getByLabel(zh('services.filter.lifeEvent'), { exact: true }).selectOption('newborn');
      await follow(page, page.getByRole('button', { name: zh('services.filter.apply'), exact: true }));
      assert.equal(new URL(page.url()).searchParams.get('lifeEvent'), 'newborn');
      assert.equal(await page.locator('ul.results h3 a').count(), 4);
    });
  });

  it('a withdrawn item, an unknown code and the English pages pass axe too', async () => {
    await world.withContext({}, async (page) => {
      await world.visit(page, `/services/${WITHDRAWN}`);
      await page.getByRole('note').getByRole('heading', { name: zh('services.withdrawn.title') }).waitFor();
      assert.equal(await page.getByRole('link', { name: zh('services.start') }).count(), 0);
      await world.visit(page, '/services/not-a-code', 404);
      await world.visit(page, '/services/GG00202001000');
      await world.visit(page, `/services?q=${encodeURIComponent('营业执照')}&lang=en`);
      await world.visit(page, `/services/${ITEM}?lang=en`);
      await page.getByRole('link', { name: t('en', 'services.start'), exact: true }).waitFor();
      await world.visit(page, '/life-events/newborn?lang=en');
    });
  });
});
