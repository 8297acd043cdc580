import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HubDatabase } from '../hub/database.ts';
import type { Actor } from '../platform/access.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpApp } from '../platform/http.ts';
import { type Person, resumePersonSession } from './people.service.ts';
import { sameToken } from './request-auth.ts';

/**
 * How a citizen or an enterprise is known on a request: their own cookie and their own session
 * table, decorated as `request.person`. It never fills `request.auth`, which is all that staff
 * pages (staffOrRedirect) and the staff API (requireActor) look at, so a person's session opens
 * nothing of theirs; and staff sessions open nothing here.
 */
export const PERSON_COOKIE = 'egov_person';

export interface PersonAuth {
  actor: Actor;
  person: Person;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    person: PersonAuth | null;
    /** True when a person's cookie was sent but its session is gone (expired or signed out). */
    personExpired: boolean;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Registered after registerRequestAuth, so a staff session's token is known when both are signed in on one browser. */
export function registerPersonAuth(app: HttpApp, database: HubDatabase): void {
  app.decorateRequest('person', null);
  app.decorateRequest('personExpired', false);
  app.addHook('preHandler', async (request) => {
    if (request.url.startsWith('/oidc/') || request.url.startsWith('/assets/')) return;
    const token = request.cookies[PERSON_COOKIE];
    if (!token) return;
    const session = await resumePersonSession(database, token, request.id);
    if (!session) {
      request.personExpired = true;
      return;
    }
    request.person = { actor: session.actor, person: session.person, csrfToken: session.csrfToken };
    // Signing out with a stale page still signs out, as for staff (and a staff member's sign-out is not held up by a person's session).
    if (UNSAFE_METHODS.has(request.method) && !request.url.startsWith('/account/signout') && !request.url.startsWith('/signout')) checkCsrf(request, session.csrfToken);
  });
}

/**
 * A cookie-authenticated change must carry a token only this site's pages hold: the person's
 * session token, or the staff session's when one is signed in on the same browser (the pages then
 * carry that one, and either proves the form came from here).
 */
function checkCsrf(request: FastifyRequest, expected: string): void {
  const body = request.body as Record<string, unknown> | undefined;
  const given = request.headers['x-csrf-token'] ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
  const staff = request.auth?.via === 'session' ? request.auth.csrfToken : null;
  if (typeof given === 'string' && (sameToken(given, expected) || (staff !== null && sameToken(given, staff)))) return;
  throw new DomainError('csrf_failed', 'this form has expired or did not come from this site; reload the page and try again');
}

/**
 * For the personal pages: the signed-in person, or a redirect to the sign-in page that comes back
 * here. Returns null after sending the redirect.
 */
export function personOrRedirect(request: FastifyRequest, reply: FastifyReply): PersonAuth | null {
  if (request.person) return request.person;
  // A form sent after the session ended cannot be sent again by a redirect; the personal centre is where to go on.
  const back = encodeURIComponent(request.method === 'GET' ? request.url : '/my');
  void reply.redirect(`/account/signin?return=${back}${request.personExpired ? '&expired=1' : ''}`, 303);
  return null;
}
