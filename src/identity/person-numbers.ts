import { citizenIdCheckChar, citizenIdProblem } from '../basedata/citizen-id.ts';
import { usccProblem } from '../registry/uscc.ts';

/**
 * The numbers a person types when registering or signing in: the citizen ID number (GB 11643),
 * the enterprise's unified social credit code (GB 32100) and a mainland mobile number. People
 * copy them from cards and licences with spaces, hyphens, full-width digits from a Chinese input
 * method, or a lower-case x; those are the same number and are accepted (the GOV.UK validation
 * pattern: accept varied formats). The checks themselves are the registries' own.
 */

/** Why a typed number is refused, as a code the pages turn into words and the service into an English message. */
export type NumberProblem = 'missing' | 'length' | 'characters' | 'checkDigit' | 'notIssued' | 'old15';

export interface Checked {
  /** The number as stored: no separators, half-width, upper case. */
  value: string;
  problem: NumberProblem | null;
  /** The registry's own explanation, for the service's English error. */
  detail: string | null;
}

/** Full-width ASCII (U+FF01–U+FF5E, what a Chinese input method types) to its half-width form. */
function halfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** Spaces (any kind), hyphens and dots that group the characters of a number on a card or a form. */
const SEPARATORS = /[\s\u00a0\-‐‑‒–—―.·・]/g;

export function normaliseIdNumber(typed: string): string {
  return halfWidth(typed).replace(SEPARATORS, '').toUpperCase();
}

export function checkIdNumber(typed: string, now?: Date): Checked {
  const value = normaliseIdNumber(typed);
  if (value === '') return { value, problem: 'missing', detail: 'the ID number is missing' };
  const detail = citizenIdProblem(value, now);
  if (detail === null) return { value, problem: null, detail: null };
  if (/^\d{15}$/.test(value)) return { value, problem: 'old15', detail };
  if (value.length !== 18) return { value, problem: 'length', detail };
  if (!/^\d{17}[\dX]$/.test(value)) return { value, problem: 'characters', detail };
  if (citizenIdCheckChar(value.slice(0, 17)) !== value[17]) return { value, problem: 'checkDigit', detail };
  // Well formed, right check character, yet no province or no real birth date: never issued.
  return { value, problem: 'notIssued', detail };
}

export function normaliseUscc(typed: string): string {
  return halfWidth(typed).replace(SEPARATORS, '').toUpperCase();
}

export function checkUscc(typed: string): Checked {
  const value = normaliseUscc(typed);
  if (value === '') return { value, problem: 'missing', detail: 'the unified social credit code is missing' };
  const detail = usccProblem(value);
  if (detail === null) return { value, problem: null, detail: null };
  if (value.length !== 18) return { value, problem: 'length', detail };
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(value)) return { value, problem: 'characters', detail };
  return { value, problem: 'checkDigit', detail };
}

/** A mainland mobile number, without the country code people sometimes put in front (+86, 0086, 86). */
export function normalisePhone(typed: string): string {
  const digits = halfWidth(typed).replace(/[\s\u00a0\-‐‑–—().]/g, '');
  const national = digits.replace(/^(\+86|0086)/, '');
  return national.length === 13 && national.startsWith('86') ? national.slice(2) : national;
}

export function checkPhone(typed: string): Checked {
  const value = normalisePhone(typed);
  if (value === '') return { value, problem: 'missing', detail: 'the mobile number is missing' };
  if (!/^\d+$/.test(value)) return { value, problem: 'characters', detail: 'a mobile number has digits only' };
  if (value.length !== 11) return { value, problem: 'length', detail: `a mobile number has 11 digits, this one has ${value.length}` };
  if (!/^1[3-9]\d{9}$/.test(value)) return { value, problem: 'notIssued', detail: 'a mainland mobile number starts with 13 to 19' };
  return { value, problem: null, detail: null };
}

/** What a person types to sign in: an ID number or credit code, or a mobile number. */
export function signInKey(typed: string): { idNumber: string } | { phone: string } {
  const phone = normalisePhone(typed);
  if (/^1\d{10}$/.test(phone)) return { phone };
  return { idNumber: normaliseIdNumber(typed) };
}
