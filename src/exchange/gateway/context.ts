import type http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { JSONWebKeySet } from 'jose';
import type { Logger } from 'pino';
import type { Counter, Histogram } from 'prom-client';
import { maskValue } from '../../platform/masking.ts';
import { subjectOf } from '../service.ts';
import { ExchangeFault, type FaultBody, type FaultType, headers as H } from '../protocol.ts';
import type { GatewayIdentity } from './identity.ts';
import type { LogEntry, MessageLog, OperationEntry } from './log.ts';
import type { LocalService, endpointMatcher } from './services.ts';
import { ownCertificateOf } from './transport.ts';
import { type Trust, TrustError } from './trust.ts';

/**
 * What the two sides of a gateway (client-side.ts, provider-side.ts) and its link to the hub
 * (hub-link.ts) share: its settings, its message log, and the state that changes while it runs
 * (its certificate, the global configuration, the hub's keys), with the helpers every exchange
 * uses.
 */

export interface GatewayOptions {
  dataDir: string;
  /** The gateway's own store: null for SQLite in the data folder. */
  databaseUrl: string | null;
  sqliteSync?: 'full' | 'normal';
  /** Where the department's systems call (plain HTTP on the department's network). */
  clientHost: string;
  clientPort: number;
  /** Where other gateways call (mutual TLS). */
  exchangeHost: string;
  exchangePort: number;
  services: LocalService[];
  configRefreshSeconds: number;
  anchorSeconds: number;
  reportSeconds: number;
  retentionDays: number;
  /** Default wait for a peer gateway or a backend. */
  timeoutMs: number;
  maxBodyBytes: number;
  /** Keep bodies of exchanges this gateway's department starts. */
  logClientBodies: boolean;
  logLevel?: string;
  logStream?: NodeJS.WritableStream;
}

export const PASS_TO_BACKEND = ['content-type', 'accept', 'accept-language', H.client, H.userId, H.issue, H.purpose, H.id] as const;
export const MAX_SKEW_MS = 5 * 60_000;

/** One exchange as it passes a gateway: what its operational record and log entries say. */
export interface Exchange {
  id: string;
  requestIn: number;
  requestOut: number | null;
  responseIn: number | null;
  client: string;
  provider: string;
  service: string;
  userId: string;
  issue: string;
  purpose: string;
  requestBytes: number;
}

