import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CalendarFileError, chinaDate, isIsoDate, loadCalendar, WorkingCalendar, type CalendarYear,
} from '../../src/platform/calendar.ts';

const BUILT_IN = path.resolve('src/platform/calendar/cn-2026.json');
const schedule2026 = (): CalendarYear => JSON.parse(readFileSync(BUILT_IN, 'utf8')) as CalendarYear;

let folder = '';
let counter = 0;

before(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'egov-calendar-'));
});

after(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** A fresh folder holding the given calendar files (objects are written as JSON). */
function dirWith(files: Record<string, unknown>): string {
  const dir = path.join(folder, `extra-${++counter}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

/** Loads with one extra file expecting it to be refused; returns the error. */
function refused(name: string, content: unknown): CalendarFileError {
  const dir = dirWith({ [name]: content });
  try {
    loadCalendar({ extraDirs: [dir] });
  } catch (error) {
    assert.ok(error instanceof CalendarFileError, `expected a CalendarFileError, got ${String(error)}`);
    assert.ok(error.message.includes(path.join(dir, name)), `the message names the file: ${error.message}`);
    return error;
  }
  assert.fail(`${name} was accepted`);
}

/** The 2026 schedule with one change, for building bad files. */
function variant(change: (y: CalendarYear) => void): CalendarYear {
  const y = schedule2026();
  change(y);
  return y;
}

const cal = loadCalendar();

// Independent reference: walk day by day with isWorkingDay and Date arithmetic.
const nextDay = (iso: string): string => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
function naiveAdd(c: WorkingCalendar, start: string, n: number): string {
  let d = start;
  for (let left = n; left > 0; ) {
    d = nextDay(d);
    if (c.isWorkingDay(d)) left--;
  }
  return d;
}
function naiveBetween(c: WorkingCalendar, from: string, to: string): number {
  let count = 0;
  for (let d = from; d < to; ) {
    d = nextDay(d);
    if (c.isWorkingDay(d)) count++;
  }
  return count;
}

// Dates from 2024 to 2028: the loaded year, its edges, and years falling back to weekdays.
const DAY0 = Date.UTC(2024, 0, 1) / 86_400_000;
const anyDate = fc.integer({ min: DAY0, max: DAY0 + 5 * 366 }).map((z) => new Date(z * 86_400_000).toISOString().slice(0, 10));
const date2026 = fc.integer({ min: 0, max: 364 }).map((i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));

describe('working-day calendar', () => {
  describe('the 2026 schedule', () => {
    it('gives the worked example of calendar.md: received Mon 2026-09-28, 10 working days, due Fri 2026-10-16', () => {
      assert.equal(cal.addWorkingDays('2026-09-28', 10), '2026-10-16');
      assert.equal(cal.dueDate('2026-09-28', 10, []), '2026-10-16');
      const counted = Array.from({ length: 10 }, (_, i) => cal.addWorkingDays('2026-09-28', i + 1));
      assert.deepEqual(counted, [
        '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10',
        '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16',
      ]);
      assert.equal(cal.isWorkingDay('2026-10-10'), true, 'the make-up Saturday counts');
      assert.equal(cal.isWorkingDay('2026-10-11'), false, 'the Sunday after it does not');
      assert.equal(cal.workingDaysBetween('2026-09-28', '2026-10-16'), 10);
      assert.equal(cal.workingDaysBetween('2026-10-16', '2026-09-28'), -10);
    });

    it('works the Saturdays around the Spring Festival (Feb 14 and Feb 28) and rests Feb 15 to Feb 23', () => {
      assert.equal(cal.isWorkingDay('2026-02-14'), true);
      for (let d = 15; d <= 23; d++) assert.equal(cal.isWorkingDay(`2026-02-${d}`), false, `Feb ${d} is off`);
      assert.equal(cal.isWorkingDay('2026-02-24'), true);
      assert.equal(cal.isWorkingDay('2026-02-28'), true);
      assert.equal(cal.isWorkingDay('2026-03-01'), false, 'an ordinary Sunday');
      // Received Friday Feb 13: Feb 14 (Sat), then Feb 24, 25, 26, 27, then Saturday Feb 28.
      assert.equal(cal.addWorkingDays('2026-02-13', 1), '2026-02-14');
      assert.equal(cal.addWorkingDays('2026-02-13', 2), '2026-02-24');
      assert.equal(cal.addWorkingDays('2026-02-13', 5), '2026-02-27');
      assert.equal(cal.addWorkingDays('2026-02-13', 6), '2026-02-28');
      assert.equal(cal.addWorkingDays('2026-02-13', 7), '2026-03-02');
      assert.equal(cal.workingDaysBetween('2026-02-14', '2026-02-24'), 1);
    });

    it('works Sunday Jan 4 after the New Year holiday, even counted from 2025 (which has no schedule)', () => {
      assert.equal(cal.isWorkingDay('2026-01-01'), false);
      assert.equal(cal.isWorkingDay('2026-01-02'), false);
      assert.equal(cal.isWorkingDay('2026-01-04'), true);
      assert.equal(cal.addWorkingDays('2025-12-31', 1), '2026-01-04');
      assert.equal(cal.addWorkingDays('2025-12-31', 2), '2026-01-05');
      assert.equal(cal.workingDaysBetween('2025-12-30', '2026-01-04'), 2, 'Dec 31 and Jan 4');
    });

    it('has 248 working days in 2026: 261 weekdays, 19 of them holidays, and 6 make-up days', () => {
      assert.equal(cal.workingDaysBetween('2025-12-31', '2026-12-31'), 248);
      assert.equal(naiveBetween(cal, '2025-12-31', '2026-12-31'), 248);
    });

    it('reports where the schedule came from', () => {
      assert.deepEqual(cal.years.map((y) => [y.year, y.source, y.file]), [
        [2026, '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)', BUILT_IN],
      ]);
    });
  });

  describe('coverage', () => {
    it('is official for 2026 and weekdays-only for 2025 and 2027, which have no file', () => {
      assert.equal(cal.coverage(2026), 'official');
      assert.equal(cal.coverage(2027), 'weekdays-only');
      assert.equal(cal.coverage(2025), 'weekdays-only');
      assert.deepEqual(cal.yearsWithoutSchedule('2026-12-20', '2027-01-15'), [2027]);
      assert.deepEqual(cal.yearsWithoutSchedule('2026-03-01', '2026-04-01'), []);
    });

    it('falls back to Monday to Friday in 2027: New Year\'s Day is counted, because no one has said otherwise', () => {
      assert.equal(cal.isWorkingDay('2027-01-01'), true, 'a Friday');
      assert.equal(cal.isWorkingDay('2027-01-02'), false, 'a Saturday');
      assert.equal(cal.addWorkingDays('2026-12-31', 1), '2027-01-01');
      assert.equal(cal.addWorkingDays('2026-12-31', 2), '2027-01-04');
    });
  });

  describe('working days left', () => {
    it('counts down to 0 on the due date and goes negative after it, even over a weekend', () => {
      assert.equal(cal.workingDaysLeft('2026-09-28', '2026-10-16'), 10);
      assert.equal(cal.workingDaysLeft('2026-09-30', '2026-10-16'), 8, 'the holiday week does not count');
      assert.equal(cal.workingDaysLeft('2026-10-16', '2026-10-16'), 0);
      assert.equal(cal.workingDaysLeft('2026-10-17', '2026-10-16'), -1, 'Saturday after a Friday deadline is overdue');
      assert.equal(cal.workingDaysLeft('2026-10-18', '2026-10-16'), -1);
      assert.equal(cal.workingDaysLeft('2026-10-20', '2026-10-16'), -2);
    });
  });

  describe('paused clocks', () => {
    it('stops from the day supplements are requested to the day they arrive, both included', () => {
      // Requested Thu Oct 8, received Mon Oct 12: Oct 8, 9, 10 (make-up) and 12 are paused.
      const pause = { from: '2026-10-08', to: '2026-10-12' };
      assert.equal(cal.workingDaysBetween('2026-10-07', '2026-10-12'), 4);
      assert.equal(cal.dueDate('2026-09-28', 10, [pause]), '2026-10-22');
      assert.equal(cal.dueDate('2026-09-28', 10, [pause]), cal.addWorkingDays('2026-09-28', 14));
    });

    it('ignores pauses before the start and after the due date, and counts overlapping pauses once', () => {
      assert.equal(cal.dueDate('2026-09-28', 10, [{ from: '2026-09-01', to: '2026-09-28' }]), '2026-10-16');
      assert.equal(cal.dueDate('2026-09-28', 10, [{ from: '2026-10-17', to: '2026-11-30' }]), '2026-10-16');
      const overlapping = [{ from: '2026-10-08', to: '2026-10-10' }, { from: '2026-10-09', to: '2026-10-12' }];
      assert.equal(cal.dueDate('2026-09-28', 10, overlapping), '2026-10-22');
    });

    it('refuses a pause that ends before it starts, and a negative or fractional number of days', () => {
      assert.throws(() => cal.dueDate('2026-09-28', 10, [{ from: '2026-10-12', to: '2026-10-08' }]), /pauses\[0\] ends 2026-10-08, before it starts 2026-10-12/);
      assert.throws(() => cal.addWorkingDays('2026-09-28', -1), RangeError);
      assert.throws(() => cal.addWorkingDays('2026-09-28', 1.5), RangeError);
    });

    it('extends the due date by exactly the working days inside a pause that begins before it', () => {
      fc.assert(fc.property(anyDate, fc.integer({ min: 1, max: 60 }), fc.nat(), fc.nat({ max: 90 }), (start, n, offset, length) => {
        const due = cal.addWorkingDays(start, n);
        const days = (Date.parse(due) - Date.parse(start)) / 86_400_000;
        // A pause starting on any day after the start up to the due date itself.
        const from = new Date(Date.parse(start) + (1 + (offset % days)) * 86_400_000).toISOString().slice(0, 10);
        const to = new Date(Date.parse(from) + length * 86_400_000).toISOString().slice(0, 10);
        const inside = naiveBetween(cal, from, to) + (cal.isWorkingDay(from) ? 1 : 0);
        assert.equal(cal.dueDate(start, n, [{ from, to }]), cal.addWorkingDays(start, n + inside));
      }));
    });
  });

  describe('dates in China', () => {
    it('turns a UTC instant into the date in Asia/Shanghai (UTC+8)', () => {
      assert.equal(chinaDate(new Date('2026-09-27T18:00:00Z')), '2026-09-28', 'the Dalian example');
      assert.equal(chinaDate(new Date('2026-09-27T15:59:59.999Z')), '2026-09-27');
      assert.equal(chinaDate(new Date('2026-09-27T16:00:00Z')), '2026-09-28');
      assert.equal(chinaDate(new Date('2025-12-31T16:00:00Z')), '2026-01-01');
      assert.equal(chinaDate(new Date('2028-02-28T16:00:00Z')), '2028-02-29');
      assert.throws(() => chinaDate(new Date('nonsense')), RangeError);
    });

    it('agrees with Intl for Asia/Shanghai at any instant from 1992 on', () => {
      const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
      fc.assert(fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        assert.equal(chinaDate(new Date(ms)), intl.format(new Date(ms)));
      }));
    });

    it('accepts only real YYYY-MM-DD dates', () => {
      assert.equal(isIsoDate('2028-02-29'), true);
      for (const bad of ['2026-02-29', '2026-13-01', '2026-9-28', '2026-09-28T00:00:00Z', '', '20260928']) {
        assert.equal(isIsoDate(bad), false, bad);
      }
      assert.throws(() => cal.isWorkingDay('2026-02-30'), /"2026-02-30" is not a date in the form YYYY-MM-DD/);
    });
  });

  describe('properties', () => {
    it('lands on a working day for n ≥ 1', () => {
      fc.assert(fc.property(anyDate, fc.integer({ min: 1, max: 400 }), (d, n) => {
        assert.equal(cal.isWorkingDay(cal.addWorkingDays(d, n)), true);
      }));
    });

    it('counts back the n it was given: workingDaysBetween(d, addWorkingDays(d, n)) === n', () => {
      fc.assert(fc.property(anyDate, fc.integer({ min: 0, max: 400 }), (d, n) => {
        assert.equal(cal.workingDaysBetween(d, cal.addWorkingDays(d, n)), n);
      }));
    });

    it('is strictly increasing in n', () => {
      fc.assert(fc.property(anyDate, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 200 }), (d, n, more) => {
        assert.ok(cal.addWorkingDays(d, n) < cal.addWorkingDays(d, n + more));
      }));
    });

    it('matches a day-by-day walk', () => {
      fc.assert(fc.property(date2026, fc.integer({ min: 0, max: 80 }), (d, n) => {
        assert.equal(cal.addWorkingDays(d, n), naiveAdd(cal, d, n));
      }));
      fc.assert(fc.property(anyDate, anyDate, (a, b) => {
        assert.equal(cal.workingDaysBetween(a, b), a <= b ? naiveBetween(cal, a, b) : 0 - naiveBetween(cal, b, a));
      }), { numRuns: 50 });
    });

    it('adds up: between(a, b) + between(b, c) === between(a, c)', () => {
      fc.assert(fc.property(anyDate, anyDate, anyDate, (a, b, c) => {
        assert.equal(cal.workingDaysBetween(a, b) + cal.workingDaysBetween(b, c), cal.workingDaysBetween(a, c));
      }));
    });
  });

  describe('loading schedules', () => {
    it('treats a missing extra folder as empty, since the data folder has none until an operator adds a year', () => {
      const c = loadCalendar({ extraDirs: [path.join(folder, 'no-such-folder')] });
      assert.equal(c.coverage(2026), 'official');
    });

    it('lets a correction file in the data folder replace the built-in year', () => {
      const corrected = variant((y) => {
        y.source = 'correction (test)';
        // Suppose National Day had been published with Oct 8 as a holiday and no make-up Oct 10.
        y.holidays.find((h) => h.name === '国庆节')!.to = '2026-10-08';
        y.workdays = y.workdays.filter((w) => w.date !== '2026-10-10');
      });
      const dir = dirWith({ 'cn-2026.json': corrected, 'notes.txt': 'not a calendar file' });
      const c = loadCalendar({ extraDirs: [dir] });
      assert.equal(c.isWorkingDay('2026-10-08'), false);
      assert.equal(c.isWorkingDay('2026-10-10'), false);
      assert.equal(c.addWorkingDays('2026-09-28', 10), '2026-10-20');
      assert.deepEqual(c.years.map((y) => [y.year, y.source, y.file]), [[2026, 'correction (test)', path.join(dir, 'cn-2026.json')]]);
      assert.equal(cal.addWorkingDays('2026-09-28', 10), '2026-10-16', 'the calendar loaded before is untouched');
    });

    it('lets a later folder replace an earlier one, and adds new years', () => {
      const y2027 = (source: string) => ({
        year: 2027, source,
        holidays: [{ name: '元旦', nameEn: 'New Year', from: '2027-01-01', to: '2027-01-03' }],
        workdays: [],
      });
      const c = loadCalendar({ extraDirs: [dirWith({ 'cn-2027.json': y2027('first') }), dirWith({ 'cn-2027-fix.json': y2027('second') })] });
      assert.equal(c.coverage(2027), 'official');
      assert.equal(c.years.find((y) => y.year === 2027)!.source, 'second');
      assert.equal(c.isWorkingDay('2027-01-01'), false);
      assert.equal(c.addWorkingDays('2026-12-31', 1), '2027-01-04');
    });

    it('loads a New Year holiday that starts in the December before, as the 2019 notice had it', () => {
      const dir = dirWith({
        'cn-2019.json': {
          year: 2019, source: '国务院办公厅关于2019年部分节假日安排的通知',
          holidays: [{ name: '元旦', nameEn: 'New Year', from: '2018-12-30', to: '2019-01-01' }],
          workdays: [{ date: '2018-12-29', for: '元旦' }],
        },
      });
      const c = loadCalendar({ extraDirs: [dir] });
      assert.equal(c.isWorkingDay('2018-12-29'), true);
      assert.equal(c.isWorkingDay('2018-12-31'), false);
      assert.equal(c.addWorkingDays('2018-12-28', 2), '2019-01-02');
    });

    it('refuses a bad file, naming the file and the problem', () => {
      const cases: [string, unknown, RegExp][] = [
        ['cn-2027.json', '{ "year": 2027,', /cannot be read as JSON/],
        ['cn-2027.json', variant((y) => { y.year = 2026; }), /named for 2027 but says "year": 2026/],
        ['cn-2026.json', variant((y) => { y.holidays[0]!.from = '2026-02-30'; }), /holidays\[0\]\.from "2026-02-30" is not a valid date/],
        ['cn-2026.json', variant((y) => { y.holidays[1]!.to = '2026-02-14x'; }), /holidays\[1\]\.to "2026-02-14x" is not a valid date/],
        ['cn-2026.json', variant((y) => { y.holidays[2]!.to = '2027-04-06'; }), /holidays\[2\]\.to 2027-04-06 is not in 2026/],
        ['cn-2026.json', variant((y) => { y.holidays[3]!.from = '2026-05-06'; }), /holidays\[3\] \(劳动节\) ends 2026-05-05, before it starts 2026-05-06/],
        ['cn-2026.json', variant((y) => { y.workdays[0]!.date = '2026-01-05'; }), /make-up working day 2026-01-05 is not a Saturday or Sunday/],
        ['cn-2026.json', variant((y) => { y.workdays[1]!.date = '2026-02-15'; }), /make-up working day 2026-02-15 is inside the holiday 春节/],
        ['cn-2026.json', variant((y) => { y.holidays[5]!.to = '2026-10-01'; }), /holidays\[6\] \(国庆节\) overlaps 中秋节 on 2026-10-01/],
        ['cn-2026.json', variant((y) => { y.workdays[0]!.for = '新年'; }), /workdays\[0\]\.for "新年" is not the name of a holiday/],
        ['cn-2026.json', variant((y) => { y.workdays.push({ date: '2026-02-28', for: '春节' }); }), /2026-02-28 is listed twice/],
        ['cn-2026.json', { ...schedule2026(), holiday: [] }, /unknown key "holiday"/],
        ['cn-2026.json', variant((y) => { y.holidays = []; }), /"holidays" must be a non-empty list/],
        ['cn-2026.json', variant((y) => { (y.holidays[0] as unknown as Record<string, unknown>).nameEn = undefined; }), /holidays\[0\] is missing "nameEn"/],
        ['cn-2026.json', variant((y) => { y.source = ' '; }), /"source" must be a non-empty string/],
      ];
      for (const [name, content, problem] of cases) assert.match(refused(name, content).message, problem);
    });

    it('refuses two files for one year in the same folder, since which wins would depend on names', () => {
      const dir = dirWith({ 'cn-2026.json': schedule2026(), 'cn-2026-b.json': schedule2026() });
      assert.throws(() => loadCalendar({ extraDirs: [dir] }), (error: Error) => {
        assert.ok(error instanceof CalendarFileError);
        assert.match(error.message, /2026 is already given by .*cn-2026-b\.json in the same folder/);
        assert.ok(error.message.includes(path.join(dir, 'cn-2026.json')));
        return true;
      });
    });

    it('refuses a December bridge in next year\'s file that contradicts this year\'s', () => {
      const y2026 = variant((y) => { y.workdays.push({ date: '2026-12-26', for: '国庆节' }); });
      const y2027 = {
        year: 2027, source: 'test',
        holidays: [{ name: '元旦', nameEn: 'New Year', from: '2026-12-26', to: '2027-01-01' }],
        workdays: [],
      };
      const dir = dirWith({ 'cn-2026.json': y2026, 'cn-2027.json': y2027 });
      assert.throws(() => loadCalendar({ extraDirs: [dir] }), (error: Error) => {
        assert.ok(error instanceof CalendarFileError);
        assert.equal(error.file, path.join(dir, 'cn-2027.json'));
        assert.match(error.message, /2026-12-26 is a holiday here but a make-up working day in .*cn-2026\.json/);
        return true;
      });
      assert.throws(() => loadCalendar({ extraDirs: [dirWith({ 'cn-2027.json': { ...y2027, holidays: [{ ...y2027.holidays[0], from: '2026-11-30' }] } })] }),
        /holidays\[0\]\.from 2026-11-30 is not in 2027/);
    });
  });
});
