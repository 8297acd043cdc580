import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type ClockColumns, pauseClock, resumeClock, startClock, workingDaysLeft } from '../../src/cases/clock.ts';
import { applicationType, defineCaseType, rectificationType, type CaseTypeDef } from '../../src/cases/types.ts';
import { loadCalendar } from '../../src/platform/calendar.ts';

const calendar = loadCalendar();
const at = (date: string) => new Date(`${date}T02:00:00Z`);

const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** A day after the start, up to the deadline: a pause that begins while the clock still runs. */
const pauseDay = (start: string, deadline: string, pick: number) => {
  const span = (Date.parse(deadline) - Date.parse(start)) / 86_400_000;
  return plusDays(start, 1 + (pick % span));
};
const fresh = (limit: number): ClockColumns => ({ time_limit: limit, clock_started_on: null, paused_on: null, pauses: '[]', deadline: null });

describe('the working-day clock of a case', () => {
  it('moves the deadline by the working days of the pause, skipping the holiday inside it', () => {
    const started = startClock(calendar, fresh(10), '2026-09-28');
    assert.equal(started.deadline, '2026-10-16');
    const resumed = resumeClock(calendar, pauseClock(started, '2026-09-29'), '2026-10-09');
    assert.equal(resumed.deadline, '2026-10-22');
    assert.equal(calendar.workingDaysBetween(started.deadline!, resumed.deadline!), 4);
  });

  it('moves the deadline by exactly the k working days a pause covers, for any start, limit and pause (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 364 }), fc.integer({ min: 1, max: 40 }), fc.nat(), fc.integer({ min: 0, max: 40 }),
      (startOffset, limit, pick, length) => {
        const start = plusDays('2026-01-01', startOffset);
        const started = startClock(calendar, fresh(limit), start);
        const from = pauseDay(start, started.deadline!, pick);
        const to = plusDays(from, length);
        const resumed = resumeClock(calendar, pauseClock(started, from), to);
        // Both ends of a pause are days the clock does not count.
        const k = calendar.workingDaysBetween(plusDays(from, -1), to);
        assert.equal(calendar.workingDaysBetween(started.deadline!, resumed.deadline!), k);
        assert.equal(calendar.isWorkingDay(resumed.deadline!), true);
      },
    ), { numRuns: 500 });
  });

  it('does not run down while paused (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 30 }), fc.nat(), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }),
      (startOffset, limit, pick, wait1, wait2) => {
        const start = plusDays('2026-01-01', startOffset);
        const started = startClock(calendar, fresh(limit), start);
        const from = pauseDay(start, started.deadline!, pick);
        const paused = pauseClock(started, from);
        const left = (date: string) => workingDaysLeft(calendar, paused, at(date));
        // Frozen at what was left when it stopped: the limit less the working days used before the pause.
        const atPause = limit - calendar.workingDaysBetween(start, plusDays(from, -1));
        assert.equal(left(plusDays(from, wait1)), atPause);
        assert.equal(left(plusDays(from, wait1 + wait2)), atPause);
      },
    ), { numRuns: 300 });
  });

  it('has no days left before it starts', () => {
    assert.equal(workingDaysLeft(calendar, fresh(5), at('2026-10-09')), null);
  });
});

describe('case types as data', () => {
  it('ships applications and rectifications whose states are typed open or closed', () => {
    for (const type of [applicationType, rectificationType]) {
      const open = Object.entries(type.states).filter(([, s]) => s.kind === 'open').map(([n]) => n);
      const closed = Object.entries(type.states).filter(([, s]) => s.kind === 'closed').map(([n]) => n);
      assert.ok(open.includes(type.initial));
      assert.ok(closed.length > 0);
    }
    assert.deepEqual(applicationType.actions.request_supplement, { from: ['accepted'], to: 'supplement_requested', by: 'staff', clock: 'pause', needsNote: true });
    assert.equal(applicationType.actions.supplement!.clock, 'resume');
  });

  it('refuses a definition with a mistake in it, saying what', () => {
    const base: CaseTypeDef = {
      code: 'letter', nameZh: '来信', nameEn: 'Letter', initial: 'received', timeLimit: 15,
      states: {
        received: { kind: 'open', nameZh: '已收到', nameEn: 'Received' },
        answered: { kind: 'closed', outcome: 'approved', nameZh: '已答复', nameEn: 'Answered' },
      },
      actions: { answer: { from: ['received'], to: 'answered', by: 'staff', needsNote: true } },
    };
    assert.equal(defineCaseType(base), base);
    assert.throws(() => defineCaseType({ ...base, initial: 'answered' }), /initial state answered must be an open state/);
    assert.throws(() => defineCaseType({ ...base, actions: { answer: { from: ['recieved'], to: 'answered', by: 'staff' } } }), /unknown state recieved/);
    assert.throws(() => defineCaseType({ ...base, actions: { reopen: { from: ['answered'], to: 'received', by: 'staff' } } }), /starts from a closed state/);
    assert.throws(() => defineCaseType({ ...base, actions: { wait: { from: ['received'], to: 'received', by: 'staff', clock: 'pause' } } }), /needs an action that resumes it/);
    assert.throws(() => defineCaseType({ ...base, states: { ...base.states, answered: { kind: 'closed', nameZh: '已答复', nameEn: 'Answered' } } }), /closed states, and only they, have an outcome/);
    assert.throws(() => defineCaseType({ ...base, timeLimit: 0 }), /timeLimit/);
    assert.throws(() => defineCaseType({ ...base, joint: { open: 'answer', approve: 'answer', reject: 'answer', cancel: 'answer' } }), /must be an engine action/);
  });
});
