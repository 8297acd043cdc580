import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  actOnCase, addNote, assignCase, createCase, getCase, listApplicantCases, listCases, lookupCase, transferCase,
} from '../../src/cases/service.ts';
import { applyEntries, readEntries } from '../../src/journal/service.ts';
import { databaseTargets } from '../support/databases.ts';
import { AMR, type CaseHub, PSB, caseHub, history, refused } from './setup.ts';

for (const target of databaseTargets) {
  describe(`${target.kind}: the case engine`, { skip: target.skip }, () => {
    let hub: CaseHub;
    before(async () => { hub = await caseHub(target.kind); });
    after(() => hub?.close());
    const act = (actor: CaseHub['portal'], id: string, action: string, note?: string, idempotencyKey?: string) =>
      actOnCase(hub.test.database, hub.policy, actor, id, { action, ...(note && { note }), ...(idempotencyKey && { idempotencyKey }) });

    it('opens an application with a reference number, in its initial open state, its clock not yet started', async () => {
      hub.setToday('2026-09-28');
      const c = await hub.submit();
      assert.match(c.reference, /^DL-2026-\d{6}$/);
      assert.equal(c.state, 'submitted');
      assert.equal(c.stateKind, 'open');
      assert.equal(c.department, PSB);
      assert.equal(c.assignee, null);
      assert.equal(c.deadline, null, 'an application\'s clock starts at acceptance');
      assert.equal(c.workingDaysLeft, null);
      assert.deepEqual(c.allowedActions, ['accept', 'reject', 'withdraw']);
      assert.deepEqual(history(c), ['created']);
      assert.equal((await getCase(hub.test.database, hub.policy, hub.psbClerk, c.reference)).id, c.id, 'found by its reference');
    });

    it('refuses an action the state does not allow, naming the state and what is possible, and writes nothing', async () => {
      const c = await hub.submit();
      const before = await hub.headSeq();
      await refused(act(hub.psbClerk, c.id, 'approve'), 'conflict', /is submitted \(open\); approve is not possible from there, possible now: accept, reject, withdraw/, 'action');
      await refused(act(hub.psbClerk, c.id, 'request_supplement', '身份证复印件'), 'conflict', /submitted.*possible now: accept, reject, withdraw/);
      await refused(act(hub.psbClerk, c.id, 'fly'), 'invalid_input', /has no action fly; its actions are accept, request_supplement, supplement, approve, reject, withdraw/, 'action');
      await refused(act(hub.psbClerk, c.id, 'joint_approve'), 'invalid_input', /has no action joint_approve/, 'action');
      await refused(act(hub.psbClerk, c.id, 'reject'), 'invalid_input', /reject needs a note/, 'note');
      await refused(act(hub.psbClerk, c.id, 'reject', '   '), 'invalid_input', /needs a note/, 'note');
      assert.equal(await hub.headSeq(), before, 'nothing refused reached the journal');

      await act(hub.psbClerk, c.id, 'accept');
      const approved = await act(hub.psbClerk, c.id, 'approve');
      assert.equal(approved.state, 'approved');
      assert.equal(approved.stateKind, 'closed');
      assert.equal(approved.outcome, 'approved');
      assert.ok(approved.closedAt);
      assert.deepEqual(approved.allowedActions, []);
      await refused(act(hub.psbClerk, c.id, 'reject', '材料不全'), 'conflict', /is approved \(closed\); reject is not possible from there, nothing more can be done on it/);
      await refused(act(hub.portal, c.id, 'withdraw'), 'conflict', /approved \(closed\)/);
    });

    it('rejects bad input naming the field', async () => {
      const input = { type: 'application', subject: '户口迁移', applicant: 'citizen:zw-1', applicantName: '张伟', department: PSB };
      const create = (over: Record<string, unknown>) => createCase(hub.test.database, hub.policy, hub.portal, { ...input, ...over } as typeof input);
      const before = await hub.headSeq();
      await refused(create({ type: 'visa' }), 'invalid_input', /no case type visa; the types are application, rectification/, 'type');
      await refused(create({ subject: ' ' }), 'invalid_input', /subject is missing/, 'subject');
      await refused(create({ applicantName: 'x'.repeat(101) }), 'invalid_input', /longer than 100/, 'applicantName');
      await refused(create({ department: '91210200XXXXXXXXXX' }), 'invalid_input', /no department/, 'department');
      await refused(create({ timeLimit: 0 }), 'invalid_input', /whole number of working days/, 'timeLimit');
      await refused(create({ timeLimit: 2.5 }), 'invalid_input', /whole number/, 'timeLimit');
      await refused(create({ idempotencyKey: '' }), 'invalid_input', /idempotency key/, 'idempotencyKey');
      assert.equal(await hub.headSeq(), before, 'nothing refused reached the journal');
      const c = await hub.submit();
      const afterSubmit = await hub.headSeq();
      await refused(transferCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { department: AMR, reason: '' }), 'invalid_input', /reason for the transfer is missing/, 'reason');
      await refused(transferCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { department: 'nowhere', reason: '职能不符' }), 'invalid_input', /no department nowhere/, 'department');
      await refused(transferCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { department: PSB, reason: '职能不符' }), 'invalid_input', /already with department/, 'department');
      await refused(addNote(hub.test.database, hub.policy, hub.psbClerk, c.id, { text: 'x', visibility: 'secret' as 'public' }), 'invalid_input', /public or internal/, 'visibility');
      await refused(assignCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { assignee: 'no-such-account' }), 'invalid_input', /no account/, 'assignee');
      await refused(assignCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { assignee: hub.amrClerk.actor }), 'invalid_input', /works in another department/, 'assignee');
      await refused(assignCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { assignee: hub.psbReviewer.actor }), 'invalid_input', /not a clerk/, 'assignee');
      assert.equal(await hub.headSeq(), afterSubmit, 'nothing refused reached the journal');
      await refused(actOnCase(hub.test.database, hub.policy, hub.psbClerk, 'no-such-case', { action: 'accept' }), 'not_found', /no case no-such-case/);
    });

    it('lets a clerk act only on their own department\'s cases, and platform administrators on all', async () => {
      const c = await hub.submit();
      const before = await hub.headSeq();
      await refused(act(hub.amrClerk, c.id, 'accept'), 'forbidden', new RegExp(`handled by department ${PSB}; you can act only on your own department's cases`));
      await refused(act(hub.auditor, c.id, 'accept'), 'forbidden', /own department/);
      await refused(act(hub.psbReviewer, c.id, 'accept'), 'forbidden', /own department/, undefined);
      await refused(act(hub.psbClerk, c.id, 'withdraw'), 'forbidden', /only the applicant/);
      await refused(assignCase(hub.test.database, hub.policy, hub.amrClerk, c.id, { assignee: hub.amrClerk.actor }), 'forbidden', /own department/);
      await refused(transferCase(hub.test.database, hub.policy, hub.amrClerk, c.id, { department: AMR, reason: '我们来办' }), 'forbidden', /own department/);
      await refused(addNote(hub.test.database, hub.policy, hub.amrClerk, c.id, { text: '看一下', visibility: 'internal' }), 'forbidden', /own department/);
      await refused(getCase(hub.test.database, hub.policy, hub.amrClerk, c.id), 'not_found', /no case/, undefined);
      await refused(listCases(hub.test.database, hub.policy, hub.amrClerk, { department: PSB }), 'forbidden', /own department/);
      await refused(createCase(hub.test.database, hub.policy, hub.amrClerk, { type: 'application', subject: 's', applicant: 'a', applicantName: 'n', department: PSB }), 'forbidden', /clerk of the handling department/);
      assert.equal(await hub.headSeq(), before);

      assert.equal((await getCase(hub.test.database, hub.policy, hub.auditor, c.id)).id, c.id, 'auditors read every department');
      assert.equal((await act(hub.admin, c.id, 'accept')).state, 'accepted', 'a platform administrator acts for any department');
      assert.equal((await act(hub.psbAdmin, c.id, 'approve')).state, 'approved', 'so does the department\'s administrator');
      const amrQueue = await listCases(hub.test.database, hub.policy, hub.amrClerk);
      assert.ok(amrQueue.every((s) => s.department === AMR), 'a clerk\'s queue holds their own department\'s cases only');
    });

    it('assigns to a clerk of the department, back to the queue, and transfers with a reason to another department', async () => {
      const c = await hub.submit({ subject: '营业执照办理' });
      const psbClerkId = hub.psbClerk.actor;
      const assigned = await assignCase(hub.test.database, hub.policy, hub.psbAdmin, c.id, { assignee: psbClerkId });
      assert.equal(assigned.assignee, psbClerkId);
      const mine = await listCases(hub.test.database, hub.policy, hub.psbClerk, { assignee: psbClerkId, open: true });
      assert.ok(mine.some((s) => s.id === c.id), 'in the clerk\'s own queue');
      const back = await assignCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { assignee: null });
      assert.equal(back.assignee, null);
      assert.ok((await listCases(hub.test.database, hub.policy, hub.psbClerk, { assignee: null, open: true })).some((s) => s.id === c.id), 'back in the department queue');

      await assignCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { assignee: psbClerkId });
      const moved = await transferCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { department: AMR, reason: '企业登记属市场监管局职责' });
      assert.equal(moved.department, AMR, 'the clerk still sees the case they handed on in the answer');
      assert.equal(moved.assignee, null, 'it waits in the new department\'s queue');
      const transfer = moved.timeline.at(-1)!;
      assert.equal(transfer.kind, 'transferred');
      assert.equal(transfer.note, '企业登记属市场监管局职责');
      assert.deepEqual(transfer.detail, { from: PSB, to: AMR });
      assert.equal(transfer.department, PSB, 'done by the department that handed it on');

      await refused(act(hub.psbClerk, c.id, 'accept'), 'forbidden', /handled by department/);
      await refused(getCase(hub.test.database, hub.policy, hub.psbClerk, c.id), 'not_found', /no case/);
      assert.equal((await act(hub.amrClerk, c.id, 'accept')).state, 'accepted');
      assert.ok((await listCases(hub.test.database, hub.policy, hub.amrClerk, { open: true })).some((s) => s.id === c.id));
      const seen = await lookupCase(hub.test.database, hub.policy, c.reference, '张伟');
      assert.ok(seen.timeline.some((e) => e.kind === 'transferred' && e.note === '企业登记属市场监管局职责'), 'the applicant sees why it moved');
      assert.ok(!seen.timeline.some((e) => e.kind === 'assigned'), 'but not who inside the department has it');
    });

    it('counts the deadline in working days across National Day, pausing while the applicant supplements', async () => {
      hub.setToday('2026-09-25'); // a Friday in the Mid-Autumn holiday: submitted online
      const c = await hub.submit({ timeLimit: 10 });
      hub.setToday('2026-09-28');
      const accepted = await act(hub.psbClerk, c.id, 'accept');
      assert.equal(accepted.clockStartedOn, '2026-09-28');
      assert.equal(accepted.deadline, '2026-10-16', '10 working days: Sep 29, 30, Oct 8, 9, the make-up Saturday Oct 10, 12–16');
      assert.equal(accepted.workingDaysLeft, 10);

      hub.setToday('2026-09-29');
      const paused = await act(hub.psbClerk, c.id, 'request_supplement', '请补充：户口簿原件扫描件；迁入地住房证明');
      assert.equal(paused.state, 'supplement_requested');
      assert.equal(paused.paused, true);
      assert.equal(paused.pausedSince, '2026-09-29');
      assert.equal(paused.deadline, null, 'a stopped clock has no due date');
      assert.equal(paused.workingDaysLeft, 10, 'nothing was used before the pause');
      hub.setToday('2026-10-05');
      assert.equal((await getCase(hub.test.database, hub.policy, hub.psbClerk, c.id)).workingDaysLeft, 10, 'the stopped clock does not run down');
      await refused(act(hub.psbClerk, c.id, 'approve'), 'conflict', /supplement_requested \(open\).*possible now: supplement, withdraw/);

      hub.setToday('2026-10-09');
      const resumed = await act(hub.portal, c.id, 'supplement');
      assert.equal(resumed.state, 'accepted');
      assert.equal(resumed.paused, false);
      assert.deepEqual(resumed.pauses, [{ from: '2026-09-29', to: '2026-10-09' }]);
      assert.equal(resumed.deadline, '2026-10-22', 'moved by the 4 working days paused (Sep 29, 30, Oct 8, 9), not by the holiday');
      assert.equal(resumed.workingDaysLeft, 10);
      assert.deepEqual(resumed.timeline.filter((e) => e.kind.startsWith('clock_')).map((e) => [e.kind, e.detail]), [
        ['clock_started', { deadline: '2026-10-16' }],
        ['clock_paused', { since: '2026-09-29' }],
        ['clock_resumed', { paused: { from: '2026-09-29', to: '2026-10-09' }, deadline: '2026-10-22' }],
      ]);

      hub.setToday('2026-10-21');
      assert.equal((await getCase(hub.test.database, hub.policy, hub.psbClerk, c.id)).workingDaysLeft, 1);
      hub.setToday('2026-10-24'); // Saturday after the deadline
      const late = await getCase(hub.test.database, hub.policy, hub.psbClerk, c.id);
      assert.equal(late.workingDaysLeft, -1);
      assert.equal(late.overdue, true);
      const done = await act(hub.psbClerk, c.id, 'approve');
      assert.equal(done.workingDaysLeft, null, 'a closed case has no clock running');
      assert.equal(done.overdue, false);
      assert.equal(done.deadline, '2026-10-22', 'the deadline stays, to judge it on time or late');
    });

    it('keeps every event of the case, in order, with time, person, department and detail; the applicant sees the public ones', async () => {
      hub.setToday('2026-11-02');
      const c = await hub.submit();
      await assignCase(hub.test.database, hub.policy, hub.psbAdmin, c.id, { assignee: hub.psbClerk.actor });
      await act(hub.psbClerk, c.id, 'accept');
      await addNote(hub.test.database, hub.policy, hub.psbClerk, c.id, { text: '申请人电话已核实', visibility: 'internal' });
      await act(hub.psbClerk, c.id, 'request_supplement', '请补充户口簿');
      await act(hub.portal, c.id, 'supplement');
      await addNote(hub.test.database, hub.policy, hub.psbClerk, c.id, { text: '材料已齐全，正在审核', visibility: 'public' });
      await transferCase(hub.test.database, hub.policy, hub.psbClerk, c.id, { department: AMR, reason: '涉及企业登记' });
      await act(hub.amrClerk, c.id, 'reject', '不符合登记条件');
      const full = await getCase(hub.test.database, hub.policy, hub.admin, c.id);
      assert.deepEqual(history(full), [
        'created', 'assigned', 'action:accept', 'clock_started', 'note', 'action:request_supplement', 'clock_paused',
        'action:supplement', 'clock_resumed', 'note', 'transferred', 'action:reject',
      ]);
      assert.deepEqual(full.timeline.map((e) => e.seq), full.timeline.map((_, i) => i + 1));
      for (const e of full.timeline) assert.ok(e.at && e.actor, `event ${e.seq} has a time and a person`);
      const by = (kind: string) => full.timeline.find((e) => e.kind === kind || e.action === kind)!;
      assert.equal(by('accept').actor, hub.psbClerk.actor);
      assert.equal(by('accept').department, PSB);
      assert.deepEqual([by('accept').fromState, by('accept').toState], ['submitted', 'accepted']);
      assert.equal(by('supplement').actor, 'system:portal');
      assert.equal(by('supplement').department, PSB, 'the portal acts in the handling department\'s case');
      assert.equal(by('reject').department, AMR);
      assert.equal(by('reject').note, '不符合登记条件');
      assert.deepEqual(by('assigned').detail, { from: null, to: hub.psbClerk.actor, name: '孙丽' });

      const publicView = await lookupCase(hub.test.database, hub.policy, c.reference, '张伟');
      assert.deepEqual(history(publicView), [
        'created', 'action:accept', 'clock_started', 'action:request_supplement', 'clock_paused', 'action:supplement', 'clock_resumed',
        'note', 'transferred', 'action:reject',
      ]);
      assert.ok(publicView.timeline.every((e) => e.actor === ''), 'no staff account ids for the public');
      assert.equal(publicView.timeline.find((e) => e.kind === 'note')!.note, '材料已齐全，正在审核');
      await refused(lookupCase(hub.test.database, hub.policy, c.reference, '李四'), 'not_found', /no case/);
      const own = await listApplicantCases(hub.test.database, hub.policy, { ...hub.portal, actor: 'citizen:zw-1' }, 'citizen:zw-1');
      assert.ok(own.some((s) => s.reference === c.reference));
      await refused(listApplicantCases(hub.test.database, hub.policy, { ...hub.portal, actor: 'citizen:other', roles: [] }, 'citizen:zw-1'), 'forbidden', /own cases/);
    });

    it('gives the same action with the same idempotency key one effect, and one case for a double submission', async () => {
      const key = `submit-${target.kind}-1`;
      const [a, b] = await Promise.all([hub.submit({ idempotencyKey: key }), hub.submit({ idempotencyKey: key })]);
      assert.equal(a.reference, b.reference);
      const again = await hub.submit({ idempotencyKey: key });
      assert.equal(again.id, a.id);
      const applicantCases = await listApplicantCases(hub.test.database, hub.policy, hub.portal, 'citizen:zw-1');
      assert.equal(applicantCases.filter((s) => s.id === a.id).length, 1);

      await act(hub.psbClerk, a.id, 'accept', undefined, `accept-${a.id}`);
      const twice = await act(hub.psbClerk, a.id, 'accept', undefined, `accept-${a.id}`);
      assert.equal(twice.state, 'accepted');
      assert.equal(history(twice).filter((h) => h === 'action:accept').length, 1);
      const [n1, n2] = await Promise.all([
        addNote(hub.test.database, hub.policy, hub.psbClerk, a.id, { text: '已电话联系', visibility: 'internal', idempotencyKey: `note-${a.id}` }),
        addNote(hub.test.database, hub.policy, hub.psbClerk, a.id, { text: '已电话联系', visibility: 'internal', idempotencyKey: `note-${a.id}` }),
      ]);
      assert.equal(history(n1).filter((h) => h === 'note').length, 1);
      assert.equal(history(n2).filter((h) => h === 'note').length, 1);
      await refused(act(hub.psbClerk, a.id, 'approve', undefined, `accept-${a.id}`), 'conflict', /already used for another operation/, 'idempotencyKey');
      await refused(hub.submit({ idempotencyKey: `accept-${a.id}` }), 'conflict', /already used/, 'idempotencyKey');
    });

    it('gives concurrent submissions distinct reference numbers', async () => {
      const cases = await Promise.all(Array.from({ length: 20 }, (_, i) => hub.submit({ subject: `并发 ${i}` })));
      const references = cases.map((c) => c.reference);
      assert.equal(new Set(references).size, 20);
      for (const r of references) assert.match(r, /^DL-2026-\d{6}$/);
      const numbers = references.map((r) => Number(r.slice(-6))).sort((x, y) => x - y);
      assert.deepEqual(numbers, numbers.map((_, i) => numbers[0]! + i), 'without gaps');
    });

    it('starts a new sequence each year', async () => {
      hub.setToday('2027-01-05');
      assert.equal((await hub.submit()).reference, 'DL-2027-000001');
      hub.setToday('2026-11-02');
    });

    it('writes everything through the journal: replaying it reproduces the case tables', async () => {
      const sibling = await hub.test.sibling();
      try {
        for (let afterSeq = 0; ;) {
          const entries = await readEntries(hub.test.database.db, afterSeq, 500);
          if (entries.length === 0) break;
          await sibling.database.transaction((tx) => applyEntries(tx, entries));
          afterSeq = entries.at(-1)!.seq;
        }
        for (const table of ['cases', 'case_events', 'case_sequences'] as const) {
          const original = await hub.test.database.db.selectFrom(table).selectAll().orderBy('id').execute();
          const replayed = await sibling.database.db.selectFrom(table).selectAll().orderBy('id').execute();
          assert.ok(original.length > 0);
          assert.deepEqual(replayed, original, table);
        }
      } finally {
        await sibling.close();
      }
    });
  });
}
