import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { requireActor } from '../identity/request-auth.ts';
import type { HttpApp } from '../platform/http.ts';
import { Agreement, Decision, RequestInput, Resource, ResourceInput, ResourceSummary, SharingRequest, sharingClasses } from './schema.ts';
import * as catalog from './service.ts';
import * as sharing from './sharing.service.ts';

const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
const CodeParams = Type.Object({ code: Type.String({ description: 'resource code' }) });
const IdParams = Type.Object({ id: Type.String({ description: 'id (or, for requests, the number GX…)' }) });
const Side = Type.Optional(Type.Enum(['incoming', 'outgoing', 'all'], {
  description: 'incoming: asked of your department; outgoing: asked by it; all: every department (platform watchers). Default outgoing, or all without a department.',
}));

const CatalogPage = Type.Object({
  total: Type.Number(),
  ranked: Type.Boolean({ description: 'false when the words matched too much of the catalog to rank; use more specific words' }),
  resources: Type.Array(Type.Object({ ...ResourceSummary.properties, itemNames: Type.Array(Type.String(), { description: 'Chinese labels of the data items' }) })),
});

const ResourceVersion = Type.Object({ version: Type.Number(), replacedAt: Type.String(), resource: Resource });

/**
 * The information resource catalog and the sharing workflow over /api/v1: department systems
 * publish and revise their resources, consumers request items, providers decide, and both sides
 * follow their requests and agreements. Authorisation is in the services.
 */
