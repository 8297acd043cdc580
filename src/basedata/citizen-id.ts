/**
 * The citizen ID number (公民身份号码, GB 11643-1999): 6-digit region code (GB/T 2260), birth date
 * YYYYMMDD, 3-digit sequence number (odd for men, even for women) and a check character
 * computed with ISO 7064 MOD 11-2 over the first 17 digits (reference/exchange.md §7.5).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character by weighted sum mod 11. */
const CHECK_CHARS = '10X98765432';

/**
 * Province-level prefixes of GB/T 2260 (83 is Taiwan, used by residence permits for Hong Kong,
 * Macao and Taiwan residents). Finer region codes change over the years (普兰店市 210282 became
 * 普兰店区 210214 in 2015) while the numbers issued under them stay valid for life, so only the
 * province is checked.
 */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83',
]);

/** The earliest birth date we accept: nobody alive was born before it. */
const EARLIEST_BIRTH = '18900101';

/** The check character for the first 17 digits; throws a RangeError when they are not 17 digits. */
export function citizenIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`the first 17 characters of a citizen ID number are digits, not "${first17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** `YYYYMMDD` is a day of the Gregorian calendar. */
function isCalendarDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/** Today as YYYYMMDD in China (UTC+8, no daylight saving), where the numbers are issued. */
function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * The 18-digit form of an old 15-digit number: `19` goes before the 2-digit birth year (`18` for
 * the sequence numbers 996–999, which were kept for people over 100) and the check is appended.
 */
export function upgradeCitizenId15(old: string): string {
  if (!/^\d{15}$/.test(old)) throw new RangeError(`an old citizen ID number has 15 digits, not "${old}"`);
  const century = Number(old.slice(12, 15)) >= 996 ? '18' : '19';
  const first17 = old.slice(0, 6) + century + old.slice(6);
  return first17 + citizenIdCheckChar(first17);
}

/**
 * Why a value is not a valid citizen ID number, in words a person can act on; null when it is
 * valid. Checks, in order: length, characters, province, birth date (a real day, not before 1890,
 * not after today in China), check character. `now` is for tests.
 */
export function citizenIdProblem(id: string, now: Date = new Date()): string | null {
  if (/^\d{15}$/.test(id)) {
    return `this is an old 15-digit number; the 18-character citizen ID number it became is ${upgradeCitizenId15(id)}`;
  }
  const length = Array.from(id).length;
  if (length !== 18) return `a citizen ID number has 18 characters, this one has ${length}`;
  if (id[17] === 'x') return 'the last character is a lower-case x; write it as a capital X';
  for (let i = 0; i < 17; i++) {
    const ch = id[i]!;
    if (ch < '0' || ch > '9') return `character ${i + 1} is "${ch}", but the first 17 characters of a citizen ID number are digits`;
  }
  const last = id[17]!;
  if (!((last >= '0' && last <= '9') || last === 'X')) return `the last character is "${last}", but it must be a digit or X`;
  if (!PROVINCES.has(id.slice(0, 2))) {
    return `the region code ${id.slice(0, 6)} is not a division of China (GB/T 2260): no province has the code ${id.slice(0, 2)}`;
  }
  const birth = id.slice(6, 14);
  if (!isCalendarDate(birth)) return `the birth date ${birth} (characters 7–14) is not a real date`;
  if (birth < EARLIEST_BIRTH) return `the birth date ${birth} (characters 7–14) is before ${EARLIEST_BIRTH}`;
  if (birth > chinaToday(now)) return `the birth date ${birth} (characters 7–14) is in the future`;
  const expected = citizenIdCheckChar(id.slice(0, 17));
  if (last !== expected) return `the check character is wrong: expected ${expected} for ${id.slice(0, 17)}, so a digit may be mistyped`;
  return null;
}

export function isCitizenId(id: string, now?: Date): boolean {
  return citizenIdProblem(id, now) === null;
}

/** The birth date (YYYY-MM-DD) of a valid number; null when the number is not valid. */
export function birthDateOf(id: string): string | null {
  if (!isCitizenId(id)) return null;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** The sex a valid number records (17th digit odd: male); null when the number is not valid. */
export function sexOf(id: string): 'male' | 'female' | null {
  if (!isCitizenId(id)) return null;
  return (id.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
}