/** Requests a minute per client system and service, as the agreements allow (a token bucket each). */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  take(key: string, perMinute: number, now: number): boolean {
    const bucket = this.#buckets.get(key) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

export interface GatewayContext {
  readonly options: GatewayOptions;
  readonly logger: Logger;
  readonly log: MessageLog;
  readonly services: ReadonlyMap<string, LocalService & { allows: ReturnType<typeof endpointMatcher> }>;
  readonly limiter: RateLimiter;
  readonly backendAgent: http.Agent;
  /** Every certificate this gateway has presented, by fingerprint: old keep-alive connections still present the previous one. */
  readonly ownIdentities: Map<string, GatewayIdentity>;
  readonly exchanges: Counter<'side' | 'outcome'>;
  readonly durations: Histogram<'side'>;
  /** These change while the gateway runs: a renewed certificate, a fresh configuration, new hub keys. */
  identity: GatewayIdentity;
  trust: Trust | null;
  hubKeys: JSONWebKeySet;
  peerAgent: https.Agent;
}

export function makePeerAgent(id: GatewayIdentity): https.Agent {
  // No session resumption: on a resumed session Node neither checks the server's identity again
  // nor gives its certificate, and every exchange is verified against that certificate.
  return new https.Agent({ keepAlive: true, maxSockets: 256, maxCachedSessions: 0, key: id.keyPem, cert: id.certificatePem, ca: id.caPem, minVersion: 'TLSv1.3' });
}

export function ownIdentityOf(ctx: GatewayContext, socket: TLSSocket): GatewayIdentity {
  const sha = ownCertificateOf(socket);
  return (sha && ctx.ownIdentities.get(sha)) || ctx.identity;
}

export function currentTrust(ctx: GatewayContext): Trust {
  const trust = ctx.trust;
  if (!trust) throw new ExchangeFault('Server.ClientProxy.OutdatedGlobalConf', 'this gateway has no global configuration yet; it cannot reach the hub');
  if (trust.expired()) throw new ExchangeFault('Server.ClientProxy.OutdatedGlobalConf', `the global configuration expired at ${trust.config.expiresAt}; this gateway cannot reach the hub`);
  return trust;
}

/** The operational record of an exchange as it leaves, counted in the metrics. */
export function record(ctx: GatewayContext, side: 'client' | 'provider', x: Exchange, status: number, fault: string | null, responseBytes: number): OperationEntry {
  const responseOut = Date.now();
  ctx.exchanges.inc({ side, outcome: fault ?? (status >= 400 ? `http-${status}` : 'ok') });
  ctx.durations.observe({ side }, (responseOut - x.requestIn) / 1000);
  return {
    message_id: x.id, side, client: x.client, provider: x.provider, service: x.service,
    request_in: x.requestIn, request_out: x.requestOut, response_in: x.responseIn, response_out: responseOut,
    request_bytes: x.requestBytes, response_bytes: responseBytes, status, fault,
    subject: x.userId ? subjectOf(x.userId) : null, issue: x.issue || null, purpose: x.purpose || null,
  };
}

export function faultReply(res: http.ServerResponse, x: Exchange, fault: ExchangeFault): Buffer {
  const body = Buffer.from(JSON.stringify({ type: fault.type, message: fault.message, detail: x.id } satisfies FaultBody));
  respond(res, fault.status, { 'content-type': 'application/json; charset=utf-8', [H.error]: fault.type, [H.id]: x.id }, body);
  return body;
}

function maskedUser(userId: string): string | null {
  if (!userId) return null;
  return userId.startsWith('CN') ? maskValue('citizenId', userId) : maskValue('text', userId);
}

export function logEntry(x: Exchange, kind: 'request' | 'response', envelope: string, signature: string, signer: string, bodyHash: string, body: Buffer, keepBody: boolean): LogEntry {
  return {
    at: new Date().toISOString(), message_id: x.id, kind, client: x.client, service: `${x.provider}/${x.service}`,
    user_id: maskedUser(x.userId), issue: x.issue || null, purpose: x.purpose || null, envelope, signature, signer,
    body_hash: bodyHash, body: keepBody ? body : null,
  };
}

export function timeoutFor(ctx: GatewayContext, serviceCode: string): number {
  return ctx.services.get(serviceCode)?.timeoutMs ?? ctx.options.timeoutMs;
}

/**
 * Answers with a Content-Length: after writeHead, Node would otherwise send the body chunked,
 * which costs extra writes and TLS records on every exchange.
 */
export function respond(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | string): void {
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'content-length': buffer.length });
  res.end(buffer);
}

export function headerText(value: string | string[] | undefined): string {
  if (Array.isArray(value)) return value[value.length - 1] ?? '';
  return value ?? '';
}

/** Egov-Purpose may be Chinese text: it travels percent-encoded, since HTTP headers are Latin-1. */
export function decodeHeader(value: string, name: string): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ExchangeFault('Client.BadRequest', `${name} must be percent-encoded UTF-8`);
  }
}

export function asFault(error: unknown, fallback: FaultType, logger: Logger): ExchangeFault {
  if (error instanceof ExchangeFault) return error;
  if (error instanceof TrustError) return new ExchangeFault('Server.ClientProxy.OutdatedGlobalConf', error.message);
  logger.error({ err: error }, 'exchange failed inside the gateway');
  return new ExchangeFault(fallback, `the gateway failed: ${(error as Error).message}`);
}
