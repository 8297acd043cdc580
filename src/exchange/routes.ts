import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { requireActor } from '../identity/request-auth.ts';
import type { HttpApp } from '../platform/http.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GLOBAL_CONFIG_TYP, type GlobalConfigPublisher } from './global-config.ts';
import { EnrolInput, Gateway, TokenInput, TrafficSummary } from './schema.ts';
import { createEnrolmentToken, enrolGateway, listGateways, revokeCertificate, trafficSummary } from './service.ts';

const tags = ['exchange'];
const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

const Jwk = Type.Object({
  kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String(),
});

const IsoInstant = Type.String({ description: 'ISO 8601 time' });
const SerialParams = Type.Object({ serial: Type.String({ pattern: '^[0-9a-f]{1,64}$' }) });

/**
 * What the hub publishes for the gateways (the signed global configuration and its keys), and
 * how they join: enrolment tokens, enrolment, the gateway list, revocation, traffic.
 */
export async function exchangeRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const publisher = hub.globalConfig;
  // Loaded (or created) at start, so a damaged key file stops the hub with its reason instead of
  // failing the first gateway that polls.
  await publisher.signingKey();

  app.get('/api/v1/global-config', {
    schema: {
      tags, security,
      summary: 'The signed global configuration for gateways',
      description: `A compact JWS (typ ${GLOBAL_CONFIG_TYP}, verify with /api/v1/global-config/keys) whose payload lists the city instance, `
        + 'the hub, members with their systems and gateways, API services with their data items, and the access rights of the agreements '
        + 'in force today. `version` is the journal head: every change gives a new one at once, and the ETag is that version. Poll with '
        + 'If-None-Match while the copy you hold has more than half its validity left (304 when nothing changed); after that fetch without '
        + 'it, which returns a copy valid for at least half the TTL. Gateways fetch it from the mutual-TLS listener (/gw/v1/global-config).',
      headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ description: 'the ETag of the copy you hold' })) }),
      response: {
        200: { description: 'the signed document', content: { 'application/jose': { schema: Type.String({ description: 'compact JWS' }) } } },
        304: { description: 'the version named in If-None-Match is still current', type: 'null' },
      },
    },
  }, async (request, reply) => {
    requireActor(request);
    return sendGlobalConfig(publisher, request, reply);
  });

  app.get('/api/v1/global-config/keys', {
    schema: {
      tags, summary: 'The keys that verify the global configuration and the hub\'s countersignatures (JWKS, public)',
      response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
    },
  }, async () => publisher.jwks());

  app.post('/api/v1/gateway-tokens', {
    schema: {
      tags, security, summary: 'Create a one-time enrolment token for a gateway (department administrator)',
      description: 'The token is shown once. Run `egov gateway --hub URL --token TOKEN --data DIR` on the gateway machine within the validity.',
      body: TokenInput,
      response: { 201: Type.Object({ token: Type.String(), department: Type.String(), code: Type.String(), expiresAt: IsoInstant }) },
    },
  }, async (request, reply) => reply.status(201).send(await createEnrolmentToken(hub.database, requireActor(request), hub.exchange, request.body)));

  app.post('/api/v1/gateways/enrol', {
    config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    schema: {
      tags, summary: 'Enrol a gateway with a one-time token and a certificate request (no other authentication)',
      body: EnrolInput,
      response: {
        200: Type.Object({
          gateway: Type.String(), department: Type.String(), certificate: Type.String(), caCertificate: Type.String(),
          exchangeUrl: Type.String(), keys: Type.Object({ keys: Type.Array(Jwk) }),
        }),
      },
    },
  }, async (request) => {
    const enrolment = await enrolGateway(hub.database, hub.exchange, request.body);
    return { ...enrolment, exchangeUrl: hub.exchangeUrl, keys: await publisher.jwks() };
  });

  app.get('/api/v1/gateways', {
    schema: {
      tags, security, summary: 'Gateways with their certificates and last log anchor',
      querystring: Type.Object({ department: Type.Optional(Type.String()) }),
      response: { 200: Type.Array(Gateway) },
    },
  }, async (request) => listGateways(hub.database, requireActor(request), request.query.department));

  app.post('/api/v1/gateway-certificates/:serial/revoke', {
    schema: {
      tags, security, summary: 'Revoke a gateway certificate; every gateway refuses it from its next configuration refresh',
      params: SerialParams, body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    await revokeCertificate(hub.database, requireActor(request), request.params.serial, request.body.reason);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/exchange/traffic', {
    schema: {
      tags, security, summary: 'Exchange traffic per department pair, service and gateway side (operators, auditors)',
      querystring: Type.Object({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 })) }),
      response: { 200: Type.Array(TrafficSummary) },
    },
  }, async (request) => trafficSummary(hub.database, requireActor(request), new Date(Date.now() - (request.query.hours ?? 24) * 3_600_000)));
}

/** The current signed document, or 304 when the caller's ETag names it: for people's API and for gateways. */
export async function sendGlobalConfig(publisher: GlobalConfigPublisher, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const signed = await publisher.current();
  const etag = `"${signed.version}"`;
  reply.header('etag', etag).header('cache-control', 'no-cache');
  if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).send(null);
  return reply.type('application/jose').send(signed.jws);
}

/** If-None-Match holds a list of ETags, possibly weak (W/"…"), or * (RFC 9110 §13.1.2). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
