import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { staffOrRedirect } from '../../identity/request-auth.ts';
import { hasRole } from '../../platform/access.ts';
import { chinaDate, isIsoDate } from '../../platform/calendar.ts';
import type { HttpApp } from '../../platform/http.ts';
import { getDepartment, listDepartments, listSystems } from '../../registry/service.ts';
import { asList, type FieldError } from '../../web/forms.ts';
import { type Lang, type MessageKey, localName, t } from '../../web/i18n.ts';
import { sendPage } from '../../web/page-context.ts';
import { type Resource, sharingClasses } from '../schema.ts';
import { getResource, searchCatalog } from '../service.ts';
import { getRequest, submitRequest } from '../sharing.service.ts';
import { CatalogSearchPage, type RequestBar, ResourcePage } from './catalog.tsx';
import { type FormFields, field } from '../../web/forms.ts';
import { FormBody, dateField } from './context.tsx';
import { overviewPageRoutes } from './overview-routes.tsx';
import { CheckRequestPage, type RequestFormValues, RequestSentPage } from './request-form.tsx';
import { sharingPageRoutes } from './sharing-routes.tsx';
import { refusalOf } from '../../web/fields.tsx';
import { departmentNames, facePage } from '../../web/department-pages.ts';

/**
 * The catalog's pages: the workbench's catalog browser and request form (here), the sharing
 * queues and request pages, the console's counts and the portal's open data.
 */
export async function catalogPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  await catalogBrowserRoutes(app, hub);
  await sharingPageRoutes(app, hub);
  await overviewPageRoutes(app, hub);
}

const PAGE_SIZE = 20;
const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  department: Type.Optional(Type.String({ maxLength: 18 })),
  class: Type.Optional(Type.String({ maxLength: 20 })),
  subject: Type.Optional(Type.String({ maxLength: 100 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  lang: Type.Optional(Type.String()),
});
const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Where the service's field names show on the request form. */
const requestFieldIds: Record<string, string> = {
  consumerSystem: 'consumerSystem', items: 'items', purpose: 'purpose', legalBasis: 'legalBasis',
  business: 'business', periodFrom: 'periodFrom', periodUntil: 'periodUntil',
};

async function catalogBrowserRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;

  app.get('/staff/catalog', { schema: { hide: true, querystring: SearchQuery } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    const query = request.query;
    const filters = {
      q: (query.q ?? '').trim(), department: query.department ?? '',
      sharingClass: (sharingClasses as readonly string[]).includes(query.class ?? '') ? query.class! : '', subject: (query.subject ?? '').trim(),
    };
    const current = query.page ?? 1;
    const found = await searchCatalog(db, {
      q: filters.q || undefined, provider: filters.department || undefined, sharingClass: filters.sharingClass || undefined,
      subject: filters.subject || undefined, limit: PAGE_SIZE, offset: (current - 1) * PAGE_SIZE,
    });
    // The full resources, for their item labels in the page's language.
    const hits = await Promise.all(found.resources.map(async (resource) => ({ resource, items: (await getResource(db, resource.code)).items })));
    const page = await facePage(hub, request, 'staff');
    return sendPage(reply, CatalogSearchPage({
      page, filters, departments: await listDepartments(db), hits, total: found.total, current, size: PAGE_SIZE,
    }) as string);
  });

  async function renderResource(request: FastifyRequest, reply: FastifyReply, resource: Resource, values: RequestFormValues, errors: FieldError[], status = 200) {
    const actor = request.auth!.actor;
    const bar: RequestBar = resource.withdrawn ? 'withdrawn'
      : actor.department === resource.provider ? 'own'
      : !actor.department || !hasRole(actor, 'clerk', 'dept_admin') ? 'role'
      : null;
    const page = await facePage(hub, request, 'staff');
    const provider = await getDepartment(db, resource.provider);
    return sendPage(reply, ResourcePage({
      page, resource, providerName: localName(request.lang, provider), bar,
      systems: actor.department && bar === null ? await listSystems(db, actor.department) : [],
      values, errors, replyDays: hub.sharing.replyDays,
    }) as string, status);
  }

  app.get('/staff/catalog/:code', { schema: { hide: true, params: CodeParams } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    const resource = await getResource(db, request.params.code);
    return renderResource(request, reply, resource, { periodFrom: chinaDate(new Date()) }, []);
  });

  app.post('/staff/catalog/:code/request', { schema: { hide: true, params: CodeParams, body: FormBody } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const resource = await getResource(db, request.params.code);
    const body = request.body as FormFields;
    const values: RequestFormValues = {
      consumerSystem: field(body, 'consumerSystem'), items: asList(body.items), purpose: field(body, 'purpose'),
      legalBasis: field(body, 'legalBasis'), business: field(body, 'business'), periodFrom: dateField(body, 'periodFrom'), periodUntil: dateField(body, 'periodUntil'),
    };
    const step = field(body, 'step');
    if (step === 'change') return renderResource(request, reply, resource, values, []);
    const systems = auth.actor.department ? await listSystems(db, auth.actor.department) : [];
    const errors = requestFormProblems(request.lang, values, systems.map((s) => s.code));
    if (errors.length) return renderResource(request, reply, resource, values, errors, 400);
    if (step !== 'send') {
      const page = await facePage(hub, request, 'staff');
      const system = systems.find((s) => s.code === values.consumerSystem)!;
      return sendPage(reply, CheckRequestPage({ page, resource, system, values }) as string);
    }
    try {
      const sent = await submitRequest(db, hub.sharing, auth.actor, {
        resource: resource.code, consumerSystem: values.consumerSystem!, items: [...new Set(values.items)], purpose: values.purpose!,
        legalBasis: values.legalBasis!, ...(values.business && { business: values.business }), periodFrom: values.periodFrom!, periodUntil: values.periodUntil!,
      });
      return reply.redirect(`/staff/sharing/requests/${sent.id}/sent`, 303);
    } catch (error) {
      return renderResource(request, reply, resource, values, refusalOf(error, requestFieldIds), 400);
    }
  });

  app.get('/staff/sharing/requests/:id/sent', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const sent = await getRequest(db, hub.sharing, auth.actor, request.params.id);
    const resource = await getResource(db, sent.resource);
    const page = await facePage(hub, request, 'staff');
    const names = await departmentNames(hub, request.lang);
    return sendPage(reply, RequestSentPage({ page, request: sent, resource, providerName: names.get(sent.provider) ?? sent.provider }) as string);
  });
}

/** The form's own checks, in the person's language, before the service sees the request. */
function requestFormProblems(lang: Lang, v: RequestFormValues, systems: string[]): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, key: MessageKey) => errors.push({ field, message: t(lang, key) });
  if (!v.consumerSystem || !systems.includes(v.consumerSystem)) add('consumerSystem', 'request.error.system');
  if (!v.items?.length) add('items', 'request.error.items');
  if (!v.purpose) add('purpose', 'request.error.purpose');
  if (!v.legalBasis) add('legalBasis', 'request.error.legalBasis');
  const fromOk = isIsoDate(v.periodFrom ?? '');
  const untilOk = isIsoDate(v.periodUntil ?? '');
  if (!fromOk) add('periodFrom', 'request.error.periodFrom');
  if (!untilOk) add('periodUntil', 'request.error.periodUntil');
  if (fromOk && untilOk && v.periodUntil! < v.periodFrom!) add('periodUntil', 'request.error.order');
  else if (untilOk && v.periodUntil! < chinaDate(new Date())) add('periodUntil', 'request.error.past');
  return errors;
}
