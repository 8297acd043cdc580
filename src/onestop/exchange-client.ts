import { getResource } from '../catalog/service.ts';
import type { Resource } from '../catalog/schema.ts';
import type { Hub } from '../hub/app.ts';
import { headers as exchangeHeaders } from '../exchange/protocol.ts';
import { DomainError } from '../platform/errors.ts';
import { getDepartment, getDepartmentBySlug } from '../registry/service.ts';

/**
 * The portal is a client system on the exchange like any department's: it calls its own
 * department's gateway over HTTP, and that gateway carries the call to the provider under the
 * portal's sharing agreements. So verifying a person or prefilling a form from the base data is
 * signed, logged, limited to the agreed data items and shown on the person's "my data" page,
 * exactly as any other department's lookup would be.
 */
export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** The resident on whose behalf: their citizen ID number (sent as Egov-User-Id `CN…`). */
  userId?: string;
  /** The case number, once there is one (Egov-Issue). */
  issue?: string;
  /**
   * Egov-Purpose: when given, it must be the purpose of one of the portal's agreements word for
   * word (the provider's gateway then holds the call to that agreement); left out, any of them.
   */
  purpose?: string;
}

export interface ExchangeAnswer {
  status: number;
  body: unknown;
  /** The exchange's fault type (Egov-Error) when the call failed on the way. */
  fault: string | null;
}

export interface PortalExchange {
  /** `{department code}/{system}`. */
  readonly client: string;
  /** provider: the department's code (USCC) or its short name (psb); service: `system/service`. */
  call(provider: string, service: string, path: string, options: CallOptions): Promise<ExchangeAnswer>;
  /**
   * The record a catalog resource's lookup service returns for one key (an ID number, a credit
   * code), as the provider's gateway filtered it to the portal's agreement; null when there is none.
   */
  lookup(resource: Resource, key: string, options: Omit<CallOptions, 'method' | 'body'>): Promise<Record<string, unknown> | null>;
}

const TIMEOUT_MS = 10_000;

/**
 * A resident as the exchange names them (Egov-User-Id: country code and ID number). The gateways
 * report lookups under a hash of it, so the "my data" page asks with the same form.
 */
export function exchangeUserId(idNumber: string): string {
  return `CN${idNumber}`;
}

/** Null when the hub is not configured with a portal gateway: then nobody is verified and nothing prefilled. */
export function portalExchange(hub: Hub): PortalExchange | null {
  const gateway = hub.config.portalGateway;
  const client = hub.config.portalClient;
  if (!gateway || !client) return null;
  const providerCodes = new Map<string, string>();
  const providerCode = async (provider: string): Promise<string> => {
    let code = providerCodes.get(provider);
    if (!code) {
      code = /^[0-9A-Z]{18}$/.test(provider) ? (await getDepartment(hub.database, provider)).code : (await getDepartmentBySlug(hub.database, provider)).code;
      providerCodes.set(provider, code);
    }
    return code;
  };
  const self: PortalExchange = {
    client,
    async call(provider, service, path, options) {
      const url = `${gateway}/r1/${await providerCode(provider)}/${service}/${path.replace(/^\//, '')}`;
      const sent: Record<string, string> = {
        [exchangeHeaders.client]: client,
        accept: 'application/json',
      };
      // Header values are ISO-8859-1: the purpose is sent percent-encoded, as gateways expect it.
      if (options.purpose) sent[exchangeHeaders.purpose] = encodeURIComponent(options.purpose);
      if (options.userId) sent[exchangeHeaders.userId] = exchangeUserId(options.userId);
      if (options.issue) sent[exchangeHeaders.issue] = options.issue;
      if (options.body !== undefined) sent['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetch(url, {
          method: options.method ?? 'GET', headers: sent, signal: AbortSignal.timeout(TIMEOUT_MS),
          ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        });
      } catch (error) {
        throw new DomainError('unavailable', `the exchange cannot be reached right now (${(error as Error).name === 'TimeoutError' ? 'no answer within 10 s' : (error as Error).message})`);
      }
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch { /* a non-JSON answer is handed on as text */ }
      return { status: response.status, body, fault: response.headers.get(exchangeHeaders.error) };
    },
    async lookup(resource, key, options) {
      if (!resource.serviceCode) throw new DomainError('invalid_input', `${resource.code} is not offered as a service on the exchange`);
      const path = lookupPathOf(resource);
      const answer = await self.call(resource.provider, resource.serviceCode, path.replace(/\{\w+\}/, encodeURIComponent(key)), options);
      if (answer.status === 404 && !answer.fault) return null;
      if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null || Array.isArray(answer.body)) {
        const said = (answer.body as { message?: unknown } | null)?.message;
        const why = `${answer.fault ?? `status ${answer.status}`}${typeof said === 'string' ? `: ${said}` : ''}`;
        throw new DomainError('unavailable', `the ${resource.nameZh} lookup did not succeed (${why})`, { fault: answer.fault, status: answer.status });
      }
      return answer.body as Record<string, unknown>;
    },
  };
  return self;
}

/** The one GET path with a key in it that the resource's OpenAPI description offers, e.g. /persons/{idNumber}. */
function lookupPathOf(resource: Resource): string {
  const paths = Object.entries((resource.openapi?.paths ?? {}) as Record<string, { get?: unknown }>);
  const found = paths.find(([p, ops]) => ops.get && /\{\w+\}/.test(p));
  if (!found) throw new DomainError('invalid_input', `${resource.code} describes no lookup by key (a GET path with {key})`);
  return found[0];
}

/** A catalog resource by code, for callers that hold only the code (a form field's prefill names it). */
export async function resourceForLookup(hub: Hub, code: string): Promise<Resource> {
  return getResource(hub.database, code);
}
