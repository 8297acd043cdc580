import { type Pause, type WorkingCalendar, chinaDate } from '../platform/calendar.ts';
import type { CaseRow } from './schema.ts';

/**
 * A case's working-day clock, as the columns it keeps on the case row. The deadline is always
 * derived from the start, the limit and the finished pauses by the calendar, never moved by
 * hand, so a pause moves it by exactly the working days it covered.
 */
export type ClockColumns = Pick<CaseRow, 'time_limit' | 'clock_started_on' | 'paused_on' | 'pauses' | 'deadline'>;

export function pausesOf(clock: Pick<CaseRow, 'pauses'>): Pause[] {
  return JSON.parse(clock.pauses) as Pause[];
}

export function startClock(calendar: WorkingCalendar, clock: ClockColumns, today: string): ClockColumns {
  return { ...clock, clock_started_on: today, deadline: clock.paused_on ? null : calendar.dueDate(today, clock.time_limit, pausesOf(clock)) };
}

/** Stopped on `today`; a stopped clock has no due date until it resumes. */
export function pauseClock(clock: ClockColumns, today: string): ClockColumns {
  if (clock.paused_on) return clock;
  return { ...clock, paused_on: today, deadline: null };
}

/** Resumed on `today`: the pause covers both its days (calendar.dueDate), and the deadline moves past it. */
export function resumeClock(calendar: WorkingCalendar, clock: ClockColumns, today: string): ClockColumns {
  if (!clock.paused_on) return clock;
  const pauses = [...pausesOf(clock), { from: clock.paused_on, to: today < clock.paused_on ? clock.paused_on : today }];
  const deadline = clock.clock_started_on ? calendar.dueDate(clock.clock_started_on, clock.time_limit, pauses) : null;
  return { ...clock, paused_on: null, pauses: JSON.stringify(pauses), deadline };
}

/**
 * Working days left after today: null before the clock starts; negative once overdue. While
 * paused it is what would be left if the applicant supplemented today, which stays the same
 * day after day: the clock is stopped.
 */
export function workingDaysLeft(calendar: WorkingCalendar, clock: ClockColumns, now: Date): number | null {
  if (!clock.clock_started_on) return null;
  const today = chinaDate(now);
  const due = clock.paused_on ? resumeClock(calendar, clock, today).deadline! : clock.deadline!;
  return calendar.workingDaysLeft(today, due);
}
