import type { FastifyRequest } from 'fastify';
import type { Hub } from '../hub/app.ts';
import type { Department } from '../registry/schema.ts';
import { findDepartment, listDepartments } from '../registry/service.ts';
import { type Lang, localName } from './i18n.ts';
import type { PageContext } from './layout.tsx';
import { pageContext } from './page-context.ts';

/** What staff and console pages of every module need: the page context with the person's department, and department names. */

export async function facePage(hub: Hub, request: FastifyRequest, face: PageContext['face']): Promise<PageContext> {
  const code = request.auth?.account?.department;
  // The directory is read for the page anyway; the database only for a department it does not hold.
  const department = code ? (await listDepartments(hub.database)).find((d) => d.code === code) ?? await findDepartment(hub.database, code) : null;
  return pageContext(request, face, await hub.city(), department ? localName(request.lang, department) : undefined);
}

// Made once per language for each version of the directory (listDepartments hands out the same
// array until a department changes), not on every page.
const namesOf = new WeakMap<readonly Department[], Map<Lang, Map<string, string>>>();
const choicesOf = new WeakMap<readonly Department[], Map<Lang, readonly DepartmentChoice[]>>();

function perLanguage<T>(cache: WeakMap<readonly Department[], Map<Lang, T>>, departments: readonly Department[], lang: Lang, make: () => T): T {
  let byLang = cache.get(departments);
  if (!byLang) cache.set(departments, byLang = new Map());
  let value = byLang.get(lang);
  if (value === undefined) byLang.set(lang, value = make());
  return value;
}

/** Department names by code, shared by every page until a department changes: read it, never change it. */
export async function departmentNames(hub: Hub, lang: Lang): Promise<Map<string, string>> {
  const departments = await listDepartments(hub.database);
  return perLanguage(namesOf, departments, lang, () => new Map(departments.map((d) => [d.code, localName(lang, d)])));
}

export interface DepartmentChoice { code: string; name: string }

/** Every department by its name in the language, in that language's order: the choices of a department field. */
export async function departmentChoices(hub: Hub, lang: Lang): Promise<readonly DepartmentChoice[]> {
  const departments = await listDepartments(hub.database);
  return perLanguage(choicesOf, departments, lang, () => {
    const collator = new Intl.Collator(lang);
    return departments.map((d) => ({ code: d.code, name: localName(lang, d) })).sort((a, b) => collator.compare(a.name, b.name));
  });
}
