import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { DomainError } from '../../platform/errors.ts';
import { findDepartment, listDepartments } from '../../registry/service.ts';
import { type FieldError, type FormFields, field, formErrorsOf } from '../../web/forms.ts';

import { type Lang, localName } from '../../web/i18n.ts';
import type { PageContext } from '../../web/layout.tsx';
import { pageContext } from '../../web/page-context.ts';

/** What the catalog's page routes share: the page context with the person's department, names, form bodies and refusals. */

export const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));

export async function facePage(hub: Hub, request: FastifyRequest, face: PageContext['face']): Promise<PageContext> {
  const code = request.auth?.account?.department;
  const department = code ? await findDepartment(hub.database, code) : null;
  return pageContext(request, face, await hub.city(), department ? localName(request.lang, department) : undefined);
}

export async function departmentNames(hub: Hub, lang: Lang): Promise<Map<string, string>> {
  return new Map((await listDepartments(hub.database)).map((d) => [d.code, localName(lang, d)]));
}

/**
 * A date field as YYYY-MM-DD. Browsers without a date picker show a text box, so the ways people
 * write dates are accepted too: 2026/3/31, 2026.03.31, 2026年3月31日. Anything else comes back as typed.
 */
export function dateField(body: FormFields, name: string): string {
  const typed = field(body, name);
  const parts = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(typed);
  return parts ? `${parts[1]}-${parts[2]!.padStart(2, '0')}-${parts[3]!.padStart(2, '0')}` : typed;
}

/**
 * A refusal of a form's submission as the error summary's entries, with the service's field
 * names turned into the ids of the page's controls (a field the page has not is left unlinked).
 * Not being allowed or finding nothing is no mistake in the form: those go to the error page.
 */
export function refusalOf(error: unknown, fields: Record<string, string | undefined>): FieldError[] {
  if (error instanceof DomainError && (error.code === 'forbidden' || error.code === 'not_found' || error.code === 'unauthenticated')) throw error;
  return formErrorsOf(error).map((e) => {
    const id = e.field === undefined ? undefined : fields[e.field];
    return id ? { field: id, message: e.message } : { message: e.message };
  });
}
