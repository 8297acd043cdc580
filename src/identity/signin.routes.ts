import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { DomainError, httpStatusOf } from '../platform/errors.ts';
import type { HttpApp } from '../platform/http.ts';
import { pageContext, sendPage } from '../web/page-context.ts';
import { type FormError, SecondFactorPage, SignInPage } from './pages/signin.tsx';
import { SESSION_COOKIE, sameToken } from './request-auth.ts';
import { ADDRESS_SIGN_INS, accountTries } from './sign-in-tries.ts';
import { completeSecondFactor, pendingTotpSecret, signIn, signOut, type SessionInfo } from './service.ts';
import { totpUri } from './totp.ts';

const LOGIN_CSRF_COOKIE = 'egov_login_csrf';

/** Only paths on this site, so the sign-in page cannot be used to send people elsewhere. */
function safeReturn(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/staff';
}

export async function signInRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const policy = hub.config;
  const secure = hub.publicUrl.startsWith('https:');

  function setSessionCookie(reply: FastifyReply, session: SessionInfo): void {
    reply.setCookie(SESSION_COOKIE, session.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: new Date(session.expiresAt) });
  }

  async function renderSignIn(request: FastifyRequest, reply: FastifyReply, state: { username?: string; returnTo?: string; notice?: string | null; errors?: FormError[] }, status = 200) {
    const loginCsrf = randomBytes(18).toString('base64url');
    reply.setCookie(LOGIN_CSRF_COOKIE, loginCsrf, { path: '/signin', httpOnly: true, sameSite: 'strict', secure });
    const page = pageContext(request, 'staff', await hub.city());
    return sendPage(reply, SignInPage({
      page, username: state.username ?? '', returnTo: state.returnTo ?? '/staff', loginCsrf,
      notice: state.notice ?? null, errors: state.errors ?? [],
    }) as string, status);
  }

  async function renderSecondFactor(request: FastifyRequest, reply: FastifyReply, errors: FormError[], status = 200) {
    const page = pageContext(request, 'staff', await hub.city());
    const token = request.cookies[SESSION_COOKIE] ?? '';
    const secret = request.pendingStage === 'enrol' ? await pendingTotpSecret(hub.database, token) : null;
    const returnTo = safeReturn((request.query as Record<string, unknown>).return);
    const action = `/signin/${request.pendingStage ?? 'totp'}?return=${encodeURIComponent(returnTo)}`;
    return sendPage(reply, SecondFactorPage({ page, errors, action, enrol: secret ? { secret, uri: totpUri(secret, 'egov-cloud') } : null }) as string, status);
  }

  app.get('/signin', {
    schema: { hide: true, querystring: Type.Object({ return: Type.Optional(Type.String()), expired: Type.Optional(Type.String()), lang: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    const returnTo = safeReturn(request.query.return);
    if (request.auth?.via === 'session') return reply.redirect(returnTo, 303);
    const t = pageContext(request, 'staff', await hub.city()).t;
    const notice = request.query.expired || request.sessionExpired ? t('signin.expired') : request.query.return ? t('signin.required') : null;
    return renderSignIn(request, reply, { returnTo, notice });
  });

  const withinTries = accountTries(app, (body) => String(body.username ?? ''));

  app.post('/signin', {
    schema: {
      hide: true,
      body: Type.Object({ username: Type.String({ maxLength: 100 }), password: Type.String({ maxLength: 200 }), return: Type.Optional(Type.String()), _csrf: Type.Optional(Type.String()) }),
    },
    config: { rateLimit: ADDRESS_SIGN_INS },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const returnTo = safeReturn(request.body.return);
    const t = pageContext(request, 'staff', await hub.city()).t;
    if (!request.body._csrf || !sameToken(request.body._csrf, request.cookies[LOGIN_CSRF_COOKIE] ?? '')) {
      return renderSignIn(request, reply, { username, returnTo, errors: [{ message: request.lang === 'en' ? 'this form has expired; please sign in again' : '页面已过期，请重新登录' }] }, 403);
    }
    if (!await withinTries(request, reply)) {
      return renderSignIn(request, reply, { username, returnTo, errors: [{ field: 'username', message: t('signin.tooMany') }] }, 429);
    }
    const missing: FormError[] = [];
    if (!username.trim()) missing.push({ field: 'username', message: `${t('signin.username')}: ${request.lang === 'en' ? 'enter your username' : '请输入用户名'}` });
    if (!password) missing.push({ field: 'password', message: `${t('signin.password')}: ${request.lang === 'en' ? 'enter your password' : '请输入密码'}` });
    if (missing.length) return renderSignIn(request, reply, { username, returnTo, errors: missing }, 400);
    try {
      const session = await signIn(hub.database, policy, username, password, request.id);
      setSessionCookie(reply, session);
      reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/signin' });
      if (session.stage === 'enrol') return reply.redirect(`/signin/enrol?return=${encodeURIComponent(returnTo)}`, 303);
      if (session.stage === 'totp') return reply.redirect(`/signin/totp?return=${encodeURIComponent(returnTo)}`, 303);
      return reply.redirect(returnTo, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const message = t(error.code === 'account_locked' ? 'signin.locked' : 'signin.wrong');
      return renderSignIn(request, reply, { username, returnTo, errors: [{ field: 'username', message }] }, httpStatusOf(error.code));
    }
  });

  for (const stage of ['totp', 'enrol'] as const) {
    app.get(`/signin/${stage}`, { schema: { hide: true } }, async (request, reply) => {
      if (request.auth?.via === 'session') return reply.redirect('/staff', 303);
      if (request.pendingStage !== stage) return reply.redirect('/signin', 303);
      return renderSecondFactor(request, reply, []);
    });

    app.post(`/signin/${stage}`, {
      schema: { hide: true, body: Type.Object({ code: Type.String({ maxLength: 20 }) }) },
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    }, async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (!token || request.pendingStage !== stage) return reply.redirect('/signin?expired=1', 303);
      const returnTo = safeReturn((request.query as Record<string, unknown>).return);
      try {
        await completeSecondFactor(hub.database, policy, token, request.body.code, request.id);
        return reply.redirect(returnTo, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const t = pageContext(request, 'staff', await hub.city()).t;
        if (error.code === 'unauthenticated') return renderSignIn(request, reply, { notice: t('signin.expired') }, 401);
        if (error.code === 'account_locked') return renderSignIn(request, reply, { errors: [{ message: t('signin.locked') }] }, 423);
        return renderSecondFactor(request, reply, [{ field: 'code', message: t('signin.totp.wrong') }], httpStatusOf(error.code));
      }
    });
  }

  app.post('/signout', { schema: { hide: true } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await signOut(hub.database, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}