export async function catalogRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  const policy = hub.sharing;
  const tags = ['catalog'];

  app.get('/api/v1/catalog', {
    schema: {
      tags, security, summary: 'Search the catalog in Chinese or English, best match first',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 200, description: 'words in the name, summary or data item names; Chinese needs no spaces; the last English word also matches as a prefix' })),
        provider: Type.Optional(Type.String({ description: 'USCC of the providing department' })),
        class: Type.Optional(Type.Enum(sharingClasses, { description: 'the most open sharing class among the items' })),
        subject: Type.Optional(Type.String({ maxLength: 100 })),
        open: Type.Optional(Type.Boolean({ description: 'only resources with items open to the public' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
      }, { additionalProperties: false }),
      response: { 200: CatalogPage },
    },
  }, async (request) => {
    requireActor(request);
    const { q, provider, class: sharingClass, subject, open, limit, offset } = request.query;
    return catalog.searchCatalog(db, { q, provider, sharingClass, subject, openOnly: open, limit, offset });
  });

  app.post('/api/v1/catalog', {
    schema: { tags, security, summary: 'Publish a resource (clerk or administrator of the provider)', body: ResourceInput, response: { 201: Resource } },
  }, async (request, reply) => reply.status(201).send(await catalog.publishResource(db, requireActor(request), request.body)));

  app.get('/api/v1/catalog/:code', {
    schema: { tags, security, summary: 'One resource with its data items and their classes', params: CodeParams, response: { 200: Resource } },
  }, async (request) => {
    requireActor(request);
    return catalog.getResource(db, request.params.code);
  });

  app.put('/api/v1/catalog/:code', {
    schema: {
      tags, security, summary: 'Revise a resource; the version before is kept and items keep their ids by name',
      params: CodeParams, body: ResourceInput, response: { 200: Resource },
    },
  }, async (request) => catalog.reviseResource(db, requireActor(request), request.params.code, request.body));

  app.post('/api/v1/catalog/:code/withdraw', {
    schema: {
      tags, security, summary: 'Withdraw a resource from the catalog (administrator of the provider); agreements stay until revoked',
      params: CodeParams, response: { 200: Resource },
    },
  }, async (request) => catalog.withdrawResource(db, requireActor(request), request.params.code));

  app.get('/api/v1/catalog/:code/versions', {
    schema: { tags, security, summary: 'Earlier versions of a resource, newest first', params: CodeParams, response: { 200: Type.Array(ResourceVersion) } },
  }, async (request) => {
    requireActor(request);
    return catalog.listVersions(db, request.params.code);
  });

  const sharingTags = ['sharing'];

  app.post('/api/v1/sharing-requests', {
    schema: {
      tags: sharingTags, security,
      summary: 'Ask for data items of a resource: unconditional ones are granted at once, conditional ones go to the provider, not-shared ones are refused',
      body: RequestInput, response: { 201: SharingRequest },
    },
  }, async (request, reply) => reply.status(201).send(await sharing.submitRequest(db, policy, requireActor(request), request.body)));

  app.get('/api/v1/sharing-requests', {
    schema: {
      tags: sharingTags, security, summary: 'Sharing requests of your department, with deadlines in working days',
      querystring: Type.Object({
        side: Side,
        status: Type.Optional(Type.Enum(['pending', 'decided'])),
      }, { additionalProperties: false }),
      response: { 200: Type.Array(SharingRequest) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    return sharing.listRequests(db, policy, actor, request.query.side ?? (actor.department ? 'outgoing' : 'all'), request.query.status);
  });

  app.get('/api/v1/sharing-requests/:id', {
    schema: { tags: sharingTags, security, summary: 'One sharing request with its items and history', params: IdParams, response: { 200: SharingRequest } },
  }, async (request) => sharing.getRequest(db, policy, requireActor(request), request.params.id));

  app.post('/api/v1/sharing-requests/:id/decisions', {
    schema: {
      tags: sharingTags, security, summary: 'Approve or refuse pending items (reviewer of the provider); a refusal states its reason',
      params: IdParams, body: Decision, response: { 200: SharingRequest },
    },
  }, async (request) => sharing.decideRequest(db, policy, requireActor(request), request.params.id, request.body));

  app.post('/api/v1/sharing-requests/:id/coordination', {
    schema: {
      tags: sharingTags, security, summary: 'Record what the platform administrator agreed or asked, on an overdue request for example',
      params: IdParams, body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
      response: { 200: SharingRequest },
    },
  }, async (request) => sharing.coordinateRequest(db, policy, requireActor(request), request.params.id, request.body.note));

  app.get('/api/v1/agreements', {
    schema: {
      tags: sharingTags, security, summary: 'Sharing agreements of your department',
      querystring: Type.Object({ side: Side }, { additionalProperties: false }),
      response: { 200: Type.Array(Agreement) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    return sharing.listAgreements(db, actor, request.query.side ?? (actor.department ? 'outgoing' : 'all'));
  });

  app.get('/api/v1/agreements/:id', {
    schema: { tags: sharingTags, security, summary: 'One sharing agreement', params: IdParams, response: { 200: Agreement } },
  }, async (request) => sharing.getAgreement(db, requireActor(request), request.params.id));

  app.post('/api/v1/agreements/:id/revoke', {
    schema: {
      tags: sharingTags, security, summary: 'Revoke an agreement (reviewer or administrator of the provider), with the reason',
      params: IdParams, body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
      response: { 200: Agreement },
    },
  }, async (request) => sharing.revokeAgreement(db, requireActor(request), request.params.id, request.body.reason));

  app.post('/api/v1/agreements/:id/renew', {
    schema: {
      tags: sharingTags, security, summary: 'Extend an agreement to a later end date (reviewer or administrator of the provider)',
      params: IdParams,
      body: Type.Object({ validUntil: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, after the current end' }) }, { additionalProperties: false }),
      response: { 200: Agreement },
    },
  }, async (request) => sharing.renewAgreement(db, requireActor(request), request.params.id, request.body.validUntil));

  app.put('/api/v1/agreements/:id/rate-limit', {
    schema: {
      tags: sharingTags, security, summary: "Set the requests per minute the consumer's system may make (provider's reviewer or administrator)",
      description: "The provider's gateway enforces it from its next configuration refresh and answers 429 Server.ServerProxy.RateLimited beyond it.",
      params: IdParams,
      body: Type.Object({ ratePerMinute: Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000 }), Type.Null()]) }, { additionalProperties: false }),
      response: { 200: Agreement },
    },
  }, async (request) => sharing.setAgreementRateLimit(db, requireActor(request), request.params.id, request.body.ratePerMinute));
}
