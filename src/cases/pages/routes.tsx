import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Hub } from '../../hub/app.ts';
import { listColleagues } from '../../identity/service.ts';
import { staffOrRedirect } from '../../identity/request-auth.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import { forbidden } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http.ts';
import { departmentChoices, departmentNames, facePage } from '../../web/department-pages.ts';
import { refusalOf } from '../../web/fields.tsx';
import { type FieldError, type FormFields, field } from '../../web/forms.ts';
import { type MessageKey, t } from '../../web/i18n.ts';
import { sendPage } from '../../web/page-context.ts';
import type { Case } from '../schema.ts';
import { actOnCase, addNote, assignCase, caseTypes, getCase, listCases, transferCase } from '../service.ts';
import { type CaseFormValues, CasePage, noteId } from './case.tsx';
import { listCaseDeliveries } from '../../notifications/service.ts';
import { applicationOfCase } from '../../onestop/submissions.service.ts';
import { QueuePage, filterStates } from './queue.tsx';

const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const RefParams = Type.Object({ reference: Type.String({ minLength: 1, maxLength: 64 }) });
const ActionParams = Type.Object({ reference: Type.String({ minLength: 1, maxLength: 64 }), action: Type.String({ minLength: 1, maxLength: 40 }) });
const QueueQuery = Type.Object({ state: Type.Optional(Type.String({ maxLength: 40 })), done: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.String()) });
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.String()) });

const notices: Record<string, MessageKey> = {
  action: 'cases.done.action', note: 'cases.done.note', assigned: 'cases.done.assigned', transferred: 'cases.done.transferred',
};

