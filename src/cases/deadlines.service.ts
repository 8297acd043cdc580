import type { HubDatabase as Db } from '../hub/database.ts';
import { systemActor } from '../platform/access.ts';
import { type CasePolicy, inWrite, record } from './engine.ts';
import * as store from './store.ts';

export interface SweepResult {
  /** References of the cases warned in this sweep. */
  warned: string[];
  /** References of the cases escalated to their department's head in this sweep. */
  escalated: string[];
}

/**
 * Run from a timer: warns once when a running clock has `policy.warningDays` working days left or
 * fewer, and escalates once when it is overdue (the case shows in its department head's queue,
 * listCases({ escalated: true })). Running it again changes nothing, so a timer that fires twice,
 * or two hub processes, cannot warn twice. Paused clocks are skipped: they are not running out.
 */
export async function sweepDeadlines(db: Db, policy: CasePolicy, now: Date = policy.now()): Promise<SweepResult> {
  const result: SweepResult = { warned: [], escalated: [] };
  await inWrite(db, { ...policy, now: () => now }, systemActor('case-deadlines'), async (w) => {
    const { calendar, warningDays } = policy;
    // Everything with at most warningDays left is due before the (warningDays + 1)-th working day from today.
    for (const row of await store.listDueCases(w.tx, calendar.addWorkingDays(w.today, warningDays + 1))) {
      const left = calendar.workingDaysLeft(w.today, row.deadline!);
      if (left < 0) {
        const updated = await store.updateCase(w.tx, w.actor, row.id, { escalated_at: w.at, updated_at: w.at });
        await record(w, updated, { kind: 'escalation', visibility: 'internal', detail: { deadline: row.deadline, workingDaysOverdue: -left, to: 'dept_admin' } });
        result.escalated.push(row.reference);
      } else if (left <= warningDays && !row.warned_at) {
        const updated = await store.updateCase(w.tx, w.actor, row.id, { warned_at: w.at, updated_at: w.at });
        await record(w, updated, { kind: 'warning', visibility: 'internal', detail: { deadline: row.deadline, workingDaysLeft: left } });
        result.warned.push(row.reference);
      }
    }
  });
  return result;
}
