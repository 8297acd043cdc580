import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  EXCHANGE_PREFIX, ExchangeFault, type FaultBody, type FaultType, type RequestEnvelope,
  canonicalRequest, canonicalResponse, headers as H, parseServiceAddress, requestHash, sha256, signText, verifyText,
} from '../protocol.ts';
import {
  type Exchange, type GatewayContext, MAX_SKEW_MS, PASS_TO_BACKEND, asFault, decodeHeader, headerText, logEntry, ownIdentityOf, record, respond,
} from './context.ts';
import type { LogEntry } from './log.ts';
import { filterItems } from './services.ts';
import { type CertificateFacts, type Sent, TransportError, peerCertificateOf, readBody, send } from './transport.ts';

/**
 * The exchange side of a gateway: other departments' gateways call /x1/… over mutual TLS. The
 * certificate and the signature are verified, the rights checked (client system, service, method
 * and path, purpose, validity, rate), the department's backend called, the data items outside the
 * agreement removed or masked, and the answer signed with the hash of the request, after both are
 * logged. Refusals are signed and logged too.
 */
export function providerSide(ctx: GatewayContext): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  async function handleExchange(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const x: Exchange = {
      id: '', requestIn: Date.now(), requestOut: null, responseIn: null,
      client: '', provider: ctx.identity.department, service: '', userId: '', issue: '', purpose: '', requestBytes: 0,
    };
    let requestHashValue = '';
    let keepBodies = false;
    let requestEntry: LogEntry | null = null;
    let peer: CertificateFacts | null = null;
    // The peer verifies with the certificate this connection presented: after a renewal, old
    // keep-alive connections still present the previous one.
    const me = ownIdentityOf(ctx, req.socket as TLSSocket);
    const reply = async (status: number, contentType: string, body: Buffer, fault: FaultType | null) => {
      const bodyHash = sha256(body);
      const responseCanonical = canonicalResponse({ id: x.id, requestHash: requestHashValue, status, contentType, bodyHash, fault: fault ?? '' });
      const signature = signText(me.key, responseCanonical);
      const entries = requestEntry ? [requestEntry, logEntry(x, 'response', responseCanonical, signature, me.fingerprint, bodyHash, body, keepBodies)] : [];
      const op = record(ctx, 'provider', x, status, fault, body.length);
      const certificate = requestEntry && peer ? [{ sha256: peer.sha256, pem: peer.pem }, { sha256: me.fingerprint, pem: me.certificatePem }] : [];
      // Refusals before a verified request are not acknowledgements of anything: no need to wait.
      if (entries.length > 0) await ctx.log.append(entries, [op], certificate);
      else ctx.log.append([], [op]).catch(() => {});
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
      const t = ctx.trust && !ctx.trust.expired() ? ctx.trust : null;
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
      const body = await readBody(req, ctx.options.maxBodyBytes);
      if (body === null) throw new ExchangeFault('Server.ServerProxy.BodyTooLarge', `the request body is larger than ${ctx.options.maxBodyBytes} bytes`);
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
      const local = ctx.services.get(address.service);
      keepBodies = local?.logBodies ?? false;
      requestEntry = logEntry(x, 'request', canonical, signature, peer.sha256, envelope.bodyHash, body, keepBodies);
      if (address.provider !== ctx.identity.department) throw new ExchangeFault('Server.ServerProxy.UnknownService', `this gateway serves ${ctx.identity.department}, not ${address.provider}`);
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
        if (!ctx.limiter.take(`${x.client}|${address.service}`, perMinute, Date.now())) {
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
          method: envelope.method, headers: backendHeaders, body, agent: ctx.backendAgent, timeoutMs: local.timeoutMs ?? ctx.options.timeoutMs, maxBytes: ctx.options.maxBodyBytes,
        });
      } catch (error) {
        if (error instanceof TransportError && error.kind === 'timeout') throw new ExchangeFault('Server.Backend.Timeout', `the backend of ${address.service} did not answer within ${local.timeoutMs ?? ctx.options.timeoutMs} ms`);
        if (error instanceof TransportError && error.kind === 'too-large') throw new ExchangeFault('Server.Backend.InvalidResponse', `the backend of ${address.service} answered with more than ${ctx.options.maxBodyBytes} bytes`);
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
      const fault = asFault(error, 'Server.ServerProxy.InternalError', ctx.logger);
      if (!x.id) x.id = randomUUID();
      const body = Buffer.from(JSON.stringify({ type: fault.type, message: fault.message, detail: x.id } satisfies FaultBody));
      try {
        await reply(fault.status, 'application/json; charset=utf-8', body, fault.type);
      } catch (logError) {
        ctx.logger.error({ err: logError }, 'could not log a refused exchange');
        if (!res.headersSent) res.writeHead(500, { [H.error]: 'Server.ServerProxy.InternalError' });
        res.end();
      }
    }
  }

  async function openapi(res: http.ServerResponse, code: string): Promise<void> {
    const local = ctx.services.get(code);
    if (!local?.openapi) {
      respond(res, 404, { 'content-type': 'application/json', [H.error]: 'Server.ServerProxy.UnknownService' }, JSON.stringify({ type: 'Server.ServerProxy.UnknownService', message: `no OpenAPI description is published for ${code}`, detail: '' }));
      return;
    }
    try {
      const sent = await send(new URL(local.openapi), { method: 'GET', agent: ctx.backendAgent, timeoutMs: local.timeoutMs ?? ctx.options.timeoutMs, maxBytes: 4 * 1024 * 1024 });
      const doc = JSON.parse(sent.body.toString('utf8')) as Record<string, unknown>;
      // Internal addresses stay inside the department (X-Road rewrites WSDL endpoints the same way).
      doc.servers = [{ url: `/r1/${ctx.identity.department}/${code}`, description: 'through your own gateway' }];
      respond(res, 200, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(doc));
    } catch (error) {
      respond(res, 502, { 'content-type': 'application/json', [H.error]: 'Server.Backend.Unreachable' }, JSON.stringify({ type: 'Server.Backend.Unreachable', message: `the OpenAPI description of ${code} cannot be fetched: ${(error as Error).message}`, detail: '' }));
    }
  }

  return handleExchange;
}
