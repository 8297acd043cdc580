import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { requireActor } from '../identity/request-auth.ts';
import type { HttpApp } from '../platform/http.ts';
import { GLOBAL_CONFIG_TYP, GlobalConfigPublisher } from './global-config.ts';

const tags = ['exchange'];
const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

const Jwk = Type.Object({
  kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String(),
});

/** What the hub publishes for the gateways: the signed global configuration and its verification keys. */
export async function exchangeRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const publisher = new GlobalConfigPublisher({
    database: hub.database, publicUrl: hub.publicUrl, ttlSeconds: hub.config.globalConfigTtl, dataDir: hub.config.data,
  });
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
        + 'it, which returns a copy valid for at least half the TTL.',
      headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ description: 'the ETag of the copy you hold' })) }),
      response: {
        200: { description: 'the signed document', content: { 'application/jose': { schema: Type.String({ description: 'compact JWS' }) } } },
        304: { description: 'the version named in If-None-Match is still current', type: 'null' },
      },
    },
  }, async (request, reply) => {
    // Gateways will authenticate by mutual TLS (issue 4); until then a bearer token or a session.
    requireActor(request);
    const signed = await publisher.current();
    const etag = `"${signed.version}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (matches(request.headers['if-none-match'], etag)) return reply.status(304).send(null);
    return reply.type('application/jose').send(signed.jws);
  });

  app.get('/api/v1/global-config/keys', {
    schema: {
      tags, summary: 'The keys that verify the global configuration (JWKS, public)',
      response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
    },
  }, async () => publisher.jwks());
}

/** If-None-Match holds a list of ETags, possibly weak (W/"…"), or * (RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
