import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { personOrRedirect } from '../../identity/person-auth.ts';
import type { HttpApp } from '../../platform/http.ts';
import { facePage } from '../../web/department-pages.ts';
import { type FormFields, field } from '../../web/forms.ts';
import { t } from '../../web/i18n.ts';
import { sendPage } from '../../web/page-context.ts';
import { countUnread, listNotifications, markAllRead, markRead } from '../service.ts';
import { MessagesPage } from './messages.tsx';

const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.String()) });

// Where a mark-read form may send the person back to: the pages that show the list, nowhere else.
const RETURNS: Record<string, string> = { '/my': '/my#messages', '/my/messages': '/my/messages?done=read' };

/** The portal's message centre for a signed-in citizen or enterprise. */
export async function notificationPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;

  app.get('/my/messages', { schema: { hide: true, querystring: DoneQuery } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    const [messages, unread, page] = await Promise.all([
      listNotifications(db, auth.actor, { limit: 200 }), countUnread(db, auth.actor), facePage(hub, request, 'portal'),
    ]);
    const notice = request.query.done === 'read' ? t(request.lang, 'notifications.done.read') : null;
    return sendPage(reply, MessagesPage({ page: { ...page, query: '' }, messages, unread, notice }) as string);
  });

  app.post('/my/messages/:id/read', { schema: { hide: true, params: IdParams, body: FormBody } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    await markRead(db, auth.actor, request.params.id);
    return reply.redirect(RETURNS[field(request.body as FormFields, 'return')] ?? RETURNS['/my/messages']!, 303);
  });

  app.post('/my/messages/read-all', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    await markAllRead(db, auth.actor);
    return reply.redirect(RETURNS[field(request.body as FormFields, 'return')] ?? RETURNS['/my/messages']!, 303);
  });
}
