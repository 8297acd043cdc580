import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { consoleOrRedirect, staffOrRedirect } from '../../identity/request-auth.ts';
import { hasRole } from '../../platform/access.ts';
import { forbidden } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http.ts';
import { type FieldError, type FormFields, field } from '../../web/forms.ts';
import { type Lang, type MessageKey, t } from '../../web/i18n.ts';
import { sendPage } from '../../web/page-context.ts';
import { createEnrolmentToken, listGateways, revokeCertificate, trafficSummary } from '../service.ts';
import { ConsoleGatewaysPage, type DepartmentGateways, EnrolmentTokenPage, type RevokeValues, StaffGatewaysPage, reasonId } from './gateways.tsx';
import { ConsoleTrafficPage, MAX_TRAFFIC_HOURS } from './traffic.tsx';
import { refusalOf } from '../../web/fields.tsx';
import { departmentNames, facePage } from '../../web/department-pages.ts';

const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const SerialParams = Type.Object({ serial: Type.String({ minLength: 1, maxLength: 64 }) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.String()) });
const TrafficQuery = Type.Object({ hours: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.String()) });

/** The same pattern as the service's schema, checked first so the person gets the message in their language. */
const GATEWAY_CODE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const DEFAULT_TRAFFIC_HOURS = 24;

const notices: Record<string, MessageKey> = { revoked: 'gateways.revoked' };

/**
 * The exchange's pages: a department administrator's gateways on the workbench (enrolment tokens,
 * revocation), and the console's gateways of every department and the exchange traffic.
 */
