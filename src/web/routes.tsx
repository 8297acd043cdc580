import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import type { HttpApp } from '../platform/http.ts';
import { consoleOrRedirect, staffOrRedirect } from '../identity/request-auth.ts';
import { countAccounts, listColleagues } from '../identity/service.ts';
import { journalHead } from '../journal/service.ts';
import { countDepartments, findDepartment, listContacts, listDepartments, listSystems } from '../registry/service.ts';
import { chinaDate } from '../platform/calendar.ts';
import { localName } from './i18n.ts';
import { pageContext, sendPage } from './page-context.ts';
import { ConsoleOverviewPage, WorkbenchPage } from './pages/dashboards.tsx';
import { HomePage, SearchPage } from './pages/home.tsx';

/** The front pages of the three faces: the public portal, the staff workbench and the operations console. */
export async function webRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    // Together, so both are answered by one check of the journal's head.
    const [city, departmentCount] = await Promise.all([hub.city(), countDepartments(db)]);
    return sendPage(reply, HomePage({ page: pageContext(request, 'portal', city), departmentCount }) as string);
  });

  app.get('/search', { schema: { hide: true, querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), lang: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    const q = (request.query.q ?? '').trim();
    const page = pageContext(request, 'portal', await hub.city());
    const results = q ? await listDepartments(db, { q, limit: 50 }) : [];
    return sendPage(reply, SearchPage({ page, q, results }) as string);
  });

  app.get('/staff', { schema: { hide: true } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth?.account) return reply;
    const department = await findDepartment(db, auth.account.department);
    const page = pageContext(request, 'staff', await hub.city(), department ? localName(request.lang, department) : undefined);
    const colleagues = await listColleagues(db, auth.actor);
    return sendPage(reply, WorkbenchPage({
      page, account: auth.account, department,
      systems: department ? await listSystems(db, department.code) : [],
      contacts: department ? await listContacts(db, department.code) : [],
      colleagues,
    }) as string);
  });

  app.get('/console', { schema: { hide: true } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const department = auth.account ? await findDepartment(db, auth.account.department) : null;
    const page = pageContext(request, 'console', await hub.city(), department ? localName(request.lang, department) : undefined);
    return sendPage(reply, ConsoleOverviewPage({
      page, departments: await countDepartments(db), accounts: await countAccounts(db), journal: await journalHead(db.db),
      database: `${db.kind}: ${db.location}`,
      // Deadlines run up to about three months ahead; warn before they reach a year without a schedule.
      yearsWithoutSchedule: hub.calendar.yearsWithoutSchedule(chinaDate(new Date()), chinaDate(new Date(Date.now() + 90 * 86_400_000))),
    }) as string);
  });
}
