import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoLifeEvents, demoServiceItems } from '../../src/onestop/demo-data.ts';
import { withdrawServiceItem } from '../../src/onestop/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { t, type MessageKey } from '../../src/web/i18n.ts';
import { databaseTargets } from '../support/databases.ts';
import { browser, testHub, type Browser, type TestHub } from '../support/hub.ts';

/** The portal's service guide pages: search and browse, an item's start page, a life event, in both languages. */

const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);
const en = (key: MessageKey, params?: Record<string, string | number>) => t('en', key, params);
const AMR = demoDepartments.find((d) => d.key === 'amr')!.uscc;

const FOOD_LICENCE = 'XK00103001000';
const ID_CARD = 'GG00202001000';
const WITHDRAWN = 'XK01501001000';
const WITHDRAW_REASON = '依据文化和旅游部门职责调整，改由区级文化市场综合执法部门受理';
/** The items whose name or keywords carry 营业执照. */
const LICENCE_ITEMS = ['XK00101001000', 'XK00101002000', 'XK00101004000', 'XK00101005000', 'QT00102001000'];

/** Text the page escaped, as it appears in the HTML. */
const html = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Item codes of the result list, in order. */
const resultCodes = (body: string) => [...body.matchAll(/<h3><a href="\/services\/([A-Z0-9]+)"/g)].map((m) => m[1]);

