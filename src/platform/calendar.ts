
/**
 * China's working-day calendar: Monday to Friday, minus the public holidays the State Council
 * announces each year, plus the weekend days it turns into make-up working days (调休上班).
 * Dates are calendar dates in China as 'YYYY-MM-DD' strings. Deliberately no Date parameters: a
 * Date is an instant, and whether it means the UTC or the Beijing date is exactly the mistake
 * that moves a deadline by a day; chinaDate() is the one place that decides.
 *
 * Periods follow reference/calendar.md: "within N working days" counts from the day after the
 * starting event, so the starting day never counts.
 */

import { civilFromDays, dayNumber, isoOf, isWeekend, weekdaysBefore } from './calendar/days.ts';
import { BUILT_IN_DIR, type Coverage, type LoadedYear, type Pause, fail, readYearFile, validateCalendarYear, yearFiles } from './calendar/schedule-file.ts';

export { chinaDate, chinaTime, isIsoDate } from './calendar/days.ts';
export { CalendarFileError, validateCalendarYear, type CalendarYear, type Coverage, type Holiday, type LoadedYear, type MakeUpWorkday, type Pause } from './calendar/schedule-file.ts';

/**
 * The built-in years plus every `cn-*.json` in the extra folders, in order: a file for a year
 * already loaded from an earlier folder replaces it, so a correction to a published schedule can
 * be dropped into the data folder without a release. Two files for one year in the same folder
 * are an error, because which one wins would depend on file names.
 */
export function loadCalendar(options: { extraDirs?: string[] } = {}): WorkingCalendar {
  const byYear = new Map<number, LoadedYear>();
  const dirs = [BUILT_IN_DIR, ...(options.extraDirs ?? [])];
  dirs.forEach((dir, index) => {
    const inThisDir = new Map<number, string>();
    for (const file of yearFiles(dir, index === 0)) {
      const year = readYearFile(file);
      const earlier = inThisDir.get(year.year);
      if (earlier !== undefined) fail(file, `${year.year} is already given by ${earlier} in the same folder`);
      inThisDir.set(year.year, file);
      byYear.set(year.year, { ...year, file });
    }
  });
  return new WorkingCalendar([...byYear.values()]);
}

// ---------------------------------------------------------------------------------------------

const HOLIDAY = 1;
const MAKE_UP = 2;

export class WorkingCalendar {
  readonly #years: ReadonlyMap<number, LoadedYear>;
  /** First day number covered by #kind. */
  readonly #base: number;
  /** HOLIDAY, MAKE_UP or 0 for each day from #base; a flat array beats a Set lookup per day. */
  readonly #kind: Int8Array;
  /** #adjust[i]: the working days gained (make-up) minus lost (weekday holiday) before #base + i. */
  readonly #adjust: Int32Array;

  /** loadCalendar is the usual way in; years given directly are validated all the same. */
  constructor(years: readonly LoadedYear[]) {
    const map = new Map<number, LoadedYear>();
    for (const given of years) {
      const { file, ...schedule } = given;
      const y: LoadedYear = { ...validateCalendarYear(schedule, file), file };
      const earlier = map.get(y.year);
      if (earlier) fail(y.file, `${y.year} is already given by ${earlier.file}`);
      map.set(y.year, y);
    }
    this.#years = map;

    const special = new Map<number, { kind: number; file: string }>();
    const mark = (z: number, kind: number, file: string) => {
      const other = special.get(z);
      // Only possible across files: a December bridge in next year's notice against this year's.
      if (other && other.kind !== kind) {
        const what = (k: number) => (k === HOLIDAY ? 'holiday' : 'make-up working day');
        fail(file, `${isoOf(z)} is a ${what(kind)} here but a ${what(other.kind)} in ${other.file}`);
      }
      special.set(z, { kind, file });
    };
    for (const y of map.values()) {
      for (const h of y.holidays) for (let z = dayNumber(h.from); z <= dayNumber(h.to); z++) mark(z, HOLIDAY, y.file);
      for (const w of y.workdays) mark(dayNumber(w.date), MAKE_UP, y.file);
    }

    const days = [...special.keys()];
    this.#base = days.length ? Math.min(...days) : 0;
    const length = days.length ? Math.max(...days) - this.#base + 1 : 0;
    this.#kind = new Int8Array(length);
    this.#adjust = new Int32Array(length + 1);
    for (const [z, { kind }] of special) this.#kind[z - this.#base] = kind;
    for (let i = 0; i < length; i++) {
      const z = this.#base + i;
      const kind = this.#kind[i];
      const delta = kind === HOLIDAY && !isWeekend(z) ? -1 : kind === MAKE_UP ? 1 : 0;
      this.#adjust[i + 1] = this.#adjust[i]! + delta;
    }
  }

