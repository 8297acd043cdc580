import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../platform/http.ts';

/**
 * Sign-in tries of one account from one address: ten a minute. The address as a whole gets many
 * more (the route's own limit): a department's staff sign in from behind one, at the start of the
 * day, and so do a carrier's customers or a service hall's kiosks. Accounts lock after repeated
 * wrong passwords in any case; this only slows guessing at one account.
 */
export function accountTries(app: HttpApp, accountOf: (body: Record<string, unknown>) => string): (request: FastifyRequest, reply: FastifyReply) => Promise<boolean> {
  const limit = app.createRateLimit({
    max: 10, timeWindow: '1 minute',
    keyGenerator: (request) => `${request.ip} ${accountOf((request.body ?? {}) as Record<string, unknown>).normalize('NFKC').trim().toLowerCase()}`,
  });
  /** False, with Retry-After set, when this try is one too many. */
  return async (request, reply) => {
    const tries = await limit(request);
    if (tries.isAllowed || !tries.isExceeded) return true;
    reply.header('retry-after', String(tries.ttlInSeconds));
    return false;
  };
}

/** What an address may send to a sign-in form in a minute, all accounts together. */
export const ADDRESS_SIGN_INS = { max: 300, timeWindow: '1 minute' };
