import Html from '@kitajs/html';
import type { FastifyRequest } from 'fastify';
import type { Hub } from '../../hub/app.ts';
import { DomainError } from '../../platform/errors.ts';
import { findDepartment, listDepartments } from '../../registry/service.ts';
import { type FieldError, formErrorsOf } from '../../web/forms.ts';
import { type Lang, localName } from '../../web/i18n.ts';
import type { PageContext } from '../../web/layout.tsx';
import { pageContext } from '../../web/page-context.ts';

/**
 * What the exchange's pages share: the page context with the person's department, department
 * names, labelled form fields with their errors (the government form pattern), refusals and
 * times in Beijing time.
 */

export async function facePage(hub: Hub, request: FastifyRequest, face: PageContext['face']): Promise<PageContext> {
  const code = request.auth?.account?.department;
  const department = code ? await findDepartment(hub.database, code) : null;
  return pageContext(request, face, await hub.city(), department ? localName(request.lang, department) : undefined);
}

export async function departmentNames(hub: Hub, lang: Lang): Promise<Map<string, string>> {
  return new Map((await listDepartments(hub.database)).map((d) => [d.code, localName(lang, d)]));
}

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

/**
 * An instant as `YYYY-MM-DD HH:MM` in Beijing time. A fixed +8 hours, as the calendar does:
 * China has no daylight saving time.
 */
export function beijingTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A number with the language's digit grouping. */
export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** A string usable as an HTML id and URL fragment (gateway ids hold a slash). */
export function idOf(prefix: string, value: string): string {
  return `${prefix}-${value.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
