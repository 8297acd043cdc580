import type { FastifyRequest } from 'fastify';
import type { Hub } from '../hub/app.ts';
import { findDepartment, listDepartments } from '../registry/service.ts';
import { type Lang, localName } from './i18n.ts';
import type { PageContext } from './layout.tsx';
import { pageContext } from './page-context.ts';

/** What staff and console pages of every module need: the page context with the person's department, and department names. */

export async function facePage(hub: Hub, request: FastifyRequest, face: PageContext['face']): Promise<PageContext> {
  const code = request.auth?.account?.department;
  const department = code ? await findDepartment(hub.database, code) : null;
  return pageContext(request, face, await hub.city(), department ? localName(request.lang, department) : undefined);
}

export async function departmentNames(hub: Hub, lang: Lang): Promise<Map<string, string>> {
  return new Map((await listDepartments(hub.database)).map((d) => [d.code, localName(lang, d)]));
}