/** The workbench's case pages: the queues, and the case page with its timeline and the clerk's actions. */
export async function casePageRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  const policy = hub.cases;

  function staffActor(request: FastifyRequest): Actor {
    const actor = request.auth!.actor;
    if (!actor.department) throw forbidden('the case queues are for staff of a department');
    return actor;
  }

  app.get('/staff/cases', { schema: { hide: true, querystring: QueueQuery } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    const actor = staffActor(request);
    const asked = (request.query.state ?? '').trim();
    const valid = asked === '' || filterStates.includes(asked);
    const errors: FieldError[] = valid ? [] : [{ field: 'state', message: t(request.lang, 'cases.error.state') }];
    const state = valid && asked ? asked : undefined;
    const [mine, department] = await Promise.all([
      listCases(db, policy, actor, { assignee: actor.actor, open: true, state }),
      listCases(db, policy, actor, { open: true, state }),
    ]);
    const page = await facePage(hub, request, 'staff');
    const notice = notices[request.query.done ?? ''];
    return sendPage(reply, QueuePage({
      page, actor, departmentName: page.user?.department ?? actor.department!, mine, department, state: valid ? asked : '',
      warningDays: policy.warningDays, errors, notice: notice ? t(request.lang, notice) : null,
    }) as string, valid ? 200 : 400);
  });

  async function renderCase(request: FastifyRequest, reply: FastifyReply, reference: string, state: { values?: CaseFormValues; errors?: FieldError[]; notice?: MessageKey | null } = {}, status = 200) {
    const actor = staffActor(request);
    const c = await getCase(db, policy, actor, reference);
    const [names, colleagues, departments, page, deliveries, application] = await Promise.all([
      departmentNames(hub, request.lang), listColleagues(db, actor), departmentChoices(hub, request.lang), facePage(hub, request, 'staff'),
      listCaseDeliveries(db, policy, actor, c.reference), applicationOfCase(db, policy, actor, c.id),
    ]);
    const handles = mayHandle(actor, c);
    const type = caseTypes[c.type];
    const actions = handles ? c.allowedActions.filter((a) => type?.actions[a]?.by === 'staff' || (type?.actions[a]?.by === 'admin' && hasRole(actor, 'platform_admin'))) : [];
    return sendPage(reply, CasePage({
      page: { ...page, path: `/staff/cases/${encodeURIComponent(c.reference)}`, query: '' }, actor, case: c, actions, canHandle: handles,
      me: actor.actor, departments,
      departmentNames: names, people: new Map(colleagues.map((a) => [a.id, a.displayName])), warningDays: policy.warningDays,
      values: state.values ?? {}, errors: state.errors ?? [], notice: state.notice ? t(request.lang, state.notice) : null, formKey: randomUUID(),
      deliveries, application,
    }) as string, status);
  }

  const back = (reference: string, done: string) => `/staff/cases/${encodeURIComponent(reference)}?done=${done}`;

  app.get('/staff/cases/:reference', { schema: { hide: true, params: RefParams, querystring: DoneQuery } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    return renderCase(request, reply, request.params.reference, { notice: notices[request.query.done ?? ''] ?? null });
  });

  app.post('/staff/cases/:reference/actions/:action', { schema: { hide: true, params: ActionParams, body: FormBody } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    const actor = staffActor(request);
    const { reference, action } = request.params;
    const body = request.body as FormFields;
    const values: CaseFormValues = { form: action, note: field(body, 'note') };
    const key = field(body, 'key');
    let done: Case;
    try {
      // The engine checks the right first: a clerk of another department is refused (403) whatever the form held.
      done = await actOnCase(db, policy, actor, reference, { action, ...(values.note && { note: values.note }), ...(key && { idempotencyKey: `page:${key}` }) });
    } catch (error) {
      const errors = refusalOf(error, { note: noteId(action) });
      const missing = !values.note && errors.some((e) => e.field === noteId(action));
      return renderCase(request, reply, reference, { values, errors: missing ? [{ field: noteId(action), message: t(request.lang, 'cases.error.note') }] : errors }, 400);
    }
    return reply.redirect(back(done.reference, 'action'), 303);
  });

  app.post('/staff/cases/:reference/assign', { schema: { hide: true, params: RefParams, body: FormBody } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    const actor = staffActor(request);
    const reference = request.params.reference;
    let done: Case;
    try {
      done = await assignCase(db, policy, actor, reference, { assignee: actor.actor });
    } catch (error) {
      return renderCase(request, reply, reference, { errors: refusalOf(error, {}) }, 400);
    }
    return reply.redirect(back(done.reference, 'assigned'), 303);
  });

  app.post('/staff/cases/:reference/transfer', { schema: { hide: true, params: RefParams, body: FormBody } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    const actor = staffActor(request);
    const body = request.body as FormFields;
    const values: CaseFormValues = { form: 'transfer', department: field(body, 'department'), reason: field(body, 'reason') };
    const c = { reference: request.params.reference };
    const errors: FieldError[] = [];
    if (!values.department) errors.push({ field: 'transfer-department', message: t(request.lang, 'cases.error.department') });
    if (!values.reason) errors.push({ field: 'transfer-reason', message: t(request.lang, 'cases.error.reason') });
    if (errors.length) return renderCase(request, reply, c.reference, { values, errors }, 400);
    try {
      await transferCase(db, policy, actor, c.reference, { department: values.department!, reason: values.reason! });
    } catch (error) {
      return renderCase(request, reply, c.reference, { values, errors: refusalOf(error, { department: 'transfer-department', reason: 'transfer-reason' }) }, 400);
    }
    // The case is now in the other department's queue, out of this clerk's sight.
    return reply.redirect('/staff/cases?done=transferred', 303);
  });

  app.post('/staff/cases/:reference/notes', { schema: { hide: true, params: RefParams, body: FormBody } }, async (request, reply) => {
    if (!staffOrRedirect(request, reply)) return reply;
    const actor = staffActor(request);
    const body = request.body as FormFields;
    const values: CaseFormValues = { form: 'note', text: field(body, 'text'), visibility: field(body, 'visibility') };
    const c = { reference: request.params.reference };
    const errors: FieldError[] = [];
    if (!values.text) errors.push({ field: 'note-text', message: t(request.lang, 'cases.error.noteText') });
    if (values.visibility !== 'internal' && values.visibility !== 'public') errors.push({ field: 'note-visibility', message: t(request.lang, 'cases.error.visibility') });
    if (errors.length) return renderCase(request, reply, c.reference, { values, errors }, 400);
    const key = field(body, 'key');
    try {
      await addNote(db, policy, actor, c.reference, { text: values.text!, visibility: values.visibility as 'internal' | 'public', ...(key && { idempotencyKey: `page:${key}:note` }) });
    } catch (error) {
      return renderCase(request, reply, c.reference, { values, errors: refusalOf(error, { text: 'note-text', visibility: 'note-visibility' }) }, 400);
    }
    return reply.redirect(back(c.reference, 'note'), 303);
  });
}

/** Staff of the case's department (and platform administrators) handle it; others who may read it (auditors, joint departments) only read. */
function mayHandle(actor: Actor, c: Case): boolean {
  return hasRole(actor, 'platform_admin') || (actor.department === c.department && hasRole(actor, 'clerk', 'dept_admin'));
}
