import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubDatabase } from '../hub/database.ts';
import { type Actor, type StaffRole, requireRole } from '../platform/access.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpApp } from '../platform/http.ts';
import type { Account } from './schema.ts';
import { resumeSession } from './service.ts';

/**
 * How a request proves who is behind it: a staff session cookie (pages, and the API from the
 * browser) or a bearer token from single sign-on (department systems). The edge decides; the
 * services then authorise the resulting Actor.
 */
export interface RequestAuth {
  actor: Actor;
  via: 'session' | 'bearer';
  account: Account | null;
  /** Set for sessions: forms and browser API calls must echo it. */
  csrfToken: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
    /** True when a session cookie was sent but its session is gone (expired or signed out). */
    sessionExpired: boolean;
    /** Set while a signed-in administrator still owes the second factor. */
    pendingStage: 'totp' | 'enrol' | null;
  }
}

export const SESSION_COOKIE = 'egov_session';

export type BearerVerifier = (token: string, requestId: string) => Promise<Actor | null>;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function registerRequestAuth(app: HttpApp, database: HubDatabase, verifyBearer: BearerVerifier): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('sessionExpired', false);
  app.decorateRequest('pendingStage', null);
  app.addHook('preHandler', async (request) => {
    // OIDC endpoints authenticate their own way.
    if (request.url.startsWith('/oidc/') || request.url.startsWith('/assets/')) return;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const actor = await verifyBearer(header.slice(7).trim(), request.id);
      if (!actor) throw new DomainError('unauthenticated', 'the bearer token is not valid or has expired; get a new one from /oidc/token');
      request.auth = { actor, via: 'bearer', account: null, csrfToken: null };
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resumeSession(database, token, request.id);
    if (!session) {
      request.sessionExpired = true;
      return;
    }
    if (session.stage !== 'done') {
      request.pendingStage = session.stage as 'totp' | 'enrol';
      return;
    }
    request.auth = { actor: session.actor, via: 'session', account: session.account, csrfToken: session.csrfToken };
    if (UNSAFE_METHODS.has(request.method) && !request.url.startsWith('/signout')) checkCsrf(request, session.csrfToken);
  });
}

/**
 * Cookie-authenticated changes must carry the session's token (form field `_csrf` or header
 * `x-csrf-token`), so another site cannot make a signed-in browser act.
 */
function checkCsrf(request: FastifyRequest, expected: string): void {
  const body = request.body as Record<string, unknown> | undefined;
  const given = request.headers['x-csrf-token'] ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
  if (typeof given !== 'string' || !sameToken(given, expected)) {
    throw new DomainError('csrf_failed', 'this form has expired or did not come from this site; reload the page and try again');
  }
}

/** Compares tokens in constant time, so response timing says nothing about how much of a guess was right. */
export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The actor behind the request, or unauthenticated. */
export function requireActor(request: FastifyRequest): Actor {
  if (request.auth) return request.auth.actor;
  throw new DomainError('unauthenticated', request.sessionExpired
    ? 'your session has expired; sign in again'
    : 'sign in first (a staff session, or a bearer token from /oidc/token)');
}

export function requireStaffRole(request: FastifyRequest, ...roles: StaffRole[]): Actor {
  const actor = requireActor(request);
  requireRole(actor, ...roles);
  return actor;
}

/**
 * For pages: the signed-in staff member, or a redirect to the sign-in page that comes back here.
 * Returns null after sending the redirect.
 */
export function staffOrRedirect(request: FastifyRequest, reply: FastifyReply): RequestAuth | null {
  if (request.auth?.via === 'session') return request.auth;
  const back = encodeURIComponent(request.url);
  const to = request.pendingStage === 'enrol' ? '/signin/enrol' : request.pendingStage === 'totp' ? '/signin/totp' : `/signin?return=${back}${request.sessionExpired ? '&expired=1' : ''}`;
  void reply.redirect(to, 303);
  return null;
}

/** Roles that may open the operations console. */
export const CONSOLE_ROLES: StaffRole[] = ['platform_admin', 'dept_admin', 'operator', 'auditor'];

/** For console pages: signed in (else redirected, null) and holding a console role (else forbidden). */
export function consoleOrRedirect(request: FastifyRequest, reply: FastifyReply): RequestAuth | null {
  const auth = staffOrRedirect(request, reply);
  if (auth) requireRole(auth.actor, ...CONSOLE_ROLES);
  return auth;
}
