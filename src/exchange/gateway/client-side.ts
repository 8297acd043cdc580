import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { citizenIdProblem } from '../../basedata/citizen-id.ts';
import { fingerprintOfDer } from '../../pki/certificates.ts';
import {
  CLIENT_PREFIX, EXCHANGE_PREFIX, ExchangeFault, type RequestEnvelope, type ServiceAddress,
  canonicalRequest, canonicalResponse, headers as H, isFaultType, parseServiceAddress, requestHash, sha256, signText, verifyText,
} from '../protocol.ts';
import {
  type Exchange, type GatewayContext, asFault, currentTrust, decodeHeader, faultReply, headerText, logEntry, record, respond, timeoutFor,
} from './context.ts';
import type { LogEntry } from './log.ts';
import { type Sent, TransportError, readBody, send } from './transport.ts';
import type { Trust } from './trust.ts';

/**
 * The department side of a gateway: its own systems call /r1/{provider}/{system}/{service}/{path}
 * in plain HTTP on the department's network. The request is checked (who may call as whom, which
 * provider and service exist), signed and sent to the provider's gateway over mutual TLS; the
 * answer is passed on only when it is signed over this very request, and both are logged first.
 * Also the metadata services: listMethods, allowedMethods, getOpenAPI.
 */
export function clientSide(ctx: GatewayContext): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  async function handleClient(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const x: Exchange = {
      id: randomUUID(), requestIn: Date.now(), requestOut: null, responseIn: null,
      client: '', provider: '', service: '', userId: '', issue: '', purpose: '', requestBytes: 0,
    };
    try {
      if (!url.startsWith(CLIENT_PREFIX)) throw new ExchangeFault('Client.BadRequest', 'call /r1/{provider}/{system}/{service}/{path}, /r1/{provider}/listMethods, /r1/{provider}/allowedMethods or /r1/{provider}/getOpenAPI?serviceCode=system/service');
      const rest = url.slice(CLIENT_PREFIX.length);
      const meta = /^([0-9A-Z]{18})\/(listMethods|allowedMethods|getOpenAPI)(\?.*)?$/.exec(rest);
      const t = currentTrust(ctx);
      const client = clientOf(req, t);
      x.client = client;
      if (meta) return await metadata(res, x, t, meta[1]!, meta[2]!, new URLSearchParams(meta[3]?.slice(1) ?? ''));
      const address = parseServiceAddress(rest);
      x.provider = address.provider;
      x.service = address.service;
      readOptionalHeaders(req, x);
      if (!t.isMember(address.provider)) throw new ExchangeFault('Client.UnknownProvider', `no member of the extranet has the code ${address.provider}`);
      if (!t.service(address.provider, address.service)) throw new ExchangeFault('Client.UnknownService', `${address.provider} offers no service ${address.service}; see /r1/${address.provider}/listMethods`);
      const body = await readBody(req, ctx.options.maxBodyBytes);
      if (body === null) throw new ExchangeFault('Client.BodyTooLarge', `the request body is larger than ${ctx.options.maxBodyBytes} bytes`);
      x.requestBytes = body.length;
      await forward(req, res, x, t, address, body);
    } catch (error) {
      const fault = asFault(error, 'Server.ClientProxy.InternalError', ctx.logger);
      const sent = faultReply(res, x, fault);
      ctx.log.append([], [record(ctx, 'client', x, fault.status, fault.type, sent.length)]).catch(() => {});
    }
  }

  function clientOf(req: http.IncomingMessage, t: Trust): string {
    const raw = req.headers[H.client];
    if (typeof raw !== 'string' || raw === '') throw new ExchangeFault('Client.BadRequest', 'the Egov-Client header is required: {department code}/{system code}');
    const [dept, system, ...more] = raw.split('/');
    if (!dept || !system || more.length > 0) throw new ExchangeFault('Client.BadRequest', `Egov-Client "${raw}" is not {department code}/{system code}`);
    // A system may only speak for its own department, and only as a system the hub knows.
    if (dept !== ctx.identity.department) throw new ExchangeFault('Client.UnknownClient', `this gateway serves department ${ctx.identity.department}; it cannot call as ${dept}`);
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
    const me = ctx.identity;
    const agent = ctx.peerAgent;
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
        method: envelope.method, headers: outHeaders, body, agent, timeoutMs: timeoutFor(ctx, address.service), maxBytes: ctx.options.maxBodyBytes * 2 + 65_536,
        checkServerIdentity: (_host, cert) => (allowed.has(fingerprintOfDer(cert.raw)) ? undefined : new Error(`the gateway at ${target.address} presented a certificate the global configuration does not list for ${address.provider}`)),
      });
    } catch (error) {
      if (error instanceof TransportError) {
        if (error.kind === 'timeout') throw new ExchangeFault('Server.ClientProxy.NetworkError', `the gateway of ${address.provider} did not answer within ${timeoutFor(ctx, address.service)} ms`);
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
      logEntry(x, 'request', canonical, signature, me.fingerprint, envelope.bodyHash, body, ctx.options.logClientBodies),
      logEntry(x, 'response', responseCanonical, responseSignature, sent.peer.sha256, responseBodyHash, sent.body, ctx.options.logClientBodies),
    ];
    await ctx.log.append(entries, [record(ctx, 'client', x, sent.status, isFaultType(fault) ? fault : null, sent.body.length)], [
      { sha256: me.fingerprint, pem: me.certificatePem }, { sha256: sent.peer.sha256, pem: sent.peer.pem },
    ]);
    respond(res, sent.status, {
      ...(responseType && { 'content-type': responseType }),
      [H.id]: x.id, [H.requestHash]: expectedHash, [H.service]: `${address.provider}/${address.service}`,
      ...(fault && { [H.error]: fault }),
    }, sent.body);
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
          method: 'GET', agent: ctx.peerAgent, timeoutMs: ctx.options.timeoutMs, maxBytes: 4 * 1024 * 1024,
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

  return handleClient;
}
