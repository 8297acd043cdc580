import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { getCase, listApplicantCases, lookupCase } from '../cases/service.ts';
import type { Case } from '../cases/schema.ts';
import { subjectAccess } from '../exchange/service.ts';
import { MessageList } from '../notifications/pages/messages.tsx';
import { countUnread, listNotifications } from '../notifications/service.ts';
import { listOpenDrafts } from '../onestop/applications.service.ts';
import { registerUploadParsing, uploadsIn } from '../onestop/pages/apply-routes.tsx';
import { supplementCase } from '../onestop/submissions.service.ts';
import type { Hub } from '../hub/app.ts';
import { exchangeUserId, portalExchange } from '../onestop/exchange-client.ts';
import type { Actor } from '../platform/access.ts';
import { DomainError, errorCodes } from '../platform/errors.ts';
import type { HttpApp } from '../platform/http.ts';
import { departmentNames, facePage } from '../web/department-pages.ts';
import { type FieldError, type FormFields, field, formErrorsOf } from '../web/forms.ts';
import { type MessageKey, t, translator } from '../web/i18n.ts';
import { sendPage } from '../web/page-context.ts';
import { MyCasePage, MyPage, type MyPageProps } from './pages/my.tsx';
import { TrackPage, type TrackValues } from './pages/track.tsx';
import { personOrRedirect } from './person-auth.ts';
import { registrationError } from './people.routes.ts';
import { type Person, type RealNameOutcome, type RegistrationProblem, correctName, normaliseName, verifyPerson } from './people.service.ts';
import { realNameCheck } from './real-name.ts';

const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const MyQuery = Type.Object({
  registered: Type.Optional(Type.String({ maxLength: 20 })),
  verify: Type.Optional(Type.String({ maxLength: 20 })),
  name: Type.Optional(Type.String({ maxLength: 20 })),
  lang: Type.Optional(Type.String()),
});
const RefParams = Type.Object({ reference: Type.String({ minLength: 1, maxLength: 64 }) });
/** Reference numbers run in sequence and names repeat: a guesser gets few tries. */
const TRACK_RATE = { max: 10, timeWindow: '1 minute' };

const outcomes: readonly RealNameOutcome[] = ['verified', 'failed', 'unavailable'];
const isOutcome = (value: unknown): value is RealNameOutcome => outcomes.includes(value as RealNameOutcome);

const MESSAGES_ON_MY = 5;
/** Files one answer to a request for materials may carry. */
const SUPPLEMENT_FILES = 10;

