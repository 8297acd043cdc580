/** Calendar dates as day numbers: the arithmetic under the working-day calendar. */

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

export function civilFromDays(z: number): [number, number, number] {
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
export function tryDayNumber(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}

export function dayNumber(value: string, what = 'date'): number {
  const z = tryDayNumber(value);
  if (z === null) throw new RangeError(`${what} ${JSON.stringify(value)} is not a date in the form YYYY-MM-DD`);
  return z;
}

export function isoOf(z: number): string {
  const [y, m, d] = civilFromDays(z);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
function weekday(z: number): number {
  return (((z + 4) % 7) + 7) % 7;
}

export const isWeekend = (z: number): boolean => {
  const w = weekday(z);
  return w === 0 || w === 6;
};

/** Monday-to-Friday days before day z, counted from the Monday 1970-01-05; only differences matter. */
export function weekdaysBefore(z: number): number {
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

/**
 * An instant as China's date and time for people, `YYYY-MM-DD HH:MM` (or to the second); text
 * that is not a time comes back as given, so a page never fails on a stored value.
 */
export function chinaTime(iso: string, to: 'minute' | 'second' = 'minute'): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, to === 'minute' ? 16 : 19).replace('T', ' ');
}

// ---------------------------------------------------------------------------------------------
// Validation of one year's file. Strict, because a wrong file silently moves every deadline in
// the city; an operator would rather see the hub refuse to start with the line to fix.
