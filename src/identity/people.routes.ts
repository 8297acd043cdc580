import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { portalExchange } from '../onestop/exchange-client.ts';
import { DomainError, httpStatusOf } from '../platform/errors.ts';
import type { HttpApp } from '../platform/http.ts';
import { facePage } from '../web/department-pages.ts';
import { type FieldError, type FormFields, field } from '../web/forms.ts';
import type { MessageKey, Translate } from '../web/i18n.ts';
import { sendPage } from '../web/page-context.ts';
import { PersonSignInPage } from './pages/person-signin.tsx';
import { RegisterPage, type RegisterValues } from './pages/register.tsx';
import { PERSON_COOKIE } from './person-auth.ts';
import type { PersonKind } from './people.schema.ts';
import {
  type PersonSession, type RealNameOutcome, type RegistrationProblem, personActor, registerPerson, registrationProblems, signInPerson,
  signOutPerson, startPersonSession, verifyPerson,
} from './people.service.ts';
import { realNameCheck } from './real-name.ts';
import { sameToken } from './request-auth.ts';
import { ADDRESS_SIGN_INS, accountTries } from './sign-in-tries.ts';

/** The double-submit token of the account forms sent before anyone is signed in. */
const FORM_COOKIE = 'egov_account_form';
const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
/** Registrations from one address a minute: many citizens reach the portal from behind one carrier address. */
const REGISTER_RATE = { max: 30, timeWindow: '1 minute' };

/** Only paths on this site, so the sign-in page cannot be used to send people elsewhere. */
export function localPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

const kindOf = (value: unknown): PersonKind => (value === 'enterprise' ? 'enterprise' : 'citizen');

