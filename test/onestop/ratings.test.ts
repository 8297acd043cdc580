import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getCase, listCases, openJointHandling } from '../../src/cases/service.ts';
import { beginJournaledWrite } from '../../src/journal/service.ts';
import type { Actor } from '../../src/platform/access.ts';
import type { RatingInput } from '../../src/onestop/ratings.schema.ts';
import { getRating, openPendingRectifications, rateCase, rateableCase, ratingPolicy } from '../../src/onestop/ratings.service.ts';
import { insertRating } from '../../src/onestop/ratings.store.ts';
import { databaseTargets } from '../support/databases.ts';
import { AMR, HRSS, PSB, calendar, refused } from '../cases/setup.ts';
import { type RatingHub, ratingHub } from './ratings-setup.ts';

for (const target of databaseTargets) {
  describe(`${target.kind}: rating a closed case (好差评)`, { skip: target.skip }, () => {
    let hub: RatingHub;
    let zhang: Actor;
    let li: Actor;
    before(async () => {
      hub = await ratingHub(target.kind);
      zhang = (await hub.citizen('张伟')).actor;
      li = (await hub.citizen('李娜')).actor;
    });
    after(() => hub?.close());
    const db = () => hub.test.database;
    const rate = (actor: Actor, reference: string, input: RatingInput) => rateCase(db(), hub.ratings, actor, reference, input);

    /** An application of 张伟 to PSB, accepted and approved on the day given. */
    async function approvedCase(day: string, applicant = zhang, name = '张伟') {
      hub.setNow(day);
      const c = await hub.apply(applicant, name);
      await hub.act(hub.psbClerk, c.id, 'accept');
      return hub.act(hub.psbClerk, c.id, 'approve');
    }

    it('takes the applicant\'s rating of a closed case once, with the indicators and the comment', async () => {
      const c = await approvedCase('2025-03-03');
      hub.setNow('2025-03-05');
      assert.deepEqual(await rateableCase(db(), hub.ratings, zhang, c.reference), {
        reference: c.reference, subject: '户口迁移', department: PSB, closedAt: c.closedAt, rateUntil: '2025-03-18',
      });
      const before = await hub.headSeq();
      const rating = await rate(zhang, c.reference, { level: 5, efficiency: 5, guideAccuracy: 4, usability: 3, comment: '  窗口服务很好  ' });
      assert.equal(rating.caseReference, c.reference);
      assert.equal(rating.department, PSB);
      assert.equal(rating.level, 5);
      assert.deepEqual(rating.indicators, { efficiency: 5, guideAccuracy: 4, convenience: null, usability: 3 });
      assert.equal(rating.comment, '窗口服务很好');
      assert.equal(rating.ratedAt, '2025-03-05T02:00:00.000Z');
      assert.equal(rating.rectification, null, 'a satisfied rating opens nothing');
      assert.equal(rating.rectificationPending, false);
      assert.equal(await hub.headSeq(), before + 1, 'one journaled row');
      assert.deepEqual(await getRating(db(), hub.ratings, zhang, c.reference), rating);

      const again = await refused(rate(zhang, c.reference, { level: 1 }), 'conflict', new RegExp(`case ${c.reference} was already rated on 2025-03-05; a case is rated once`));
      assert.deepEqual(again.detail, { reason: 'rated', ratedAt: '2025-03-05T02:00:00.000Z' });
      await refused(rateableCase(db(), hub.ratings, zhang, c.reference), 'conflict', /already rated on 2025-03-05/);
      assert.equal((await getRating(db(), hub.ratings, zhang, c.reference))!.level, 5, 'the first rating stands');
      assert.equal(await hub.headSeq(), before + 1, 'the refused second rating wrote nothing');
    });

    it('refuses an open case, someone else\'s case, a staff member, and a case past its rating window', async () => {
      hub.setNow('2025-03-10');
      const open = await hub.apply(zhang, '张伟');
      const closed = await approvedCase('2025-03-10');
      const conflictReason = async (promise: Promise<unknown>, reason: string, message: RegExp) => {
        const error = await refused(promise, 'conflict', message);
        assert.equal((error.detail as { reason: string }).reason, reason);
      };
      await conflictReason(rate(zhang, open.reference, { level: 4 }), 'open', /is not closed yet; it can be rated once it is closed/);
      await hub.act(hub.psbClerk, open.id, 'accept');
      await conflictReason(rate(zhang, open.reference, { level: 4 }), 'open', /not closed yet/);
      await refused(rate(li, closed.reference, { level: 1 }), 'not_found', new RegExp(`no case ${closed.reference}`));
      await refused(getRating(db(), hub.ratings, li, closed.reference), 'not_found', /no case/);
      await refused(rate(hub.psbClerk, closed.reference, { level: 5 }), 'forbidden', /only the applicant/);
      await refused(rate(hub.portal, closed.reference, { level: 5 }), 'forbidden', /only the applicant/);
      await refused(rate(zhang, 'DL-2025-999999', { level: 5 }), 'not_found', /no case DL-2025-999999/);

      const withdrawn = await hub.apply(zhang, '张伟');
      await hub.act(hub.portal, withdrawn.id, 'withdraw');
      await conflictReason(rate(zhang, withdrawn.reference, { level: 2 }), 'withdrawn', /withdrawn or cancelled before a decision/);

      // Closed on 10 March: rated until the end of 25 March in Dalian, 16:00 UTC.
      hub.setNow('2025-03-25T15:59:00Z');
      assert.equal((await rateableCase(db(), hub.ratings, zhang, closed.reference)).rateUntil, '2025-03-25');
      hub.setNow('2025-03-25T16:00:00Z');
      await conflictReason(rate(zhang, closed.reference, { level: 5 }), 'expired', /could be rated until 2025-03-25, 15 days after it closed/);
      assert.equal(await getRating(db(), hub.ratings, zhang, closed.reference), null, 'no refusal left a rating behind');
      assert.equal(await getRating(db(), hub.ratings, zhang, open.reference), null);
    });

    it('refuses bad input naming the field, and writes nothing', async () => {
      const c = await approvedCase('2025-03-11');
      const before = await hub.headSeq();
      await refused(rate(zhang, c.reference, { level: 6 }), 'invalid_input', /level/, 'level');
      await refused(rate(zhang, c.reference, { level: 0 }), 'invalid_input', /level/, 'level');
      await refused(rate(zhang, c.reference, { level: 3.5 }), 'invalid_input', /level/, 'level');
      await refused(rate(zhang, c.reference, {} as RatingInput), 'invalid_input', /level/);
      await refused(rate(zhang, c.reference, { level: 4, efficiency: 9 }), 'invalid_input', /efficiency/, 'efficiency');
      await refused(rate(zhang, c.reference, { level: 4, comment: '好'.repeat(1001) }), 'invalid_input', /comment/, 'comment');
      await refused(rate(zhang, c.reference, { level: 4, stars: 5 } as RatingInput), 'invalid_input', /stars|additional|property/i);
      assert.equal(await hub.headSeq(), before);
      const rating = await rate(zhang, c.reference, { level: 4, comment: `${'好'.repeat(1000)}  ` });
      assert.equal(rating.comment!.length, 1000, '1000 characters is the limit, not counting the spaces around');
    });

    it('rates a joint application as one: its tasks are not rated separately', async () => {
      hub.setNow('2025-03-12');
      const parent = await hub.apply(zhang, '张伟', { subject: '开办餐饮店（一件事）', timeLimit: 15 });
      await hub.act(hub.psbClerk, parent.id, 'accept');
      const joint = await openJointHandling(db(), hub.policy, hub.psbClerk, parent.id, { tasks: [{ department: AMR }, { department: HRSS }] });
      const [amr, hrss] = joint.children;
      for (const [clerk, task] of [[hub.amrClerk, amr!], [hub.hrssClerk, hrss!]] as const) {
        await hub.act(clerk, task.id, 'accept');
        await hub.act(clerk, task.id, 'approve');
      }
      assert.equal((await getCase(db(), hub.policy, zhang, parent.id)).state, 'approved');
      const error = await refused(rate(zhang, amr!.reference, { level: 5 }), 'conflict', new RegExp(`${amr!.reference} is one task of the joint application ${parent.reference}; rate that one`));
      assert.deepEqual(error.detail, { reason: 'task', parent: parent.reference });
      const rating = await rate(zhang, parent.reference, { level: 2, comment: '两个部门要分别跑' });
      assert.equal(rating.department, PSB, 'the lead department answers for the joint application');
      assert.equal(rating.rectification?.reference.startsWith('DL-2025-'), true);
    });

    it('turns a dissatisfied rating into exactly one rectification in the handling department\'s queue, due in the configured working days', async () => {
      const c = await approvedCase('2025-03-13');
      hub.setNow('2025-03-14');
      const rating = await rate(zhang, c.reference, { level: 1, efficiency: 1, convenience: 2, comment: '让我跑了三次' });
      const r = rating.rectification!;
      assert.ok(r, 'the rating names its rectification');
      assert.equal(rating.rectificationPending, false);
      assert.equal(r.state, 'pending');
      assert.equal(r.closed, false);
      assert.equal(r.timeLimit, 5);
      assert.equal(r.deadline, calendar.dueDate('2025-03-14', 5));
      assert.equal(r.deadline, '2025-03-21', '5 working days from Friday 14 March');
      assert.equal(r.reply, null);

      const queue = await listCases(db(), hub.policy, hub.psbClerk, { open: true });
      const mine = queue.filter((q) => q.type === 'rectification' && q.subject.includes(c.reference));
      assert.equal(mine.length, 1, 'exactly one rectification');
      assert.equal(mine[0]!.reference, r.reference);
      assert.equal(mine[0]!.subject, `差评整改：办件 ${c.reference}（非常不满意）`);
      assert.equal(mine[0]!.department, PSB);
      assert.equal(mine[0]!.deadline, '2025-03-21');
      assert.equal((await listCases(db(), hub.policy, hub.amrClerk, { open: true })).filter((q) => q.subject.includes(c.reference)).length, 0, 'not in another department\'s queue');

      const forStaff = await getCase(db(), hub.policy, hub.psbClerk, r.reference);
      assert.equal(forStaff.applicant, zhang.actor, 'the rater is the rectification\'s applicant');
      assert.equal(forStaff.applicantName, '张伟');
      const note = forStaff.timeline.find((e) => e.kind === 'note')!;
      assert.equal(note.visibility, 'internal');
      assert.equal(note.note, `评价办件：${c.reference}\n整体满意度：非常不满意（1）\n办事效率：1\n办事便捷度：2\n评价内容：让我跑了三次`);
      const forRater = await getCase(db(), hub.policy, zhang, r.reference);
      assert.ok(!forRater.timeline.some((e) => e.kind === 'note'), 'the rater sees the public timeline only');

      // The department replies by closing the rectification; the rater reads the reply on their rating.
      hub.setNow('2025-03-18');
      await hub.act(hub.psbClerk, r.reference, 'start');
      await hub.act(hub.psbClerk, r.reference, 'reply', '已电话回访：窗口已一次性告知全部材料，今后可网上提交。');
      const replied = (await getRating(db(), hub.ratings, zhang, c.reference))!;
      assert.equal(replied.rectification!.closed, true);
      assert.equal(replied.rectification!.state, 'rectified');
      assert.equal(replied.rectification!.outcome, 'approved');
      assert.equal(replied.rectification!.reply, '已电话回访：窗口已一次性告知全部材料，今后可网上提交。');
      assert.equal(replied.rectification!.repliedAt, '2025-03-18T02:00:00.000Z');
    });

    it('takes the rectification\'s time limit from the configuration', async () => {
      const c = await approvedCase('2025-03-17');
      const sevenDays = ratingPolicy(hub.policy, { ratingDays: 15, rectificationDays: 7 });
      const rating = await rateCase(db(), sevenDays, zhang, c.reference, { level: 2 });
      assert.equal(rating.rectification!.timeLimit, 7);
      assert.equal(rating.rectification!.deadline, calendar.dueDate('2025-03-17', 7));
    });

    it('opens a bad review\'s missing rectification after a crash between the two writes, once, however often it is completed', async () => {
      const c = await approvedCase('2025-03-19');
      const closed = await getCase(db(), hub.policy, zhang, c.reference);
      // What the first transaction leaves when the process dies before the rectification is opened.
      await db().transaction(async (tx) => {
        await beginJournaledWrite(tx);
        await insertRating(tx, zhang, {
          id: 'crash-rating', case_id: closed.id, case_reference: c.reference, department_id: PSB, rater: zhang.actor, level: 2,
          efficiency: null, guide_accuracy: null, convenience: null, usability: null, comment: '办得太慢', rated_at: '2025-03-19T03:00:00.000Z',
          rectification_id: null, rectification_reference: null,
        });
      });
      const subjectOf = async () => (await listCases(db(), hub.policy, hub.psbClerk, {})).filter((q) => q.type === 'rectification' && q.subject.includes(c.reference));
      assert.equal((await subjectOf()).length, 0);
      const both = await Promise.all([openPendingRectifications(db(), hub.ratings), openPendingRectifications(db(), hub.ratings)]);
      assert.ok(both.some((done) => done.includes(c.reference)), 'the rated case was completed');
      assert.equal((await subjectOf()).length, 1, 'one rectification, though completed twice at once');
      assert.deepEqual(await openPendingRectifications(db(), hub.ratings), [], 'nothing left to complete');
      const rating = (await getRating(db(), hub.ratings, zhang, c.reference))!;
      assert.equal(rating.rectification!.reference, (await subjectOf())[0]!.reference);
      const notes = (await getCase(db(), hub.policy, hub.psbClerk, rating.rectification!.reference)).timeline.filter((e) => e.kind === 'note');
      assert.equal(notes.length, 1, 'the department is told once');
    });
  });
}
