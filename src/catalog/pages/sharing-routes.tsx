import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { staffOrRedirect } from '../../identity/request-auth.ts';
import { getAccount } from '../../identity/service.ts';
import { hasRole } from '../../platform/access.ts';
import { isIsoDate } from '../../platform/calendar.ts';
import type { HttpApp } from '../../platform/http.ts';
import type { FieldError } from '../../web/forms.ts';
import { type MessageKey, t } from '../../web/i18n.ts';
import { sendPage } from '../../web/page-context.ts';
import type { Decision, Resource } from '../schema.ts';
import { getResource, loadResource } from '../service.ts';
import {
  coordinateRequest, decideRequest, getAgreement, getRequest, listAgreements, listRequests, renewAgreement, revokeAgreement,
} from '../sharing.service.ts';
import { type FormFields, field } from '../../web/forms.ts';
import { FormBody, dateField } from './context.tsx';
import { RequestPage, type RequestPageValues } from './request.tsx';
import { IncomingPage, OutgoingPage } from './sharing.tsx';
import { refusalOf } from '../../web/fields.tsx';
import { departmentNames, facePage } from '../../web/department-pages.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.String()) });

/** What the notice after each change says (the change redirects to the request page with ?done=…). */
const notices: Record<string, MessageKey> = {
  decision: 'decision.saved', coordination: 'coordinate.saved', revoked: 'agreement.revoked', renewed: 'agreement.renewed',
};