  /** The loaded schedules, for the console to show which notice (and which file) is in force. */
  get years(): LoadedYear[] {
    return [...this.#years.values()].sort((a, b) => a.year - b.year);
  }

  /**
   * 'official' when the State Council schedule for the year is loaded, 'weekdays-only' when the
   * calendar is guessing Monday to Friday, so a page can say the schedule is missing rather than
   * show a deadline that may fall in a holiday.
   */
  coverage(year: number): Coverage {
    return this.#years.has(year) ? 'official' : 'weekdays-only';
  }

  /** The years from `from` to `to` (either order) that fall back to weekdays-only. */
  yearsWithoutSchedule(from: string, to: string): number[] {
    const [a, b] = [civilFromDays(dayNumber(from))[0], civilFromDays(dayNumber(to))[0]].sort((x, y) => x - y);
    const years: number[] = [];
    for (let y = a!; y <= b!; y++) if (!this.#years.has(y)) years.push(y);
    return years;
  }

  isWorkingDay(date: string): boolean {
    return this.#isWorking(dayNumber(date));
  }

  /**
   * The date of the n-th working day after `start` (start itself never counts); n = 0 gives
   * `start` back. n must be a non-negative integer: counting backwards has no meaning in the law.
   */
  addWorkingDays(start: string, n: number): string {
    return this.dueDate(start, n, []);
  }

  /**
   * Working days after `from` up to and including `to`: the days a clock started on `from` has
   * used by the end of `to`. Antisymmetric: when `to` is before `from` it is minus the count the
   * other way, so between(a, b) + between(b, c) === between(a, c) for any dates.
   */
  workingDaysBetween(from: string, to: string): number {
    const a = dayNumber(from, 'from');
    const b = dayNumber(to, 'to');
    // 0 - x, not -x: a weekend between two dates must give 0, not -0, which assert and Object.is tell apart.
    return a <= b ? this.#count(a, b) : 0 - this.#count(b, a);
  }

  /**
   * Working days left after today until the due date: 0 means due today (or only non-working days
   * remain before a due date that is itself not a working day). Once `today` is past `due` it is
   * negative, at least -1 even over a weekend, so "overdue" never reads as "due today".
   */
  workingDaysLeft(today: string, due: string): number {
    const t = dayNumber(today, 'today');
    const d = dayNumber(due, 'due');
    return t <= d ? this.#count(t, d) : -Math.max(1, this.#count(d, t));
  }

  /**
   * The due date of an n-working-day period started on `start` whose clock stopped during
   * `pauses`. A pause covers both its days: on the day supplements are requested the file is
   * back with the applicant, and the day they arrive is a new starting event, so counting resumes
   * the day after (calendar.md). Pauses may overlap or lie before `start`. A pause still open has
   * no due date; pass today as its end to show the earliest possible one.
   */
  dueDate(start: string, n: number, pauses: readonly Pause[] = []): string {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`a number of working days must be a whole number ≥ 0, not ${n}`);
    const a = dayNumber(start, 'start');
    if (n === 0) return start;
    const stops = mergePauses(pauses);
    const counted = (d: number): number => {
      let c = this.#count(a, d);
      for (const [f, t] of stops) {
        const lo = Math.max(f - 1, a);
        const hi = Math.min(t, d);
        if (hi > lo) c -= this.#count(lo, hi);
      }
      return c;
    };
    // counted() is O(1) per pause, so gallop then bisect instead of walking day by day: about a
    // dozen evaluations for any n. The answer is the first day on which counted() reaches n.
    let lo = a;
    let hi = a + n;
    while (counted(hi) < n) {
      lo = hi;
      hi = a + (hi - a) * 2;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (counted(mid) >= n) hi = mid;
      else lo = mid;
    }
    return isoOf(hi);
  }

  #isWorking(z: number): boolean {
    const i = z - this.#base;
    if (i >= 0 && i < this.#kind.length) {
      const kind = this.#kind[i];
      if (kind === HOLIDAY) return false;
      if (kind === MAKE_UP) return true;
    }
    return !isWeekend(z);
  }

  /** Working days in (a, b] for a ≤ b, in constant time: weekdays, corrected by the schedule. */
  #count(a: number, b: number): number {
    return weekdaysBefore(b + 1) - weekdaysBefore(a + 1) + this.#adjustBefore(b + 1) - this.#adjustBefore(a + 1);
  }

  #adjustBefore(z: number): number {
    const i = Math.min(Math.max(z - this.#base, 0), this.#kind.length);
    return this.#adjust[i]!;
  }
}

/** Sorted, disjoint [from, to] day-number ranges; overlapping or touching pauses become one. */
function mergePauses(pauses: readonly Pause[]): [number, number][] {
  const ranges = pauses.map((p, i): [number, number] => {
    const f = dayNumber(p.from, `pauses[${i}].from`);
    const t = dayNumber(p.to, `pauses[${i}].to`);
    if (f > t) throw new RangeError(`pauses[${i}] ends ${p.to}, before it starts ${p.from}`);
    return [f, t];
  });
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push(r);
  }
  return merged;
}
