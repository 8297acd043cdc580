import { isIsoDate } from '../platform/calendar.ts';
import type { FormField } from './schema.ts';

/**
 * An applicant's answers checked against the item's form, the way the question pages need it:
 * what was typed comes back normalised (dates as YYYY-MM-DD, numbers without separators), or a
 * problem with a code the pages turn into words. Pure: no database, no HTTP.
 */

/** Text, number and date answers are one string; a multiple choice is a list of choice keys. */
export type AnswerValue = string | string[];
export type Answers = Record<string, AnswerValue>;

/** Longest text answer. Business scopes and addresses fit; an essay does not belong in a form. */
export const MAX_TEXT = 1000;
/** A number's digits: enough for money in yuan with fen, few enough to stay exact as a double. */
const MAX_DIGITS = 15;
/** Dates outside these years are typing mistakes on any form we have. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;

export type AnswerProblemCode = 'required' | 'number' | 'date' | 'choice' | 'tooLong' | 'fileRequired';

export interface AnswerProblem {
  field: string;
  code: AnswerProblemCode;
  /** What the message needs: the maximum length, the date's allowed years. */
  params?: Record<string, string | number>;
}

export type CheckedAnswer = { ok: true; value: AnswerValue | null } | { ok: false; problem: AnswerProblem };

// Full-width digits and punctuation (what a Chinese input method types) as their ASCII forms.
function halfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * A date as typed, in the forms people use here: 2026-01-05, 2026-1-5, 2026/1/5, 2026.1.5,
 * 2026年1月5日 (full-width digits too, spaces anywhere between the parts); the ISO date, or
 * null when it is none of these or no real day (2026-02-30).
 */
export function normaliseDate(typed: string): string | null {
  const text = halfWidth(typed).trim();
  // One separator throughout (2026-1/5 is more likely a slip than a date), or 年 月 (日).
  const match = /^(\d{4})\s*(?:([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)$/.exec(text);
  if (!match) return null;
  const y = match[1]!;
  const m = match[3] ?? match[5]!;
  const d = match[4] ?? match[6]!;
  const year = Number(y);
  if (year < FIRST_YEAR || year > LAST_YEAR) return null;
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/**
 * A number as typed: full-width digits, thousands separators and spaces accepted; the number in
 * plain decimal text (no exponent, no leading zeros, no trailing point), or null.
 */
export function normaliseNumber(typed: string): string | null {
  const text = halfWidth(typed).trim().replace(/[\s,，]/g, '');
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const digits = whole!.replace(/^0+(?=\d)/, '');
  const decimals = fraction.replace(/0+$/, '');
  if (digits.length + decimals.length > MAX_DIGITS) return null;
  const value = decimals ? `${digits}.${decimals}` : digits;
  return sign === '-' && /[1-9]/.test(value) ? `-${value}` : value;
}

/** Line breaks kept (addresses, scopes), every other control character dropped, ends trimmed. */
function cleanText(typed: string): string {
  return typed.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '').trim();
}

const present = (raw: AnswerValue | undefined): boolean => (Array.isArray(raw) ? raw.some((v) => v.trim() !== '') : (raw ?? '').trim() !== '');

/**
 * One answer to one field (not a file: uploads are checked in uploads.ts). An empty answer to an
 * optional field is fine and comes back as null.
 */
export function checkAnswer(field: FormField, raw: AnswerValue | undefined): CheckedAnswer {
  const problem = (code: AnswerProblemCode, params?: AnswerProblem['params']): CheckedAnswer => ({ ok: false, problem: { field: field.key, code, ...(params && { params }) } });
  if (!present(raw)) return field.required ? problem('required') : { ok: true, value: null };
  const single = Array.isArray(raw) ? raw.find((v) => v.trim() !== '') ?? '' : raw ?? '';
  switch (field.type) {
    case 'text': {
      const text = cleanText(single);
      if (!text) return field.required ? problem('required') : { ok: true, value: null };
      return [...text].length > MAX_TEXT ? problem('tooLong', { max: MAX_TEXT }) : { ok: true, value: text };
    }
    case 'number': {
      const value = normaliseNumber(single);
      return value === null ? problem('number') : { ok: true, value };
    }
    case 'date': {
      const value = normaliseDate(single);
      return value === null ? problem('date', { from: FIRST_YEAR, to: LAST_YEAR }) : { ok: true, value };
    }
    case 'single_choice': {
      const keys = (field.choices ?? []).map((c) => c.key);
      const value = single.trim();
      return keys.includes(value) ? { ok: true, value } : problem('choice');
    }
    case 'multiple_choice': {
      const keys = (field.choices ?? []).map((c) => c.key);
      const chosen = [...new Set((Array.isArray(raw) ? raw : [raw ?? '']).map((v) => v.trim()).filter(Boolean))];
      if (chosen.some((v) => !keys.includes(v))) return problem('choice');
      // In the form's order, so the check page and the clerk read them the way the form lists them.
      return { ok: true, value: keys.filter((k) => chosen.includes(k)) };
    }
    case 'file':
      throw new Error(`field ${field.key} is a file: check it as an upload`);
  }
}

/**
 * Every problem with a set of answers before it is sent: each answer again, each required
 * question answered, each required upload there. `uploaded` holds the keys of file fields
 * with a file.
 */
export function answerProblems(fields: readonly FormField[], answers: Answers, uploaded: ReadonlySet<string>): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  for (const field of fields) {
    if (field.type === 'file') {
      if (field.required && !uploaded.has(field.key)) problems.push({ field: field.key, code: 'fileRequired' });
      continue;
    }
    const checked = checkAnswer(field, answers[field.key]);
    if (!checked.ok) problems.push(checked.problem);
  }
  return problems;
}

/** What a base-data value becomes as an answer to the field, or null when it does not fit (a code that is not one of the choices). */
export function answerFromData(field: FormField, value: unknown): AnswerValue | null {
  if (value === null || value === undefined || field.type === 'file') return null;
  const raw: AnswerValue = Array.isArray(value) ? value.map((v) => String(v)) : typeof value === 'object' ? '' : String(value);
  const checked = checkAnswer({ ...field, required: true }, raw);
  return checked.ok ? checked.value : null;
}
