import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { consoleOrRedirect } from '../../identity/request-auth.ts';
import type { HttpApp } from '../../platform/http.ts';
import { facePage } from '../../web/department-pages.ts';
import { sendPage } from '../../web/page-context.ts';
import { recoveryOverview } from '../overview.ts';
import { ConsoleRecoveryPage } from './console.tsx';

const LangQuery = Type.Object({ lang: Type.Optional(Type.String()) });

/** The console's page of the disaster recovery center (read-only). */
export async function recoveryPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  app.get('/console/recovery', { schema: { hide: true, querystring: LangQuery } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const overview = await recoveryOverview(hub, auth.actor);
    const page = await facePage(hub, request, 'console');
    // The state changes by the second: never served from a cache.
    reply.header('cache-control', 'no-store');
    return sendPage(reply, ConsoleRecoveryPage({ page, overview, now: new Date() }) as string);
  });
}
