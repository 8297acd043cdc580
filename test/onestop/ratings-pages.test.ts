import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actOnCase, casePolicy, createCase } from '../../src/cases/service.ts';
import type { Case } from '../../src/cases/schema.ts';
import { buildHubApp } from '../../src/hub/app.ts';
import { DEMO_PASSWORD } from '../../src/hub/demo.ts';
import { beginJournaledWrite } from '../../src/journal/service.ts';
import { insertRating } from '../../src/onestop/ratings.store.ts';
import type { Person } from '../../src/identity/people.service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { chinaDate } from '../../src/platform/calendar.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { databaseTargets } from '../support/databases.ts';
import { type Browser, browser, signedIn, testHub, type TestHub } from '../support/hub.ts';
import { signedInPerson } from '../support/people.ts';

/**
 * The rating pages as a browser without JavaScript uses them: a citizen whose application was
 * approved rates it 非常不满意 through the form (after forgetting to choose a level once), sees
 * the rectification's reference and due date, cannot rate again, and later reads the public
 * security bureau's reply, which the clerk gave by closing the rectification on the workbench.
 * Someone else and a case still open are refused; the public figures show the rating.
 */
const PSB = demoDepartments.find((d) => d.key === 'psb')!;

function errorSummary(html: string): string | null {
  return /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? null;
}

