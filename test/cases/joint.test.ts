import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actOnCase, createCase, getCase, listCases, openJointHandling, sweepDeadlines } from '../../src/cases/service.ts';
import { databaseTargets } from '../support/databases.ts';
import { AMR, type CaseHub, HRSS, PSB, at, caseHub, history, refused } from './setup.ts';

for (const target of databaseTargets) {
  describe(`${target.kind}: joint handling, deadline warnings and escalation`, { skip: target.skip }, () => {
    let hub: CaseHub;
    before(async () => { hub = await caseHub(target.kind); });
    after(() => hub?.close());
    const act = (actor: CaseHub['portal'], id: string, action: string, note?: string) =>
      actOnCase(hub.test.database, hub.policy, actor, id, { action, ...(note && { note }) });
    const joint = (actor: CaseHub['portal'], id: string, tasks: { department: string; subject?: string; timeLimit?: number }[]) =>
      openJointHandling(hub.test.database, hub.policy, actor, id, { tasks });

    /** An accepted restaurant application at PSB, handled jointly by AMR (5 working days) and HRSS (8). */
    async function jointApplication() {
      hub.setToday('2026-11-02');
      const parent = await hub.submit({ subject: '开办餐饮店（一件事）', timeLimit: 15 });
      await act(hub.psbClerk, parent.id, 'accept');
      const opened = await joint(hub.psbClerk, parent.id, [
        { department: AMR, subject: '食品经营许可', timeLimit: 5 },
        { department: HRSS, subject: '就业登记', timeLimit: 8 },
      ]);
      return opened;
    }

    it('opens one task per department, each with its own reference, queue and clock', async () => {
      const parent = await jointApplication();
      assert.equal(parent.state, 'joint_handling');
      assert.deepEqual(parent.allowedActions, ['withdraw'], 'staff cannot close a joint case by hand');
      assert.deepEqual(parent.children.map((c) => [c.reference, c.department, c.state, c.subject]), [
        [`${parent.reference}-1`, AMR, 'submitted', '食品经营许可'],
        [`${parent.reference}-2`, HRSS, 'submitted', '就业登记'],
      ]);
      const start = parent.timeline.at(-1)!;
      assert.equal(start.action, 'start_joint');
      assert.deepEqual(start.detail, { tasks: [{ reference: `${parent.reference}-1`, department: AMR }, { reference: `${parent.reference}-2`, department: HRSS }] });

      hub.setToday('2026-11-03');
      const amrTask = await act(hub.amrClerk, parent.children[0]!.id, 'accept');
      hub.setToday('2026-11-04');
      const hrssTask = await act(hub.hrssClerk, parent.children[1]!.id, 'accept');
      assert.equal(amrTask.deadline, '2026-11-10', '5 working days from Tuesday Nov 3');
      assert.equal(hrssTask.deadline, '2026-11-16', '8 working days from Wednesday Nov 4');
      assert.equal(amrTask.parent, parent.id);
      assert.ok((await listCases(hub.test.database, hub.policy, hub.amrClerk, { open: true })).some((c) => c.id === amrTask.id), 'in AMR\'s queue');
      assert.equal((await getCase(hub.test.database, hub.policy, hub.amrClerk, parent.id)).id, parent.id, 'a task\'s department reads the joint case');
      assert.equal((await getCase(hub.test.database, hub.policy, hub.psbClerk, amrTask.id)).id, amrTask.id, 'the lead department reads its tasks');
      await refused(act(hub.psbClerk, amrTask.id, 'approve'), 'forbidden', /own department/);
      await refused(act(hub.psbClerk, parent.id, 'approve'), 'conflict', /joint_handling \(open\); approve is not possible from there, possible now: withdraw/);
      await refused(joint(hub.psbClerk, parent.id, [{ department: AMR }]), 'conflict', /joint_handling/);
      await refused(joint(hub.amrClerk, amrTask.id, [{ department: HRSS }]), 'conflict', /itself a task of a joint case/);
      await refused(act(hub.portal, amrTask.id, 'withdraw'), 'conflict', new RegExp(`one task of the joint application ${parent.reference}; withdraw that one instead`));
    });

    it('approves the joint case when every task is approved, not before', async () => {
      const parent = await jointApplication();
      const [amr, hrss] = parent.children;
      await act(hub.amrClerk, amr!.id, 'accept');
      await act(hub.hrssClerk, hrss!.id, 'accept');
      await act(hub.amrClerk, amr!.id, 'approve');
      assert.equal((await getCase(hub.test.database, hub.policy, hub.psbClerk, parent.id)).state, 'joint_handling', 'one task still open');
      await act(hub.hrssClerk, hrss!.id, 'request_supplement', '请补充劳动合同');
      await act(hub.portal, hrss!.id, 'supplement');
      await act(hub.hrssClerk, hrss!.id, 'approve');
      const done = await getCase(hub.test.database, hub.policy, hub.psbClerk, parent.id);
      assert.equal(done.state, 'approved');
      assert.equal(done.outcome, 'approved');
      assert.ok(done.closedAt);
      assert.deepEqual(done.children.map((c) => c.state), ['approved', 'approved']);
      const closing = done.timeline.at(-1)!;
      assert.equal(closing.action, 'joint_approve');
      assert.equal(closing.note, 'all 2 tasks approved');
      assert.equal(closing.actor, hub.hrssClerk.actor, 'closed by the approval that completed it');
    });

    it('rejects the joint case as soon as one task is rejected, and cancels the tasks still open', async () => {
      const parent = await jointApplication();
      const [amr, hrss] = parent.children;
      await act(hub.hrssClerk, hrss!.id, 'accept');
      await act(hub.amrClerk, amr!.id, 'reject', '经营场所不符合食品安全条件');
      const done = await getCase(hub.test.database, hub.policy, hub.psbClerk, parent.id);
      assert.equal(done.state, 'rejected');
      assert.equal(done.timeline.at(-1)!.note, `task ${amr!.reference} of department ${AMR} was rejected`);
      assert.deepEqual(done.children.map((c) => [c.state, c.outcome]), [['rejected', 'rejected'], ['cancelled', 'withdrawn']]);
      const cancelled = await getCase(hub.test.database, hub.policy, hub.hrssClerk, hrss!.id);
      assert.equal(cancelled.timeline.at(-1)!.note, `case ${parent.reference} was closed (rejected)`);
      await refused(act(hub.hrssClerk, hrss!.id, 'approve'), 'conflict', /cancelled \(closed\); approve is not possible from there, nothing more can be done on it/);
    });

    it('cancels the open tasks when the applicant withdraws the joint application', async () => {
      const parent = await jointApplication();
      const withdrawn = await act(hub.portal, parent.id, 'withdraw');
      assert.equal(withdrawn.state, 'withdrawn');
      assert.deepEqual(withdrawn.children.map((c) => c.state), ['cancelled', 'cancelled']);
    });

    it('warns once at two working days left and escalates once when overdue; paused and closed clocks are left alone', async () => {
      hub.setToday('2026-12-01');
      const running = await hub.submit({ subject: '居住证办理', timeLimit: 5 });
      const paused = await hub.submit({ subject: '身份证换领', timeLimit: 5 });
      const closed = await hub.submit({ subject: '户籍证明', timeLimit: 5 });
      const rectification = await createCase(hub.test.database, hub.policy, hub.portal, {
        type: 'rectification', subject: `差评整改：${closed.reference}`, applicant: 'citizen:zw-1', applicantName: '张伟', department: PSB,
      });
      for (const c of [running, paused, closed]) await act(hub.psbClerk, c.id, 'accept');
      await act(hub.psbClerk, paused.id, 'request_supplement', '请补充照片回执');
      await act(hub.psbClerk, closed.id, 'approve');
      const deadline = (await getCase(hub.test.database, hub.policy, hub.psbClerk, running.id)).deadline;
      assert.equal(deadline, '2026-12-08', '5 working days from Tuesday Dec 1');
      assert.equal(rectification.deadline, '2026-12-22', 'a rectification\'s 15 working days run from its creation');

      const ours = (refs: string[]) => refs.filter((r) => [running, paused, closed, rectification].some((c) => c.reference === r));
      const sweep = async (date: string) => {
        const result = await sweepDeadlines(hub.test.database, hub.policy, at(date));
        return { warned: ours(result.warned), escalated: ours(result.escalated) };
      };
      assert.deepEqual(await sweep('2026-12-03'), { warned: [], escalated: [] }, '3 working days left: no warning yet');
      assert.deepEqual(await sweep('2026-12-04'), { warned: [running.reference], escalated: [] }, '2 left (Monday and Tuesday)');
      assert.deepEqual(await sweep('2026-12-04'), { warned: [], escalated: [] }, 'the same sweep again changes nothing');
      assert.deepEqual(await sweep('2026-12-08'), { warned: [], escalated: [] }, 'due today is not overdue');
      const before = await hub.headSeq();
      assert.deepEqual(await sweep('2026-12-09'), { warned: [], escalated: [running.reference] });
      assert.ok(await hub.headSeq() > before, 'the escalation is journaled');
      assert.deepEqual(await sweep('2026-12-10'), { warned: [], escalated: [] }, 'escalated once');
      await Promise.all([sweep('2026-12-11'), sweep('2026-12-11')]);

      const late = await getCase(hub.test.database, hub.policy, hub.psbClerk, running.id);
      assert.deepEqual(history(late).filter((h) => h === 'warning' || h === 'escalation'), ['warning', 'escalation']);
      assert.deepEqual(late.timeline.find((e) => e.kind === 'warning')!.detail, { deadline: '2026-12-08', workingDaysLeft: 2 });
      assert.deepEqual(late.timeline.find((e) => e.kind === 'escalation')!.detail, { deadline: '2026-12-08', workingDaysOverdue: 1, to: 'dept_admin' });
      assert.equal(late.timeline.find((e) => e.kind === 'escalation')!.actor, 'system:case-deadlines');
      assert.equal(late.escalated, true);
      const headQueue = await listCases(hub.test.database, hub.policy, hub.psbAdmin, { escalated: true, open: true });
      assert.ok(headQueue.some((c) => c.id === running.id), 'in the department head\'s queue');
      assert.ok(!headQueue.some((c) => c.id === paused.id));
      for (const c of [paused, closed]) {
        const view = await getCase(hub.test.database, hub.policy, hub.psbClerk, c.id);
        assert.ok(!history(view).some((h) => h === 'warning' || h === 'escalation'), `${c.subject} was left alone`);
      }
      assert.deepEqual(await sweep('2026-12-18'), { warned: [rectification.reference], escalated: [] }, 'Dec 21 and 22 left');
    });

    it('lets the warning threshold be configured', async () => {
      hub.setToday('2026-12-14');
      const c = await hub.submit({ subject: '临时身份证', timeLimit: 10 });
      await act(hub.psbClerk, c.id, 'accept');
      const result = await sweepDeadlines(hub.test.database, { ...hub.policy, warningDays: 10 }, at('2026-12-14'));
      assert.ok(result.warned.includes(c.reference));
    });
  });
}
