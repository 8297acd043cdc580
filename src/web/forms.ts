import { DomainError } from '../platform/errors.ts';

export interface FieldError {
  field?: string;
  message: string;
  /** Set when the message is not in the page's language (services speak English). */
  lang?: string;
}

/**
 * Turns a refused form submission into the error summary's entries. A domain error names its
 * field in `detail.field`; anything else is not the person's mistake and is rethrown.
 */
export function formErrorsOf(error: unknown): FieldError[] {
  if (!(error instanceof DomainError)) throw error;
  const field = (error.detail as { field?: unknown } | undefined)?.field;
  return [{ ...(typeof field === 'string' && { field }), message: error.message, lang: 'en' }];
}

/** Form fields arrive as strings, or arrays when repeated (checkboxes). */
export function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return value === undefined || value === '' ? [] : [String(value)];
}

/** What a form post holds: strings, or arrays where a name was repeated. */
export type FormFields = Record<string, string | string[] | undefined>;

/** One text field of a form post, trimmed; the first value when the name was repeated. */
export function field(body: FormFields, name: string): string {
  const value = body[name];
  return (Array.isArray(value) ? value[0] ?? '' : value ?? '').trim();
}
