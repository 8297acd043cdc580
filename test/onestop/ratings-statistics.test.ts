import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openJointHandling } from '../../src/cases/service.ts';
import type { Actor } from '../../src/platform/access.ts';
import type { DepartmentFigures, Figures, Period, RatingStatistics } from '../../src/onestop/ratings.schema.ts';
import { rateCase, ratingStatistics } from '../../src/onestop/ratings.service.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { databaseTargets } from '../support/databases.ts';
import { AMR, HRSS, PSB } from '../cases/setup.ts';
import { type RatingHub, ratingHub } from './ratings-setup.ts';

const nameOf = (code: string) => demoDepartments.find((d) => d.uscc === code)!;
const counts = ['casesClosed', 'onTime', 'ratings', 'satisfied', 'badReviews', 'rectified'] as const;

/**
 * A small known year of cases in two departments, with every boundary the figures depend on:
 * closed at 23:30 on the deadline day (on time) and at 00:30 after it (late), refused at intake
 * before any clock (on time), withdrawn and still open (not counted), a joint application
 * (counted once, for its lead department), the months and years around the period.
 */
for (const target of databaseTargets) {
  describe(`${target.kind}: the published rating statistics`, { skip: target.skip }, () => {
    let hub: RatingHub;
    let zhang: Actor;
    const baseline = new Map<Period, RatingStatistics>();
    const db = () => hub.test.database;
    const stats = (period: Period) => ratingStatistics(db(), hub.ratings, period);

    before(async () => {
      hub = await ratingHub(target.kind);
      zhang = (await hub.citizen('张伟')).actor;
      hub.setNow('2025-06-20');
      for (const period of ['month', 'year', 'all'] as const) baseline.set(period, await stats(period));

      const approved = async (department: string, clerk: Actor, day: string) => {
        hub.setNow(day);
        const c = await hub.apply(zhang, '张伟', { department });
        await hub.act(clerk, c.id, 'accept');
        return hub.act(clerk, c.id, 'approve');
      };
      const rate = (reference: string, level: number) => rateCase(db(), hub.ratings, zhang, reference, { level });

      await approved(AMR, hub.amrClerk, '2024-12-02');
      const d = await approved(PSB, hub.psbClerk, '2025-02-10');
      hub.setNow('2025-02-12');
      await rate(d.reference, 4);

      hub.setNow('2025-06-03');
      const a = await hub.act(hub.psbClerk, (await hub.apply(zhang, '张伟', { timeLimit: 1 })).id, 'accept');
      const b = await hub.act(hub.psbClerk, (await hub.apply(zhang, '张伟', { timeLimit: 1 })).id, 'accept');
      hub.setNow(`${a.deadline}T15:30:00Z`);
      await hub.act(hub.psbClerk, a.id, 'approve');
      hub.setNow(`${b.deadline}T16:30:00Z`);
      await hub.act(hub.psbClerk, b.id, 'approve');
      hub.setNow('2025-06-05');
      const c = await hub.apply(zhang, '张伟');
      await hub.act(hub.psbClerk, c.id, 'reject', '不属于本部门受理范围');
      await hub.act(hub.portal, (await hub.apply(zhang, '张伟')).id, 'withdraw');
      await hub.apply(zhang, '张伟');

      const g = await approved(AMR, hub.amrClerk, '2025-06-09');
      const h = await hub.apply(zhang, '张伟', { department: AMR, timeLimit: 15, subject: '开办餐饮店（一件事）' });
      await hub.act(hub.amrClerk, h.id, 'accept');
      const joint = await openJointHandling(db(), hub.policy, hub.amrClerk, h.id, { tasks: [{ department: AMR }, { department: HRSS }] });
      for (const [clerk, task] of [[hub.amrClerk, joint.children[0]!], [hub.hrssClerk, joint.children[1]!]] as const) {
        await hub.act(clerk, task.id, 'accept');
        await hub.act(clerk, task.id, 'approve');
      }

      hub.setNow('2025-06-10');
      await rate(a.reference, 5);
      const bad = await rate(b.reference, 2);
      await rate(c.reference, 3);
      await rate(g.reference, 1);
      await rate(h.reference, 4);
      hub.setNow('2025-06-12');
      await hub.act(hub.psbClerk, bad.rectification!.reference, 'reply', '已整改：超期原因已查明，窗口增加人手。');
      hub.setNow('2025-06-20');
    });
    after(() => hub?.close());

    const figures = (department: string, f: Figures): DepartmentFigures => ({ department, nameZh: nameOf(department).nameZh, nameEn: nameOf(department).nameEn, ...f });
    const byCode = (a: { department: string }, b: { department: string }) => a.department.localeCompare(b.department);

    it('counts this month exactly: on time to the minute, refusals at intake on time, joint applications once, withdrawn and open cases not at all', async () => {
      assert.deepEqual(baseline.get('month')!.departments, [], 'nothing before the test\'s cases');
      assert.deepEqual(await stats('month'), {
        period: 'month', from: '2025-05-31T16:00:00.000Z', to: '2025-06-30T16:00:00.000Z',
        departments: [
          figures(PSB, { casesClosed: 3, onTime: 2, onTimeRate: 0.6667, ratings: 3, satisfied: 2, satisfactionRate: 0.6667, meanLevel: 3.33, badReviews: 1, rectified: 1 }),
          figures(AMR, { casesClosed: 2, onTime: 2, onTimeRate: 1, ratings: 2, satisfied: 1, satisfactionRate: 0.5, meanLevel: 2.5, badReviews: 1, rectified: 0 }),
        ].sort(byCode),
        total: { casesClosed: 5, onTime: 4, onTimeRate: 0.8, ratings: 5, satisfied: 3, satisfactionRate: 0.6, meanLevel: 3, badReviews: 2, rectified: 1 },
      });
    });

    it('counts this year from 1 January in Dalian, leaving out the December before', async () => {
      assert.deepEqual(baseline.get('year')!.departments, []);
      assert.deepEqual(await stats('year'), {
        period: 'year', from: '2024-12-31T16:00:00.000Z', to: '2025-12-31T16:00:00.000Z',
        departments: [
          figures(PSB, { casesClosed: 4, onTime: 3, onTimeRate: 0.75, ratings: 4, satisfied: 3, satisfactionRate: 0.75, meanLevel: 3.5, badReviews: 1, rectified: 1 }),
          figures(AMR, { casesClosed: 2, onTime: 2, onTimeRate: 1, ratings: 2, satisfied: 1, satisfactionRate: 0.5, meanLevel: 2.5, badReviews: 1, rectified: 0 }),
        ].sort(byCode),
        total: { casesClosed: 6, onTime: 5, onTimeRate: 0.8333, ratings: 6, satisfied: 4, satisfactionRate: 0.6667, meanLevel: 3.17, badReviews: 2, rectified: 1 },
      });
    });

    it('counts all time on top of whatever the demo holds, and names no department without figures', async () => {
      const all = await stats('all');
      assert.equal(all.from, null);
      assert.equal(all.to, null);
      const added: Record<string, Record<(typeof counts)[number], number>> = {
        [PSB]: { casesClosed: 4, onTime: 3, ratings: 4, satisfied: 3, badReviews: 1, rectified: 1 },
        [AMR]: { casesClosed: 3, onTime: 3, ratings: 2, satisfied: 1, badReviews: 1, rectified: 0 },
      };
      for (const [code, delta] of Object.entries(added)) {
        const now = all.departments.find((f) => f.department === code)!;
        const then = baseline.get('all')!.departments.find((f) => f.department === code);
        for (const k of counts) assert.equal(now[k] - (then?.[k] ?? 0), delta[k], `${k} of ${code}`);
      }
      const hrss = all.departments.find((f) => f.department === HRSS);
      assert.equal(hrss?.casesClosed ?? 0, baseline.get('all')!.departments.find((f) => f.department === HRSS)?.casesClosed ?? 0, 'a joint task is not counted for its department');
      for (const f of all.departments) assert.ok(f.casesClosed + f.ratings + f.rectified > 0, `${f.department} has figures`);
    });
  });
}
