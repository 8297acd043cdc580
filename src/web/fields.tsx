import Html from '@kitajs/html';
import { DomainError } from '../platform/errors.ts';
import { type FieldError, formErrorsOf } from './forms.ts';
import type { PageContext } from './layout.tsx';

/** The government form pattern's pieces every module's pages use: labelled fields with their errors, titles, refusals. */

/** A label, an optional hint and the field's error under it; the control comes as children. */
export function Field(props: { id: string; label: string; hint?: string; errors: FieldError[]; children?: Html.Children }): JSX.Element {
  const message = props.errors.find((e) => e.field === props.id)?.message;
  return (
    <div class={message ? 'field-error' : undefined}>
      <label for={props.id} safe>{props.label}</label>
      {props.hint ? <p class="hint" id={`${props.id}-hint`} safe>{props.hint}</p> : ''}
      {message ? <p class="message" id={`${props.id}-error`} safe>{message}</p> : ''}
      {props.children}
    </div>
  );
}

/** The attributes of a control: described by its hint and error, and marked invalid when it has one. */
export function describe(errors: FieldError[], field: string, hint = false): Record<string, string> {
  const bad = errors.some((e) => e.field === field);
  const ids = [hint ? `${field}-hint` : '', bad ? `${field}-error` : ''].filter(Boolean).join(' ');
  return { ...(bad && { 'aria-invalid': 'true' }), ...(ids && { 'aria-describedby': ids }) };
}

/** The error message of a group of controls (checkboxes, radios), shown under its legend. */
export function GroupError(props: { id: string; errors: FieldError[] }): JSX.Element {
  const message = props.errors.find((e) => e.field === props.id)?.message;
  return message ? <p class="message" id={`${props.id}-error`} safe>{message}</p> : <></>;
}

/** `<title>` of a page that may show errors: "Error: " first, so a screen reader hears it at once. */
export function titleOf(page: PageContext, title: string, errors: FieldError[]): string {
  return errors.length ? `${page.t('form.errorPrefix')}${title}` : title;
}

/**
 * A refusal of a form's submission as the error summary's entries, with the service's field
 * names turned into the ids of the page's controls. Not being allowed or finding nothing is no
 * mistake in the form: those go to the error page.
 */
export function refusalOf(error: unknown, fields: Record<string, string | undefined>): FieldError[] {
  if (error instanceof DomainError && (error.code === 'forbidden' || error.code === 'not_found' || error.code === 'unauthenticated')) throw error;
  return formErrorsOf(error).map((e) => {
    const id = e.field === undefined ? undefined : fields[e.field];
    return id ? { field: id, message: e.message, lang: e.lang } : { message: e.message, lang: e.lang };
  });
}
