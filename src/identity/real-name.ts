import type { PortalExchange } from '../onestop/exchange-client.ts';
import { DomainError } from '../platform/errors.ts';
import { type RealNameCheck, normaliseName } from './people.service.ts';

/**
 * Real-name verification through the exchange, as the portal's client system: a citizen's name
 * and number against the population registry's verification service, an enterprise's name
 * against its record in the enterprise registry. Only a definite answer of the registry counts;
 * a refusal on the way (no agreement, a gateway down) is no answer, and the account stays as it was.
 */

export const POPULATION = { provider: 'psb', service: 'population/id-verification' } as const;
export const ENTERPRISES = { provider: 'amr', service: 'business-reg/enterprises' } as const;

/** Registrations that no longer exist (注销 deregistered, 吊销 licence revoked) do not make a real enterprise. */
const GONE = new Set(['注销', '吊销']);

/** Brackets are typed half- or full-width, spaces come and go: the same registered name either way. */
function comparableName(name: string): string {
  return normaliseName(name).replace(/\s/g, '').replace(/\(/g, '（').replace(/\)/g, '）');
}

/** The check to hand to verifyPerson; with no exchange configured every answer is 'unavailable'. */
export function realNameCheck(exchange: PortalExchange | null): RealNameCheck {
  return async (subject) => {
    if (!exchange) return 'unavailable';
    try {
      if (subject.kind === 'citizen') {
        const query = new URLSearchParams({ idNumber: subject.idNumber, name: subject.name });
        // On the person's behalf, so the lookup shows on their "my data" page; the purpose is left
        // to the agreement the provider's gateway finds for the portal.
        const answer = await exchange.call(POPULATION.provider, POPULATION.service, `/verifications?${query.toString()}`, { method: 'GET', userId: subject.idNumber });
        const body = answer.body as { consistent?: unknown } | null;
        if (answer.status !== 200 || answer.fault || typeof body?.consistent !== 'boolean') return 'unavailable';
        return body.consistent ? 'verified' : 'failed';
      }
      const answer = await exchange.call(ENTERPRISES.provider, ENTERPRISES.service, `/enterprises/${encodeURIComponent(subject.idNumber)}`, { method: 'GET' });
      // The registry's own "no such enterprise"; a 404 from a gateway on the way carries a fault.
      if (answer.status === 404 && !answer.fault) return 'failed';
      const body = answer.body as { name?: unknown; status?: unknown } | null;
      if (answer.status !== 200 || answer.fault || typeof body?.name !== 'string') return 'unavailable';
      if (typeof body.status === 'string' && GONE.has(body.status)) return 'failed';
      return comparableName(body.name) === comparableName(subject.name) ? 'verified' : 'failed';
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'unavailable' || error.code === 'not_found')) return 'unavailable';
      throw error;
    }
  };
}
