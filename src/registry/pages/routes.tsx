import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { consoleOrRedirect } from '../../identity/request-auth.ts';
import { hasRole } from '../../platform/access.ts';
import type { HttpApp } from '../../platform/http.ts';
import { type FieldError, type FormFields, field, formErrorsOf } from '../../web/forms.ts';
import { localName } from '../../web/i18n.ts';
import { pageContext, sendPage } from '../../web/page-context.ts';
import type { Department, DepartmentInput } from '../schema.ts';
import * as registry from '../service.ts';
import { ConsoleDepartmentPage, ConsoleDepartmentsPage, type DepartmentFormValues, DirectoryPage, PublicDepartmentPage } from './departments.tsx';

const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const CodeParams = Type.Object({ code: Type.String({ maxLength: 18 }) });

export async function registryPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;

  app.get('/departments', { schema: { hide: true } }, async (request, reply) => {
    const page = pageContext(request, 'portal', await hub.city());
    return sendPage(reply, DirectoryPage({ page, divisions: await registry.listDivisions(db), departments: await registry.listDepartments(db) }) as string);
  });

  app.get('/departments/:code', { schema: { hide: true, params: CodeParams } }, async (request, reply) => {
    const department = await registry.getDepartment(db, request.params.code);
    const parent = department.parent ? await registry.findDepartment(db, department.parent) : null;
    const division = (await registry.listDivisions(db)).find((d) => d.code === department.division);
    const page = pageContext(request, 'portal', await hub.city());
    return sendPage(reply, PublicDepartmentPage({ page, department, parent, division }) as string);
  });

  async function renderList(request: Parameters<typeof consoleOrRedirect>[0], reply: Parameters<typeof consoleOrRedirect>[1], state: { values?: DepartmentFormValues; errors?: FieldError[]; created?: Department | null }, status = 200) {
    const auth = request.auth!;
    const page = pageContext(request, 'console', await hub.city(), await departmentName(auth.actor.department, request.lang));
    return sendPage(reply, ConsoleDepartmentsPage({
      page, divisions: await registry.listDivisions(db), departments: await registry.listDepartments(db),
      canCreate: hasRole(auth.actor, 'platform_admin'), values: state.values ?? {}, errors: state.errors ?? [], created: state.created ?? null,
    }) as string, status);
  }

  async function departmentName(code: string | null, lang: 'zh-CN' | 'en'): Promise<string | undefined> {
    const department = code ? await registry.findDepartment(db, code) : null;
    return department ? localName(lang, department) : undefined;
  }

  app.get('/console/departments', { schema: { hide: true } }, async (request, reply) => {
    if (!consoleOrRedirect(request, reply)) return reply;
    return renderList(request, reply, {});
  });

  app.post('/console/departments', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const body = request.body as FormFields;
    const values: DepartmentFormValues = {
      code: field(body, 'code').toUpperCase(), slug: field(body, 'slug'), kind: field(body, 'kind'), division: field(body, 'division'),
      parent: field(body, 'parent'), nameZh: field(body, 'nameZh'), nameEn: field(body, 'nameEn'),
    };
    const input = { ...values, parent: values.parent ? values.parent : null };
    const problems = missingFields(request.lang, input);
    if (problems.length) return renderList(request, reply, { values, errors: problems }, 400);
    try {
      const created = await registry.createDepartment(db, auth.actor, input as DepartmentInput);
      return renderList(request, reply, { created });
    } catch (error) {
      return renderList(request, reply, { values, errors: formErrorsOf(error) }, 400);
    }
  });

  async function renderDetail(request: Parameters<typeof consoleOrRedirect>[0], reply: Parameters<typeof consoleOrRedirect>[1], code: string, errors: FieldError[] = [], status = 200) {
    const auth = request.auth!;
    const department = await registry.getDepartment(db, code);
    const page = pageContext(request, 'console', await hub.city(), await departmentName(auth.actor.department, request.lang));
    const canManage = hasRole(auth.actor, 'platform_admin') || (auth.actor.department === code && hasRole(auth.actor, 'dept_admin'));
    return sendPage(reply, ConsoleDepartmentPage({
      page, department, systems: await registry.listSystems(db, code), contacts: await registry.listContacts(db, code), canManage, errors,
    }) as string, status);
  }

  app.get('/console/departments/:code', { schema: { hide: true, params: CodeParams } }, async (request, reply) => {
    if (!consoleOrRedirect(request, reply)) return reply;
    return renderDetail(request, reply, request.params.code);
  });

  app.post('/console/departments/:code/systems', { schema: { hide: true, params: CodeParams, body: FormBody } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const body = request.body as FormFields;
    try {
      await registry.addSystem(db, auth.actor, request.params.code, { code: field(body, 'code'), nameZh: field(body, 'nameZh'), nameEn: field(body, 'nameEn') });
      return reply.redirect(`/console/departments/${request.params.code}`, 303);
    } catch (error) {
      return renderDetail(request, reply, request.params.code, formErrorsOf(error), 400);
    }
  });

  app.post('/console/departments/:code/contacts', { schema: { hide: true, params: CodeParams, body: FormBody } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const body = request.body as FormFields;
    try {
      // The service checks every field against the API's schema; a forged role is refused there.
      await registry.addContact(db, auth.actor, request.params.code, {
        role: field(body, 'role') as 'primary', name: field(body, 'name'), phone: field(body, 'phone'), email: field(body, 'email'),
      });
      return reply.redirect(`/console/departments/${request.params.code}`, 303);
    } catch (error) {
      return renderDetail(request, reply, request.params.code, formErrorsOf(error), 400);
    }
  });
}

/** The form's own checks, in the person's language, before the service sees it. */
function missingFields(lang: 'zh-CN' | 'en', input: Record<string, unknown>): FieldError[] {
  const labels: Record<string, [string, string]> = {
    code: ['请输入统一社会信用代码', 'Enter the unified social credit code'],
    nameZh: ['请输入部门名称', 'Enter the department name'],
    nameEn: ['请输入英文名称', 'Enter the English name'],
    slug: ['请输入简称（小写字母、数字和连字符）', 'Enter a short name (lowercase letters, digits and hyphens)'],
  };
  return Object.entries(labels)
    .filter(([field]) => !input[field])
    .map(([field, [zh, en]]) => ({ field, message: lang === 'en' ? en : zh }));
}
