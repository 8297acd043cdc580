import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

export interface Holiday {
  name: string;
  nameEn: string;
  from: string;
  to: string;
}

export interface MakeUpWorkday {
  date: string;
  for: string;
}

/** One year's schedule, as published in one State Council notice: the shape of `cn-YYYY.json`. */
export interface CalendarYear {
  year: number;
  source: string;
  holidays: Holiday[];
  workdays: MakeUpWorkday[];
}

export interface LoadedYear extends CalendarYear {
  /** The file it came from, so the console can show which correction is in force. */
  file: string;
}

export type Coverage = 'official' | 'weekdays-only';

/** A stopped clock, both days included (see dueDate). */
export interface Pause {
  from: string;
  to: string;
}

export class CalendarFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`calendar file ${file}: ${problem}`);
    this.name = 'CalendarFileError';
  }
}

const BUILT_IN_DIR = fileURLToPath(new URL('./calendar/', import.meta.url));
const FILE_PATTERN = /^cn-.*\.json$/;
const CHINA_OFFSET_MS = 8 * 3_600_000;

// ---------------------------------------------------------------------------------------------
// Dates as day numbers (days since 1970-01-01). Integer arithmetic, not Date, because it is
// several times faster on queue pages and has no Date.UTC quirk for years below 100.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** The day number of an ISO date, or null when it is not a real 'YYYY-MM-DD' date. */
function tryDayNumber(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}

function dayNumber(value: string, what = 'date'): number {
  const z = tryDayNumber(value);
  if (z === null) throw new RangeError(`${what} ${JSON.stringify(value)} is not a date in the form YYYY-MM-DD`);
  return z;
}

function isoOf(z: number): string {
  const [y, m, d] = civilFromDays(z);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
function weekday(z: number): number {
  return (((z + 4) % 7) + 7) % 7;
}

const isWeekend = (z: number): boolean => {
  const w = weekday(z);
  return w === 0 || w === 6;
};

/** Monday-to-Friday days before day z, counted from the Monday 1970-01-05; only differences matter. */
function weekdaysBefore(z: number): number {
  const m = z - 4;
  const weeks = Math.floor(m / 7);
  return weeks * 5 + Math.min(m - weeks * 7, 5);
}

export function isIsoDate(value: string): boolean {
  return tryDayNumber(value) !== null;
}

/**
 * The date in China (Asia/Shanghai) at an instant. A fixed +8 hours rather than Intl: China has
 * had no daylight saving since 1991, and this runs for every row of every queue.
 */
export function chinaDate(instant: Date): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('chinaDate needs a valid Date');
  return isoOf(Math.floor((ms + CHINA_OFFSET_MS) / 86_400_000));
}

// ---------------------------------------------------------------------------------------------
// Validation of one year's file. Strict, because a wrong file silently moves every deadline in
// the city; an operator would rather see the hub refuse to start with the line to fix.

function fail(file: string, problem: string): never {
  throw new CalendarFileError(file, problem);
}

function exactKeys(value: unknown, keys: readonly string[], where: string, file: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, `${where} must be an object`);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) fail(file, `${where} has an unknown key "${key}" (expected ${keys.join(', ')})`);
  }
  for (const key of keys) if (!(key in record)) fail(file, `${where} is missing "${key}"`);
  return record;
}

function text(value: unknown, where: string, file: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(file, `${where} must be a non-empty string`);
  return value;
}

/**
 * Checks one parsed `cn-YYYY.json` and returns it typed. Dates must lie in the file's year, or in
 * December of the year before: the 2019 notice put the New Year holiday on 2018-12-30 to
 * 2019-01-01 with a make-up day on 2018-12-29, and such a notice must load as published.
 */
export function validateCalendarYear(value: unknown, file: string): CalendarYear {
  const top = exactKeys(value, ['year', 'source', 'holidays', 'workdays'], 'the file', file);
  const year = top.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1000 || year > 9999) {
    fail(file, `"year" must be a four-digit number, not ${JSON.stringify(year)}`);
  }
  const named = /^cn-(\d{4})/.exec(path.basename(file));
  if (named && Number(named[1]) !== year) fail(file, `the file is named for ${named[1]} but says "year": ${year}`);
  const source = text(top.source, '"source"', file);

  const date = (v: unknown, where: string): number => {
    const z = tryDayNumber(v);
    if (z === null) fail(file, `${where} ${JSON.stringify(v)} is not a valid date (YYYY-MM-DD)`);
    const [y, m] = civilFromDays(z);
    if (y !== year && !(y === year - 1 && m === 12)) {
      fail(file, `${where} ${v as string} is not in ${year} (only the December before may appear, for a New Year holiday)`);
    }
    return z;
  };

  if (!Array.isArray(top.holidays) || top.holidays.length === 0) fail(file, '"holidays" must be a non-empty list');
  if (!Array.isArray(top.workdays)) fail(file, '"workdays" must be a list');

  const holidayOf = new Map<number, string>();
  const holidays = top.holidays.map((entry: unknown, i: number): Holiday => {
    const where = `holidays[${i}]`;
    const h = exactKeys(entry, ['name', 'nameEn', 'from', 'to'], where, file);
    const name = text(h.name, `${where}.name`, file);
    const nameEn = text(h.nameEn, `${where}.nameEn`, file);
    const from = date(h.from, `${where}.from`);
    const to = date(h.to, `${where}.to`);
    if (from > to) fail(file, `${where} (${name}) ends ${h.to as string}, before it starts ${h.from as string}`);
    for (let z = from; z <= to; z++) {
      const other = holidayOf.get(z);
      if (other !== undefined) fail(file, `${where} (${name}) overlaps ${other} on ${isoOf(z)}`);
      holidayOf.set(z, name);
    }
    return { name, nameEn, from: h.from as string, to: h.to as string };
  });

  const names = new Set(holidays.map((h) => h.name));
  const seen = new Set<number>();
  const workdays = top.workdays.map((entry: unknown, i: number): MakeUpWorkday => {
    const where = `workdays[${i}]`;
    const w = exactKeys(entry, ['date', 'for'], where, file);
    const z = date(w.date, `${where}.date`);
    const reason = text(w.for, `${where}.for`, file);
    const iso = w.date as string;
    if (!names.has(reason)) fail(file, `${where}.for "${reason}" is not the name of a holiday in this file`);
    if (!isWeekend(z)) fail(file, `${where}: the make-up working day ${iso} is not a Saturday or Sunday`);
    const holiday = holidayOf.get(z);
    if (holiday !== undefined) fail(file, `${where}: the make-up working day ${iso} is inside the holiday ${holiday}`);
    if (seen.has(z)) fail(file, `${where}: ${iso} is listed twice as a make-up working day`);
    seen.add(z);
    return { date: iso, for: reason };
  });

  return { year, source, holidays, workdays };
}

function readYearFile(file: string): CalendarYear {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(file, `cannot be read as JSON: ${(error as Error).message}`);
  }
  return validateCalendarYear(parsed, file);
}

function yearFiles(dir: string, builtIn: boolean): string[] {
  try {
    return readdirSync(dir).filter((name) => FILE_PATTERN.test(name)).sort().map((name) => path.join(dir, name));
  } catch (error) {
    // The hub always passes ${dataDir}/calendar; it only exists once an operator adds a year.
    if (!builtIn && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CalendarFileError(dir, `cannot list calendar files: ${(error as Error).message}`);
  }
}

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