export async function exchangePageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;

  // ---- The workbench: the department's own gateways ----

  async function renderStaff(request: FastifyRequest, reply: FastifyReply, state: { code?: string; revoke?: RevokeValues; errors?: FieldError[]; notice?: MessageKey | null } = {}, status = 200) {
    const actor = request.auth!.actor;
    if (!actor.department) throw forbidden('this page is for staff of a department');
    const gateways = await listGateways(db, actor, actor.department);
    const page = await facePage(hub, request, 'staff');
    // Forms post elsewhere; their answers are this page, so the language switch comes back here.
    const shown = { ...page, path: '/staff/gateways', query: '' };
    return sendPage(reply, StaffGatewaysPage({
      page: shown, departmentName: page.user?.department ?? actor.department, gateways, now: new Date(),
      canManage: hasRole(actor, 'dept_admin', 'platform_admin'), enrolmentHours: hub.exchange.enrolmentHours,
      code: state.code ?? '', revoke: state.revoke ?? {}, errors: state.errors ?? [], notice: state.notice ?? null,
    }) as string, status);
  }

  app.get('/staff/gateways', { schema: { hide: true, querystring: DoneQuery } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    return renderStaff(request, reply, { notice: notices[request.query.done ?? ''] ?? null });
  });

  app.post('/staff/gateways/tokens', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const actor = auth.actor;
    if (!actor.department) throw forbidden('this page is for staff of a department');
    const code = field(request.body as FormFields, 'code');
    const problem = codeProblem(request.lang, code);
    if (problem) return renderStaff(request, reply, { code, errors: [problem] }, 400);
    let token;
    try {
      token = await createEnrolmentToken(db, actor, hub.exchange, { department: actor.department, code });
    } catch (error) {
      return renderStaff(request, reply, { code, errors: refusalOf(error, { code: 'code' }) }, 400);
    }
    // A one-time secret: shown on this answer only, never redirected to, never cached.
    const page = await facePage(hub, request, 'staff');
    reply.header('cache-control', 'no-store');
    return sendPage(reply, EnrolmentTokenPage({
      page: { ...page, path: '/staff/gateways', query: '' }, token, publicUrl: hub.publicUrl, caFingerprint: hub.exchange.ca.fingerprint,
    }) as string);
  });

  app.post('/staff/gateways/certificates/:serial/revoke', { schema: { hide: true, params: SerialParams, body: FormBody } }, async (request, reply) => {
    const auth = staffOrRedirect(request, reply);
    if (!auth) return reply;
    const revoke = revokeValues(request.params.serial, request.body as FormFields);
    const errors = await revokeErrors(request, revoke);
    if (errors.length) return renderStaff(request, reply, { revoke, errors }, 400);
    return reply.redirect('/staff/gateways?done=revoked', 303);
  });

  // ---- The console: every department's gateways, and the traffic ----

  async function renderConsole(request: FastifyRequest, reply: FastifyReply, state: { revoke?: RevokeValues; errors?: FieldError[]; notice?: MessageKey | null } = {}, status = 200) {
    const actor = request.auth!.actor;
    // Those who watch the platform see every department; a department administrator sees their own.
    const watcher = hasRole(actor, 'platform_admin', 'operator', 'auditor');
    if (!watcher && !actor.department) throw forbidden('this page is for those who run the platform');
    const gateways = await listGateways(db, actor, watcher ? undefined : actor.department!);
    const names = await departmentNames(hub, request.lang);
    const groups = new Map<string, DepartmentGateways>();
    for (const g of gateways) {
      const group = groups.get(g.department) ?? { department: g.department, name: names.get(g.department) ?? g.department, gateways: [] };
      group.gateways.push(g);
      groups.set(g.department, group);
    }
    for (const group of groups.values()) group.gateways.sort((a, b) => a.code.localeCompare(b.code));
    const page = await facePage(hub, request, 'console');
    return sendPage(reply, ConsoleGatewaysPage({
      page: { ...page, path: '/console/gateways', query: '' },
      groups: [...groups.values()].sort((a, b) => a.name.localeCompare(b.name, request.lang)),
      now: new Date(), canRevoke: hasRole(actor, 'platform_admin'), scoped: !watcher,
      revoke: state.revoke ?? {}, errors: state.errors ?? [], notice: state.notice ?? null,
    }) as string, status);
  }

  app.get('/console/gateways', { schema: { hide: true, querystring: DoneQuery } }, async (request, reply) => {
    if (!consoleOrRedirect(request, reply)) return reply;
    return renderConsole(request, reply, { notice: notices[request.query.done ?? ''] ?? null });
  });

  app.post('/console/gateways/certificates/:serial/revoke', { schema: { hide: true, params: SerialParams, body: FormBody } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const revoke = revokeValues(request.params.serial, request.body as FormFields);
    const errors = await revokeErrors(request, revoke);
    if (errors.length) return renderConsole(request, reply, { revoke, errors }, 400);
    return reply.redirect('/console/gateways?done=revoked', 303);
  });

  /** Revokes, or says what was wrong with the form (a missing reason, a certificate already revoked). */
  async function revokeErrors(request: FastifyRequest, revoke: Required<RevokeValues>): Promise<FieldError[]> {
    const id = reasonId(revoke.serial);
    if (!revoke.reason) return [{ field: id, message: t(request.lang, 'gateways.error.reason') }];
    try {
      await revokeCertificate(db, request.auth!.actor, revoke.serial, revoke.reason);
      return [];
    } catch (error) {
      return refusalOf(error, { reason: id });
    }
  }

  app.get('/console/exchange', { schema: { hide: true, querystring: TrafficQuery } }, async (request, reply) => {
    const auth = consoleOrRedirect(request, reply);
    if (!auth) return reply;
    const asked = (request.query.hours ?? '').trim();
    const parsed = asked === '' ? DEFAULT_TRAFFIC_HOURS : /^\d{1,5}$/.test(asked) ? Number(asked) : Number.NaN;
    const valid = parsed >= 1 && parsed <= MAX_TRAFFIC_HOURS;
    const hours = valid ? parsed : DEFAULT_TRAFFIC_HOURS;
    const errors: FieldError[] = valid ? [] : [{ field: 'hours', message: t(request.lang, 'traffic.error.hours', { max: MAX_TRAFFIC_HOURS }) }];
    const rows = await trafficSummary(db, auth.actor, new Date(Date.now() - hours * 3_600_000));
    const names = await departmentNames(hub, request.lang);
    const name = (code: string) => names.get(code) ?? code;
    const clientOf = (client: string) => name(client.split('/')[0] ?? '');
    rows.sort((a, b) => clientOf(a.client).localeCompare(clientOf(b.client), request.lang) || a.client.localeCompare(b.client)
      || name(a.provider).localeCompare(name(b.provider), request.lang) || a.service.localeCompare(b.service) || a.side.localeCompare(b.side));
    const page = await facePage(hub, request, 'console');
    return sendPage(reply, ConsoleTrafficPage({
      page, hours: valid ? String(hours) : asked, shownHours: hours, rows, departmentNames: names, errors,
    }) as string, valid ? 200 : 400);
  });
}

function revokeValues(serial: string, body: FormFields): Required<RevokeValues> {
  return { serial, reason: field(body, 'reason') };
}

function codeProblem(lang: Lang, code: string): FieldError | null {
  if (!code) return { field: 'code', message: t(lang, 'gateways.error.code') };
  if (!GATEWAY_CODE.test(code)) return { field: 'code', message: t(lang, 'gateways.error.codeFormat') };
  return null;
}
