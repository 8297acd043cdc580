import { Type } from 'typebox';
import { Value } from 'typebox/value';
import type { Hub } from '../../hub/app.ts';
import { notFound } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http.ts';
import { facePage } from '../../web/department-pages.ts';
import { sendPage } from '../../web/page-context.ts';
import { ItemCode, LifeEventCode, topics } from '../schema.ts';
import { getLifeEvent, getServiceItem, searchServiceItems, serviceGroups } from '../service.ts';
import { applyPageRoutes } from './apply-routes.tsx';
import { ServiceItemPage } from './item.tsx';
import { LifeEventPage } from './life-event.tsx';
import { ratingPageRoutes } from './ratings.routes.tsx';
import { type ServiceFilters, ServicesPage } from './services.tsx';

const PAGE_SIZE = 20;
const ServicesQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  department: Type.Optional(Type.String({ maxLength: 18 })),
  topic: Type.Optional(Type.String({ maxLength: 40 })),
  lifeEvent: Type.Optional(Type.String({ maxLength: 40 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  lang: Type.Optional(Type.String()),
});
// Any text: a code that cannot be an item's or a life event's is a page that does not exist (404), not a bad request.
const CodeParams = Type.Object({ code: Type.String() });

/** The portal's service guide: search and browse, an item's start page, a life event's page. Public. */
export async function onestopPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  await ratingPageRoutes(app, hub);

  app.get('/services', { schema: { hide: true, querystring: ServicesQuery } }, async (request, reply) => {
    const query = request.query;
    const groups = await serviceGroups(db);
    // An unknown filter value (an old link) is dropped rather than refused.
    const known = (value: string | undefined, values: readonly string[]) => (value && values.includes(value) ? value : '');
    const filters: ServiceFilters = {
      q: (query.q ?? '').trim(),
      department: known(query.department, groups.departments.map((d) => d.code)),
      topic: known(query.topic, topics.map((x) => x.key)),
      lifeEvent: known(query.lifeEvent, groups.lifeEvents.map((e) => e.code)),
    };
    const searched = Boolean(filters.q || filters.department || filters.topic || filters.lifeEvent);
    const current = query.page ?? 1;
    const found = searched ? await searchServiceItems(db, {
      q: filters.q || undefined, department: filters.department || undefined, topic: filters.topic || undefined,
      lifeEvent: filters.lifeEvent || undefined, limit: PAGE_SIZE, offset: (current - 1) * PAGE_SIZE,
    }) : null;
    const page = await facePage(hub, request, 'portal');
    return sendPage(reply, ServicesPage({
      page, filters, groups, results: found && { items: found.items, total: found.total, current, size: PAGE_SIZE },
    }) as string);
  });

  app.get('/services/:code', { schema: { hide: true, params: CodeParams } }, async (request, reply) => {
    const { code } = request.params;
    if (!Value.Check(ItemCode, code)) throw notFound(`there is no service item ${code}`);
    // Together, so both are answered by one check of the journal's head.
    const [item, page] = await Promise.all([getServiceItem(db, code), facePage(hub, request, 'portal')]);
    return sendPage(reply, ServiceItemPage({ page, item }) as string);
  });

  app.get('/life-events/:code', { schema: { hide: true, params: CodeParams } }, async (request, reply) => {
    const { code } = request.params;
    if (!Value.Check(LifeEventCode, code)) throw notFound(`there is no life event ${code}`);
    const event = await getLifeEvent(db, code);
    const page = await facePage(hub, request, 'portal');
    return sendPage(reply, LifeEventPage({ page, event }) as string);
  });

  // The application journey, in its own scope: the only place multipart uploads are parsed.
  await applyPageRoutes(app, hub);
}
