import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { requireActor } from '../identity/request-auth.ts';
import type { HttpApp } from '../platform/http.ts';
import {
  audiences, ItemCode, ItemVersion, itemTypes, LifeEvent, LifeEventCode, LifeEventInput, ServiceGroups, ServiceItem, ServiceItemInput, ServiceItemPage, topics,
} from './schema.ts';
import * as onestop from './service.ts';
import { ratingRoutes } from './ratings.routes.ts';

const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
const CodeParams = Type.Object({ code: ItemCode });

/**
 * The service guide over /api/v1: anyone may read items and life events (the portal's guide is
 * public); a department's administrator publishes, revises and withdraws its items. Authorisation
 * is in the services.
 */
export async function onestopRoutes(app: HttpApp, hub: Hub): Promise<void> {
  const db = hub.database;
  await ratingRoutes(app, hub);
  const tags = ['service-items'];

  app.get('/api/v1/service-items', {
    schema: {
      tags, summary: 'Service items in force, found by Chinese or English words (name and keywords first) and filtered',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 200, description: 'words in the name, keywords or guide; Chinese needs no spaces' })),
        department: Type.Optional(Type.String({ maxLength: 18, description: 'USCC of the implementing department' })),
        topic: Type.Optional(Type.Enum(topics.map((t) => t.key))),
        type: Type.Optional(Type.Enum(itemTypes.map((t) => t.key))),
        audience: Type.Optional(Type.Enum(audiences)),
        lifeEvent: Type.Optional(LifeEventCode),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
      }, { additionalProperties: false }),
      response: { 200: ServiceItemPage },
    },
  }, async (request) => onestop.searchServiceItems(db, request.query));

  app.get('/api/v1/service-items/groups', {
    schema: { tags, summary: 'What to browse by: types, topics, departments and life events, with their numbers of items in force', response: { 200: ServiceGroups } },
  }, async () => onestop.serviceGroups(db));

  app.post('/api/v1/service-items', {
    schema: { tags, security, summary: 'Publish a service item (administrator of its department, or the platform administrator)', body: ServiceItemInput, response: { 201: ServiceItem } },
  }, async (request, reply) => reply.status(201).send(await onestop.createServiceItem(db, requireActor(request), request.body)));

  app.get('/api/v1/service-items/:code', {
    schema: { tags, summary: 'The current guide of an item, withdrawn or not', params: CodeParams, response: { 200: ServiceItem } },
  }, async (request) => onestop.getServiceItem(db, request.params.code));

  app.put('/api/v1/service-items/:code', {
    schema: {
      tags, security, summary: 'Publish a new version of an item; earlier versions stay readable',
      params: CodeParams, body: ServiceItemInput, response: { 200: ServiceItem },
    },
  }, async (request) => onestop.reviseServiceItem(db, requireActor(request), request.params.code, request.body));

  app.post('/api/v1/service-items/:code/withdraw', {
    schema: {
      tags, security, summary: 'Withdraw an item from the portal, saying why; its versions stay readable',
      params: CodeParams, body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
      response: { 200: ServiceItem },
    },
  }, async (request) => onestop.withdrawServiceItem(db, requireActor(request), request.params.code, request.body.reason));

  app.get('/api/v1/service-items/:code/versions', {
    schema: { tags, summary: 'The versions of an item, newest first', params: CodeParams, response: { 200: Type.Array(ItemVersion) } },
  }, async (request) => onestop.listItemVersions(db, request.params.code));

  app.get('/api/v1/service-items/:code/versions/:version', {
    schema: {
      tags, summary: 'One version of an item, as applications made under it saw it',
      params: Type.Object({ code: ItemCode, version: Type.Integer({ minimum: 1 }) }), response: { 200: ServiceItem },
    },
  }, async (request) => onestop.getServiceItem(db, request.params.code, request.params.version));

  const eventTags = ['life-events'];

  app.get('/api/v1/life-events', {
    schema: { tags: eventTags, summary: 'Life events (一件事): one application fanning out into items of several departments', response: { 200: Type.Array(LifeEvent) } },
  }, async () => onestop.listLifeEvents(db));

  app.post('/api/v1/life-events', {
    schema: { tags: eventTags, security, summary: 'Define a life event (platform administrator)', body: LifeEventInput, response: { 201: LifeEvent } },
  }, async (request, reply) => reply.status(201).send(await onestop.createLifeEvent(db, requireActor(request), request.body)));

  app.get('/api/v1/life-events/:code', {
    schema: { tags: eventTags, summary: 'One life event with its items', params: Type.Object({ code: LifeEventCode }), response: { 200: LifeEvent } },
  }, async (request) => onestop.getLifeEvent(db, request.params.code));
}