/** One h1, and no heading level skipped on the way down. */
function assertHeadings(body: string, label: string): void {
  const levels = [...body.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
  assert.equal(levels.filter((l) => l === 1).length, 1, `${label}: one h1`);
  assert.equal(levels[0], 1, `${label}: the h1 comes first`);
  levels.forEach((level, i) => {
    if (i > 0) assert.ok(level <= levels[i - 1]! + 1, `${label}: h${levels[i - 1]} is followed by h${level}`);
  });
}

for (const target of databaseTargets) {
  describe(`${target.kind}: the portal's service guide pages`, { skip: target.skip }, () => {
    let hub: TestHub;
    let b: Browser;

    before(async () => {
      hub = await testHub(target.kind);
      b = browser(hub.app);
      await withdrawServiceItem(hub.test.database, systemActor('test'), WITHDRAWN, WITHDRAW_REASON);
    });
    after(() => hub?.close());

    async function page(url: string, status = 200): Promise<string> {
      const response = await b.request('GET', url);
      assert.equal(response.statusCode, status, `${url}: ${response.body.slice(0, 500)}`);
      assert.match(String(response.headers['content-type']), /^text\/html/);
      return response.body;
    }

    it('links the guide from the home page and browses life events, then topics, then departments, with counts', async () => {
      assert.match(await page('/'), /<a href="\/services">办事服务<\/a>/);
      const body = await page('/services');
      assertHeadings(body, '/services');
      assert.match(body, new RegExp(`<label for="q">${zh('services.search.label')}</label>`));
      assert.match(body, /<input type="search" id="q" name="q"/);
      const [events, topicsAt, departments] = ['services.browse.lifeEvents', 'services.browse.topics', 'services.browse.departments']
        .map((key) => body.indexOf(`<h2>${zh(key as MessageKey)}</h2>`));
      assert.ok(events! > 0 && events! < topicsAt! && topicsAt! < departments!, 'life events, topics, departments in that order');
      for (const event of demoLifeEvents) {
        assert.match(body, new RegExp(`<a href="/life-events/${event.code}">${event.nameZh}</a>`));
      }
      assert.match(body, new RegExp(`<h3><a href="/life-events/open-restaurant">开办餐饮店</a></h3><p>法人 · ${zh('services.count', { count: 5 })}</p>`));
      const retirement = demoServiceItems.filter((i) => i.topics.includes('retirement')).length;
      assert.match(body, new RegExp(`<a href="/services\\?topic=retirement">退休养老</a><span> · ${retirement} 个事项</span>`));
      const amrItems = demoServiceItems.filter((i) => i.department === 'amr').length;
      assert.match(body, new RegExp(`<a href="/services\\?department=${AMR}">大连市市场监督管理局</a><span> · ${amrItems} 个事项</span>`));
      assert.equal(resultCodes(body).length, 0, 'no results before a search');
    });

    it('finds the business licence items first by 营业执照, and filters by department, topic and life event', async () => {
      const body = await page(`/services?q=${encodeURIComponent('营业执照')}`);
      assertHeadings(body, '/services?q=营业执照');
      const codes = resultCodes(body);
      assert.ok(LICENCE_ITEMS.includes(codes[0]!), `a business licence item first: ${codes.join(' ')}`);
      assert.deepEqual(new Set(codes.slice(0, 5)), new Set(LICENCE_ITEMS), codes.join(' '));
      assert.ok(codes.indexOf(FOOD_LICENCE) > 4, 'an item that only asks for the licence comes after');
      assert.match(body, new RegExp(`<p role="status">${zh('services.results', { count: codes.length })}</p>`));
      assert.match(body, /<input type="search" id="q" name="q" value="营业执照"/, 'the search box keeps the words');
      assert.match(body, /<h3><a href="\/services\/XK00101001000">有限责任公司设立登记<\/a><\/h3>/);
      assert.match(body, /承诺时限：1 个工作日 · 可网上办理 · 到现场 0 次/);

      const narrowed = await page(`/services?q=${encodeURIComponent('营业执照')}&department=${AMR}&topic=business_exit`);
      assert.deepEqual(resultCodes(narrowed), ['XK00101005000']);
      assert.match(narrowed, new RegExp(`<option value="${AMR}" selected>大连市市场监督管理局</option>`), 'the filter stays chosen');
      assert.match(narrowed, /<option value="business_exit" selected>注销退出<\/option>/);

      const newborn = await page('/services?lifeEvent=newborn');
      assert.deepEqual(resultCodes(newborn).sort(), [...demoLifeEvents.find((e) => e.code === 'newborn')!.items].sort());

      const none = await page(`/services?q=${encodeURIComponent('火星签证')}`);
      assert.match(none, new RegExp(`<p role="status">${zh('services.none')}</p>`));
      assert.match(none, new RegExp(`<a href="/services">${zh('services.clear')}</a>`));

      const unknownFilter = await page('/services?topic=no-such-topic&lifeEvent=no-such-event&department=X');
      assert.ok(unknownFilter.includes(`<h2>${zh('services.browse.lifeEvents')}</h2>`), 'unknown filters are dropped: the browse lists show');
      assert.equal(resultCodes(await page(`/services?q=KTV`)).length, 0, 'a withdrawn item is not found');
    });

    it('shows an item\'s start page: materials, time limits, fees, where and when, steps, and the start link', async () => {
      const body = await page(`/services/${FOOD_LICENCE}`);
      assertHeadings(body, 'start page');
      assert.match(body, /<h1>食品经营许可（新办）<\/h1>/);
      assert.match(body, /<title>食品经营许可（新办） · /);
      assert.match(body, new RegExp(`<a class="button start" href="/services/${FOOD_LICENCE}/apply">${zh('services.start')}</a>`));
      assert.match(body, /<td>大连市市场监督管理局<\/td>/);
      assert.match(body, /<td>行政许可<\/td>/);
      // Materials, with the one a data lookup replaces marked, in words.
      assert.match(body, new RegExp(`<caption>${zh('services.materials.caption')}</caption>`));
      assert.match(body, /<th scope="row">营业执照<\/th><td>复印件，1 份<\/td><td>必需<\/td><td><p><strong class="tag">无需携带<\/strong> <span>由部门间数据共享核验替代（数据资源 AMR-0001）<\/span><\/p>/);
      assert.match(body, new RegExp(zh('services.materials.noNeed', { count: 1 })));
      assert.match(body, /<th scope="row">授权委托书及受托人身份证件<\/th><td>原件，1 份<\/td><td>视情况提交<\/td>/);
      // Time limits: promised and legal.
      assert.match(body, /<th scope="row">承诺办结时限<\/th><td>5 个工作日<\/td>/);
      assert.match(body, /<th scope="row">法定办结时限<\/th><td>10 个工作日<\/td>/);
      assert.match(body, new RegExp(zh('services.fees.none')));
      assert.match(body, /大连市政务服务中心 二楼 准营准办专区/);
      assert.match(body, /周一至周五 8:30—11:30/);
      assert.match(body, /<strong>现场核查<\/strong>/);
      assert.match(body, new RegExp(zh('services.step.days', { days: '5 个工作日' })));
      assert.match(body, /《中华人民共和国食品安全法》第三十五条/);
      assert.match(body, /<strong>投诉电话：<\/strong><a href="tel:12345">12345<\/a>/);
      assert.match(body, /<a href="\/life-events\/open-restaurant">开办餐饮店<\/a>/);
      for (const key of ['services.materials', 'services.conditions', 'services.time', 'services.fees', 'services.where', 'services.steps', 'services.legalBasis', 'services.contact'] as const) {
        assert.ok(body.includes(`>${zh(key)}</h2>`), `section ${key}`);
      }

      // Fees, an electronic licence that replaces a material, and an item applied for in person only.
      const idCard = await page(`/services/${ID_CARD}`);
      assert.match(idCard, /<td>20\.00 元<\/td>/);
      assert.match(idCard, /<caption>收费项目<\/caption>/);
      assert.doesNotMatch(idCard, /\/apply"/, 'no start button for an item that cannot be applied for online');
      assert.match(idCard, new RegExp(`<a href="#where">${zh('services.offline.notice')}</a>`));
      assert.match(idCard, /<th scope="row">到现场次数<\/th><td>1 次<\/td>/);

      const onTheSpot = demoServiceItems.find((i) => i.timeLimit.promisedDays === 0)!;
      assert.match(await page(`/services/${onTheSpot.code}`), /<th scope="row">承诺办结时限<\/th><td>即办（当场办结）<\/td>/);
      const elicence = demoServiceItems.find((i) => i.where.online && i.materials.some((m) => m.replaceableBy?.kind === 'elicence'))!;
      const source = elicence.materials.find((m) => m.replaceableBy?.kind === 'elicence')!.replaceableBy!.source;
      assert.ok((await page(`/services/${elicence.code}`)).includes(html(zh('services.material.elicence', { source }))));
    });

    it('shows a withdrawn item with a notice and no start link', async () => {
      const body = await page(`/services/${WITHDRAWN}`);
      assertHeadings(body, 'withdrawn');
      assert.match(body, new RegExp(`<div class="notice bad" role="note" aria-labelledby="withdrawn-title"><h2 id="withdrawn-title">${zh('services.withdrawn.title')}</h2>`));
      assert.ok(body.includes(WITHDRAW_REASON));
      assert.doesNotMatch(body, /\/apply"/);
      assert.ok(!body.includes(`>${zh('services.start')}</a>`));
      assert.match(body, /<h1>娱乐场所从事娱乐场所经营活动审批<\/h1>/, 'the guide stays readable');
    });

    it('answers 404 for an unknown or malformed code, where the API says 400 for a malformed one', async () => {
      for (const url of ['/services/XK99999999999', '/services/not-a-code', '/services/xk00103001000', `/services/${encodeURIComponent('<script>alert(1)</script>')}`,
        '/life-events/no-such-event', '/life-events/Bad_Code!']) {
        const body = await page(url, 404);
        assert.match(body, new RegExp(`<h1>${zh('error.status.404')}</h1>`), url);
        assert.ok(!body.includes('<script>'), `${url}: nothing unescaped`);
      }
      const api = await hub.app.inject({ method: 'GET', url: '/api/v1/service-items/not-a-code' });
      assert.equal(api.statusCode, 400);
    });

    it('shows a life event with its items grouped by department, each linking to its start page', async () => {
      const body = await page('/life-events/open-restaurant');
      assertHeadings(body, 'life event');
      assert.match(body, /<h1>开办餐饮店<\/h1>/);
      const event = demoLifeEvents.find((e) => e.code === 'open-restaurant')!;
      for (const code of event.items) {
        const item = demoServiceItems.find((i) => i.code === code)!;
        assert.ok(body.includes(`<a href="/services/${code}">${item.nameZh}</a>`), code);
      }
      const departments = [...new Set(event.items.map((c) => demoServiceItems.find((i) => i.code === c)!.department))];
      const groups = [...body.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
      assert.deepEqual(groups, departments.map((key) => demoDepartments.find((d) => d.key === key)!.nameZh));
      const amr = body.slice(body.indexOf('<h3>大连市市场监督管理局</h3>'));
      assert.ok(amr.indexOf('XK00103001000') < amr.indexOf('<h3>', 4), 'the food licence sits under its department');
      assert.match(body, new RegExp(zh('lifeEvent.time.value', { days: '5 个工作日' })));
    });

    it('renders every page in English too', async () => {
      const services = await page('/services?lang=en');
      assert.match(services, /<html lang="en">/);
      assert.match(services, new RegExp(`<h1>${en('services.title')}</h1>`));
      assert.match(services, /<a href="\/life-events\/newborn">A baby is born<\/a>/);
      assert.match(services, /<a href="\/services\?topic=retirement">Retirement and old age<\/a>/);
      const results = await page('/services?q=passport&lang=en');
      assert.equal(resultCodes(results)[0], 'XK00204001000');
      assert.match(results, /Issuing an ordinary passport/);

      const item = await page(`/services/${FOOD_LICENCE}?lang=en`);
      assertHeadings(item, 'start page (en)');
      assert.match(item, /<h1>Food business licence \(new\)<\/h1>/);
      assert.match(item, new RegExp(`<a class="button start" href="/services/${FOOD_LICENCE}/apply">Start now</a>`));
      assert.match(item, /<th scope="row">Business licence<\/th><td>Copy, 1 copy<\/td><td>Required<\/td><td><p><strong class="tag">No need to bring this<\/strong>/);
      assert.match(item, /<th scope="row">Promised time limit<\/th><td>5 working days<\/td>/);
      assert.match(item, /<td>Administrative licensing<\/td>/);
      assert.match(item, /<p class="lead" lang="zh-CN">/, 'text published in Chinese only says so');
      assert.match(item, new RegExp(en('services.fees.none')));

      const withdrawn = await page(`/services/${WITHDRAWN}?lang=en`);
      assert.match(withdrawn, new RegExp(en('services.withdrawn.title')));
      const event = await page('/life-events/open-restaurant?lang=en');
      assert.match(event, /<h1>Opening a restaurant<\/h1>/);
      assert.ok(event.includes(`<h3>${demoDepartments.find((d) => d.key === 'amr')!.nameEn}</h3>`));
      const missing = await page('/services/XK99999999999?lang=en', 404);
      assert.match(missing, new RegExp(`<h1>${en('error.status.404')}</h1>`));
      for (const body of [services, item, withdrawn, event]) assert.doesNotMatch(body, /[>\s](services|lifeEvent)\.[a-zA-Z.]+</, 'no message key shows');
    });
  });
}