for (const target of databaseTargets) {
  describe(`${target.kind}: the rating pages`, { skip: target.skip }, () => {
    let hub: TestHub;
    let rater: { browser: Browser; person: Person };
    let closed: Case;
    let open: Case;

    before(async () => {
      hub = await testHub(target.kind);
      rater = await signedInPerson(hub.app, hub.test.database, { name: '林晓梅' });
      const db = hub.test.database;
      const policy = casePolicy({ calendar: hub.hub.calendar, referencePrefix: 'DL' });
      const apply = () => createCase(db, policy, systemActor('portal'), {
        type: 'application', subject: '居民身份证换领', applicant: `person:${rater.person.id}`, applicantName: rater.person.name, department: PSB.uscc,
      });
      closed = await apply();
      await actOnCase(db, policy, systemActor('test'), closed.id, { action: 'accept' });
      closed = await actOnCase(db, policy, systemActor('test'), closed.id, { action: 'approve' });
      open = await apply();
    });
    after(() => hub?.close());

    const rate = (reference: string) => `/my/cases/${reference}/rate`;

    it('sends someone not signed in to the sign-in page and back', async () => {
      const anonymous = browser(hub.app);
      const page = await anonymous.request('GET', rate(closed.reference));
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, `/account/signin?return=${encodeURIComponent(rate(closed.reference))}`);
    });

    it('shows the form: the five levels in words as radio buttons, the indicators, the comment', async () => {
      const page = await rater.browser.request('GET', rate(closed.reference));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<title>评价办件 · /);
      assert.match(page.body, new RegExp(`<form method="post" action="${rate(closed.reference)}" novalidate>`));
      assert.match(page.body, /<input type="hidden" name="_csrf" value="[^"]+"/);
      const levels = [...page.body.matchAll(/<input type="radio" id="(level[^"]*)" name="level" value="(\d)"\/?>\s*<label for="\1">([^<]+)<\/label>/g)].map((m) => `${m[2]}${m[3]}`);
      assert.deepEqual(levels, ['5非常满意', '4满意', '3基本满意', '2不满意', '1非常不满意']);
      for (const name of ['办事效率', '办事指南精确度', '办事便捷度', '平台操作性']) assert.ok(page.body.includes(`>${name}</label>`), name);
      assert.match(page.body, /<textarea id="comment" name="comment"/);
      assert.ok(page.body.includes(closed.reference) && page.body.includes('居民身份证换领'));
      assert.match(page.body, new RegExp(`请在 ${addDays(chinaDate(new Date(closed.closedAt!)), 15)} 前评价`));
      const english = await rater.browser.request('GET', `${rate(closed.reference)}?lang=en`);
      assert.match(english.body, /<label for="level">Very satisfied<\/label>/);
      assert.match(english.body, /Speed of handling/);
      await rater.browser.request('GET', '/my?lang=zh-CN');
    });

    it('keeps what was typed and names the missing level in the error summary', async () => {
      const page = await rater.browser.request('POST', rate(closed.reference), {
        _csrf: rater.browser.csrf!, efficiency: '2', comment: '材料要求前后不一致', usability: '9',
      });
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /<title>错误：评价办件 · /);
      const summary = errorSummary(page.body)!;
      assert.match(summary, /<a href="#level">请选择整体满意度<\/a>/);
      assert.match(summary, /<a href="#usability">请从列表中选择“平台操作性”的评价<\/a>/);
      assert.match(page.body, /<option value="2" selected>2 · 不满意<\/option>/, 'the indicator chosen is kept');
      assert.match(page.body, /<textarea[^>]*>材料要求前后不一致<\/textarea>/, 'the comment is kept');
      const tooLong = await rater.browser.request('POST', rate(closed.reference), { _csrf: rater.browser.csrf!, level: '3', comment: '慢'.repeat(1001) });
      assert.equal(tooLong.statusCode, 400);
      assert.match(errorSummary(tooLong.body)!, /<a href="#comment">评价内容不能超过 1000 字（现为 1001 字）<\/a>/);
      const forged = await rater.browser.request('POST', rate(closed.reference), { level: '5' });
      assert.equal(forged.statusCode, 403, 'a form without the session\'s token is refused');
      assert.equal((await rater.browser.request('GET', rate(closed.reference))).statusCode, 200, 'nothing was rated');
    });

    it('takes a dissatisfied rating and says what happens next: the rectification\'s reference and due date', async () => {
      const sent = await rater.browser.request('POST', rate(closed.reference), {
        _csrf: rater.browser.csrf!, level: '1', efficiency: '2', guideAccuracy: '', comment: '材料要求前后不一致，跑了三次',
      });
      assert.equal(sent.statusCode, 303);
      assert.equal(sent.headers.location, `/my/cases/${closed.reference}/rating?done=1`);
      const thanks = await rater.browser.request('GET', sent.headers.location as string);
      assert.equal(thanks.statusCode, 200);
      assert.match(thanks.body, /<div class="panel" id="confirmation">\s*<h1>感谢您的评价<\/h1>/);
      const next = /<p id="next">([^<]+)<\/p>/.exec(thanks.body)![1]!;
      const reference = /整改编号 (DL-\d{4}-\d{6})。/.exec(next)?.[1];
      assert.ok(reference, next);
      assert.ok(next.includes(PSB.nameZh), 'names the department');
      const due = hub.hub.calendar.dueDate(chinaDate(new Date()), 5);
      assert.match(thanks.body, new RegExp(`<p id="due">部门须在 5 个工作日内（${due} 前）核实整改并答复您，答复将显示在本页。</p>`));
      assert.match(thanks.body, /<td id="rating-level" data-level="1">非常不满意<\/td>/);
      assert.match(thanks.body, /<td id="rating-comment">材料要求前后不一致，跑了三次<\/td>/);
      assert.match(thanks.body, /部门尚未答复。/);

      const again = await rater.browser.request('POST', rate(closed.reference), { _csrf: rater.browser.csrf!, level: '5' });
      assert.equal(again.statusCode, 409);
      assert.match(again.body, new RegExp(`您已于 ${chinaDate(new Date())} \\d\\d:\\d\\d 评价过办件 ${closed.reference}，每件办件只能评价一次。`));
      const revisit = await rater.browser.request('GET', rate(closed.reference));
      assert.equal(revisit.statusCode, 303);
      assert.equal(revisit.headers.location, `/my/cases/${closed.reference}/rating`);

      // The clerk closes the rectification on the workbench; the note is the reply the rater reads.
      const clerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      const queue = await clerk.request('GET', '/staff/cases');
      assert.ok(queue.body.includes(reference!), 'the rectification is in the bureau\'s queue');
      const replied = await clerk.request('POST', `/staff/cases/${reference}/actions/reply`, { _csrf: clerk.csrf!, note: '已核实：窗口已统一材料清单，并致电向您致歉。' });
      assert.equal(replied.statusCode, 303, replied.body.slice(0, 500));
      const later = await rater.browser.request('GET', `/my/cases/${closed.reference}/rating`);
      assert.equal(later.statusCode, 200);
      assert.match(later.body, /<h2 id="reply-heading">部门答复<\/h2>/);
      assert.match(later.body, /<p class="notice ok" id="reply-text">已核实：窗口已统一材料清单，并致电向您致歉。<\/p>/);
      assert.match(later.body, /已整改并回复/);
      assert.ok(!later.body.includes('id="due"'), 'no due date once replied');
      assert.ok(!later.body.includes('id="confirmation"'), 'the thank-you panel only after sending');
    });

    it('refuses someone else\'s case as not found, and an open case with the reason', async () => {
      const other = await signedInPerson(hub.app, hub.test.database, { name: '周强' });
      assert.equal((await other.browser.request('GET', rate(closed.reference))).statusCode, 404);
      assert.equal((await other.browser.request('POST', rate(closed.reference), { _csrf: other.browser.csrf!, level: '5' })).statusCode, 404);
      assert.equal((await other.browser.request('GET', `/my/cases/${closed.reference}/rating`)).statusCode, 404);
      const page = await rater.browser.request('GET', rate(open.reference));
      assert.equal(page.statusCode, 409);
      assert.match(page.body, new RegExp(`<p class="notice" id="refusal" data-reason="open">办件 ${open.reference} 尚未办结，办结后即可评价。</p>`));
      assert.equal((await rater.browser.request('GET', `/my/cases/${open.reference}/rating`)).headers.location, rate(open.reference));
    });

    it('opens, when the hub starts, the rectification of a bad review that a crash left unopened', async () => {
      const db = hub.test.database;
      const policy = casePolicy({ calendar: hub.hub.calendar, referencePrefix: 'DL' });
      let c = await createCase(db, policy, systemActor('portal'), {
        type: 'application', subject: '无犯罪记录证明', applicant: `person:${rater.person.id}`, applicantName: rater.person.name, department: PSB.uscc,
      });
      await actOnCase(db, policy, systemActor('test'), c.id, { action: 'accept' });
      c = await actOnCase(db, policy, systemActor('test'), c.id, { action: 'reject', note: '不符合申请条件' });
      await db.transaction(async (tx) => {
        await beginJournaledWrite(tx);
        await insertRating(tx, systemActor('test'), {
          id: randomUUID(), case_id: c.id, case_reference: c.reference, department_id: PSB.uscc, rater: `person:${rater.person.id}`, level: 2,
          efficiency: null, guide_accuracy: null, convenience: null, usability: null, comment: null, rated_at: new Date().toISOString(),
          rectification_id: null, rectification_reference: null,
        });
      });
      const restarted = await buildHubApp(db, hub.config);
      await restarted.app.ready();
      await restarted.app.close();
      const row = await db.db.selectFrom('ratings').selectAll().where('case_id', '=', c.id).executeTakeFirstOrThrow();
      assert.match(row.rectification_reference ?? '', /^DL-\d{4}-\d{6}$/, 'the rectification was opened at start');
      const page = await rater.browser.request('GET', `/my/cases/${c.reference}/rating`);
      assert.ok(page.body.includes(row.rectification_reference!));
    });

    it('publishes the figures per department with a period filter, linked from the service guide, and as JSON', async () => {
      assert.match((await browser(hub.app).request('GET', '/services')).body, /<a href="\/ratings">办事好差评：各部门办件和评价统计<\/a>/);
      const page = await browser(hub.app).request('GET', '/ratings');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="get" action="\/ratings">/);
      assert.match(page.body, /<option value="month" selected>本月<\/option>/);
      const row = new RegExp(`<tr data-department="${PSB.uscc}"><th scope="row">${PSB.nameZh}</th>((?:<td>[^<]*</td>){7})</tr>`).exec(page.body);
      assert.ok(row, 'a row for the public security bureau');
      const cells = [...row[1]!.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
      assert.deepEqual(cells, ['2', '100.0%', '2', '0.0%', '1.50', '2', '1']);
      const year = await browser(hub.app).request('GET', '/ratings?period=year&lang=en');
      assert.match(year.body, /<option value="year" selected>This year<\/option>/);
      assert.match(year.body, /<caption>Ratings by department \(This year\)<\/caption>/);
      const unknown = await browser(hub.app).request('GET', '/ratings?period=decade');
      assert.equal(unknown.statusCode, 200);
      assert.match(unknown.body, /<option value="month" selected>/);

      const json = await hub.app.inject({ method: 'GET', url: '/api/v1/ratings/statistics?period=all' });
      assert.equal(json.statusCode, 200);
      const stats = json.json() as { period: string; departments: { department: string; ratings: number; badReviews: number; rectified: number; meanLevel: number }[] };
      assert.equal(stats.period, 'all');
      const psb = stats.departments.find((d) => d.department === PSB.uscc)!;
      assert.deepEqual([psb.ratings, psb.badReviews, psb.rectified, psb.meanLevel], [2, 2, 1, 1.5]);
      const bad = await hub.app.inject({ method: 'GET', url: '/api/v1/ratings/statistics?period=decade' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().code, 'invalid_input');
    });
  });
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}