/** The provider's queue, the consumer's requests and agreements, and each request's page with its forms. */
export async function sharingPageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  const policy = hub.sharing;

  app.get('/staff/sharing/incoming', { schema: { hide: true } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const requests = await listRequests(db, policy, auth.actor, 'incoming');
    const page = await facePage(hub, request, 'staff');
    return sendPage(reply, IncomingPage({ page, requests, departmentNames: await departmentNames(hub, request.lang) }) as string);
  });

  app.get('/staff/sharing/outgoing', { schema: { hide: true } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const [requests, agreements] = await Promise.all([listRequests(db, policy, auth.actor, 'outgoing'), listAgreements(db, auth.actor, 'outgoing')]);
    const resources = new Map<string, Resource>();
    for (const id of new Set(agreements.map((a) => a.resource))) resources.set(id, await loadResource(db.db, id));
    const page = await facePage(hub, request, 'staff');
    return sendPage(reply, OutgoingPage({ page, requests, agreements, resources, departmentNames: await departmentNames(hub, request.lang) }) as string);
  });

  async function renderRequest(
    request: FastifyRequest, reply: FastifyReply, id: string,
    state: { values?: RequestPageValues; errors?: FieldError[]; notice?: MessageKey | null } = {}, status = 200,
  ) {
    const actor = request.auth!.actor;
    const shown = await getRequest(db, policy, actor, id);
    const [resource, agreement] = await Promise.all([
      getResource(db, shown.resource), shown.agreement ? getAgreement(db, actor, shown.agreement) : Promise.resolve(null),
    ]);
    const actorNames = new Map<string, string>();
    for (const who of new Set(shown.events.map((e) => e.actor).filter((a) => !a.includes(':')))) {
      const account = await getAccount(db, who).catch(() => null);
      if (account) actorNames.set(who, account.displayName);
    }
    const provider = actor.department === shown.provider;
    const page = await facePage(hub, request, 'staff');
    return sendPage(reply, RequestPage({
      page, request: shown, resource, agreement, departmentNames: await departmentNames(hub, request.lang), actorNames,
      canDecide: provider && hasRole(actor, 'reviewer'),
      canCoordinate: hasRole(actor, 'platform_admin'),
      canManageAgreement: provider && hasRole(actor, 'reviewer', 'dept_admin'),
      values: state.values ?? {}, errors: state.errors ?? [], notice: state.notice ?? null,
    }) as string, status);
  }

  app.get('/staff/sharing/requests/:id', { schema: { hide: true, params: IdParams, querystring: DoneQuery } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    return renderRequest(request, reply, request.params.id, { notice: notices[request.query.done ?? ''] ?? null });
  });

  const back = (reply: FastifyReply, id: string, done: string) => reply.redirect(`/staff/sharing/requests/${id}?done=${done}`, 303);

  app.post('/staff/sharing/requests/:id/decision', { schema: { hide: true, params: IdParams, body: FormBody } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const id = request.params.id;
    const body = request.body as FormFields;
    const shown = await getRequest(db, policy, auth.actor, id);
    const pending = shown.items.filter((i) => i.status === 'pending').map((i) => i.item);
    const values: RequestPageValues = {
      decisions: Object.fromEntries(pending.map((item) => [item, field(body, `decision.${item}`)])),
      reasons: Object.fromEntries(pending.map((item) => [item, field(body, `reason.${item}`)])),
    };
    const decision: Decision = { items: [] };
    const errors: FieldError[] = [];
    for (const item of pending) {
      const choice = values.decisions![item];
      const reason = values.reasons![item] ?? '';
      if (choice !== 'approve' && choice !== 'refuse') continue;
      if (choice === 'refuse' && !reason) {
        const label = shown.items.find((i) => i.item === item)!;
        errors.push({ field: `reason-${item}`, message: t(request.lang, 'decision.error.reason', { item: request.lang === 'en' ? label.labelEn : label.labelZh }) });
      }
      decision.items.push({ item, decision: choice, ...(reason && { reason }) });
    }
    if (pending.length && decision.items.length === 0) errors.push({ field: `decision-${pending[0]}`, message: t(request.lang, 'decision.error.none') });
    if (errors.length) return renderRequest(request, reply, id, { values, errors }, 400);
    try {
      await decideRequest(db, policy, auth.actor, id, decision);
      return back(reply, id, 'decision');
    } catch (error) {
      const firstRefused = decision.items.find((d) => d.decision === 'refuse')?.item;
      return renderRequest(request, reply, id, { values, errors: refusalOf(error, { reason: firstRefused && `reason-${firstRefused}` }) }, 400);
    }
  });

  app.post('/staff/sharing/requests/:id/coordinate', { schema: { hide: true, params: IdParams, body: FormBody } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const id = request.params.id;
    const note = field(request.body as FormFields, 'note');
    if (!note) return renderRequest(request, reply, id, { values: { note }, errors: [{ field: 'note', message: t(request.lang, 'coordinate.error') }] }, 400);
    try {
      await coordinateRequest(db, policy, auth.actor, id, note);
      return back(reply, id, 'coordination');
    } catch (error) {
      return renderRequest(request, reply, id, { values: { note }, errors: refusalOf(error, { note: 'note' }) }, 400);
    }
  });

  app.post('/staff/sharing/agreements/:id/revoke', { schema: { hide: true, params: IdParams, body: FormBody } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const agreement = await getAgreement(db, auth.actor, request.params.id);
    const reason = field(request.body as FormFields, 'reason');
    const values = { revokeReason: reason };
    if (!reason) return renderRequest(request, reply, agreement.request, { values, errors: [{ field: 'revokeReason', message: t(request.lang, 'agreement.error.reason') }] }, 400);
    try {
      await revokeAgreement(db, auth.actor, agreement.id, reason);
      return back(reply, agreement.request, 'revoked');
    } catch (error) {
      return renderRequest(request, reply, agreement.request, { values, errors: refusalOf(error, { reason: 'revokeReason' }) }, 400);
    }
  });

  app.post('/staff/sharing/agreements/:id/renew', { schema: { hide: true, params: IdParams, body: FormBody } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const agreement = await getAgreement(db, auth.actor, request.params.id);
    const validUntil = dateField(request.body as FormFields, 'validUntil');
    const values = { validUntil };
    const problem = !isIsoDate(validUntil) ? t(request.lang, 'agreement.error.until')
      : validUntil <= agreement.validUntil ? t(request.lang, 'agreement.error.after', { until: agreement.validUntil })
      : null;
    if (problem) return renderRequest(request, reply, agreement.request, { values, errors: [{ field: 'validUntil', message: problem }] }, 400);
    try {
      await renewAgreement(db, auth.actor, agreement.id, validUntil);
      return back(reply, agreement.request, 'renewed');
    } catch (error) {
      return renderRequest(request, reply, agreement.request, { values, errors: refusalOf(error, { validUntil: 'validUntil' }) }, 400);
    }
  });
}
