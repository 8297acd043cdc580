/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-symbol
 * set, the last a check character over the first 17 (weights 3^(i-1) mod 31). Positions 9–17
 * embed the organisation code of GB 11714 with its own check character.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** Why a code is not a valid USCC, or null when it is. */
export function usccProblem(code: string): string | null {
  if (code.length !== 18) return `a unified social credit code has 18 characters, this one has ${code.length}`;
  const bad = [...code].find((ch) => !CHARSET.includes(ch));
  if (bad !== undefined) return `"${bad}" cannot appear in a unified social credit code (allowed: digits and ${CHARSET.slice(10)})`;
  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return `the check character is wrong: expected ${expected} for ${code.slice(0, 17)}`;
  return null;
}

export function isUscc(code: string): boolean {
  return usccProblem(code) === null;
}

/** GB 11714 organisation code check character for 8 characters (digits or A–Z). */
export function organisationCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(first8[i]!, 36) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * A valid code for a government organ (registration authority 1, type 1) in a division, from a
 * serial number: used for synthetic demo and test data.
 */
export function governmentUscc(division: string, serial: number): string {
  if (!/^\d{6}$/.test(division)) throw new RangeError(`a division code has 6 digits, not ${division}`);
  if (!Number.isInteger(serial) || serial < 0 || serial > 99_999_999) throw new RangeError(`serial ${serial} is not a whole number from 0 to 99999999`);
  const org8 = String(serial).padStart(8, '0');
  const first17 = `11${division}${org8}${organisationCheckChar(org8)}`;
  return first17 + usccCheckChar(first17);
}
