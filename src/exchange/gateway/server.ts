import { randomUUID, X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { JSONWebKeySet } from 'jose';
import pino, { type Logger } from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import { citizenIdProblem } from '../../basedata/citizen-id.ts';
import { createKeyAndCsr, fingerprintOfDer } from '../../pki/ca.ts';
import { verifyCompact } from '../../pki/signing.ts';
import { maskValue } from '../../platform/masking.ts';
import { ANCHOR_RECEIPT_TYP, anchorText, subjectOf } from '../service.ts';
import {
  CLIENT_PREFIX, EXCHANGE_PREFIX, ExchangeFault, type FaultBody, type FaultType, type RequestEnvelope, type ServiceAddress,
  canonicalRequest, canonicalResponse, headers as H, isFaultType, parseServiceAddress, requestHash, sha256, signText, verifyText,
} from '../protocol.ts';
import { type GatewayIdentity, completeRenewal, loadIdentity, moveToHub, storeRenewal } from './identity.ts';
import { type LogEntry, MessageLog, type OperationEntry } from './log.ts';
import { type LocalService, endpointMatcher, filterItems } from './services.ts';
import { type CertificateFacts, type Sent, TransportError, ownCertificateOf, peerCertificateOf, readBody, send } from './transport.ts';
import { type Trust, TrustError, readHubKeys, readSavedConfig, saveConfig, verifyGlobalConfig } from './trust.ts';

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

export interface RunningGateway {
  readonly identity: GatewayIdentity;
  readonly dataDir: string;
  readonly clientUrl: string;
  readonly exchangePort: number;
  readonly log: MessageLog;
  trust(): Trust | null;
  /** Fetches the global configuration now (tests and the CLI; it also runs on a timer). */
  refresh(): Promise<void>;
  anchor(): Promise<void>;
  report(): Promise<number>;
  /** Asks the hub for a new certificate and switches to it once peers can know it. */
  renew(): Promise<void>;
  stop(): Promise<void>;
}

const PASS_TO_BACKEND = ['content-type', 'accept', 'accept-language', H.client, H.userId, H.issue, H.purpose, H.id] as const;
const MAX_SKEW_MS = 5 * 60_000;

interface Exchange {
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

class RateLimiter {
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

/**
 * Starts an enrolled gateway: the department side (plain HTTP, /r1/…), the exchange side (mutual
 * TLS, /x1/…), and the timers that keep its configuration fresh, anchor its log at the hub and
 * report its traffic.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  await completeRenewal(options.dataDir);
  let identity = await loadIdentity(options.dataDir);
  if (!identity) throw new Error(`${options.dataDir} holds no enrolled gateway: run egov gateway --hub URL --token TOKEN first`);
  const logger: Logger = pino({ level: options.logLevel ?? 'info', base: { role: 'gateway', gateway: identity.id } }, options.logStream ?? process.stdout);
  let hubKeys: JSONWebKeySet = await readHubKeys(options.dataDir);
  let trust: Trust | null = await readSavedConfig(options.dataDir, hubKeys).catch((error: Error) => {
    logger.warn({ err: error.message }, 'the saved global configuration is not usable; waiting for a fresh one');
    return null;
  });
  const log = await MessageLog.open({ url: options.databaseUrl, dataDir: options.dataDir, sqliteSync: options.sqliteSync ?? 'full' });
  const services = new Map(options.services.map((s) => [s.code, { ...s, allows: endpointMatcher(s.endpoints) }]));
  const limiter = new RateLimiter();
  const backendAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  const metrics = new Registry();
  const exchanges = new Counter({ name: 'egov_gateway_exchanges_total', help: 'exchanges by side and outcome', labelNames: ['side', 'outcome'], registers: [metrics] });
  const durations = new Histogram({
    name: 'egov_gateway_exchange_seconds', help: 'time from request in to response out', labelNames: ['side'], registers: [metrics],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

  let peerAgent = makePeerAgent(identity);
  const ownIdentities = new Map<string, GatewayIdentity>([[identity.fingerprint, identity]]);
  function ownIdentityOf(socket: TLSSocket): GatewayIdentity {
    const sha = ownCertificateOf(socket);
    return (sha && ownIdentities.get(sha)) || identity!;
  }
  function makePeerAgent(id: GatewayIdentity): https.Agent {
    // No session resumption: on a resumed session Node neither checks the server's identity again
    // nor gives its certificate, and every exchange is verified against that certificate.
    return new https.Agent({ keepAlive: true, maxSockets: 256, maxCachedSessions: 0, key: id.keyPem, cert: id.certificatePem, ca: id.caPem, minVersion: 'TLSv1.3' });
  }

  function currentTrust(): Trust {
    if (!trust) throw new ExchangeFault('Server.ClientProxy.OutdatedGlobalConf', 'this gateway has no global configuration yet; it cannot reach the hub');
    if (trust.expired()) throw new ExchangeFault('Server.ClientProxy.OutdatedGlobalConf', `the global configuration expired at ${trust.config.expiresAt}; this gateway cannot reach the hub`);
    return trust;
  }

  function record(side: 'client' | 'provider', x: Exchange, status: number, fault: string | null, responseBytes: number): OperationEntry {
    const responseOut = Date.now();
    exchanges.inc({ side, outcome: fault ?? (status >= 400 ? `http-${status}` : 'ok') });
    durations.observe({ side }, (responseOut - x.requestIn) / 1000);
    return {
      message_id: x.id, side, client: x.client, provider: x.provider, service: x.service,
      request_in: x.requestIn, request_out: x.requestOut, response_in: x.responseIn, response_out: responseOut,
      request_bytes: x.requestBytes, response_bytes: responseBytes, status, fault,
      subject: x.userId ? subjectOf(x.userId) : null, issue: x.issue || null, purpose: x.purpose || null,
    };
  }

  function faultReply(res: http.ServerResponse, x: Exchange, fault: ExchangeFault): Buffer {
    const body = Buffer.from(JSON.stringify({ type: fault.type, message: fault.message, detail: x.id } satisfies FaultBody));
    respond(res, fault.status, { 'content-type': 'application/json; charset=utf-8', [H.error]: fault.type, [H.id]: x.id }, body);
    return body;
  }

  function maskedUser(userId: string): string | null {
    if (!userId) return null;
    return userId.startsWith('CN') ? maskValue('citizenId', userId) : maskValue('text', userId);
  }

  // ---- the department side: /r1/… ---------------------------------------------------------------

  async function handleClient(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url === '/healthz') return healthz(res);
    if (url === '/metrics') {
      respond(res, 200, { 'content-type': metrics.contentType }, await metrics.metrics());
      return;
    }
    const x: Exchange = {
      id: randomUUID(), requestIn: Date.now(), requestOut: null, responseIn: null,
      client: '', provider: '', service: '', userId: '', issue: '', purpose: '', requestBytes: 0,
    };
    try {
      if (!url.startsWith(CLIENT_PREFIX)) throw new ExchangeFault('Client.BadRequest', 'call /r1/{provider}/{system}/{service}/{path}, /r1/{provider}/listMethods, /r1/{provider}/allowedMethods or /r1/{provider}/getOpenAPI?serviceCode=system/service');
      const rest = url.slice(CLIENT_PREFIX.length);
      const meta = /^([0-9A-Z]{18})\/(listMethods|allowedMethods|getOpenAPI)(\?.*)?$/.exec(rest);
      const t = currentTrust();
      const client = clientOf(req, t);
      x.client = client;
      if (meta) return await metadata(res, x, t, meta[1]!, meta[2]!, new URLSearchParams(meta[3]?.slice(1) ?? ''));
      const address = parseServiceAddress(rest);
      x.provider = address.provider;
      x.service = address.service;
      readOptionalHeaders(req, x);
      if (!t.isMember(address.provider)) throw new ExchangeFault('Client.UnknownProvider', `no member of the extranet has the code ${address.provider}`);
      if (!t.service(address.provider, address.service)) throw new ExchangeFault('Client.UnknownService', `${address.provider} offers no service ${address.service}; see /r1/${address.provider}/listMethods`);
      const body = await readBody(req, options.maxBodyBytes);
      if (body === null) throw new ExchangeFault('Client.BodyTooLarge', `the request body is larger than ${options.maxBodyBytes} bytes`);
      x.requestBytes = body.length;
      await forward(req, res, x, t, address, body);
    } catch (error) {
      const fault = asFault(error, 'Server.ClientProxy.InternalError', logger);
      const sent = faultReply(res, x, fault);
      log.append([], [record('client', x, fault.status, fault.type, sent.length)]).catch(() => {});
    }
  }

  function clientOf(req: http.IncomingMessage, t: Trust): string {
    const raw = req.headers[H.client];
    if (typeof raw !== 'string' || raw === '') throw new ExchangeFault('Client.BadRequest', 'the Egov-Client header is required: {department code}/{system code}');
    const [dept, system, ...more] = raw.split('/');
    if (!dept || !system || more.length > 0) throw new ExchangeFault('Client.BadRequest', `Egov-Client "${raw}" is not {department code}/{system code}`);
    // A system may only speak for its own department, and only as a system the hub knows.
    if (dept !== identity!.department) throw new ExchangeFault('Client.UnknownClient', `this gateway serves department ${identity!.department}; it cannot call as ${dept}`);
    if (!t.hasSystem(dept, system)) throw new ExchangeFault('Client.UnknownClient', `department ${dept} has no registered system ${system}; register it at the hub first`);
    return `${dept}/${system}`;
  }

  function readOptionalHeaders(req: http.IncomingMessage, x: Exchange): void {
    const one = (name: string, max: number): string => {
      const v = req.headers[name];
      if (v === undefined) return '';
      if (Array.isArray(v)) throw new ExchangeFault('Client.BadRequest', `${name} may be given once`);
      if (v.length > max || /[\x00-\x1f]/.test(v)) throw new ExchangeFault('Client.BadRequest', `${name} is longer than ${max} characters or has control characters`);
      return v;
    };
    x.userId = one(H.userId, 64);
    x.issue = one(H.issue, 200);
    x.purpose = decodeHeader(one(H.purpose, 1500), H.purpose);
    if (x.userId) {
      if (!/^[A-Z]{2}[0-9A-Za-z]{1,60}$/.test(x.userId)) throw new ExchangeFault('Client.BadRequest', 'Egov-User-Id is a country code and the person\'s id, e.g. CN210202199001011234');
      if (x.userId.startsWith('CN')) {
        const problem = citizenIdProblem(x.userId.slice(2));
        if (problem) throw new ExchangeFault('Client.BadRequest', `Egov-User-Id: ${problem}`);
      }
    }
  }

  async function forward(req: http.IncomingMessage, res: http.ServerResponse, x: Exchange, t: Trust, address: ServiceAddress, body: Buffer): Promise<void> {
    const gateways = t.gatewaysOf(address.provider);
    const target = gateways[0];
    if (!target) throw new ExchangeFault('Server.ClientProxy.NetworkError', `department ${address.provider} has no enrolled gateway`);
    const contentType = headerText(req.headers['content-type']);
    const envelope: RequestEnvelope = {
      id: x.id, time: new Date().toISOString(), method: req.method ?? 'GET', target: `${address.provider}/${address.service}${address.path}${address.query ? `?${address.query}` : ''}`,
      client: x.client, userId: x.userId, issue: x.issue, purpose: x.purpose, contentType, bodyHash: sha256(body),
    };
    const canonical = canonicalRequest(envelope);
    // Taken together: the signing key must be the one of the certificate this agent presents, even if a renewal switches both meanwhile.
    const me = identity!;
    const agent = peerAgent;
    const signature = signText(me.key, canonical);
    const outHeaders: http.OutgoingHttpHeaders = {
      [H.client]: x.client, [H.id]: x.id, [H.time]: envelope.time, [H.signature]: signature,
      ...(contentType && { 'content-type': contentType }),
      ...(x.userId && { [H.userId]: x.userId }), ...(x.issue && { [H.issue]: x.issue }), ...(x.purpose && { [H.purpose]: encodeURIComponent(x.purpose) }),
      ...(body.length > 0 && { 'content-length': body.length }),
    };
    const allowed = new Set(target.certificates);
    x.requestOut = Date.now();
    let sent: Sent;
    try {
      sent = await send(new URL(`${EXCHANGE_PREFIX}${envelope.target}`, target.address), {
        method: envelope.method, headers: outHeaders, body, agent, timeoutMs: timeoutFor(address.service), maxBytes: options.maxBodyBytes * 2 + 65_536,
        checkServerIdentity: (_host, cert) => (allowed.has(fingerprintOfDer(cert.raw)) ? undefined : new Error(`the gateway at ${target.address} presented a certificate the global configuration does not list for ${address.provider}`)),
      });
    } catch (error) {
      if (error instanceof TransportError) {
        if (error.kind === 'timeout') throw new ExchangeFault('Server.ClientProxy.NetworkError', `the gateway of ${address.provider} did not answer within ${timeoutFor(address.service)} ms`);
        if (error.kind === 'tls' || /configuration does not list/.test(error.message)) throw new ExchangeFault('Server.ClientProxy.UntrustedPeer', `the gateway of ${address.provider} could not be trusted: ${error.message}`);
        throw new ExchangeFault('Server.ClientProxy.NetworkError', `cannot reach the gateway of ${address.provider} at ${target.address}: ${error.message}`);
      }
      throw error;
    }
    x.responseIn = Date.now();
    if (!sent.peer || !allowed.has(sent.peer.sha256)) throw new ExchangeFault('Server.ClientProxy.UntrustedPeer', `the gateway of ${address.provider} presented an unlisted certificate`);
    const expectedHash = requestHash(envelope);
    const responseType = headerText(sent.headers['content-type']);
    const fault = headerText(sent.headers[H.error]);
    // A provider that refused the request before it could verify it (an unknown or revoked
    // certificate, a bad signature) signs its refusal without vouching for the request's hash.
    const claimedHash = headerText(sent.headers[H.requestHash]);
    const vouched = claimedHash === expectedHash || (claimedHash === '' && isFaultType(fault) && fault.startsWith('Server.ServerProxy.'));
    const responseBodyHash = sha256(sent.body);
    const responseCanonical = canonicalResponse({ id: x.id, requestHash: claimedHash, status: sent.status, contentType: responseType, bodyHash: responseBodyHash, fault });
    const responseSignature = headerText(sent.headers[H.signature]);
    if (!vouched || !verifyText(sent.peer.publicKey, responseCanonical, responseSignature)) {
      throw new ExchangeFault('Server.ClientProxy.InvalidSignature', `the response from ${address.provider} does not carry a valid signature over this request; it was not passed on`);
    }
    const entries: LogEntry[] = [
      logEntry(x, 'request', canonical, signature, me.fingerprint, envelope.bodyHash, body, options.logClientBodies),
      logEntry(x, 'response', responseCanonical, responseSignature, sent.peer.sha256, responseBodyHash, sent.body, options.logClientBodies),
    ];
    await log.append(entries, [record('client', x, sent.status, isFaultType(fault) ? fault : null, sent.body.length)], [
      { sha256: me.fingerprint, pem: me.certificatePem }, { sha256: sent.peer.sha256, pem: sent.peer.pem },
    ]);
    respond(res, sent.status, {
      ...(responseType && { 'content-type': responseType }),
      [H.id]: x.id, [H.requestHash]: expectedHash, [H.service]: `${address.provider}/${address.service}`,
      ...(fault && { [H.error]: fault }),
    }, sent.body);
  }

  function logEntry(x: Exchange, kind: 'request' | 'response', envelope: string, signature: string, signer: string, bodyHash: string, body: Buffer, keepBody: boolean): LogEntry {
    return {
      at: new Date().toISOString(), message_id: x.id, kind, client: x.client, service: `${x.provider}/${x.service}`,
      user_id: maskedUser(x.userId), issue: x.issue || null, purpose: x.purpose || null, envelope, signature, signer,
      body_hash: bodyHash, body: keepBody ? body : null,
    };
  }

  function timeoutFor(serviceCode: string): number {
    return services.get(serviceCode)?.timeoutMs ?? options.timeoutMs;
  }

  async function metadata(res: http.ServerResponse, x: Exchange, t: Trust, provider: string, method: string, params: URLSearchParams): Promise<void> {
    x.provider = provider;
    if (!t.isMember(provider)) throw new ExchangeFault('Client.UnknownProvider', `no member of the extranet has the code ${provider}`);
    const today = t.today();
    const describe = (s: ReturnType<Trust['servicesOf']>[number]) => ({
      serviceCode: s.serviceCode, resource: s.resource, nameZh: s.nameZh, nameEn: s.nameEn, withdrawn: s.withdrawn,
      items: s.items.map((i) => i.name),
    });
    let answer: unknown;
    if (method === 'listMethods') answer = { provider, services: t.servicesOf(provider).map(describe) };
    else if (method === 'allowedMethods') {
      const rights = t.rightsOfClient(x.client, today).filter((r) => r.provider === provider);
      answer = {
        provider, client: x.client,
        services: rights.map((r) => ({ serviceCode: r.service, items: r.items, purpose: r.purpose, validUntil: r.validUntil, ratePerMinute: r.ratePerMinute, agreement: r.agreement })),
      };
    } else {
      const code = params.get('serviceCode') ?? '';
      x.service = code;
      if (!t.service(provider, code)) throw new ExchangeFault('Client.UnknownService', `${provider} offers no service "${code}"; see /r1/${provider}/listMethods`);
      const target = t.gatewaysOf(provider)[0];
      if (!target) throw new ExchangeFault('Server.ClientProxy.NetworkError', `department ${provider} has no enrolled gateway`);
      const allowed = new Set(target.certificates);
      let sent: Sent;
      try {
        sent = await send(new URL(`/x1-meta/openapi/${code}`, target.address), {
          method: 'GET', agent: peerAgent, timeoutMs: options.timeoutMs, maxBytes: 4 * 1024 * 1024,
          headers: { [H.client]: x.client },
          checkServerIdentity: (_h, cert) => (allowed.has(fingerprintOfDer(cert.raw)) ? undefined : new Error('unlisted certificate')),
        });
      } catch (error) {
        throw new ExchangeFault('Server.ClientProxy.NetworkError', `cannot reach the gateway of ${provider}: ${(error as Error).message}`);
      }
      respond(res, sent.status, { 'content-type': headerText(sent.headers['content-type']) || 'application/json', [H.id]: x.id }, sent.body);
      return;
    }
    respond(res, 200, { 'content-type': 'application/json; charset=utf-8', [H.id]: x.id }, JSON.stringify(answer));
  }

  // ---- the exchange side: /x1/… ------------------------------------------------------------------

  async function handleExchange(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const x: Exchange = {
      id: '', requestIn: Date.now(), requestOut: null, responseIn: null,
      client: '', provider: identity!.department, service: '', userId: '', issue: '', purpose: '', requestBytes: 0,
    };
    let requestHashValue = '';
    let keepBodies = false;
    let requestEntry: LogEntry | null = null;
    let peer: CertificateFacts | null = null;
    // The peer verifies with the certificate this connection presented: after a renewal, old
    // keep-alive connections still present the previous one.
    const me = ownIdentityOf(req.socket as TLSSocket);
    const reply = async (status: number, contentType: string, body: Buffer, fault: FaultType | null) => {
      const bodyHash = sha256(body);
      const responseCanonical = canonicalResponse({ id: x.id, requestHash: requestHashValue, status, contentType, bodyHash, fault: fault ?? '' });
      const signature = signText(me.key, responseCanonical);
      const entries = requestEntry ? [requestEntry, logEntry(x, 'response', responseCanonical, signature, me.fingerprint, bodyHash, body, keepBodies)] : [];
      const op = record('provider', x, status, fault, body.length);
      const certificate = requestEntry && peer ? [{ sha256: peer.sha256, pem: peer.pem }, { sha256: me.fingerprint, pem: me.certificatePem }] : [];
      // Refusals before a verified request are not acknowledgements of anything: no need to wait.
      if (entries.length > 0) await log.append(entries, [op], certificate);
      else log.append([], [op]).catch(() => {});
      respond(res, status, {
        ...(contentType && { 'content-type': contentType }),
        [H.id]: x.id, [H.requestHash]: requestHashValue, [H.signature]: signature, ...(fault && { [H.error]: fault }),
      }, body);
    };
    // Taken before any check, so even a refusal answers under the id the client signed and logged.
    const givenId = headerText(req.headers[H.id]);
    if (/^[0-9a-f-]{36}$/.test(givenId)) x.id = givenId;
    try {
      peer = peerCertificateOf(req.socket as TLSSocket);
      if (!peer) throw new ExchangeFault('Server.ServerProxy.UntrustedPeer', 'present a gateway certificate (and do not resume TLS sessions)');
      const t = trust && !trust.expired() ? trust : null;
      if (!t) throw new ExchangeFault('Server.ServerProxy.OutdatedGlobalConf', 'the provider\'s gateway has no valid global configuration; it cannot check rights');
      const who = t.peer(peer.sha256);
      if (!who) throw new ExchangeFault('Server.ServerProxy.UntrustedPeer', 'this certificate is not listed in the global configuration (revoked, expired or unknown)');
      const url = req.url ?? '/';
      if (url.startsWith('/x1-meta/openapi/')) return await openapi(res, url.slice('/x1-meta/openapi/'.length));
      if (!url.startsWith(EXCHANGE_PREFIX)) throw new ExchangeFault('Client.BadRequest', 'unknown exchange path');
      if (!x.id) throw new ExchangeFault('Client.BadRequest', 'the message id is missing or malformed');
      const address = parseServiceAddress(url.slice(EXCHANGE_PREFIX.length));
      x.service = address.service;
      x.client = headerText(req.headers[H.client]);
      x.userId = headerText(req.headers[H.userId]);
      x.issue = headerText(req.headers[H.issue]);
      x.purpose = decodeHeader(headerText(req.headers[H.purpose]), H.purpose);
      const body = await readBody(req, options.maxBodyBytes);
      if (body === null) throw new ExchangeFault('Server.ServerProxy.BodyTooLarge', `the request body is larger than ${options.maxBodyBytes} bytes`);
      x.requestBytes = body.length;
      const envelope: RequestEnvelope = {
        id: x.id, time: headerText(req.headers[H.time]), method: req.method ?? 'GET',
        target: url.slice(EXCHANGE_PREFIX.length), client: x.client, userId: x.userId, issue: x.issue, purpose: x.purpose,
        contentType: headerText(req.headers['content-type']), bodyHash: sha256(body),
      };
      const canonical = canonicalRequest(envelope);
      const signature = headerText(req.headers[H.signature]);
      if (!verifyText(peer.publicKey, canonical, signature)) throw new ExchangeFault('Server.ServerProxy.InvalidSignature', 'the request signature does not verify with the calling gateway\'s certificate: the message was altered or not signed by it');
      requestHashValue = requestHash(envelope);
      const sentAt = Date.parse(envelope.time);
      if (!Number.isFinite(sentAt) || Math.abs(sentAt - x.requestIn) > MAX_SKEW_MS) throw new ExchangeFault('Server.ServerProxy.InvalidSignature', 'the request time is more than 5 minutes from this gateway\'s clock');
      const [clientDept] = x.client.split('/');
      if (clientDept !== who.department) throw new ExchangeFault('Server.ServerProxy.AccessDenied', `the gateway of ${who.department} cannot call on behalf of ${clientDept}`);
      const local = services.get(address.service);
      keepBodies = local?.logBodies ?? false;
      requestEntry = logEntry(x, 'request', canonical, signature, peer.sha256, envelope.bodyHash, body, keepBodies);
      if (address.provider !== identity!.department) throw new ExchangeFault('Server.ServerProxy.UnknownService', `this gateway serves ${identity!.department}, not ${address.provider}`);
      const published = t.service(address.provider, address.service);
      if (!local || !published) throw new ExchangeFault('Server.ServerProxy.UnknownService', `${address.service} is not served by this gateway`);
      const day = t.today();
      let rights = t.rights(x.client, address.provider, address.service, day);
      if (rights.length === 0) {
        const any = t.config.rights.filter((r) => r.client === x.client && r.provider === address.provider && r.service === address.service);
        const ended = any.find((r) => r.validUntil < day);
        throw new ExchangeFault('Server.ServerProxy.AccessDenied', ended
          ? `the agreement ${ended.agreement} for ${x.client} on ${address.service} ended on ${ended.validUntil}; ask the provider to renew it`
          : `${x.client} has no agreement in force for ${address.service}; request it in the catalog`);
      }
      if (x.purpose) {
        rights = rights.filter((r) => r.purpose === x.purpose);
        if (rights.length === 0) throw new ExchangeFault('Server.ServerProxy.AccessDenied', `no agreement of ${x.client} on ${address.service} has the purpose given in Egov-Purpose`);
      }
      if (!local.allows(envelope.method, address.path)) throw new ExchangeFault('Server.ServerProxy.AccessDenied', `${envelope.method} ${address.path} is not an endpoint of ${address.service} open to the exchange`);
      const limits = rights.map((r) => r.ratePerMinute).filter((n): n is number => n !== null);
      if (limits.length === rights.length && limits.length > 0) {
        const perMinute = Math.max(...limits);
        if (!limiter.take(`${x.client}|${address.service}`, perMinute, Date.now())) {
          throw new ExchangeFault('Server.ServerProxy.RateLimited', `${x.client} may make ${perMinute} requests a minute to ${address.service} under its agreement; slow down and retry`);
        }
      }
      const granted = new Set(rights.flatMap((r) => r.items));
      const backendHeaders: http.OutgoingHttpHeaders = {};
      for (const name of PASS_TO_BACKEND) if (req.headers[name] !== undefined) backendHeaders[name] = req.headers[name];
      if (body.length > 0) backendHeaders['content-length'] = body.length;
      x.requestOut = Date.now();
      let answer: Sent;
      try {
        answer = await send(new URL(`${local.url.replace(/\/$/, '')}${address.path}${address.query ? `?${address.query}` : ''}`), {
          method: envelope.method, headers: backendHeaders, body, agent: backendAgent, timeoutMs: local.timeoutMs ?? options.timeoutMs, maxBytes: options.maxBodyBytes,
        });
      } catch (error) {
        if (error instanceof TransportError && error.kind === 'timeout') throw new ExchangeFault('Server.Backend.Timeout', `the backend of ${address.service} did not answer within ${local.timeoutMs ?? options.timeoutMs} ms`);
        if (error instanceof TransportError && error.kind === 'too-large') throw new ExchangeFault('Server.Backend.InvalidResponse', `the backend of ${address.service} answered with more than ${options.maxBodyBytes} bytes`);
        throw new ExchangeFault('Server.Backend.Unreachable', `the backend of ${address.service} cannot be reached: ${(error as Error).message}`);
      }
      x.responseIn = Date.now();
      const type = headerText(answer.headers['content-type']);
      if (answer.status >= 200 && answer.status < 300 && published.items.length > 0 && answer.body.length > 0) {
        let parsed: unknown;
        try {
          if (!/^application\/([a-z.+-]*\+)?json/i.test(type)) throw new Error(`content type ${type || 'none'}`);
          parsed = JSON.parse(answer.body.toString('utf8'));
        } catch (error) {
          throw new ExchangeFault('Server.Backend.InvalidResponse', `the backend of ${address.service} did not answer JSON (${(error as Error).message}), so its data items cannot be checked; nothing was passed on`);
        }
        const filtered = filterItems(parsed, published, granted);
        // Nothing withheld: the backend's own bytes go on, without a costly re-encoding.
        const unchanged = filtered.masked.length === 0 && filtered.removed.length === 0;
        await reply(answer.status, unchanged ? type : 'application/json; charset=utf-8', unchanged ? answer.body : Buffer.from(JSON.stringify(filtered.body)), null);
        return;
      }
      await reply(answer.status, type, answer.body, null);
    } catch (error) {
      const fault = asFault(error, 'Server.ServerProxy.InternalError', logger);
      if (!x.id) x.id = randomUUID();
      const body = Buffer.from(JSON.stringify({ type: fault.type, message: fault.message, detail: x.id } satisfies FaultBody));
      try {
        await reply(fault.status, 'application/json; charset=utf-8', body, fault.type);
      } catch (logError) {
        logger.error({ err: logError }, 'could not log a refused exchange');
        if (!res.headersSent) res.writeHead(500, { [H.error]: 'Server.ServerProxy.InternalError' });
        res.end();
      }
    }
  }

  async function openapi(res: http.ServerResponse, code: string): Promise<void> {
    const local = services.get(code);
    if (!local?.openapi) {
      respond(res, 404, { 'content-type': 'application/json', [H.error]: 'Server.ServerProxy.UnknownService' }, JSON.stringify({ type: 'Server.ServerProxy.UnknownService', message: `no OpenAPI description is published for ${code}`, detail: '' }));
      return;
    }
    try {
      const sent = await send(new URL(local.openapi), { method: 'GET', agent: backendAgent, timeoutMs: local.timeoutMs ?? options.timeoutMs, maxBytes: 4 * 1024 * 1024 });
      const doc = JSON.parse(sent.body.toString('utf8')) as Record<string, unknown>;
      // Internal addresses stay inside the department (X-Road rewrites WSDL endpoints the same way).
      doc.servers = [{ url: `/r1/${identity!.department}/${code}`, description: 'through your own gateway' }];
      respond(res, 200, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(doc));
    } catch (error) {
      respond(res, 502, { 'content-type': 'application/json', [H.error]: 'Server.Backend.Unreachable' }, JSON.stringify({ type: 'Server.Backend.Unreachable', message: `the OpenAPI description of ${code} cannot be fetched: ${(error as Error).message}`, detail: '' }));
    }
  }

  function healthz(res: http.ServerResponse): void {
    const t = trust;
    const head = log.head;
    const body = {
      status: t && !t.expired() ? 'ok' : 'degraded', role: 'gateway', gateway: identity!.id, department: identity!.department,
      certificate: { sha256: identity!.fingerprint, notAfter: identity!.notAfter.toISOString() },
      globalConfig: t ? { version: t.version, expiresAt: t.config.expiresAt, expired: t.expired() } : null,
      log: head,
    };
    respond(res, body.status === 'ok' ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(body));
  }

  // ---- talking to the hub -------------------------------------------------------------------------

  // Configurations signed before epochs existed are of the first.
  const epochOf = (t: Trust) => t.config.epoch ?? 1;

  let hubUrl = identity.hubExchangeUrl;

  async function hubRequest(method: string, route: string, body?: unknown, extra: http.OutgoingHttpHeaders = {}, at = hubUrl): Promise<Sent> {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    return send(new URL(route, at), {
      method, agent: peerAgent, timeoutMs: 15_000, maxBytes: 64 * 1024 * 1024, body: payload,
      headers: { ...extra, ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }) },
    });
  }

  /**
   * Fetches the configuration from the hub, or, when it cannot be reached or has been superseded,
   * from the other addresses the last configuration lists (a promoted standby). The highest epoch
   * wins; a gateway that has seen a new epoch never goes back to a hub of an older one.
   */
  async function refresh(): Promise<void> {
    const current = trust;
    const addresses = [...new Set([hubUrl, ...(current?.config.hubs ?? []).map((h) => h.exchangeUrl)])];
    let problem: Error | null = null;
    for (const address of addresses) {
      try {
        const next = await fetchConfig(address, current);
        if (!next) return;
        if (current && epochOf(next) < epochOf(current)) {
          problem = new Error(`${address} serves epoch ${epochOf(next)} but epoch ${epochOf(current)} has begun: that hub was superseded`);
          continue;
        }
        if (current && epochOf(next) === epochOf(current) && next.version < current.version && !current.expired()) return;
        trust = next;
        await saveConfig(options.dataDir, next);
        if (address !== hubUrl) {
          logger.warn({ from: hubUrl, to: address, epoch: epochOf(next) }, 'the hub moved: following its configuration to the promoted standby');
          hubUrl = address;
          await moveToHub(options.dataDir, address);
        }
        activatePendingCertificate();
        return;
      } catch (error) {
        problem ??= error as Error;
      }
    }
    throw problem!;
  }

  /** A verified configuration from `address`, or null when the copy at hand is current. */
  async function fetchConfig(address: string, current: Trust | null): Promise<Trust | null> {
    // A copy with under half its life left is replaced whatever its version: the hub hands out
    // copies valid for at least half a TTL, so a gateway never runs close to expiry.
    const halfLeft = current && Date.parse(current.config.expiresAt) - Date.now() > (Date.parse(current.config.expiresAt) - Date.parse(current.config.generatedAt)) / 2;
    const sent = await hubRequest('GET', '/gw/v1/global-config', undefined, halfLeft && address === hubUrl ? { 'if-none-match': `"${current.version}"` } : {}, address);
    if (sent.status === 304) return null;
    if (sent.status !== 200) throw new Error(`${address} answered ${sent.status} for the global configuration: ${sent.body.toString('utf8').slice(0, 300)}`);
    try {
      return await verifyGlobalConfig(sent.body.toString('utf8'), hubKeys);
    } catch (error) {
      // The hub may have a new publishing key: fetch its keys once and try again.
      const keysSent = await hubRequest('GET', '/gw/v1/keys', undefined, {}, address);
      if (keysSent.status !== 200) throw error;
      hubKeys = JSON.parse(keysSent.body.toString('utf8')) as JSONWebKeySet;
      return verifyGlobalConfig(sent.body.toString('utf8'), hubKeys);
    }
  }

  async function anchor(): Promise<void> {
    const head = log.head;
    const last = await log.lastAnchor();
    if (head.seq === 0 || (last && Number(last.seq) === head.seq)) return;
    const signature = signText(identity!.key, anchorText(identity!.id, head.seq, head.hash));
    const sent = await hubRequest('POST', '/gw/v1/anchors', { seq: head.seq, hash: head.hash, signature });
    if (sent.status !== 200) throw new Error(`the hub refused the log anchor (${sent.status}): ${sent.body.toString('utf8').slice(0, 300)}`);
    const { receipt } = JSON.parse(sent.body.toString('utf8')) as { receipt: string };
    const verified = await verifyCompact<{ gateway: string; seq: number; hash: string; receivedAt: string }>(receipt, hubKeys, { typ: ANCHOR_RECEIPT_TYP });
    if (verified.payload.seq !== head.seq || verified.payload.hash !== head.hash || verified.payload.gateway !== identity!.id) {
      throw new Error('the hub countersigned something other than this gateway\'s head');
    }
    await log.recordAnchor({ seq: head.seq, hash: head.hash, at: verified.payload.receivedAt, receipt });
  }

  async function report(): Promise<number> {
    let total = 0;
    for (;;) {
      const records = await log.unreportedOperations(1000);
      if (records.length === 0) return total;
      const sent = await hubRequest('POST', '/gw/v1/operations', { records });
      if (sent.status !== 200) throw new Error(`the hub refused operational records (${sent.status}): ${sent.body.toString('utf8').slice(0, 300)}`);
      await log.markReported(records[records.length - 1]!.seq);
      total += records.length;
    }
  }

  let pending: { keyPem: string; certificatePem: string; sha256: string } | null = null;

  async function renew(): Promise<void> {
    const { privateKeyPem, csrPem } = await createKeyAndCsr({ commonName: 'egov-gateway' });
    const sent = await hubRequest('POST', '/gw/v1/certificates', { csr: csrPem });
    if (sent.status !== 200) throw new Error(`the hub refused to renew the certificate (${sent.status}): ${sent.body.toString('utf8').slice(0, 300)}`);
    const { certificate } = JSON.parse(sent.body.toString('utf8')) as { certificate: string };
    pending = { keyPem: privateKeyPem, certificatePem: certificate, sha256: fingerprintOfDer(new X509Certificate(certificate).raw) };
    await refresh().catch((error: Error) => logger.warn({ err: error.message }, 'refresh after renewal failed'));
  }

  /**
   * A renewed certificate is used once the configuration lists it (so peers that refreshed accept
   * it); the old one stays listed until it expires, so peers that have not refreshed yet still
   * accept connections made with it.
   */
  function activatePendingCertificate(): void {
    const next = pending;
    if (!next || !trust?.gatewaysOf(identity!.department).some((g) => g.id === identity!.id && g.certificates.includes(next.sha256))) return;
    pending = null;
    void (async () => {
      await storeRenewal(options.dataDir, next.keyPem, next.certificatePem);
      identity = (await loadIdentity(options.dataDir))!;
      ownIdentities.set(identity.fingerprint, identity);
      const old = peerAgent;
      peerAgent = makePeerAgent(identity);
      // Exchanges in flight on the old agent finish; its idle connections go after a while.
      setTimeout(() => old.destroy(), 120_000).unref();
      exchangeServer.setSecureContext({ key: identity.keyPem, cert: identity.certificatePem, ca: identity.caPem });
      logger.info({ sha256: identity.fingerprint, notAfter: identity.notAfter }, 'switched to the renewed certificate');
    })().catch((error: unknown) => logger.error({ err: error }, 'could not switch to the renewed certificate'));
  }

  // ---- listeners and timers -----------------------------------------------------------------------

  const clientServer = http.createServer((req, res) => { handleClient(req, res).catch((error) => internal(res, error)); });
  clientServer.keepAliveTimeout = 65_000;
  const exchangeServer = https.createServer({
    key: identity.keyPem, cert: identity.certificatePem, ca: identity.caPem, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3',
  }, (req, res) => { handleExchange(req, res).catch((error) => internal(res, error)); });
  exchangeServer.keepAliveTimeout = 65_000;

  function internal(res: http.ServerResponse, error: unknown): void {
    logger.error({ err: error }, 'unhandled gateway error');
    if (!res.headersSent) res.writeHead(500, { [H.error]: 'Server.ClientProxy.InternalError' });
    res.end();
  }

  try {
    await listen(exchangeServer, options.exchangePort, options.exchangeHost);
    await listen(clientServer, options.clientPort, options.clientHost);
  } catch (error) {
    // A port in use must not leave the log's writer thread and an open listener behind.
    await Promise.all([close(exchangeServer), close(clientServer)]);
    await log.close();
    throw error;
  }

  const timers: NodeJS.Timeout[] = [];
  const every = (seconds: number, name: string, work: () => Promise<unknown>) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      work().catch((error: Error) => logger.warn({ err: error.message }, `${name} failed`)).finally(() => { running = false; });
    }, seconds * 1000);
    timer.unref();
    timers.push(timer);
  };
  every(options.configRefreshSeconds, 'global configuration refresh', refresh);
  every(options.anchorSeconds, 'log anchoring', anchor);
  every(options.reportSeconds, 'operational report', report);
  every(3600, 'message log archive', () => log.archive(path.join(options.dataDir, 'archive'), new Date(Date.now() - options.retentionDays * 86_400_000)));
  every(3600, 'certificate renewal check', async () => {
    const life = identity!.notAfter.getTime() - identity!.notBefore.getTime();
    if (!pending && Date.now() > identity!.notBefore.getTime() + (life * 2) / 3) await renew();
  });
  await refresh().catch((error: Error) => {
    logger.warn({ err: error.message }, trust ? 'the hub is unreachable; serving from the saved global configuration' : 'the hub is unreachable and no configuration is saved');
  });

  const clientPort = (clientServer.address() as AddressInfo).port;
  const shownHost = options.clientHost === '0.0.0.0' ? '127.0.0.1' : options.clientHost;
  return {
    get identity() { return identity!; },
    dataDir: options.dataDir,
    clientUrl: `http://${shownHost}:${clientPort}`,
    exchangePort: (exchangeServer.address() as AddressInfo).port,
    log,
    trust: () => trust,
    refresh, anchor, report, renew,
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all([close(clientServer), close(exchangeServer)]);
      peerAgent.destroy();
      backendAgent.destroy();
      await anchor().catch(() => {});
      await report().catch(() => {});
      await log.close();
    },
  };
}

/**
 * Answers with a Content-Length: after writeHead, Node would otherwise send the body chunked,
 * which costs extra writes and TLS records on every exchange.
 */
function respond(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, body: Buffer | string): void {
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, 'content-length': buffer.length });
  res.end(buffer);
}

function headerText(value: string | string[] | undefined): string {
  if (Array.isArray(value)) return value[value.length - 1] ?? '';
  return value ?? '';
}

/** Egov-Purpose may be Chinese text: it travels percent-encoded, since HTTP headers are Latin-1. */
function decodeHeader(value: string, name: string): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ExchangeFault('Client.BadRequest', `${name} must be percent-encoded UTF-8`);
  }
}

function asFault(error: unknown, fallback: FaultType, logger: Logger): ExchangeFault {
  if (error instanceof ExchangeFault) return error;
  if (error instanceof TrustError) return new ExchangeFault('Server.ClientProxy.OutdatedGlobalConf', error.message);
  logger.error({ err: error }, 'exchange failed inside the gateway');
  return new ExchangeFault(fallback, `the gateway failed: ${(error as Error).message}`);
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

