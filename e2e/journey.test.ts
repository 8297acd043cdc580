import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sampleKeys } from '../src/basedata/generate.ts';
import { getResource } from '../src/catalog/service.ts';
import { DEMO_PORTAL, type RunningDemoExchange, startDemoExchange } from '../src/exchange/demo.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/hub/demo.ts';
import { type RunningHub, startHub } from '../src/hub/server.ts';
import { registerPerson } from '../src/identity/people.service.ts';
import { createAccount } from '../src/identity/service.ts';
import { portalExchange } from '../src/onestop/exchange-client.ts';
import { systemActor } from '../src/platform/access.ts';
import { loadConfig } from '../src/platform/config.ts';
import { choosePort } from '../src/platform/ports.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { png } from '../test/onestop/apply-support.ts';
import { codeOf } from '../test/support/exchange.ts';
import { PERSON_PASSWORD, mobile } from '../test/support/people.ts';
import { browserSkip, expectAccessible, follow, launchBrowser, withContext as withBrowserContext } from './support/browser.ts';

/**
 * The one-stop service end to end, in a real browser, against a real hub, the PSB's population
 * registry behind its gateway and the portal's own gateway: a resident registers, is verified
 * through the exchange, finds an item by a Chinese keyword, applies with fields filled in from
 * the population base data and an upload, and gets a reference number; the PSB clerk asks for
 * a missing material, the resident sends it, the clerk approves. Then the resident applies for a
 * life event that three departments handle jointly; each department's clerk decides its task,
 * the whole closes, and the resident rates it "very dissatisfied": a rectification case appears
 * in the lead department's queue. axe checks every page where JavaScript runs; the same journey
 * is then walked with JavaScript turned off.
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);

interface Resident { name: string; idNumber: string; phone: string }

describe('the one-stop journey in Chromium, through the exchange', { skip: browserSkip }, () => {
  let dataDir = '';
  let running: RunningHub | undefined;
  let exchange: RunningDemoExchange | undefined;
  let browser: Browser | undefined;
  let base = '';
  const residents: Resident[] = [];

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'egov-e2e-journey-'));
    const portalPort = await choosePort();
    const config = loadConfig({ flags: {
      data: dataDir, port: '0', exchangePort: '0', logLevel: 'silent',
      portalGateway: `http://127.0.0.1:${portalPort}`, portalClient: `${codeOf(DEMO_PORTAL.gateway)}/${DEMO_PORTAL.system}`,
    } });
    [running, browser] = await Promise.all([startHub(config, async (database) => {
      await seedDemo(database);
      // The retirement life event also needs a clerk at the medical insurance bureau and the provident fund centre.
      for (const [username, key, displayName] of [['medins-clerk', 'medins', '冯雪'], ['hpf-clerk', 'hpf', '蒋涛']] as const) {
        await createAccount(database, systemActor('test'), { username, displayName, department: codeOf(key), roles: ['clerk'], password: DEMO_PASSWORD });
      }
    }), launchBrowser()]);
    base = running.url;
    exchange = await startDemoExchange({
      hub: running.hub, hubUrl: running.url, dataDir, basePort: 0, counts: { population: 2000, enterprises: 200 }, clientPorts: { [DEMO_PORTAL.gateway]: portalPort },
    });
    // Two residents of the registry (their names as the PSB holds them), with portal accounts not yet verified.
    const population = await getResource(running.hub.database, 'PSB-0001');
    for (const idNumber of sampleKeys(path.join(dataDir, 'basedata', 'population.sqlite'), 2)) {
      const record = await portalExchange(running.hub)!.lookup(population, idNumber, {});
      const resident = { name: String(record!.name), idNumber, phone: mobile() };
      await registerPerson(running.hub.database, { kind: 'citizen', ...resident, password: PERSON_PASSWORD });
      residents.push(resident);
    }
  });

  after(async () => {
    await browser?.close();
    await exchange?.stop();
    await running?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const withContext = (options: { javaScriptEnabled?: boolean }, body: (page: Page) => Promise<void>) => withBrowserContext(browser!, options, body);

  async function journey(resident: Resident, javaScript: boolean): Promise<void> {
    let reference = '';
    let jointReference = '';
    await withContext({ javaScriptEnabled: javaScript }, async (page) => {
      const accessible = (label: string) => (javaScript ? expectAccessible(page, label) : Promise.resolve());
      const next = () => follow(page, page.getByRole('button', { name: zh('apply.continue'), exact: true }));
      const answer = async (label: string, value: string) => {
        await page.getByRole('heading', { level: 1, name: label }).waitFor();
        await page.getByLabel(label, { exact: true }).fill(value);
        return next();
      };
      const choose = async (legend: string, choice: string) => {
        await page.getByRole('group', { name: legend }).getByLabel(choice, { exact: true }).check();
        return next();
      };
      const prefilled = async (label: string, value: string) => {
        await page.getByRole('heading', { level: 1, name: label }).waitFor();
        assert.equal(await page.getByLabel(label, { exact: true }).inputValue(), value, `${label} is filled in from the base data`);
        await page.getByText(/已按您的同意自动填写/).waitFor();
        return next();
      };
      const send = async () => {
        await page.getByRole('heading', { level: 1, name: zh('apply.check.title') }).waitFor();
        await accessible('check answers');
        await page.getByLabel(zh('apply.check.declaration.label')).check();
        await follow(page, page.getByRole('button', { name: zh('apply.check.send'), exact: true }));
        await page.getByRole('heading', { level: 1, name: zh('apply.done.title') }).waitFor();
        await accessible('confirmation');
        return (await page.locator('#reference').innerText()).trim();
      };

      // Signs in and has the name and number checked with the PSB through the exchange.
      await page.goto(`${base}/account/signin`);
      await page.getByLabel(zh('people.signin.identifier'), { exact: true }).fill(resident.phone);
      await page.getByLabel(zh('people.field.password'), { exact: true }).fill(PERSON_PASSWORD);
      await follow(page, page.getByRole('main').getByRole('button', { name: zh('people.signin.submit'), exact: true }));
      await follow(page, page.getByRole('button', { name: zh('my.verify.submit'), exact: true }));
      assert.equal(await page.locator('#verification').getAttribute('data-state'), 'verified');
      await accessible('/my, verified');

      // Finds the item by a Chinese keyword and applies, consenting to the prefill.
      await page.goto(`${base}/services`);
      await page.getByLabel(zh('services.search.label'), { exact: true }).fill('迁户口');
      await follow(page, page.getByRole('button', { name: zh('services.search.button'), exact: true }));
      await accessible('search results');
      await follow(page, page.getByRole('link', { name: '户口迁移登记（市内）' }).first());
      await follow(page, page.getByRole('link', { name: zh('services.start'), exact: true }));
      await page.getByRole('heading', { level: 1, name: zh('apply.consent.title') }).waitFor();
      await accessible('consent');
      await page.getByLabel(zh('apply.consent.yes'), { exact: true }).check();
      await next();
      await prefilled('申请人姓名', resident.name);
      await accessible('a prefilled question');
      await prefilled('公民身份号码', resident.idNumber);
      await answer('联系电话', resident.phone);
      await choose('迁移原因', '购房');
      await page.getByRole('heading', { level: 1, name: '现户籍地址' }).waitFor();
      assert.notEqual(await page.getByLabel('现户籍地址', { exact: true }).inputValue(), '', 'the household address comes from the registry');
      await next();
      await answer('迁入地址', '大连市甘井子区华北路 88 号 3-2-501');
      await answer('随迁人数', '1');
      await page.getByRole('heading', { level: 1, name: '住所证明（可选）' }).waitFor();
      await page.getByLabel('住所证明（可选）', { exact: true }).setInputFiles({ name: '购房合同.png', mimeType: 'image/png', buffer: png(8192) });
      await next();
      reference = await send();
      assert.match(reference, /^DL-\d{4}-\d{6}$/);

      // The retirement life event: one application for three departments.
      await page.goto(`${base}/life-events/retirement`);
      await follow(page, page.getByRole('link', { name: zh('apply.lifeEvent.start'), exact: true }));
      await page.getByLabel(zh('apply.consent.yes'), { exact: true }).check();
      await next();
      await prefilled('申请人姓名', resident.name);
      await prefilled('公民身份号码', resident.idNumber);
      await answer('联系电话', resident.phone);
      await answer('参保单位', '大连港集团有限公司');
      await answer('退休日期', '2026-12-01');
      await choose('退休类型', '正常退休');
      await answer('养老金发放账户', '6222 0234 0000 1234 567');
      await choose('转移方向', '转入本市');
      await answer('转出（入）地', '沈阳市');
      await choose('是否退休人员', '是');
      await answer('账户余额（元）', '86000');
      for (let i = 0; i < 3 && !(await page.getByRole('heading', { level: 1, name: zh('apply.check.title') }).isVisible()); i++) {
        const label = (await page.getByRole('heading', { level: 1 }).innerText()).trim();
        await answer(label, label.includes('日期') ? '2026-12-01' : '6222 0234 0000 1234 567');
      }
      // The task list shows all three tasks done, and leads on to checking and sending.
      await page.getByRole('heading', { level: 1, name: zh('apply.check.title') }).waitFor();
      await page.goto(page.url().replace(/\/check$/, '/tasks'));
      await page.getByRole('heading', { level: 1, name: zh('apply.tasks.title') }).waitFor();
      assert.equal(await page.locator('#tasks li[data-status="done"]').count(), 3);
      await accessible('task list');
      await follow(page, page.getByRole('link', { name: zh('apply.tasks.check'), exact: true }));
      jointReference = await send();
    });

    // The PSB clerk asks for a missing material, once, with the complete list.
    await asClerk('psb-clerk', javaScript, async (page) => {
      await page.goto(`${base}/staff/cases/${reference}`);
      await page.getByRole('table', { name: zh('apply.staff.answers') }).waitFor();
      await follow(page, page.getByRole('button', { name: zh('cases.action.accept'), exact: true }));
      await page.getByLabel(zh('cases.action.request_supplement.note'), { exact: true }).fill('请补充提交迁入地址的房屋所有权证或不动产权证书。');
      await follow(page, page.getByRole('button', { name: zh('cases.action.request_supplement'), exact: true }));
    });

    // The resident reads the request and sends the material.
    await withContext({ javaScriptEnabled: javaScript }, async (page) => {
      await signInResident(page, resident);
      await page.goto(`${base}/my/cases/${reference}`);
      await page.getByText('请补充提交迁入地址的房屋所有权证或不动产权证书。').first().waitFor();
      if (javaScript) await expectAccessible(page, '/my/cases/:reference, materials asked for');
      await page.getByLabel(zh('my.supplement.files'), { exact: true }).setInputFiles({ name: '不动产权证书.pdf', mimeType: 'application/pdf', buffer: png(4096) });
      await follow(page, page.getByRole('button', { name: zh('my.supplement.send'), exact: true }));
      assert.equal(await page.locator('#supplement').count(), 0, 'nothing more is asked');
    });

    // The clerk finds it beside the application, and approves.
    await asClerk('psb-clerk', javaScript, async (page) => {
      await page.goto(`${base}/staff/cases/${reference}`);
      await page.getByRole('table', { name: zh('apply.staff.supplements', { reference }) }).getByRole('link', { name: '不动产权证书.png', exact: true }).waitFor();
      await follow(page, page.getByRole('button', { name: zh('cases.action.approve'), exact: true }));
    });

    // Each department decides its task of the joint application.
    for (const [clerk, n] of [['hrss-clerk', 1], ['medins-clerk', 2], ['hpf-clerk', 3]] as const) {
      await asClerk(clerk, javaScript, async (page) => {
        await page.goto(`${base}/staff/cases/${jointReference}-${n}`);
        await follow(page, page.getByRole('button', { name: zh('cases.action.accept'), exact: true }));
        await follow(page, page.getByRole('button', { name: zh('cases.action.approve'), exact: true }));
      });
    }

    // The whole is decided; the resident rates it very dissatisfied.
    await withContext({ javaScriptEnabled: javaScript }, async (page) => {
      await signInResident(page, resident);
      await page.goto(`${base}/my/cases/${jointReference}`);
      assert.equal((await page.locator('#case-state').innerText()).trim(), '已办结（准予）');
      await follow(page, page.getByRole('link', { name: zh('my.case.rate'), exact: true }));
      await page.getByRole('heading', { level: 1, name: zh('ratings.rate.title') }).waitFor();
      if (javaScript) await expectAccessible(page, 'rating form');
      await page.getByRole('group', { name: zh('ratings.level.legend') }).getByLabel('非常不满意', { exact: true }).check();
      await page.getByLabel(`${zh('ratings.comment.label')}${zh('form.optional')}`, { exact: true }).fill('三个部门分别打电话要同一份材料。');
      await follow(page, page.getByRole('button', { name: zh('ratings.submit'), exact: true }));
      await page.getByRole('heading', { level: 1, name: zh('ratings.done.title') }).waitFor();
      if (javaScript) await expectAccessible(page, 'rating recorded');
    });

    // The rectification case waits in the lead department's queue.
    await asClerk('hrss-clerk', javaScript, async (page) => {
      await page.goto(`${base}/staff/cases`);
      await page.getByRole('link', { name: new RegExp(`差评整改：办件 ${jointReference}`) }).or(page.getByText(new RegExp(`差评整改：办件 ${jointReference}`))).first().waitFor();
    });
  }

  async function signInResident(page: Page, resident: Resident): Promise<void> {
    await page.goto(`${base}/account/signin`);
    await page.getByLabel(zh('people.signin.identifier'), { exact: true }).fill(resident.idNumber);
    await page.getByLabel(zh('people.field.password'), { exact: true }).fill(PERSON_PASSWORD);
    await follow(page, page.getByRole('main').getByRole('button', { name: zh('people.signin.submit'), exact: true }));
  }

  async function asClerk(username: string, javaScript: boolean, body: (page: Page) => Promise<void>): Promise<void> {
    await withContext({ javaScriptEnabled: javaScript }, async (page) => {
      await page.goto(`${base}/signin`);
      await page.getByLabel(zh('signin.username')).fill(username);
      await page.getByLabel(zh('signin.password'), { exact: true }).fill(DEMO_PASSWORD);
      await follow(page, page.getByRole('button', { name: zh('signin.submit'), exact: true }));
      await body(page);
      if (javaScript) await expectAccessible(page, `workbench as ${username}`);
    });
  }

  it('a resident applies with prefilled data and an upload, supplements on request, and rates a joint application; rectification follows', async () => {
    await journey(residents[0]!, true);
  });

  it('the same journey with JavaScript turned off', async () => {
    await journey(residents[1]!, false);
  });
});
