import { createHash, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The wire contract of the exchange, shared by both gateways and by whoever checks evidence
 * later: how a department system addresses a service, what a gateway signs, and how a fault says
 * where it happened. Modelled on X-Road's message protocol for REST (reference/exchange.md §2).
 */

/** Path prefix a department system calls on its own gateway: `/r1/{provider}/{system}/{service}/{path}`. */
export const CLIENT_PREFIX = '/r1/';
/** Path prefix between gateways (mutual TLS): the same address under a different version tag. */
export const EXCHANGE_PREFIX = '/x1/';

export const headers = {
  client: 'egov-client',
  userId: 'egov-user-id',
  issue: 'egov-issue',
  purpose: 'egov-purpose',
  id: 'egov-id',
  time: 'egov-time',
  signature: 'egov-signature',
  requestHash: 'egov-request-hash',
  service: 'egov-service',
  error: 'egov-error',
} as const;

/**
 * Where a fault happened, so a department's developer knows where to look (reference/exchange.md
 * §2.3): the calling system, the client's gateway, the provider's gateway, the provider's backend.
 */
export const faultTypes = {
  'Client.BadRequest': 400,
  'Client.UnknownClient': 403,
  'Client.UnknownProvider': 404,
  'Client.UnknownService': 404,
  'Client.BodyTooLarge': 413,
  'Server.ClientProxy.OutdatedGlobalConf': 503,
  'Server.ClientProxy.NetworkError': 502,
  'Server.ClientProxy.UntrustedPeer': 502,
  'Server.ClientProxy.InvalidSignature': 502,
  'Server.ClientProxy.InternalError': 500,
  'Server.ServerProxy.AccessDenied': 403,
  'Server.ServerProxy.RateLimited': 429,
  'Server.ServerProxy.UntrustedPeer': 403,
  'Server.ServerProxy.InvalidSignature': 400,
  'Server.ServerProxy.UnknownService': 404,
  'Server.ServerProxy.OutdatedGlobalConf': 503,
  'Server.ServerProxy.BodyTooLarge': 413,
  'Server.ServerProxy.InternalError': 500,
  'Server.Backend.Unreachable': 502,
  'Server.Backend.Timeout': 504,
  'Server.Backend.InvalidResponse': 502,
} as const;
export type FaultType = keyof typeof faultTypes;

export interface FaultBody {
  type: FaultType;
  message: string;
  /** The message id, so both departments can find the exchange in their logs. */
  detail: string;
}

export class ExchangeFault extends Error {
  constructor(readonly type: FaultType, message: string) {
    super(message);
    this.name = 'ExchangeFault';
  }

  get status(): number {
    return faultTypes[this.type];
  }
}

export function isFaultType(value: string): value is FaultType {
  return Object.hasOwn(faultTypes, value);
}

/** A parsed service address: `{provider}/{system}/{service}` plus the backend path and query. */
export interface ServiceAddress {
  provider: string;
  /** `system/service`, the code in the catalog and the global configuration. */
  service: string;
  /** Starts with `/`; dot segments and encoded slashes are refused, never normalised away. */
  path: string;
  query: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Parses the part of a URL after the prefix. Refuses rather than repairs anything that could make
 * the provider's gateway and its backend disagree about the path: a rights check on a path the
 * backend reads differently is how path traversal got through X-Road's wildcard rights
 * (XRDDEV-3054, reference/exchange.md §3.1).
 */
export function parseServiceAddress(rest: string): ServiceAddress {
  const q = rest.indexOf('?');
  const pathPart = q === -1 ? rest : rest.slice(0, q);
  const query = q === -1 ? '' : rest.slice(q + 1);
  const parts = pathPart.split('/');
  const [provider, system, service] = parts;
  if (!provider || !system || !service) {
    throw new ExchangeFault('Client.BadRequest', 'the address must be /r1/{provider department code}/{system}/{service}/{path}');
  }
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(provider)) {
    throw new ExchangeFault('Client.BadRequest', `"${provider}" is not a department code (an 18-character unified social credit code)`);
  }
  if (!SEGMENT.test(system) || !SEGMENT.test(service)) {
    throw new ExchangeFault('Client.BadRequest', `"${system}/${service}" is not a service code (letters, digits, . _ -)`);
  }
  const tail = parts.slice(3);
  for (const segment of tail) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new ExchangeFault('Client.BadRequest', 'the path has a malformed percent-encoding');
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\') || decoded.includes('\0')) {
      throw new ExchangeFault('Client.BadRequest', 'the path may not contain dot segments, encoded slashes or NUL');
    }
  }
  if (tail.some((s, i) => s === '' && i < tail.length - 1)) {
    throw new ExchangeFault('Client.BadRequest', 'the path may not contain empty segments (//)');
  }
  return { provider, service: `${system}/${service}`, path: `/${tail.join('/')}`, query };
}

