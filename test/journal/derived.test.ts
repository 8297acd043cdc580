import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actOnCase, casePolicy, createCase } from '../../src/cases/service.ts';
import type { HubDatabase } from '../../src/hub/database.ts';
import { DEMO_PASSWORD } from '../../src/hub/demo.ts';
import { demoDepartmentCode, demoServiceItems } from '../../src/onestop/demo-data.ts';
import { getServiceItem, reviseServiceItem } from '../../src/onestop/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { loadCalendar } from '../../src/platform/calendar.ts';
import { openDatabase } from '../../src/platform/db/index.ts';
import { createDepartment, listDepartments, updateDepartment } from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { t } from '../../src/web/i18n.ts';
import { databaseTargets } from '../support/databases.ts';
import { browser, signedIn, testHub, type TestHub } from '../support/hub.ts';

/**
 * The hub keeps what nearly every page reads (the department directory, the city, a service
 * item's guide, a case as its reader sees it) until the journal moves. These check that a page
 * shows a change at once, whether this hub made it or another process writing the same database.
 */

const FOOD_LICENCE = 'XK00103001000';
const AMR = demoDepartmentCode('amr');
const PSB = demoDepartmentCode('psb');
const admin = systemActor('test');

for (const target of databaseTargets) {
  describe(`${target.kind}: pages show a change at once, though what they read is kept between requests`, { skip: target.skip }, () => {
    let hub: TestHub;
    /** Another connection to the same database: what another process writing it would be. */
    let other: HubDatabase;
    before(async () => {
      hub = await testHub(target.kind);
      other = await openDatabase({ url: hub.test.url, dataDir: hub.test.dataDir, sqliteSync: 'normal' }) as HubDatabase;
    });
    after(async () => {
      await other?.close();
      await hub?.close();
    });
    const page = async (url: string) => {
      const response = await browser(hub.app).request('GET', url);
      assert.equal(response.statusCode, 200, `${url}: ${response.body.slice(0, 300)}`);
      return response.body;
    };

    it('shows a department under the name another process just gave it, on the service guide', async () => {
      const before = await page(`/services/${FOOD_LICENCE}`);
      const oldName = (await listDepartments(hub.test.database)).find((d) => d.code === AMR)!.nameZh;
      assert.ok(before.includes(oldName), 'the guide names its department');
      await page(`/services/${FOOD_LICENCE}`);
      await updateDepartment(other, admin, AMR, { nameZh: '大连市市场监督管理局（更名测试）' });
      const after = await page(`/services/${FOOD_LICENCE}`);
      assert.ok(after.includes('大连市市场监督管理局（更名测试）'), 'the new name');
      assert.ok(!after.includes(`>${oldName}<`), 'not the old one');
      await updateDepartment(other, admin, AMR, { nameZh: oldName });
    });

    it('counts a department another process added, on the front page', async () => {
      const count = (body: string) => Number(/全市 (\d+) 个政务部门/.exec(body)?.[1]);
      const before = count(await page('/'));
      assert.ok(before > 0, t('zh-CN', 'home.section.departments.text', { count: before }));
      await createDepartment(other, admin, {
        code: governmentUscc('210200', 77_001), slug: 'cache-test', kind: 'bureau', division: '210200', parent: null,
        nameZh: '大连市缓存测试局', nameEn: 'Cache Test Bureau, Dalian',
      });
      assert.equal(count(await page('/')), before + 1);
    });

    it('shows a revised guide as soon as it is published, and the version before it still on request', async () => {
      const input = { ...structuredClone(demoServiceItems.find((i) => i.code === FOOD_LICENCE)!), department: AMR };
      const first = await getServiceItem(hub.test.database, FOOD_LICENCE);
      await page(`/services/${FOOD_LICENCE}`);
      await reviseServiceItem(hub.test.database, admin, FOOD_LICENCE, { ...input, summary: '修订后的事项概述：新办食品经营许可全程网办。' });
      const body = await page(`/services/${FOOD_LICENCE}`);
      assert.ok(body.includes('修订后的事项概述：新办食品经营许可全程网办。'));
      assert.equal((await getServiceItem(hub.test.database, FOOD_LICENCE)).version, first.version + 1);
      assert.equal((await getServiceItem(hub.test.database, FOOD_LICENCE, first.version)).summary, first.summary);
    });

    it('shows a clerk the state a case was moved to by another process a moment before', async () => {
      const policy = casePolicy({ calendar: loadCalendar(), referencePrefix: 'DL' });
      const c = await createCase(other, policy, systemActor('portal'), {
        type: 'application', subject: '居民身份证换领', applicant: '210202199003150018', applicantName: '张伟', department: PSB,
      });
      const clerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      const open = await clerk.request('GET', `/staff/cases/${c.reference}`);
      assert.match(open.body, /<td id="case-state">已提交<\/td>/);
      await actOnCase(other, policy, systemActor('demo'), c.id, { action: 'accept' });
      const accepted = await clerk.request('GET', `/staff/cases/${c.reference}`);
      assert.match(accepted.body, /<td id="case-state">已受理<\/td>/);
    });

    it('hands every caller the same guide, which none of them can change for the others', async () => {
      const item = await getServiceItem(hub.test.database, FOOD_LICENCE);
      assert.throws(() => { (item as { summary: string }).summary = 'changed'; }, TypeError);
      assert.throws(() => { (item.materials as unknown[]).push({}); }, TypeError);
      assert.notEqual((await getServiceItem(hub.test.database, FOOD_LICENCE)).summary, 'changed');
    });
  });
}
