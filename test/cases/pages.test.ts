import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actOnCase, casePolicy } from '../../src/cases/service.ts';
import { demoCases } from '../../src/cases/demo-data.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/hub/demo.ts';
import { systemActor } from '../../src/platform/access.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { databaseTargets } from '../support/databases.ts';
import { signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';

/**
 * The workbench's case pages through the inject browser: a clerk of the market regulator finds
 * the demo applications in the department's queue, accepts one, asks once for the missing
 * materials (the clock stops), and approves it once supplemented; a clerk of the public
 * security bureau can neither see nor act on it.
 */
const PSB = demoDepartments.find((d) => d.key === 'psb')!.uscc;

function errorSummary(html: string): string | null {
  return /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? null;
}

function referenceOf(html: string, subject: string): string {
  const row = new RegExp(`<tr data-reference="([^"]+)"><th scope="row"><a [^>]+>[^<]+</a></th><td>${subject.replace(/[()（）]/g, '.')}</td>`).exec(html);
  assert.ok(row, `a row for ${subject}`);
  return row[1]!;
}

function table(html: string, id: string): string {
  return new RegExp(`<table id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
}

for (const target of databaseTargets) {
  describe(`${target.kind}: the case pages on the workbench`, { skip: target.skip }, () => {
    let hub: TestHub;
    let amrClerk: Browser;
    let psbClerk: Browser;
    let reference: string;
    let url: string;

    before(async () => {
      hub = await testHub(target.kind);
      amrClerk = await signedIn(hub.app, 'amr-clerk', DEMO_PASSWORD);
      psbClerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
    });
    after(() => hub?.close());

    it('seeds the demo cases once, however often the demo is seeded', async () => {
      await seedDemo(hub.test.database);
      const page = await amrClerk.request('GET', '/staff/cases');
      const amr = demoCases.filter((c) => c.department === 'amr');
      const rows = table(page.body, 'department-cases').match(/<tr data-reference=/g) ?? [];
      assert.equal(rows.length, amr.length);
    });

    it('links the queues from the workbench and shows the department queue with the demo cases, names masked', async () => {
      assert.match((await amrClerk.request('GET', '/staff')).body, /href="\/staff\/cases"/);
      const page = await amrClerk.request('GET', '/staff/cases');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<caption>分配给我的<\/caption>|id="mine-empty"/);
      const department = table(page.body, 'department-cases');
      assert.match(department, /<caption>大连市市场监督管理局未办结的办件<\/caption>|<caption>[^<]*未办结的办件<\/caption>/);
      for (const c of demoCases.filter((c) => c.department === 'amr')) assert.ok(department.includes(`<td>${c.subject}</td>`), c.subject);
      assert.ok(!department.includes('居民身份证换领'), 'no other department\'s case');
      assert.ok(department.includes('<td>张*</td>') && !department.includes('张伟'), 'the applicant\'s name is masked for a clerk');
      assert.match(department, /未开始：受理后开始计时/);
      assert.match(department, /剩余 \d+ 个工作日/);
      assert.match(department, /已暂停：等待申请人补正/);

      const filtered = await amrClerk.request('GET', '/staff/cases?state=supplement_requested');
      const rows = table(filtered.body, 'department-cases').match(/<tr data-reference=/g) ?? [];
      assert.equal(rows.length, 1);
      assert.match(filtered.body, /<option value="supplement_requested" selected>待补正<\/option>/);
      const bad = await amrClerk.request('GET', '/staff/cases?state=nonsense');
      assert.equal(bad.statusCode, 400);
      assert.match(errorSummary(bad.body)!, /<a href="#state">请从列表中选择一个状态<\/a>/);

      const english = await amrClerk.request('GET', '/staff/cases?lang=en');
      assert.match(english.body, /Not started: the clock starts on acceptance/);
      assert.match(english.body, /paused: waiting for the applicant/);
      await amrClerk.request('GET', '/staff/cases?lang=zh-CN');
      reference = referenceOf(page.body, '食品经营许可（新办）');
      url = `/staff/cases/${reference}`;
    });

    it('opens a case with its summary, timeline and the actions of its state', async () => {
      const page = await amrClerk.request('GET', url);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(`<h1>办件 ${reference}</h1>`));
      assert.match(page.body, /<td id="case-state">已提交<\/td>/);
      assert.match(page.body, /张\* \(210202\*{10}18\)/, 'name and ID number masked');
      assert.ok(page.body.includes(`action="${url}/actions/accept"`));
      assert.ok(page.body.includes(`action="${url}/actions/reject"`));
      assert.ok(!page.body.includes(`action="${url}/actions/approve"`), 'approve only once accepted');
      assert.ok(!page.body.includes(`action="${url}/actions/withdraw"`), 'the applicant\'s actions are not offered');
      assert.match(page.body, /<tr data-kind="created">/);
    });

    it('refuses another department\'s clerk: the case does not show, and its actions are forbidden', async () => {
      assert.equal((await psbClerk.request('GET', url)).statusCode, 404, 'the engine tells nobody else that the case exists');
      for (const path of ['actions/accept', 'actions/approve', 'assign']) {
        assert.equal((await psbClerk.request('POST', `${url}/${path}`, { _csrf: psbClerk.csrf! })).statusCode, 403, path);
      }
      assert.equal((await psbClerk.request('POST', `${url}/actions/reject`, { _csrf: psbClerk.csrf!, note: '不符合条件' })).statusCode, 403);
      assert.equal((await psbClerk.request('POST', `${url}/notes`, { _csrf: psbClerk.csrf!, text: 'x', visibility: 'internal' })).statusCode, 403);
      assert.equal((await psbClerk.request('POST', `${url}/transfer`, { _csrf: psbClerk.csrf!, department: PSB, reason: 'x' })).statusCode, 403);
      assert.equal((await amrClerk.request('POST', `${url}/actions/accept`, {})).statusCode, 403, 'a post without the CSRF token is refused');
      assert.match((await amrClerk.request('GET', url)).body, /<td id="case-state">已提交<\/td>/, 'nothing changed');
    });

    it('accepts the case: the clock starts', async () => {
      const done = await amrClerk.request('POST', `${url}/actions/accept`, { _csrf: amrClerk.csrf!, key: 'k-accept' });
      assert.equal(done.statusCode, 303, done.body.slice(0, 300));
      assert.equal(done.headers.location, `${url}?done=action`);
      const page = await amrClerk.request('GET', `${url}?done=action`);
      assert.match(page.body, /<p class="notice ok" role="status">已办理，办件已进入下一环节。<\/p>/);
      assert.match(page.body, /<td id="case-state">已受理<\/td>/);
      assert.match(page.body, /<td id="case-clock"><span>剩余 \d+ 个工作日<\/span>/);
      assert.match(page.body, /<td id="case-deadline">\d{4}-\d\d-\d\d<\/td>/);
      // The same form sent twice acts once.
      assert.equal((await amrClerk.request('POST', `${url}/actions/accept`, { _csrf: amrClerk.csrf!, key: 'k-accept' })).statusCode, 303);
      const again = await amrClerk.request('GET', url);
      assert.equal(again.body.match(/data-action="accept"/g)?.length, 1);
    });

    it('asks for the complete list of what is missing, keeping what was typed in other forms', async () => {
      const missing = await amrClerk.request('POST', `${url}/actions/request_supplement`, { _csrf: amrClerk.csrf!, note: '   ' });
      assert.equal(missing.statusCode, 400);
      assert.match(errorSummary(missing.body)!, /<a href="#note-request_supplement">请填写说明：需要补正的全部材料，或不予办理的理由<\/a>/);
      assert.match(missing.body, /<title>错误：办件 /);
      assert.match(missing.body, /id="note-request_supplement" name="note" [^>]*aria-invalid="true"/);

      const transfer = await amrClerk.request('POST', `${url}/transfer`, { _csrf: amrClerk.csrf!, department: PSB, reason: '' });
      assert.equal(transfer.statusCode, 400);
      assert.match(errorSummary(transfer.body)!, /href="#transfer-reason"/);
      assert.match(transfer.body, /<details class="transfer" open>/);
      assert.ok(transfer.body.includes(`<option value="${PSB}" selected>`), 'the chosen department stays chosen');

      const note = await amrClerk.request('POST', `${url}/notes`, { _csrf: amrClerk.csrf!, text: '', visibility: 'public' });
      assert.equal(note.statusCode, 400);
      assert.match(errorSummary(note.body)!, /<a href="#note-text">请填写备注内容<\/a>/);
      assert.match(note.body, /id="note-visibility-public" name="visibility" value="public" checked/);
    });

    it('requests a supplement with the list: the clock is paused', async () => {
      const list = '1. 食品安全管理制度文本；\n2. 从业人员健康证明 <原件>。';
      const done = await amrClerk.request('POST', `${url}/actions/request_supplement`, { _csrf: amrClerk.csrf!, note: list, key: 'k-supp' });
      assert.equal(done.statusCode, 303);
      const page = await amrClerk.request('GET', url);
      assert.match(page.body, /<td id="case-state">待补正<\/td>/);
      assert.match(page.body, /已暂停：等待申请人补正/);
      assert.match(page.body, /<td id="case-deadline">暂停计时期间无截止日期<\/td>/);
      assert.ok(page.body.includes('从业人员健康证明 &lt;原件>'), 'the list is on the timeline, escaped');
      assert.match(page.body, /<tr data-kind="clock_paused">/);
      assert.ok(!page.body.includes(`action="${url}/actions/approve"`));
    });

    it('adds notes, assigns to the clerk, and approves once supplemented: the timeline shows every step', async () => {
      const note = await amrClerk.request('POST', `${url}/notes`, { _csrf: amrClerk.csrf!, text: '已电话告知申请人', visibility: 'internal', key: 'k-note' });
      assert.equal(note.statusCode, 303);
      assert.equal((await amrClerk.request('POST', `${url}/assign`, { _csrf: amrClerk.csrf! })).statusCode, 303);
      const queue = await amrClerk.request('GET', '/staff/cases');
      assert.ok(table(queue.body, 'mine-cases').includes(`data-reference="${reference}"`), 'in my queue');

      // The applicant supplements through the portal.
      const policy = casePolicy({ calendar: hub.hub.calendar, referencePrefix: 'DL' });
      await actOnCase(hub.test.database, policy, systemActor('portal'), reference, { action: 'supplement' });
      const done = await amrClerk.request('POST', `${url}/actions/approve`, { _csrf: amrClerk.csrf!, key: 'k-approve' });
      assert.equal(done.statusCode, 303);
      const page = await amrClerk.request('GET', url);
      assert.match(page.body, /<td id="case-state">已办结（准予）<\/td>/);
      assert.match(page.body, /<td id="case-clock"><span>已办结<\/span>/);
      assert.match(page.body, /id="read-only"|<h2 id="actions-heading">/);
      assert.ok(!page.body.includes('/actions/'), 'no more actions on a closed case');
      const steps = [...page.body.matchAll(/<tr data-kind="([a-z_]+)"(?: data-action="([a-z_]+)")?>/g)].map((m) => m[2] ? `${m[1]}:${m[2]}` : m[1]);
      assert.deepEqual(steps, [
        'created', 'action:accept', 'clock_started', 'action:request_supplement', 'clock_paused', 'note', 'assigned',
        'action:supplement', 'clock_resumed', 'action:approve',
      ]);
      assert.match(page.body, /<td>内部<\/td>/);
      assert.match(page.body, /吴芳/, 'who acted, by name');
      assert.match(page.body, /分配给吴芳/);
      const queueAfter = await amrClerk.request('GET', '/staff/cases');
      assert.ok(!queueAfter.body.includes(`data-reference="${reference}"`), 'a closed case leaves the queues');
    });

    it('transfers a case with a reason to another department\'s queue', async () => {
      const queue = await amrClerk.request('GET', '/staff/cases');
      const other = referenceOf(queue.body, '个体工商户设立登记');
      const done = await amrClerk.request('POST', `/staff/cases/${other}/transfer`, { _csrf: amrClerk.csrf!, department: PSB, reason: '属公安机关办理事项' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/staff/cases?done=transferred');
      const psb = await psbClerk.request('GET', `/staff/cases/${other}`);
      assert.equal(psb.statusCode, 200);
      assert.match(psb.body, /属公安机关办理事项/);
      assert.equal((await amrClerk.request('GET', `/staff/cases/${other}`)).statusCode, 404);
    });
  });
}