/**
 * An enrolment token: `EGT1.{secret}.{first 16 hex digits of the CA's fingerprint}`. The pin lets
 * the gateway check that it reached the right hub before it trusts the CA it is sent.
 */
export const TOKEN_PREFIX = 'EGT1';

export function parseToken(token: string): { secret: string; caPin: string } | null {
  const [prefix, secret, caPin, ...rest] = token.split('.');
  if (prefix !== TOKEN_PREFIX || !secret || !caPin || rest.length > 0 || !/^[0-9a-f]{16}$/.test(caPin)) return null;
  return { secret, caPin };
}

/** What the client's gateway signs for one request; the provider's gateway rebuilds it to verify. */
export interface RequestEnvelope {
  id: string;
  time: string;
  method: string;
  /** `{provider}/{system}/{service}{path}?{query}` */
  target: string;
  client: string;
  userId: string;
  issue: string;
  purpose: string;
  contentType: string;
  bodyHash: string;
}

export interface ResponseEnvelope {
  id: string;
  requestHash: string;
  status: number;
  contentType: string;
  bodyHash: string;
  /** Set when the exchange layer itself answered: the fault type. */
  fault: string;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('base64url');
}

/** One field per line, in a fixed order; a field may not contain a newline, so lines cannot be shifted. */
const REQUEST_FIELDS = ['id', 'time', 'method', 'target', 'client', 'userId', 'issue', 'purpose', 'contentType', 'bodyHash'] as const;
const RESPONSE_FIELDS = ['id', 'requestHash', 'status', 'contentType', 'bodyHash', 'fault'] as const;

export function canonicalRequest(r: RequestEnvelope): string {
  return canonical(['egov-request/1', ...REQUEST_FIELDS.map((f) => r[f])]);
}

export function canonicalResponse(r: ResponseEnvelope): string {
  return canonical(['egov-response/1', ...RESPONSE_FIELDS.map((f) => String(r[f]))]);
}

/** One field of a signed envelope as logged, read back by name (evidence checks). */
export function envelopeField(envelope: string, field: (typeof REQUEST_FIELDS)[number] | (typeof RESPONSE_FIELDS)[number]): string | undefined {
  const lines = envelope.split('\n');
  const fields: readonly string[] = lines[0] === 'egov-request/1' ? REQUEST_FIELDS : RESPONSE_FIELDS;
  const at = fields.indexOf(field);
  return at === -1 ? undefined : lines[at + 1];
}

function canonical(fields: string[]): string {
  for (const f of fields) {
    if (/[\r\n]/.test(f)) throw new ExchangeFault('Client.BadRequest', 'header values may not contain line breaks');
  }
  return fields.join('\n');
}

/** The hash the provider returns in Egov-Request-Hash: proof that this response answers that request. */
export function requestHash(r: RequestEnvelope): string {
  return sha256(canonicalRequest(r));
}

export function signText(key: KeyObject, text: string): string {
  return sign(null, Buffer.from(text), key).toString('base64url');
}

export function verifyText(key: KeyObject, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
