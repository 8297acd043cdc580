import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { civilFromDays, isoOf, isWeekend, tryDayNumber } from './days.ts';

/**
 * The yearly schedule files (cn-YYYY.json): their shape, and the checks that refuse a file with a
 * mistake in it before it can move a deadline.
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

export const BUILT_IN_DIR = fileURLToPath(new URL('./', import.meta.url));
const FILE_PATTERN = /^cn-.*\.json$/;

export function fail(file: string, problem: string): never {
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

export function readYearFile(file: string): CalendarYear {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(file, `cannot be read as JSON: ${(error as Error).message}`);
  }
  return validateCalendarYear(parsed, file);
}

export function yearFiles(dir: string, builtIn: boolean): string[] {
  try {
    return readdirSync(dir).filter((name) => FILE_PATTERN.test(name)).sort().map((name) => path.join(dir, name));
  } catch (error) {
    // The hub always passes ${dataDir}/calendar; it only exists once an operator adds a year.
    if (!builtIn && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CalendarFileError(dir, `cannot list calendar files: ${(error as Error).message}`);
  }
}
