import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { consoleOrRedirect } from '../../identity/request-auth.ts';
import { hasRole } from '../../platform/access.ts';
import { notFound } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http.ts';
import { sendPage } from '../../web/page-context.ts';
import type { Agreement, SharingRequest } from '../schema.ts';
import { catalogCounts, getResource, searchCatalog } from '../service.ts';
import { listAgreements, listRequests } from '../sharing.service.ts';
import { type AgreementCountRow, ConsoleCatalogPage, type ResourceCountRow } from './catalog-console.tsx';
import { OpenDataPage, OpenDataResourcePage } from './open-data.tsx';
import { departmentNames, facePage } from '../../web/department-pages.ts';

const PAGE_SIZE = 20;
const OpenQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  lang: Type.Optional(Type.String()),
});
const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });

/** The console's catalog counts and the portal's open data. */
export async function overviewPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;

  app.get('/console/catalog', { schema: { hide: true } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const actor = auth.actor;
    // Those who watch the platform see everything; a department administrator sees their department's side.
    const watcher = hasRole(actor, 'platform_admin', 'auditor', 'operator');
    let requests: SharingRequest[];
    let agreements: Agreement[];
    if (watcher) {
      [requests, agreements] = await Promise.all([listRequests(db, hub.sharing, actor, 'all'), listAgreements(db, actor, 'all')]);
    } else {
      const [inReq, outReq, inAgr, outAgr] = await Promise.all([
        listRequests(db, hub.sharing, actor, 'incoming'), listRequests(db, hub.sharing, actor, 'outgoing'),
        listAgreements(db, actor, 'incoming'), listAgreements(db, actor, 'outgoing'),
      ]);
      requests = [...inReq, ...outReq];
      agreements = [...inAgr, ...outAgr];
    }

    const resources = new Map<string, ResourceCountRow>();
    for (const c of await catalogCounts(db)) {
      const row = resources.get(c.provider_id) ?? { department: c.provider_id, byClass: {} };
      row.byClass[c.sharing_class] = (row.byClass[c.sharing_class] ?? 0) + c.n;
      resources.set(c.provider_id, row);
    }
    const byStatus = new Map<string, number>();
    for (const r of requests) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    const perDepartment = new Map<string, AgreementCountRow>();
    const rowOf = (code: string) => {
      const row = perDepartment.get(code) ?? { department: code, asProvider: 0, asConsumer: 0, inForce: 0 };
      perDepartment.set(code, row);
      return row;
    };
    for (const a of agreements) {
      rowOf(a.provider).asProvider += 1;
      rowOf(a.consumer).asConsumer += 1;
      if (a.status === 'active') {
        rowOf(a.provider).inForce += 1;
        rowOf(a.consumer).inForce += 1;
      }
    }
    const names = await departmentNames(hub, request.lang);
    const byName = (a: { department: string }, b: { department: string }) => (names.get(a.department) ?? a.department).localeCompare(names.get(b.department) ?? b.department, request.lang);
    const page = await facePage(hub, request, 'console');
    return sendPage(reply, ConsoleCatalogPage({
      page, departmentNames: names, scoped: !watcher,
      resources: [...resources.values()].sort(byName),
      requestsByStatus: [...byStatus].map(([status, n]) => ({ status, n })).sort((a, b) => a.status.localeCompare(b.status)),
      agreements: [...perDepartment.values()].sort(byName),
      overdue: requests.filter((r) => r.overdue).sort((a, b) => a.dueOn.localeCompare(b.dueOn)),
    }) as string);
  });

  app.get('/open-data', { schema: { hide: true, querystring: OpenQuery } }, async (request, reply) => {
    const q = (request.query.q ?? '').trim();
    const current = request.query.page ?? 1;
    const found = await searchCatalog(db, { q: q || undefined, openOnly: true, limit: PAGE_SIZE, offset: (current - 1) * PAGE_SIZE });
    const hits = await Promise.all(found.resources.map(async (resource) => ({
      resource, openItems: (await getResource(db, resource.code)).items.filter((i) => i.openClass === 'open'),
    })));
    const page = await facePage(hub, request, 'portal');
    return sendPage(reply, OpenDataPage({ page, q, hits, total: found.total, current, size: PAGE_SIZE, departmentNames: await departmentNames(hub, request.lang) }) as string);
  });

  app.get('/open-data/:code', { schema: { hide: true, params: CodeParams } }, async (request, reply) => {
    const resource = await getResource(db, request.params.code);
    // Only what is open to the public shows here; anything else does not exist for the portal.
    if (resource.withdrawn || resource.openClass !== 'open') throw notFound(`no open data resource has the code ${request.params.code}`);
    const names = await departmentNames(hub, request.lang);
    const page = await facePage(hub, request, 'portal');
    return sendPage(reply, OpenDataResourcePage({ page, resource, providerName: names.get(resource.provider) ?? resource.provider }) as string);
  });
}