/** The personal centre (/my), one's own applications, and the progress lookup without an account (/track). */
export async function myRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  const policy = hub.cases;
  const exchange = portalExchange(hub);
  const maxBytes = hub.config.uploadMaxBytes;
  const check = realNameCheck(exchange);

  async function renderMy(request: FastifyRequest, auth: { actor: Actor; person: Person }, state: { notice: MyPageProps['notice']; name?: { value: string; errors: FieldError[] } }): Promise<string> {
    // The exchange records lookups made on a citizen's behalf under their ID number; enterprises have no such record.
    const userId = auth.person.kind === 'citizen' ? exchangeUserId(auth.person.idNumber) : null;
    const [cases, names, page, lookups, messages, unread, drafts] = await Promise.all([
      listApplicantCases(db, policy, auth.actor, auth.actor.actor), departmentNames(hub, request.lang), facePage(hub, request, 'portal'),
      userId ? subjectAccess(db, userId) : Promise.resolve(null),
      listNotifications(db, auth.actor, { limit: MESSAGES_ON_MY + 1 }), countUnread(db, auth.actor), listOpenDrafts(db, auth.actor),
    ]);
    return MyPage({
      // Shown after a refused correction too: its links (the language switch) lead to /my, never to the form's address.
      page: { ...page, path: '/my', query: '' }, person: auth.person, cases, departmentNames: names, lookups, verificationAvailable: exchange !== null,
      drafts: drafts.map((d) => ({ ...d, continueAt: `/${d.subjectKind === 'item' ? 'services' : 'life-events'}/${encodeURIComponent(d.subjectCode)}/apply` })),
      messages: MessageList({ page, messages: messages.slice(0, MESSAGES_ON_MY), unread, more: messages.length > MESSAGES_ON_MY }),
      notice: state.notice, name: state.name ?? { value: auth.person.name, errors: [] },
    }) as string;
  }

  app.get('/my', { schema: { hide: true, querystring: MyQuery } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    const { registered, verify, name } = request.query;
    const shown = isOutcome(registered) ? { key: `my.notice.registered.${registered}`, outcome: registered }
      : isOutcome(verify) ? { key: `my.notice.verify.${verify}`, outcome: verify }
        : name === 'changed' ? { key: 'my.notice.name.changed', outcome: 'unavailable' } : null;
    return sendPage(reply, renderMy(request, auth, { notice: shown && { text: t(request.lang, shown.key as MessageKey), ok: shown.outcome === 'verified' } }));
  });

  app.post('/my/name', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    const typed = field(request.body as FormFields, 'name') ?? '';
    let person: Person;
    try {
      person = await correctName(db, auth.actor, auth.person.id, typed);
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'invalid_input' && error.code !== 'conflict')) throw error;
      const problem = { field: 'name', code: (error.detail as { problem?: string } | undefined)?.problem ?? 'format', message: error.message } as RegistrationProblem;
      const errors = [{ ...registrationError(translator(request.lang), auth.person.kind, problem), field: 'name-correction' }];
      return sendPage(reply, renderMy(request, auth, { notice: null, name: { value: typed, errors } }), 400);
    }
    if (!exchange) return reply.redirect('/my?name=changed', 303);
    // Checked at once: the name was corrected to be checked.
    return reply.redirect(`/my?verify=${await verifyNow(request, auth.actor, person.id)}`, 303);
  });

  app.post('/my/verify', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    return reply.redirect(`/my?verify=${await verifyNow(request, auth.actor, auth.person.id)}`, 303);
  });

  /** The registers' answer on the person; a fault on the way (not a refusal) is no answer now. */
  async function verifyNow(request: FastifyRequest, actor: Actor, personId: string): Promise<RealNameOutcome> {
    const { outcome } = await verifyPerson(db, actor, personId, check).catch((error: unknown) => {
      if (error instanceof DomainError) throw error;
      request.log.warn({ err: error }, 'real-name verification failed');
      return { outcome: 'unavailable' as const };
    });
    return outcome;
  }

  async function renderCase(request: FastifyRequest, c: Case, sent: { note: string; errors: FieldError[] } = { note: '', errors: [] }): Promise<string> {
    const [names, page] = await Promise.all([departmentNames(hub, request.lang), facePage(hub, request, 'portal')]);
    const path = `/my/cases/${encodeURIComponent(c.reference)}`;
    const decided = c.outcome === 'approved' || c.outcome === 'rejected';
    return MyCasePage({
      page: { ...page, path, query: '' }, case: c, departmentNames: names, warningDays: policy.warningDays,
      supplement: c.allowedActions.includes('supplement')
        ? { action: `${path}/supplement`, formKey: randomUUID(), maxMegabytes: Math.round(maxBytes / 104857.6) / 10, ...sent }
        : null,
      // Decided applications are rated as a whole: a joint task is rated through its parent.
      rateHref: c.type === 'application' && decided && c.parent === null ? `${path}/rating` : null,
    }) as string;
  }

  app.get('/my/cases/:reference', { schema: { hide: true, params: RefParams } }, async (request, reply) => {
    const auth = personOrRedirect(request, reply);
    if (!auth) return reply;
    // Someone else's case is not found, exactly like one that does not exist.
    return sendPage(reply, renderCase(request, await getCase(db, policy, auth.actor, request.params.reference)));
  });

  await app.register(async (encapsulated) => {
    const scope = encapsulated as HttpApp;
    await registerUploadParsing(scope, maxBytes, SUPPLEMENT_FILES);
    scope.post('/my/cases/:reference/supplement', { schema: { hide: true, params: RefParams } }, async (request, reply) => {
      const auth = personOrRedirect(request, reply);
      if (!auth) return reply;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const note = typeof body.note === 'string' ? body.note : '';
      const key = typeof body.key === 'string' && body.key ? body.key : randomUUID();
      try {
        const c = await supplementCase(db, policy, auth.actor, request.params.reference, { note, files: uploadsIn(body, 'files'), idempotencyKey: key }, maxBytes);
        return reply.redirect(`/my/cases/${encodeURIComponent(c.reference)}`, 303);
      } catch (error) {
        const errors = formErrorsOf(error);
        const c = await getCase(db, policy, auth.actor, request.params.reference);
        const status = error instanceof DomainError ? errorCodes[error.code] : 400;
        return sendPage(reply, renderCase(request, c, { note, errors: errors.map((e) => ({ ...e, field: e.field === 'note' ? 'note' : 'files' })) }), status);
      }
    });
  });

  async function renderTrack(request: Parameters<typeof facePage>[1], values: TrackValues, errors: FieldError[], result: Case | null) {
    const [names, page] = await Promise.all([departmentNames(hub, request.lang), facePage(hub, request, 'portal')]);
    return TrackPage({ page, values, errors, result, departmentNames: names, warningDays: policy.warningDays }) as string;
  }

  app.get('/track', { schema: { hide: true } }, async (request, reply) => sendPage(reply, renderTrack(request, {}, [], null)));

  app.post('/track', { schema: { hide: true, body: FormBody }, config: { rateLimit: TRACK_RATE } }, async (request, reply) => {
    const body = request.body as FormFields;
    const values: TrackValues = { reference: field(body, 'reference'), name: field(body, 'name') };
    const t = (await facePage(hub, request, 'portal')).t;
    const errors: FieldError[] = [];
    if (!values.reference) errors.push({ field: 'reference', message: t('track.error.reference') });
    if (!values.name) errors.push({ field: 'name', message: t('track.error.name') });
    if (errors.length) return sendPage(reply, renderTrack(request, values, errors, null), 400);
    const reference = values.reference!.normalize('NFKC').replace(/\s/g, '').toUpperCase();
    let found: Case;
    try {
      found = await lookupCase(db, policy, reference, normaliseName(values.name!));
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'not_found') throw error;
      // One answer for an unknown number and for a known one with another name: the page must not confirm that a number exists.
      return sendPage(reply, renderTrack(request, values, [{ field: 'reference', message: t('track.error.notFound') }], null), 404);
    }
    return sendPage(reply, renderTrack(request, values, [], found));
  });
}