/** Registration, sign-in and sign-out of citizens and enterprises. */
export async function peopleRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  const secure = hub.publicUrl.startsWith('https:');
  const check = realNameCheck(portalExchange(hub));

  /** A signed-in browser's forms carry its session's token (checked before the handler); others a token of their own. */
  function formToken(request: FastifyRequest, reply: FastifyReply, csrf: string | null): string {
    if (csrf) return csrf;
    const token = request.cookies[FORM_COOKIE] ?? randomBytes(18).toString('base64url');
    reply.setCookie(FORM_COOKIE, token, { path: '/account', httpOnly: true, sameSite: 'strict', secure });
    return token;
  }

  function formTrusted(request: FastifyRequest, given: string): boolean {
    // A session's token was already compared by the session's own preHandler (request-auth.ts, person-auth.ts).
    if (request.auth?.via === 'session' || request.person) return true;
    return given !== '' && sameToken(given, request.cookies[FORM_COOKIE] ?? '');
  }

  function setSession(reply: FastifyReply, session: PersonSession): void {
    reply.setCookie(PERSON_COOKIE, session.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: new Date(session.expiresAt) });
    reply.clearCookie(FORM_COOKIE, { path: '/account' });
  }

  async function renderRegister(request: FastifyRequest, reply: FastifyReply, kind: PersonKind, values: RegisterValues, errors: FieldError[], status = 200) {
    const page = await facePage(hub, request, 'portal');
    return sendPage(reply, RegisterPage({ page, kind, formToken: formToken(request, reply, page.csrf), values, errors }) as string, status);
  }

  app.get('/account/register', {
    schema: { hide: true, querystring: Type.Object({ kind: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    if (request.person) return reply.redirect('/my', 303);
    return renderRegister(request, reply, kindOf(request.query.kind), {}, []);
  });

  app.post('/account/register', { schema: { hide: true, body: FormBody }, config: { rateLimit: REGISTER_RATE } }, async (request, reply) => {
    const body = request.body as FormFields;
    const kind = kindOf(field(body, 'kind'));
    const values: RegisterValues = {
      name: field(body, 'name'), idNumber: field(body, 'idNumber'), phone: field(body, 'phone'), email: field(body, 'email'),
      ...(kind === 'enterprise' && { contactName: field(body, 'contactName') }),
    };
    const password = Array.isArray(body.password) ? body.password[0] ?? '' : body.password ?? '';
    const t = (await facePage(hub, request, 'portal')).t;
    if (!formTrusted(request, field(body, '_csrf'))) return renderRegister(request, reply, kind, values, [{ message: t('people.error.form') }], 403);
    if (request.person) return reply.redirect('/my', 303);
    const input = { kind, name: values.name ?? '', idNumber: values.idNumber ?? '', contactName: values.contactName, phone: values.phone ?? '', email: values.email, password };
    const { problems } = registrationProblems(input);
    if (problems.length) return renderRegister(request, reply, kind, values, problems.map((p) => registrationError(t, kind, p)), 400);
    let session: PersonSession;
    let outcome: RealNameOutcome;
    try {
      const person = await registerPerson(db, input, request.id);
      session = await startPersonSession(db, hub.config, person.id);
      outcome = (await verifyPerson(db, personActor(person, request.id), person.id, check).catch((error: unknown) => {
        // The account exists either way; verification can be tried again from the personal centre.
        request.log.warn({ err: error }, 'real-name verification after registration failed');
        return { outcome: 'unavailable' as const };
      })).outcome;
    } catch (error) {
      const detail = error instanceof DomainError ? error.detail as { field?: RegistrationProblem['field']; problem?: string } | undefined : undefined;
      if (!(error instanceof DomainError) || !detail?.field) throw error;
      const problem = { field: detail.field, code: detail.problem ?? 'format', message: error.message } as RegistrationProblem;
      return renderRegister(request, reply, kind, values, [registrationError(t, kind, problem)], httpStatusOf(error.code));
    }
    setSession(reply, session);
    return reply.redirect(`/my?registered=${outcome}`, 303);
  });

  async function renderSignIn(request: FastifyRequest, reply: FastifyReply, state: { kind?: PersonKind; identifier?: string; returnTo: string; notice?: string | null; errors?: FieldError[] }, status = 200) {
    const page = await facePage(hub, request, 'portal');
    return sendPage(reply, PersonSignInPage({
      page, kind: state.kind ?? 'citizen', identifier: state.identifier ?? '', returnTo: state.returnTo,
      formToken: formToken(request, reply, page.csrf), notice: state.notice ?? null, errors: state.errors ?? [],
    }) as string, status);
  }

  app.get('/account/signin', {
    schema: { hide: true, querystring: Type.Object({ return: Type.Optional(Type.String()), expired: Type.Optional(Type.String()), lang: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    const returnTo = localPath(request.query.return, '/my');
    if (request.person) return reply.redirect(returnTo, 303);
    const t = (await facePage(hub, request, 'portal')).t;
    const notice = request.query.expired || request.personExpired ? t('people.signin.expired') : request.query.return ? t('people.signin.required') : null;
    return renderSignIn(request, reply, { returnTo, notice });
  });

  const withinTries = accountTries(app, (body) => `${field(body as FormFields, 'kind') ?? ''} ${(field(body as FormFields, 'identifier') ?? '').replace(/\s+/g, '')}`);

  app.post('/account/signin', { schema: { hide: true, body: FormBody }, config: { rateLimit: ADDRESS_SIGN_INS } }, async (request, reply) => {
    const body = request.body as FormFields;
    const kind = kindOf(field(body, 'kind'));
    const identifier = field(body, 'identifier');
    const password = Array.isArray(body.password) ? body.password[0] ?? '' : body.password ?? '';
    const returnTo = localPath(field(body, 'return'), '/my');
    const t = (await facePage(hub, request, 'portal')).t;
    if (!formTrusted(request, field(body, '_csrf'))) return renderSignIn(request, reply, { kind, identifier, returnTo, errors: [{ message: t('people.error.form') }] }, 403);
    if (!await withinTries(request, reply)) return renderSignIn(request, reply, { kind, identifier, returnTo, errors: [{ field: 'identifier', message: t('people.signin.tooMany') }] }, 429);
    const missing: FieldError[] = [];
    if (!identifier) missing.push({ field: 'identifier', message: t('people.signin.error.identifier') });
    if (!password) missing.push({ field: 'password', message: t('people.signin.error.password') });
    if (missing.length) return renderSignIn(request, reply, { kind, identifier, returnTo, errors: missing }, 400);
    try {
      const session = await signInPerson(db, hub.config, { kind, identifier, password }, request.id);
      setSession(reply, session);
      return reply.redirect(returnTo, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'unauthenticated' && error.code !== 'account_locked')) throw error;
      const message = t(error.code === 'account_locked' ? 'people.signin.locked' : 'people.signin.wrong');
      return renderSignIn(request, reply, { kind, identifier, returnTo, errors: [{ field: 'identifier', message }] }, httpStatusOf(error.code));
    }
  });

  app.post('/account/signout', { schema: { hide: true } }, async (request, reply) => {
    const token = request.cookies[PERSON_COOKIE];
    if (token) await signOutPerson(db, token);
    reply.clearCookie(PERSON_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}

/** A registration problem in the person's language, linked to its field. */
export function registrationError(t: Translate, kind: PersonKind, p: RegistrationProblem): FieldError {
  const subject = p.field === 'idNumber' && kind === 'enterprise' ? 'uscc' : p.field === 'name' && kind === 'enterprise' ? 'enterpriseName' : p.field;
  const key = `people.error.${subject}.${p.code}` as MessageKey;
  const message = t(key);
  // A combination without its own words (none is expected) still says which field and why, in English.
  return message === key ? { field: p.field, message: p.message, lang: 'en' } : { field: p.field, message };
}
